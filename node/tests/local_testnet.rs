//! `scripts/local-testnet.sh`: four validators on loopback produce blocks with Aura and finalise
//! them with GRANDPA, and the 2-of-3 demo fleet's three holders run the KSG on three
//! non-validating full nodes, each with only its own pieces' roots. Keys rotate; with one
//! holder's node stopped they still rotate (the other holders of its pieces publish them after
//! the backup delay); with two stopped, no epoch completes and devices keep their current key
//! until it expires; a validator down does not stop finality, and restarted on its base path it
//! catches up and votes again (finality continues with another validator down); a holder's KSG
//! node killed and restarted on its base path keeps publishing without a conflict; stopping the
//! script stops every node.

use std::{
	process::Command,
	time::{Duration, Instant},
};

use keyshards_primitives::{dev, v2::EpochState, QueryError};
use keyshards_test_utils::{demo, *};
use pallet_key_shards::DeviceStatus;

/// Sends `signal` to `pid`.
fn signal(pid: u32, signal: &str) {
	let _ = Command::new("kill").args([signal, &pid.to_string()]).status();
}

/// Waits until every demo device has an active epoch of at least `epoch` (each bundle
/// reconstructed with the demo roots' device keys); returns the epochs.
async fn rotated_to(
	rpc: &Rpc,
	script: &mut LocalTestnet,
	epoch: u32,
	timeout: Duration,
) -> Vec<u32> {
	let start = Instant::now();
	loop {
		if let Some(status) = script.child.try_wait().unwrap() {
			panic!("the local testnet script exited early ({status}); its output is above");
		}
		if let Some(epochs) = demo::active_epochs(rpc).await {
			if epochs.iter().all(|e| e.is_some_and(|e| e >= epoch)) {
				return epochs.into_iter().map(Option::unwrap).collect();
			}
		}
		assert!(
			start.elapsed() < timeout,
			"demo devices did not reach epoch {epoch} in {timeout:?}; holder logs:\n{}\n{}\n{}",
			script.log("holder0").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
			script.log("holder1").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
			script.log("holder2").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
		);
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_and_three_holders_keep_keys_rotating_with_one_holder_down() {
	let mut script = LocalTestnet::start(4);
	// Alice's node, and the validators' RPCs.
	let nodes: Vec<Rpc> = (0..4).map(|i| Rpc::new(&script.validator_url(i))).collect();
	let alice = &nodes[0];
	wait_for("the validators to finalise block 3", Duration::from_secs(240), || async {
		for node in &nodes {
			node.finalized_number().await.filter(|n| *n >= 3)?;
		}
		Some(())
	})
	.await;

	// All three holders up: every demo device gets keys, each piece from its primary holder.
	let first = rotated_to(alice, &mut script, 0, Duration::from_secs(240)).await;
	for (j, pieces) in [(0, "0/1, 0/2"), (1, "0/0, 0/2"), (2, "0/0, 0/1")] {
		let log = script.log(&format!("holder{j}"));
		assert!(log.contains(&format!("KSG serves fleet/piece {pieces}")), "holder {j}:\n{log}");
		for root in dev::DEV_PIECE_ROOTS {
			assert!(!log.to_lowercase().contains(&hex::encode(root)), "a root in holder {j}'s log");
		}
	}

	// Holder 0 (the primary of pieces 1 and 2) goes down: the pieces' other holders publish
	// them after the backup delay, and keys keep rotating.
	script.kill("holder0");
	let target = first.iter().max().unwrap() + 2;
	let after_one = rotated_to(alice, &mut script, target, Duration::from_secs(300)).await;

	// A validator goes down too: 3 of 4 still finalise.
	script.kill("dave");
	let finalized = alice.finalized_number().await.unwrap();
	wait_for("finality with one validator down", Duration::from_secs(120), || async {
		alice.finalized_number().await.filter(|n| *n >= finalized + 3)
	})
	.await;

	// It restarts on its base path (ParityDB reopens), catches up, and votes again: with
	// another validator (Charlie) down, finality needs Dave's vote, and continues.
	script.restart("dave");
	let dave = &nodes[3];
	wait_for("Dave to catch up", Duration::from_secs(120), || async {
		let target = alice.finalized_number().await?;
		dave.finalized_number().await.filter(|n| *n >= target)
	})
	.await;
	script.kill("charlie");
	let finalized = alice.finalized_number().await.unwrap();
	wait_for("finality with Dave back and Charlie down", Duration::from_secs(120), || async {
		alice.finalized_number().await.filter(|n| *n >= finalized + 3)
	})
	.await;

	// Holder 0's KSG node, killed in its rounds above, restarts on its base path: its
	// bookkeeping (nonces, in-flight notes) recovers, keys keep rotating, and nothing it
	// publishes again is a conflict.
	script.restart("holder0");
	let target = after_one.iter().max().unwrap() + 2;
	let after_restart = rotated_to(alice, &mut script, target, Duration::from_secs(300)).await;
	let head = alice.finalized_head().await.unwrap();
	for (device, highest) in demo::devices().iter().zip(&after_restart) {
		for epoch in 0..=*highest {
			let conflict: Option<pallet_key_shards::Conflict<[u8; 32], u32>> = alice
				.state_call("KeyShardsApi_conflict", (dev::DEMO_FLEET_ID, device, epoch), head)
				.await;
			assert!(conflict.is_none(), "{device:?} epoch {epoch}: a conflict after the restart");
		}
	}
	script.kill("holder0");

	// Holder 1 goes down as well: only holder 2 is left, which lacks piece 2 (T_2 = {2}). No
	// epoch completes; each device keeps its current key until its window ends, and then has
	// none.
	script.kill("holder1");
	let devices = demo::devices();
	// At most the epoch already pending or in flight may still go live.
	let stop_at = after_restart.iter().max().unwrap() + 1;
	let start = Instant::now();
	let mut saw_incomplete = false;
	loop {
		assert!(start.elapsed() < Duration::from_secs(420), "keys did not run out");
		let head = alice.finalized_head().await.unwrap();
		let mut active = 0;
		for device in &devices {
			let bundle: Result<demo::Bundle, QueryError> = alice
				.state_call("KeyShardsApi_active_bundle", (dev::DEMO_FLEET_ID, device), head)
				.await;
			match bundle {
				Ok(bundle) => {
					assert!(bundle.map.epoch <= stop_at, "a key went live without piece 2");
					active += 1;
				}
				Err(QueryError::NoActiveKey) => {}
				Err(error) => panic!("{device:?}: {error:?}"),
			}
			let status: Result<DeviceStatus<u32>, QueryError> = alice
				.state_call("KeyShardsApi_device_status", (dev::DEMO_FLEET_ID, device), head)
				.await;
			if status.unwrap().open.is_some_and(|open| open.state == EpochState::Incomplete) {
				saw_incomplete = true;
			}
		}
		// Every device kept its key until its window ended, and then had none.
		if active == 0 && saw_incomplete {
			break;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}

	// Clean shutdown: SIGTERM the script, which stops its nodes.
	signal(script.child.id(), "-TERM");
	let status = script.child.wait().unwrap();
	assert_eq!(status.code(), Some(143), "the script stops its nodes and exits as SIGTERM asks");
	for node in &nodes[..3] {
		wait_for("the node to stop answering", Duration::from_secs(30), || async {
			(!node.is_up().await).then_some(())
		})
		.await;
	}
}
