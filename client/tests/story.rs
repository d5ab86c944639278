//! The new user's story, end to end, on a fresh dev node: polkadot.js creates a 2-of-3 fleet
//! (its three holders acting through the dev node's holder keys, its publication keys from the
//! three piece roots) and registers devices → the node's KSG publishes every piece → two holders
//! export their pieces' device keys and a station assembles the device's key file →
//! `keyshard-device` reconstructs and signs with `--submit` → polkadot.js reads the chain's use
//! record and verifies the Ed25519 signature itself (`@polkadot/util-crypto`) → after a rotation
//! the device has a new key and the old one is invalidated, then pruned. Also the operator
//! scripts' clear errors.

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
	time::{Duration, Instant},
};

use keyshards_primitives::{v2::EpochState, DeviceId, QueryError};
use keyshards_test_utils::{demo::Bundle, wait_for, Node};
use sp_keyring::Sr25519Keyring;

fn ops(script: &str, args: &[&str]) -> Output {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/ops");
	Command::new("node").arg(dir.join(script)).args(args).output().expect("node (JavaScript) runs")
}

fn device(args: &[&str]) -> Output {
	Command::new(keyshards_test_utils::workspace_binary("keyshard-device"))
		.args(args)
		.output()
		.unwrap()
}

fn text(out: &Output) -> String {
	format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn ok(what: &str, out: Output) -> String {
	assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out));
	String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(what: &str, out: Output, says: &str) {
	assert_ne!(out.status.code(), Some(0), "{what} should fail: {}", text(&out));
	assert!(text(&out).contains(says), "{what}: expected \"{says}\" in: {}", text(&out));
}

fn private_file(path: &Path, content: &str) -> String {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
	path.display().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_users_fleet_signs_with_rotating_one_time_keys_driven_from_polkadot_js() {
	let dir = tempfile::tempdir().unwrap();
	let path = |name: &str| -> PathBuf { dir.path().join(name) };
	// The fleet's three piece roots, handed to the KSG node (fleet 1: the first after the
	// demo). In production each holder's node holds only its own pieces' roots.
	let roots: Vec<String> = (0..3u8)
		.map(|k| {
			private_file(
				&path(&format!("piece-{k}.key")),
				&format!("{}\n", hex::encode([0x3c + k; 32])),
			)
		})
		.collect();
	let ksg_keys: Vec<String> =
		roots.iter().enumerate().map(|(k, r)| format!("1/{k}={r}")).collect();
	let mut args = Vec::new();
	for key in &ksg_keys {
		args.extend(["--ksg-key", key.as_str()]);
	}
	let node = Node::dev_with("story", &args);
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;
	let ws = format!("ws://127.0.0.1:{}", node.rpc_port);
	let http = node.url();
	// The holders act through the dev node's holder keys (its keystore has them).
	let holders: Vec<String> = [Sr25519Keyring::Ferdie, Sr25519Keyring::Eve, Sr25519Keyring::Dave]
		.iter()
		.map(|k| k.to_account_id().to_string())
		.collect();

	// polkadot.js: create the fleet, register devices from a CSV (twice: the second resumes and
	// registers nothing twice).
	let mut create = vec!["--ws", ws.as_str(), "--threshold", "2"];
	for holder in &holders {
		create.extend(["--holder", holder.as_str()]);
	}
	for root in &roots {
		create.extend(["--piece-root-file", root.as_str()]);
	}
	create.extend([
		"--rotation-period",
		"20",
		"--grace-period",
		"10",
		"--lead-time",
		"5",
		"--json",
	]);
	let created = ok("create-fleet", ops("create-fleet.mjs", &create));
	let fleet: serde_json::Value = serde_json::from_str(created.trim()).unwrap();
	assert_eq!(fleet["fleet"], 1);
	let csv = path("devices.csv");
	std::fs::write(&csv, "device\nstory-device-1\nstory-device-2\nstory-device-3\n").unwrap();
	let csv = csv.display().to_string();
	ok(
		"register-devices",
		ops("register-devices.mjs", &["--ws", &ws, "--fleet", "1", "--csv", &csv]),
	);
	let again = ops("register-devices.mjs", &["--ws", &ws, "--fleet", "1", "--csv", &csv]);
	assert!(text(&again).contains("3 of 3 devices already registered"), "{}", text(&again));

	// Clear errors.
	fails(
		"status of an unknown fleet",
		ops("status.mjs", &["--ws", &ws, "--fleet", "99"]),
		"unknown fleet 99",
	);
	fails(
		"register as a non-owner",
		ops(
			"register-devices.mjs",
			&["--ws", &ws, "--fleet", "1", "--csv", &csv, "--suri", "//Bob"],
		),
		"is not the owner of fleet 1",
	);
	let bad_csv = path("bad.csv");
	std::fs::write(&bad_csv, format!("ok-device\n{}\n", "x".repeat(65))).unwrap();
	fails(
		"a malformed CSV line",
		ops(
			"register-devices.mjs",
			&["--ws", &ws, "--fleet", "1", "--csv", bad_csv.to_str().unwrap()],
		),
		"line 2",
	);
	let key_0 = format!("0x{}", hex::encode([1u8; 32]));
	fails(
		"a fleet with too few publication keys",
		ops(
			"create-fleet.mjs",
			&[
				"--ws",
				&ws,
				"--threshold",
				"2",
				"--holder",
				&holders[0],
				"--holder",
				&holders[1],
				"--holder",
				&holders[2],
				"--publication-key",
				&key_0,
			],
		),
		"3",
	);
	fails(
		"a fleet reusing recorded publication keys",
		ops("create-fleet.mjs", &{
			let mut again = create.clone();
			again.retain(|a| *a != "--json");
			again
		}),
		"already recorded",
	);

	// The KSG publishes every piece of every device's first epoch by itself.
	wait_for("the KSG's first epochs", Duration::from_secs(90), || async {
		let out = ops("status.mjs", &["--ws", &ws, "--fleet", "1", "--json"]);
		let status: serde_json::Value =
			serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).ok()?;
		let devices = status["devices"].as_array()?;
		(devices.len() == 3 && devices.iter().all(|d| !d["current"].is_null())).then_some(())
	})
	.await;

	// The device: holders 0 (pieces 1, 2) and 1 (pieces 0, 2) export its piece keys; a station
	// assembles its key file; it reconstructs, signs and records the use.
	let name = "story-device-1";
	let export = |file: &str, pieces: &[usize]| {
		let out_path = path(file).display().to_string();
		let roots: Vec<String> = pieces.iter().map(|k| format!("{k}={}", roots[*k])).collect();
		let mut args =
			vec!["--rpc", http.as_str(), "export", "--fleet", "1", "--device", name, "--out"];
		args.push(&out_path);
		for root in &roots {
			args.extend(["--root", root.as_str()]);
		}
		ok("export", device(&args));
		out_path
	};
	let holder_0 = export("holder-0.json", &[1, 2]);
	let holder_1 = export("holder-1.json", &[0, 2]);
	let keys = path("device-1.keys.json").display().to_string();
	ok(
		"assemble",
		device(&[
			"assemble", "--export", &holder_0, "--export", &holder_1, "--device", name, "--out",
			&keys,
		]),
	);
	let payload = path("firmware.bin");
	std::fs::write(&payload, b"firmware 2.0 for story-device-1").unwrap();
	let payload = payload.display().to_string();
	let record = path("signature.json").display().to_string();
	// The device's trust anchor, provisioned from the node this story trusts.
	let anchor = path("anchor.json").display().to_string();
	ok("provision", device(&["--rpc", &http, "provision", "--out", &anchor]));
	let dev = [
		"--rpc",
		http.as_str(),
		"--anchor",
		anchor.as_str(),
		"--fleet",
		"1",
		"--device",
		name,
		"--keys",
		keys.as_str(),
	];
	let mut sign: Vec<&str> = vec!["sign"];
	sign.extend(&dev);
	sign.extend([payload.as_str(), "--out", record.as_str(), "--submit"]);
	ok("sign --submit", device(&sign));
	let signed: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
	let epoch = signed["epoch"].as_u64().unwrap() as u32;

	// polkadot.js reads the use record and verifies the Ed25519 signature itself.
	let epoch_text = epoch.to_string();
	let verify_use = |extra: &[&str]| {
		let mut args = vec!["--ws", &ws, "--fleet", "1", "--device", name, "--epoch", &epoch_text];
		args.extend_from_slice(extra);
		ops("verify-use.mjs", &args)
	};
	let verified = ok("verify-use", verify_use(&["--payload", &payload, "--json"]));
	let verified: serde_json::Value = serde_json::from_str(verified.trim()).unwrap();
	assert_eq!(
		(verified["valid"].as_bool(), verified["publicKey"].as_str()),
		(Some(true), signed["public_key"].as_str())
	);
	let other = path("other.bin");
	std::fs::write(&other, b"not what was signed").unwrap();
	fails(
		"verify-use with another payload",
		verify_use(&["--payload", other.to_str().unwrap()]),
		"different payload",
	);

	// After the rotation: a new key; the old one invalidated, then pruned.
	let id = DeviceId::new(name.as_bytes()).unwrap();
	let start = Instant::now();
	let (mut rotated, mut invalidated) = (false, false);
	loop {
		assert!(
			start.elapsed() < Duration::from_secs(120),
			"rotated {rotated}, invalidated {invalidated}"
		);
		tokio::time::sleep(Duration::from_millis(300)).await;
		if !rotated {
			let mut key = vec!["--json", "key"];
			key.extend(&dev);
			let out = device(&key);
			if out.status.code() == Some(0) {
				let now: serde_json::Value =
					serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
				if now["epoch"].as_u64().unwrap() as u32 > epoch {
					assert_ne!(now["public_key"], signed["public_key"]);
					rotated = true;
				}
			}
		}
		let head = rpc.finalized_head().await.unwrap();
		let old: Result<Bundle, QueryError> =
			rpc.state_call("KeyShardsApi_bundle", (1u32, &id, epoch), head).await;
		match old {
			Ok(bundle) if bundle.map.state == EpochState::Invalidated => invalidated = true,
			Ok(_) => {}
			Err(QueryError::UnknownEpoch) if rotated && invalidated => break,
			Err(error) => {
				panic!("epoch {epoch}: {error:?} (rotated {rotated}, invalidated {invalidated})")
			}
		}
	}
	fails("verify-use of a pruned epoch", verify_use(&[]), "pruned");

	// The operator revokes another device's key; the audit log shows it.
	let audit = Command::new("node")
		.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/ops/audit-log.mjs"))
		.args(["--ws", &ws, "--fleet", "1", "--blocks", "16", "--json"])
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.spawn()
		.unwrap();
	tokio::time::sleep(Duration::from_secs(2)).await;
	// The current key may expire (10-block windows) between reading it and revoking it: the
	// chain then says it is invalidated already, and the next current key is revoked instead.
	let mut attempts = 0;
	loop {
		let status = ok(
			"status",
			ops(
				"status.mjs",
				&["--ws", &ws, "--fleet", "1", "--device", "story-device-2", "--json"],
			),
		);
		let status: serde_json::Value = serde_json::from_str(status.trim()).unwrap();
		let current = status["devices"][0]["current"]["epoch"].as_u64().unwrap().to_string();
		let args = ["--ws", &ws, "--fleet", "1", "--device", "story-device-2", "--epoch", &current];
		let out = ops("invalidate.mjs", &args);
		attempts += 1;
		if out.status.code() != Some(0) && text(&out).contains("AlreadyInvalidated") && attempts < 5
		{
			continue;
		}
		ok("invalidate", out);
		break;
	}
	let log = ok("audit-log", audit.wait_with_output().unwrap());
	assert!(
		log.lines().any(|l| l.contains("\"EpochInvalidated\"") && l.contains("story-device-2")),
		"{log}"
	);
	drop(node);
}
