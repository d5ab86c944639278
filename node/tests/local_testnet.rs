//! `scripts/local-testnet.sh`: three validators on loopback produce blocks with Aura and
//! finalise them with GRANDPA; stopping the script stops all three nodes.

use std::{
	process::{Command, Stdio},
	time::Duration,
};

use keyshards_test_utils::*;

/// Sends SIGTERM to `pid`.
fn terminate(pid: u32) {
	let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
}

struct Script(std::process::Child);

impl Drop for Script {
	fn drop(&mut self) {
		terminate(self.0.id());
		let _ = self.0.wait();
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn three_local_validators_finalise_blocks_and_stop_cleanly() {
	let (p2p, rpc, prometheus) = (free_port(), free_port(), free_port());
	// The script uses three consecutive ports from each base; find bases with room.
	let base = |p: u16| if p > 60_000 { p - 1_000 } else { p };
	let (p2p, rpc, prometheus) = (base(p2p), base(rpc) + 10, base(prometheus) + 20);
	let script =
		std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/local-testnet.sh");
	let child = Command::new(script)
		.env("KEYSHARDS_NODE", node_binary())
		.env("P2P_PORT", p2p.to_string())
		.env("RPC_PORT", rpc.to_string())
		.env("PROMETHEUS_PORT", prometheus.to_string())
		.stdout(Stdio::null())
		.stderr(Stdio::inherit())
		.spawn()
		.expect("the script starts");
	let mut script = Script(child);

	let nodes: Vec<Rpc> =
		(0..3).map(|i| Rpc::new(&format!("http://127.0.0.1:{}", rpc + i))).collect();
	let start = std::time::Instant::now();
	for (i, node) in nodes.iter().enumerate() {
		loop {
			if let Some(status) = script.0.try_wait().unwrap() {
				panic!("the local testnet script exited early ({status}); its output is above");
			}
			if node.finalized_number().await.is_some_and(|n| n >= 3) {
				break;
			}
			assert!(
				start.elapsed() < Duration::from_secs(240),
				"node {i} did not finalise block 3"
			);
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
	// All three agree on a finalized block.
	let hash = nodes[0].finalized_head().await.unwrap();
	let number = nodes[0].block_number(hash).await.unwrap();
	for node in &nodes[1..] {
		let theirs = wait_for(
			"the others to reach that finalized block",
			Duration::from_secs(60),
			|| async {
				let n = node.finalized_number().await?;
				(n >= number).then_some(n)
			},
		)
		.await;
		assert!(theirs >= number);
	}

	// Clean shutdown: SIGTERM the script, which stops its nodes.
	terminate(script.0.id());
	let status = script.0.wait().unwrap();
	assert_eq!(status.code(), Some(143), "the script stops its nodes and exits as SIGTERM asks");
	for node in &nodes {
		wait_for("the node to stop answering", Duration::from_secs(30), || async {
			(!node.is_up().await).then_some(())
		})
		.await;
	}
}
