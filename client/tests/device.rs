//! `keyshard-device` against a real dev node (`--dev --tmp`, whose KSG rotates the demo fleet
//! by itself): provision, key, sign --submit, verify, a second use refused by the chain, watch
//! across a rotation; and a malicious RPC endpoint (a proxy in this test that rewrites the
//! runtime API's answers) refused with the right exit code, then failed over.

use std::{
	path::{Path, PathBuf},
	process::{Command, Output, Stdio},
	sync::Arc,
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder};
use keyshards_client::exit_code;
use keyshards_primitives::{
	dev, generate, DeviceBundle, DeviceId, FleetRootKey, QueryError, ShardCount,
};
use keyshards_test_utils::{free_port, wait_for, Node};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEVICE: &str = "demo-sensor-01";

fn binary() -> &'static str {
	env!("CARGO_BIN_EXE_keyshard-device")
}

/// A provisioned demo device in a temporary directory.
struct Device {
	_dir: tempfile::TempDir,
	dir: PathBuf,
	master: PathBuf,
}

fn write_private(path: &Path, content: &str) {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

impl Device {
	/// `keyshard-device provision` from the demo fleet's (publicly known) root key.
	fn provision() -> Device {
		let dir = tempfile::tempdir().unwrap();
		let root = dir.path().join("fleet-0.key");
		write_private(&root, &hex::encode(dev::DEV_FLEET_ROOT_KEY));
		let master = dir.path().join("device.key");
		let args = [
			"provision",
			"--root-key",
			root.to_str().unwrap(),
			"--device",
			DEVICE,
			"--out",
			master.to_str().unwrap(),
		];
		let out = run(&args);
		assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
		let mode = std::os::unix::fs::PermissionsExt::mode(
			&std::fs::metadata(&master).unwrap().permissions(),
		);
		assert_eq!(mode & 0o777, 0o600);
		// Never overwritten.
		let again = run(&args);
		assert_eq!(again.status.code(), Some(exit_code::LOCAL_FILE as i32));
		assert!(stderr(&again).contains("refusing to overwrite"));
		Device { dir: dir.path().to_path_buf(), _dir: dir, master }
	}

	fn args(&self, command: &str, rpcs: &[String]) -> Vec<String> {
		let mut args = vec!["--json".to_string(), command.to_string()];
		for rpc in rpcs {
			args.extend(["--rpc".to_string(), rpc.clone()]);
		}
		args.extend([
			"--device".into(),
			DEVICE.into(),
			"--master-key".into(),
			self.master.display().to_string(),
		]);
		args
	}

	fn run(&self, command: &str, rpcs: &[String], extra: &[&str]) -> Output {
		let mut args = self.args(command, rpcs);
		args.extend(extra.iter().map(|s| s.to_string()));
		let args: Vec<&str> = args.iter().map(String::as_str).collect();
		run(&args)
	}

	fn file(&self, name: &str, content: &[u8]) -> String {
		let path = self.dir.join(name);
		std::fs::write(&path, content).unwrap();
		path.display().to_string()
	}
}

fn run(args: &[&str]) -> Output {
	Command::new(binary()).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
	String::from_utf8_lossy(&out.stdout)
		.lines()
		.filter_map(|line| serde_json::from_str(line).ok())
		.collect()
}

/// `key` until the device has a key (the KSG's first publication lands); its JSON report.
async fn first_key(device: &Device, rpc: &str) -> serde_json::Value {
	wait_for("the device's first key", Duration::from_secs(240), || async {
		let out = device.run("key", &[rpc.to_string()], &[]);
		match out.status.code() {
			Some(0) => json_lines(&out).pop(),
			// Not up yet, or no key published yet.
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

fn expected_public_key(epoch: u32) -> String {
	let device = DeviceId::new(DEVICE.as_bytes()).unwrap();
	let master =
		FleetRootKey::from_slice(&dev::DEV_FLEET_ROOT_KEY).unwrap().device_master_key(&device);
	generate(&master, &device, epoch, ShardCount::new(dev::DEMO_SHARD_COUNT).unwrap())
		.public_key
		.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_fetches_signs_records_its_one_use_verifies_and_watches_a_rotation() {
	let node = Node::dev("client-e2e");
	let rpc = node.url();
	let device = Device::provision();

	let key = first_key(&device, &rpc).await;
	let first_epoch = key["epoch"].as_u64().unwrap() as u32;
	assert_eq!(key["public_key"].as_str().unwrap(), expected_public_key(first_epoch));
	assert_eq!(key["device"], DEVICE);

	// Wait for a fresh key (a whole window ahead), then sign and record its one use.
	let fresh = wait_for("a rotation", Duration::from_secs(90), || async {
		let out = device.run("key", std::slice::from_ref(&rpc), &[]);
		assert_eq!(out.status.code(), Some(0), "key: {}", stderr(&out));
		json_lines(&out).pop().filter(|k| k["epoch"].as_u64().unwrap() as u32 > first_epoch)
	})
	.await;
	let epoch = fresh["epoch"].as_u64().unwrap() as u32;
	assert_eq!(fresh["public_key"].as_str().unwrap(), expected_public_key(epoch));
	let payload = device.file("firmware-v2.bin", b"firmware v2 image");
	let record = device.dir.join("record.json").display().to_string();
	let out =
		device.run("sign", std::slice::from_ref(&rpc), &[&payload, "--submit", "--out", &record]);
	assert_eq!(out.status.code(), Some(0), "sign --submit: {}", stderr(&out));
	assert_eq!(json_lines(&out).last().unwrap()["event"], "use_recorded");
	let saved: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
	assert_eq!(
		(saved["epoch"].as_u64(), saved["device"].as_str()),
		(Some(epoch as u64), Some(DEVICE))
	);
	// Nothing secret on any output.
	let master_hex = std::fs::read_to_string(&device.master).unwrap().trim().to_string();
	for text in [String::from_utf8_lossy(&out.stdout).into_owned(), stderr(&out)] {
		assert!(!text.contains(&master_hex));
	}

	// The same key again, for another payload: the chain refuses.
	let other = device.file("other.bin", b"another payload");
	let out = device.run(
		"sign",
		std::slice::from_ref(&rpc),
		&[&other, "--submit", "--epoch", &epoch.to_string()],
	);
	assert_eq!(out.status.code(), Some(exit_code::KEY_ALREADY_USED as i32), "{}", stderr(&out));
	assert!(stderr(&out).contains("already signed"), "{}", stderr(&out));

	// Anyone verifies the record; another payload, or a record of a use the chain never
	// recorded (a valid signature by the same key over another payload), fails.
	let out = run(&["--rpc", &rpc, "verify", &record, &payload]);
	assert_eq!(out.status.code(), Some(0), "verify: {}", stderr(&out));
	let out = run(&["--rpc", &rpc, "verify", &record, &other]);
	assert_eq!(out.status.code(), Some(exit_code::VERIFY_FAILED as i32));
	let forged = device.dir.join("forged.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&rpc),
		&[&other, "--out", &forged, "--epoch", &epoch.to_string()],
	);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	let out = run(&["--rpc", &rpc, "verify", &forged, &other]);
	assert_eq!(out.status.code(), Some(exit_code::VERIFY_FAILED as i32));
	assert!(stderr(&out).contains("different payload"), "{}", stderr(&out));

	// A rotation: `watch` reports a newer epoch, and stops cleanly on SIGTERM.
	let mut args = device.args("watch", std::slice::from_ref(&rpc));
	args.extend(["--interval".into(), "200".into()]);
	let mut watch = Command::new(binary())
		.args(&args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let stdout = watch.stdout.take().unwrap();
	let newer = tokio::task::spawn_blocking(move || {
		use std::io::BufRead;
		for line in std::io::BufReader::new(stdout).lines() {
			let event: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
			if event["event"] == "new key" && event["epoch"].as_u64().unwrap() as u32 > epoch {
				return event;
			}
		}
		panic!("watch ended without a new key");
	});
	let event = tokio::time::timeout(Duration::from_secs(90), newer)
		.await
		.expect("a rotation within 90 s")
		.unwrap();
	let new_epoch = event["epoch"].as_u64().unwrap() as u32;
	assert_eq!(event["public_key"].as_str().unwrap(), expected_public_key(new_epoch));
	Command::new("kill").args(["-TERM", &watch.id().to_string()]).status().unwrap();
	let status = watch.wait().unwrap();
	assert_eq!(status.code(), Some(0), "watch exits cleanly on SIGTERM");
	drop(node);
}

/// How the proxy lies about the device's active bundle.
#[derive(Clone)]
enum Lie {
	/// One bit of shard 1's ciphertext flipped.
	Tamper,
	/// A bundle captured earlier (an older epoch), served as current.
	Stale(String),
	/// The device's map with another device's shards.
	Foreign,
	/// The current map, marked invalidated (a revoked key served as if usable).
	Freeze,
}

/// A JSON-RPC endpoint in front of `upstream` that rewrites `KeyShardsApi_active_bundle`.
async fn malicious_proxy(upstream: String, lie: Lie) -> String {
	let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
	let url = format!("http://{}", listener.local_addr().unwrap());
	let client = Arc::new(HttpClientBuilder::default().build(&upstream).unwrap());
	tokio::spawn(async move {
		loop {
			let (mut socket, _) = listener.accept().await.unwrap();
			let (client, lie) = (client.clone(), lie.clone());
			tokio::spawn(async move {
				let Some(body) = read_http_body(&mut socket).await else { return };
				let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
				let response = answer(&client, &request, &lie).await;
				let text = response.to_string();
				let head = format!(
					"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
					text.len()
				);
				let _ = socket.write_all(head.as_bytes()).await;
				let _ = socket.write_all(text.as_bytes()).await;
				let _ = socket.shutdown().await;
			});
		}
	});
	url
}

async fn read_http_body(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
	let mut buffer = Vec::new();
	let mut chunk = [0u8; 4096];
	loop {
		let n = socket.read(&mut chunk).await.ok()?;
		if n == 0 {
			return None;
		}
		buffer.extend_from_slice(&chunk[..n]);
		if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
			let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
			let length: usize = head
				.lines()
				.find_map(|l| l.strip_prefix("content-length:"))
				.map(|v| v.trim().parse().unwrap())
				.unwrap_or(0);
			while buffer.len() < end + 4 + length {
				let n = socket.read(&mut chunk).await.ok()?;
				if n == 0 {
					return None;
				}
				buffer.extend_from_slice(&chunk[..n]);
			}
			return Some(buffer[end + 4..end + 4 + length].to_vec());
		}
	}
}

async fn answer(
	client: &jsonrpsee::http_client::HttpClient,
	request: &serde_json::Value,
	lie: &Lie,
) -> serde_json::Value {
	let method = request["method"].as_str().unwrap();
	let params: Vec<serde_json::Value> = request["params"].as_array().cloned().unwrap_or_default();
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for p in &params {
		array.insert(p.clone()).unwrap();
	}
	let id = request["id"].clone();
	let result: Result<serde_json::Value, _> = client.request(method, array).await;
	let mut result = match result {
		Ok(result) => result,
		Err(e) => {
			return serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000, "message": e.to_string()}})
		}
	};
	if method == "state_call" && params[0] == "KeyShardsApi_active_bundle" {
		let bytes = hex::decode(result.as_str().unwrap().trim_start_matches("0x")).unwrap();
		let honest = Result::<DeviceBundle<u32>, QueryError>::decode(&mut &bytes[..]).unwrap();
		let lied: Result<DeviceBundle<u32>, QueryError> = match (lie, honest) {
			(Lie::Tamper, Ok(mut bundle)) => {
				let mut shards = bundle.shards.into_inner();
				let mut ciphertext = shards[1].ciphertext.clone().into_inner();
				ciphertext[0] ^= 0x01;
				shards[1].ciphertext = ciphertext.try_into().unwrap();
				bundle.shards = shards.try_into().unwrap();
				Ok(bundle)
			}
			(Lie::Stale(stale), _) => {
				let bytes = hex::decode(stale.trim_start_matches("0x")).unwrap();
				Result::<DeviceBundle<u32>, QueryError>::decode(&mut &bytes[..]).unwrap()
			}
			(Lie::Foreign, Ok(mut bundle)) => {
				let other = DeviceId::new(b"demo-sensor-02").unwrap();
				let data = format!("0x{}", hex::encode((dev::DEMO_FLEET_ID, &other).encode()));
				let answer: String = client
					.request(
						"state_call",
						jsonrpsee::rpc_params!["KeyShardsApi_active_bundle", data, &params[2]],
					)
					.await
					.unwrap();
				let bytes = hex::decode(answer.trim_start_matches("0x")).unwrap();
				let theirs = Result::<DeviceBundle<u32>, QueryError>::decode(&mut &bytes[..])
					.unwrap()
					.unwrap();
				bundle.shards = theirs.shards;
				Ok(bundle)
			}
			(Lie::Freeze, Ok(mut bundle)) => {
				bundle.map.state = keyshards_primitives::ShardState::Invalidated;
				Ok(bundle)
			}
			(_, honest) => honest,
		};
		result = serde_json::Value::String(format!("0x{}", hex::encode(lied.encode())));
	}
	serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malicious_endpoint_is_refused_with_its_exit_code_and_an_honest_one_takes_over() {
	let node = Node::dev("client-proxy");
	let honest = node.url();
	let device = Device::provision();
	let rpc = node.rpc();

	// Capture the device's first bundle as the node serves it, for the stale replay later.
	let first = first_key(&device, &honest).await;
	let first_epoch = first["epoch"].as_u64().unwrap() as u32;
	let head = rpc.finalized_head().await.unwrap();
	let stale_bytes: Result<DeviceBundle<u32>, QueryError> = rpc
		.state_call(
			"KeyShardsApi_bundle",
			(dev::DEMO_FLEET_ID, DeviceId::new(DEVICE.as_bytes()).unwrap(), first_epoch),
			head,
		)
		.await;
	let mut stale = stale_bytes.unwrap();
	// A replayed map made to look current, to get past any state check but the epoch.
	stale.map.state = keyshards_primitives::ShardState::Active;
	stale.map.expires_at = u32::MAX;
	let stale = format!("0x{}", hex::encode(Ok::<_, QueryError>(stale).encode()));

	// Let the device accept a newer epoch first, so that the replay is a rollback.
	let start = Instant::now();
	loop {
		let out = device.run("key", std::slice::from_ref(&honest), &[]);
		assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
		if json_lines(&out)[0]["epoch"].as_u64().unwrap() as u32 > first_epoch {
			break;
		}
		assert!(start.elapsed() < Duration::from_secs(90), "no rotation");
		tokio::time::sleep(Duration::from_millis(300)).await;
	}

	for (lie, code, says) in [
		(Lie::Tamper, exit_code::TAMPERED, "shard 1 does not decrypt"),
		(Lie::Stale(stale), exit_code::ROLLBACK, "rollback"),
		(Lie::Foreign, exit_code::MIX_AND_MATCH, "mix-and-match"),
		(Lie::Freeze, exit_code::FROZEN, "frozen map refused"),
	] {
		let proxy = malicious_proxy(honest.clone(), lie).await;
		let out = device.run("key", std::slice::from_ref(&proxy), &[]);
		assert_eq!(out.status.code(), Some(code as i32), "{}", stderr(&out));
		assert!(stderr(&out).contains(says), "{}", stderr(&out));

		// With an honest endpoint after it, the device fails over and gets its key.
		let out = device.run("key", &[proxy.clone(), honest.clone()], &[]);
		assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
		assert!(stderr(&out).contains(&format!("endpoint {proxy} left")), "{}", stderr(&out));
		assert_eq!(json_lines(&out)[0]["endpoint"].as_str(), Some(honest.as_str()));
	}

	// An endpoint that does not answer at all is failed over too.
	let dead = format!("http://127.0.0.1:{}", free_port());
	let out = device.run("key", std::slice::from_ref(&dead), &[]);
	assert_eq!(out.status.code(), Some(exit_code::RPC_UNAVAILABLE as i32), "{}", stderr(&out));
	let out = device.run("key", &[dead, honest.clone()], &[]);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	drop(node);
}
