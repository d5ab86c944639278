//! What the client's live tests share: the demo device provisioned against a node (trust
//! anchor, holders' exports, the station's assembly), running `keyshard-device`, and reading its
//! output.
#![allow(dead_code)]

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
	time::{Duration, Instant},
};

use keyshards_primitives::{
	dev,
	v2::{curve, Context, DeviceEpoch, PieceRoot},
	DeviceId,
};
use keyshards_test_utils::wait_for;

#[path = "../../src/bin/keyshard-device/exit_code.rs"]
pub mod exit_code;

pub const DEVICE: &str = "demo-sensor-01";

pub fn binary() -> PathBuf {
	keyshards_test_utils::workspace_binary("keyshard-device")
}

/// A provisioned demo device in a temporary directory.
pub struct Device {
	pub _dir: tempfile::TempDir,
	pub dir: PathBuf,
	pub keys: PathBuf,
	pub anchor: PathBuf,
}

pub fn write_private(path: &Path, content: &str) {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

impl Device {
	/// Provisioning without a station that holds roots: holders 0 and 1 each export their
	/// pieces' device keys from the demo fleet's (publicly known) piece roots, and the station
	/// assembles the device's key file from the two exports.
	pub fn provision(rpc: &str) -> Device {
		let dir = tempfile::tempdir().unwrap();
		// The trust anchor, from the node this test trusts.
		let anchor = dir.path().join("anchor.json");
		let start = Instant::now();
		loop {
			let out =
				run(&["--rpc", rpc, "--json", "provision", "--out", anchor.to_str().unwrap()]);
			if out.status.code() == Some(0) {
				break;
			}
			// A new chain proves finality once its block 1 is final.
			assert_eq!(
				out.status.code(),
				Some(exit_code::RPC_UNAVAILABLE as i32),
				"{}",
				stderr(&out)
			);
			assert!(start.elapsed() < Duration::from_secs(60), "provision: {}", stderr(&out));
			std::thread::sleep(Duration::from_millis(500));
		}
		let written: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(&anchor).unwrap()).unwrap();
		assert_eq!(written["set_id"], 1, "the genesis set change, enacted in block 1");
		let again = run(&["--rpc", rpc, "provision", "--out", anchor.to_str().unwrap()]);
		assert_eq!(again.status.code(), Some(exit_code::LOCAL_FILE as i32), "never overwritten");
		let roots: Vec<String> = (0..3)
			.map(|k| {
				let path = dir.path().join(format!("piece-{k}.key"));
				write_private(&path, &hex::encode(dev::DEV_PIECE_ROOTS[k]));
				path.display().to_string()
			})
			.collect();
		let export = |name: &str, pieces: &[usize]| {
			let out_path = dir.path().join(name);
			let mut args = vec![
				"--rpc".to_string(),
				rpc.to_string(),
				"export".into(),
				"--fleet".into(),
				"0".into(),
			];
			for k in pieces {
				args.extend(["--root".into(), format!("{k}={}", roots[*k])]);
			}
			args.extend([
				"--device".into(),
				format!("{DEVICE},demo-ecu-01"),
				"--out".into(),
				out_path.display().to_string(),
			]);
			let args: Vec<&str> = args.iter().map(String::as_str).collect();
			(run(&args), out_path)
		};
		// A root that is not the fleet's for the piece named is refused; nothing is written.
		let (out, wrong) = export("wrong.json", &[]);
		assert_eq!(out.status.code(), Some(exit_code::USAGE as i32), "no --root: {}", stderr(&out));
		let swapped = format!("1={}", roots[2]);
		let out = run(&[
			"--rpc",
			rpc,
			"export",
			"--fleet",
			"0",
			"--root",
			&swapped,
			"--device",
			DEVICE,
			"--out",
			wrong.to_str().unwrap(),
		]);
		assert_eq!(out.status.code(), Some(exit_code::LOCAL_FILE as i32), "{}", stderr(&out));
		assert!(
			stderr(&out).contains("does not derive the fleet's publication key W_1"),
			"{}",
			stderr(&out)
		);
		assert!(!wrong.exists());

		let (out, holder_0) = export("holder-0.json", &[1, 2]);
		assert_eq!(out.status.code(), Some(0), "export: {}", stderr(&out));
		let (out, holder_1) = export("holder-1.json", &[0, 2]);
		assert_eq!(out.status.code(), Some(0), "export: {}", stderr(&out));

		let keys = dir.path().join("device.keys.json");
		let assemble = |exports: &[&Path]| {
			let mut args = vec![
				"assemble".to_string(),
				"--device".into(),
				DEVICE.into(),
				"--registration".into(),
				"0".into(),
				"--out".into(),
				keys.display().to_string(),
			];
			for export in exports {
				args.extend(["--export".into(), export.display().to_string()]);
			}
			let args: Vec<&str> = args.iter().map(String::as_str).collect();
			run(&args)
		};
		// One holder's export lacks a piece.
		let out = assemble(&[&holder_0]);
		assert_eq!(out.status.code(), Some(exit_code::LOCAL_FILE as i32));
		assert!(stderr(&out).contains("no export has pieces [0]"), "{}", stderr(&out));
		let out = assemble(&[&holder_0, &holder_1]);
		assert_eq!(out.status.code(), Some(0), "assemble: {}", stderr(&out));
		let mode = std::os::unix::fs::PermissionsExt::mode(
			&std::fs::metadata(&keys).unwrap().permissions(),
		);
		assert_eq!(mode & 0o777, 0o600);
		// Never overwritten.
		let again = assemble(&[&holder_0, &holder_1]);
		assert_eq!(again.status.code(), Some(exit_code::LOCAL_FILE as i32));
		assert!(stderr(&again).contains("refusing to overwrite"));
		Device { dir: dir.path().to_path_buf(), _dir: dir, keys, anchor }
	}

	pub fn args(&self, command: &str, rpcs: &[String]) -> Vec<String> {
		let mut args = vec!["--json".to_string(), command.to_string()];
		for rpc in rpcs {
			args.extend(["--rpc".to_string(), rpc.clone()]);
		}
		args.extend([
			"--anchor".into(),
			self.anchor.display().to_string(),
			"--device".into(),
			DEVICE.into(),
			"--keys".into(),
			self.keys.display().to_string(),
		]);
		args
	}

	/// `verify` of `record` over `payload` through `rpcs`, proved against the device's anchor.
	pub fn verify(&self, rpcs: &[String], record: &str, payload: &str) -> Output {
		let mut args = vec!["--anchor".to_string(), self.anchor.display().to_string()];
		for rpc in rpcs {
			args.extend(["--rpc".to_string(), rpc.clone()]);
		}
		args.extend(["verify".into(), record.into(), payload.into()]);
		let args: Vec<&str> = args.iter().map(String::as_str).collect();
		run(&args)
	}

	pub fn run(&self, command: &str, rpcs: &[String], extra: &[&str]) -> Output {
		let mut args = self.args(command, rpcs);
		args.extend(extra.iter().map(|s| s.to_string()));
		let args: Vec<&str> = args.iter().map(String::as_str).collect();
		run(&args)
	}

	pub fn file(&self, name: &str, content: &[u8]) -> String {
		let path = self.dir.join(name);
		std::fs::write(&path, content).unwrap();
		path.display().to_string()
	}
}

pub fn run(args: &[&str]) -> Output {
	Command::new(binary()).args(args).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
	String::from_utf8_lossy(&out.stdout)
		.lines()
		.filter_map(|line| serde_json::from_str(line).ok())
		.collect()
}

/// `key` until the device has a key (the KSG's first publication lands); its JSON report.
pub async fn first_key(device: &Device, rpc: &str) -> serde_json::Value {
	wait_for("the device's first key", Duration::from_secs(240), || async {
		let out = device.run("key", &[rpc.to_string()], &[]);
		match out.status.code() {
			Some(0) => json_lines(&out).pop(),
			// Not up yet, not finalised by GRANDPA yet, or no key published yet.
			Some(code)
				if code == exit_code::NOT_ON_CHAIN as i32
					|| code == exit_code::RPC_UNAVAILABLE as i32 =>
			{
				None
			}
			_ => panic!("key: {}", stderr(&out)),
		}
	})
	.await
}

/// `key` until the device's key is newer than `epoch` (a whole window ahead); its report.
pub async fn fresh_key(device: &Device, rpc: &str, epoch: u32) -> serde_json::Value {
	wait_for("a rotation", Duration::from_secs(90), || async {
		let out = device.run("key", &[rpc.to_string()], &[]);
		assert_eq!(out.status.code(), Some(0), "key: {}", stderr(&out));
		json_lines(&out).pop().filter(|k| k["epoch"].as_u64().unwrap() as u32 > epoch)
	})
	.await
}

/// `P` of the demo device's `epoch` (registration 0): the sum of its three public pieces.
pub async fn expected_public_key(rpc: &str, epoch: u32) -> String {
	let genesis = keyshards_test_utils::Rpc::new(rpc).genesis_hash().await;
	let at = DeviceEpoch {
		ctx: Context::new(&genesis.0, dev::DEMO_FLEET_ID),
		device: DeviceId::new(DEVICE.as_bytes()).unwrap(),
		registration: 0,
		epoch,
	};
	let points = (0..3u16).map(|k| {
		let piece = PieceRoot::from_slice(&dev::DEV_PIECE_ROOTS[k as usize])
			.unwrap()
			.generate(&at, k, 3)
			.unwrap();
		curve::decompress(piece.publication.public_piece.as_bytes()).unwrap()
	});
	format!("0x{}", hex::encode(curve::sum(points).unwrap()))
}
