//! Sealed KSG piece roots on the real node: roots in memory (the dev chain's demo roots) and
//! roots inside a SoftHSM2 token each keep the 2-of-3 demo fleet rotating, and afterwards the
//! roots' bytes are nowhere under the node's base path, in its log, or in its off-chain storage
//! as RPC shows it. Bad roots are named at start while the node's other fleets rotate; a token
//! that fails while the node runs stops that fleet's publications (nothing is published without
//! its key) and is named once; a node killed with KSG publications in its pool keeps rotating
//! after a restart; a node given `--ksg-key` answers safe RPC methods only.

use std::time::{Duration, Instant};

use keyshards_primitives::dev;
use keyshards_test_utils::{
	demo::{active_epochs, devices as demo_devices, rotated_to},
	*,
};

async fn up(node: &Node) {
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;
}

/// The off-chain storage keys the KSG writes for the demo fleet, and the ones older nodes kept
/// the root under. (A device's note is under its own key only while it has work open: most of
/// the time the demo devices have none.)
fn ksg_storage_keys() -> Vec<Vec<u8>> {
	use pallet_key_shards::ksg::{
		legacy, storage_key, LAST_RUN_KEY, LOCK_KEY, NODE_START_KEY, START_SEEN_KEY, WAITING_KEY,
	};
	let mut keys = vec![
		LOCK_KEY.to_vec(),
		WAITING_KEY.to_vec(),
		LAST_RUN_KEY.to_vec(),
		NODE_START_KEY.to_vec(),
		START_SEEN_KEY.to_vec(),
		legacy::SERVED_FLEETS_KEY.to_vec(),
		legacy::root_key_storage_key(dev::DEMO_FLEET_ID),
		storage_key(b"cursor", &dev::DEMO_FLEET_ID),
		storage_key(b"due-cursor", &dev::DEMO_FLEET_ID),
		storage_key(b"watched", &dev::DEMO_FLEET_ID),
	];
	// The demo pieces' primary holders submit: Ferdie (holder 0: pieces 1, 2), Eve (piece 0).
	for holder in [sp_keyring::Sr25519Keyring::Ferdie, sp_keyring::Sr25519Keyring::Eve] {
		let account: keyshards_runtime::AccountId = holder.to_account_id();
		keys.push(storage_key(b"nonce", &account));
	}
	for device in demo_devices() {
		keys.push(storage_key(b"device", &(dev::DEMO_FLEET_ID, &device)));
	}
	keys
}

/// What must never show: the root's bytes, and its hexadecimal forms.
fn secret_forms(root: &[u8; 32]) -> Vec<Vec<u8>> {
	vec![root.to_vec(), hex::encode(root).into_bytes(), hex::encode_upper(root).into_bytes()]
}

fn assert_nowhere(node: &Node, base_path: &std::path::Path, roots: &[[u8; 32]]) {
	let log = node.log_text();
	for form in roots.iter().flat_map(secret_forms) {
		let found = files_containing(base_path, &form);
		assert!(found.is_empty(), "the root is in {found:?}");
		assert!(!log.as_bytes().windows(form.len()).any(|w| w == form), "the root is in the log");
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_root_in_memory_and_a_root_in_softhsm_rotate_keys_and_leave_no_trace() {
	let roots = dev::DEV_PIECE_ROOTS;
	let hsm = SoftHsm::new("keyshards", "5678");
	for (k, root) in roots.iter().enumerate() {
		hsm.import(&format!("demo-{k}"), root);
	}

	let memory_base = tempfile::tempdir().unwrap();
	let token_base = tempfile::tempdir().unwrap();
	let memory_path = memory_base.path().display().to_string();
	let token_path = token_base.path().display().to_string();
	let uris: Vec<String> =
		(0..3).map(|k| format!("0/{k}={}", hsm.uri(&format!("demo-{k}")))).collect();
	let conf = hsm.conf();
	// A dev chain allows unsafe RPC methods, so off-chain storage can be read over RPC.
	let mut memory = Node::dev_env(
		"sealed-memory",
		&["--base-path", &memory_path, "--rpc-methods", "unsafe"],
		&[],
	);
	let mut token = Node::dev_env(
		"sealed-token",
		&[
			"--base-path",
			&token_path,
			"--rpc-methods",
			"unsafe",
			"--ksg-allow-unsafe-rpc",
			"--ksg-key",
			&uris[0],
			"--ksg-key",
			&uris[1],
			"--ksg-key",
			&uris[2],
		],
		&[("SOFTHSM2_CONF", &conf)],
	);
	up(&memory).await;
	up(&token).await;
	rotated_to(&memory, 2, Duration::from_secs(240)).await;
	rotated_to(&token, 2, Duration::from_secs(240)).await;
	assert!(token.log_text().contains("KSG serves fleet/piece 0/0, 0/1, 0/2"));

	// Over RPC, the KSG's off-chain storage holds bookkeeping only.
	for node in [&memory, &token] {
		let rpc = node.rpc();
		let mut present = 0;
		for key in ksg_storage_keys() {
			let key = format!("0x{}", hex::encode(&key));
			let value = rpc
				.request("offchain_localStorageGet", vec!["PERSISTENT".into(), key.into()])
				.await
				.expect("a dev chain serves unsafe RPC methods");
			if let Some(value) = value.as_str() {
				present += 1;
				let bytes = hex::decode(value.trim_start_matches("0x")).unwrap();
				for form in roots.iter().flat_map(secret_forms) {
					assert!(!bytes.windows(form.len()).any(|w| w == form));
				}
			}
		}
		assert!(present >= 3, "the KSG's notes are there (and were checked): {present}");
	}

	// Stopped, every file under the base paths and every log line is free of the root.
	memory.kill();
	token.kill();
	assert_nowhere(&memory, memory_base.path(), &roots);
	assert_nowhere(&token, token_base.path(), &roots);
	// The scan does find what is there: the demo devices' ids are in the database.
	assert!(!files_containing(memory_base.path(), b"demo-sensor-01").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_roots_are_named_at_start_and_the_other_fleets_keep_rotating() {
	let dir = tempfile::tempdir().unwrap();
	let file = |name: &str, content: &str, mode: u32| {
		let path = dir.path().join(name);
		file_with_mode(&path, content, mode);
		path.display().to_string()
	};
	let demo: Vec<String> = (0..3)
		.map(|k| file(&format!("demo-{k}.key"), &hex::encode(dev::DEV_PIECE_ROOTS[k]), 0o600))
		.collect();
	let loose = file("loose.key", &"11".repeat(32), 0o644);
	let short = file("short.key", &"22".repeat(31), 0o600);
	let hsm = SoftHsm::new("keyshards", "5678");
	hsm.import("fleet-3", &[3; 32]);
	let wrong_pin = SoftHsm::new("other", "5678");
	wrong_pin.import("fleet-4", &[4; 32]);
	wrong_pin.set_pin_file("0000");
	// Two tokens, two configurations: SoftHSM2 reads one; put both tokens in one folder.
	for entry in std::fs::read_dir(wrong_pin.token_dir()).unwrap() {
		let entry = entry.unwrap();
		std::fs::rename(entry.path(), hsm.token_dir().join(entry.file_name())).unwrap();
	}
	let args = [
		format!("0/0={}", demo[0]),
		format!("0/1={}", demo[1]),
		format!("0/2={}", demo[2]),
		format!("1/0={loose}"),
		format!("2/0={short}"),
		format!("3/0={}", hsm.uri("no-such-object")),
		format!("4/0={}", wrong_pin.uri("fleet-4")),
		format!("5/0={}", hsm.uri("fleet-3")).replace("token=keyshards", "token=absent"),
	];
	let mut cli = vec!["--tmp"];
	for arg in &args {
		cli.extend(["--ksg-key", arg.as_str()]);
	}
	let conf = hsm.conf();
	let node = Node::dev_env("bad-roots", &cli, &[("SOFTHSM2_CONF", &conf)]);
	up(&node).await;
	rotated_to(&node, 1, Duration::from_secs(240)).await;

	let log = node.log_text();
	for (fleet, says) in [
		(1, "chmod 600"),
		(2, "64 hexadecimal digits"),
		(3, "object `no-such-object`: no secret key object with this label"),
		(4, "refused the PIN (C_Login: PinIncorrect)"),
		(5, "token `absent`: no slot holds a token with this label"),
	] {
		let line = log
			.lines()
			.find(|line| {
				line.contains(&format!("fleet {fleet} piece")) && line.contains("NOT served")
			})
			.unwrap_or_else(|| panic!("no error line for fleet {fleet}:\n{log}"));
		assert!(line.contains(says), "fleet {fleet}: {line}");
		assert!(!line.contains("0000") && !line.contains("5678"), "a PIN in the log: {line}");
	}
	assert!(log.contains("KSG serves fleet/piece 0/0, 0/1, 0/2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_fails_while_the_node_runs_stops_its_fleet_and_says_why() {
	let hsm = SoftHsm::new("keyshards", "5678");
	for (k, root) in dev::DEV_PIECE_ROOTS.iter().enumerate() {
		hsm.import(&format!("demo-{k}"), root);
	}
	let uris: Vec<String> =
		(0..3).map(|k| format!("0/{k}={}", hsm.uri(&format!("demo-{k}")))).collect();
	let conf = hsm.conf();
	let base = tempfile::tempdir().unwrap();
	let path = base.path().display().to_string();
	let mut args = vec!["--base-path", path.as_str()];
	for uri in &uris {
		args.extend(["--ksg-key", uri.as_str()]);
	}
	let mut node = Node::dev_env("token-fails", &args, &[("SOFTHSM2_CONF", &conf)]);
	up(&node).await;
	let before = rotated_to(&node, 1, Duration::from_secs(240)).await;

	// The token goes away (as if unplugged): its folder disappears under the running node.
	let gone = hsm.dir.path().join("tokens.gone");
	std::fs::rename(hsm.token_dir(), &gone).unwrap();
	let rpc = node.rpc();
	let gone_at = rpc.finalized_number().await.unwrap();
	let start = Instant::now();
	let mut highest = before.clone();
	// Three rotation periods (10 blocks each) and the lead time, counted in finalized blocks.
	let until = gone_at + 35;
	while rpc.finalized_number().await.is_none_or(|n| n < until) {
		assert!(start.elapsed() < Duration::from_secs(180), "the chain stalled");
		if let Some(epochs) = active_epochs(&rpc).await {
			for (high, epoch) in highest.iter_mut().zip(epochs) {
				*high = (*high).max(epoch.unwrap_or(0));
			}
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	let log = node.log_text();
	// SoftHSM2 fails at C_SignInit, other tokens at C_Sign.
	let named = "KSG: fleet 0 piece 0: PKCS#11 token `keyshards`, object `demo-0`: C_Sign";
	assert!(
		log.contains(named),
		"the failure names the token and the object:\n{}",
		node.log_tail()
	);
	// Said once per cause, not at every block.
	let errors = log.lines().filter(|line| line.contains("KSG: fleet 0 piece 0: PKCS#11")).count();
	assert!(errors <= 4, "{errors} error lines for piece 0 in 35 blocks");
	// Over three rotation periods: with the token gone, at most the epochs already pending or
	// in flight went live (and, being incomplete, the next ones time out), nothing after.
	for (high, first) in highest.iter().zip(&before) {
		assert!(*high <= first + 2, "published without the token: {before:?} -> {highest:?}");
	}
	assert!(rpc.is_up().await, "the node runs on");

	// The token is back. SoftHSM2 does not see a token folder again once it went away while
	// loaded (a hardware token put back in its slot is reopened by the running node), so the
	// node restarts on its base path and the fleet rotates again.
	node.kill();
	std::fs::rename(&gone, hsm.token_dir()).unwrap();
	let node = Node::dev_env("token-back", &args, &[("SOFTHSM2_CONF", &conf)]);
	up(&node).await;
	let target = highest.iter().max().unwrap() + 2;
	rotated_to(&node, target, Duration::from_secs(120)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ksg_node_killed_with_transactions_in_its_pool_keeps_rotating_after_a_restart() {
	let base = tempfile::tempdir().unwrap();
	let path = base.path().display().to_string();
	let mut node = Node::dev_env("restart-1", &["--base-path", &path], &[]);
	up(&node).await;
	let before = rotated_to(&node, 1, Duration::from_secs(240)).await;
	// Kill the node (no clean shutdown) while its KSG's next publication is in the pool, so the
	// pool's transactions are lost and the node's nonce note runs ahead of the chain.
	let rpc = node.rpc();
	wait_for("a KSG publication in the pool", Duration::from_secs(120), || async {
		let pending = rpc.request("author_pendingExtrinsics", vec![]).await.ok()?;
		(!pending.as_array()?.is_empty()).then_some(())
	})
	.await;
	node.kill();
	let node = Node::dev_env("restart-2", &["--base-path", &path], &[]);
	up(&node).await;
	let target = before.iter().max().unwrap() + 3;
	rotated_to(&node, target, Duration::from_secs(180)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ksg_node_off_a_development_chain_answers_safe_rpc_methods_only() {
	let dir = tempfile::tempdir().unwrap();
	let key = dir.path().join("fleet.key");
	private_file(&key, &hex::encode([9u8; 32]));
	let root = format!("0/0={}", key.display());
	let local = ["--chain", "local", "--tmp", "--ksg-key", &root];

	// The default (`auto`) becomes `safe`, even on loopback.
	let node = Node::spawn("ksg-rpc-auto", &local, &[]);
	up(&node).await;
	let refused = node
		.rpc()
		.request("offchain_localStorageGet", vec!["PERSISTENT".into(), "0x00".into()])
		.await
		.unwrap_err();
	assert!(refused.contains("unsafe"), "{refused}");
	drop(node);

	// `unsafe` is refused with a reason, unless the operator says it knows.
	let mut args = local.to_vec();
	args.extend(["--rpc-methods", "unsafe"]);
	let mut node = Node::spawn("ksg-rpc-unsafe", &args, &[]);
	let status = node.wait_exit(Duration::from_secs(120)).expect("the node refuses to start");
	assert!(!status.success());
	assert!(node.log_text().contains("--ksg-allow-unsafe-rpc"), "{}", node.log_tail());

	args.push("--ksg-allow-unsafe-rpc");
	let node = Node::spawn("ksg-rpc-allowed", &args, &[]);
	up(&node).await;
	let answer = node
		.rpc()
		.request("offchain_localStorageGet", vec!["PERSISTENT".into(), "0x00".into()])
		.await;
	assert!(answer.is_ok(), "{answer:?}");
}
