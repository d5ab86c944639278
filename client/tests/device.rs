//! `keyshard-device` against a real dev node (`--dev --tmp`, whose KSG rotates the 2-of-3 demo
//! fleet by itself): holders' exports assembled into the device's key file, key, sign --submit,
//! verify, a second payload refused by the device itself and by the chain, watch across a
//! rotation; and a malicious RPC endpoint (a proxy in this test that rewrites the runtime API's
//! answers) refused with the right exit code, naming the faulty piece and its publisher, then
//! failed over.

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
	dev,
	v2::{curve, Context, DeviceEpoch, EpochState, PieceRoot},
	DeviceId, QueryError,
};
use keyshards_test_utils::{demo::Bundle, free_port, wait_for, Node};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEVICE: &str = "demo-sensor-01";

fn binary() -> &'static str {
	env!("CARGO_BIN_EXE_keyshard-device")
}

/// A provisioned demo device in a temporary directory.
struct Device {
	_dir: tempfile::TempDir,
	dir: PathBuf,
	keys: PathBuf,
}

fn write_private(path: &Path, content: &str) {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

impl Device {
	/// Provisioning without a station that holds roots: holders 0 and 1 each export their
	/// pieces' device keys from the demo fleet's (publicly known) piece roots, and the station
	/// assembles the device's key file from the two exports.
	fn provision(rpc: &str) -> Device {
		let dir = tempfile::tempdir().unwrap();
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
		Device { dir: dir.path().to_path_buf(), _dir: dir, keys }
	}

	fn args(&self, command: &str, rpcs: &[String]) -> Vec<String> {
		let mut args = vec!["--json".to_string(), command.to_string()];
		for rpc in rpcs {
			args.extend(["--rpc".to_string(), rpc.clone()]);
		}
		args.extend([
			"--device".into(),
			DEVICE.into(),
			"--keys".into(),
			self.keys.display().to_string(),
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

/// `P` of the demo device's `epoch` (registration 0): the sum of its three public pieces.
async fn expected_public_key(rpc: &str, epoch: u32) -> String {
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

#[tokio::test(flavor = "multi_thread")]
async fn a_device_fetches_signs_records_its_one_use_verifies_and_watches_a_rotation() {
	let node = Node::dev("client-e2e");
	let rpc = node.url();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		node.rpc().is_up().await.then_some(())
	})
	.await;
	let device = Device::provision(&rpc);

	let key = first_key(&device, &rpc).await;
	let first_epoch = key["epoch"].as_u64().unwrap() as u32;
	assert_eq!(key["public_key"].as_str().unwrap(), expected_public_key(&rpc, first_epoch).await);
	assert_eq!(key["publishers"].as_array().unwrap().len(), 3, "who published each piece");
	assert_eq!(key["device"], DEVICE);

	// Wait for a fresh key (a whole window ahead), then sign and record its one use.
	let fresh = wait_for("a rotation", Duration::from_secs(90), || async {
		let out = device.run("key", std::slice::from_ref(&rpc), &[]);
		assert_eq!(out.status.code(), Some(0), "key: {}", stderr(&out));
		json_lines(&out).pop().filter(|k| k["epoch"].as_u64().unwrap() as u32 > first_epoch)
	})
	.await;
	let epoch = fresh["epoch"].as_u64().unwrap() as u32;
	assert_eq!(fresh["public_key"].as_str().unwrap(), expected_public_key(&rpc, epoch).await);
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
	let keys: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&device.keys).unwrap()).unwrap();
	for key in keys["piece_keys"].as_array().unwrap() {
		for text in [String::from_utf8_lossy(&out.stdout).into_owned(), stderr(&out)] {
			assert!(!text.contains(key.as_str().unwrap()));
		}
	}
	// A retry of the same payload (say after a crash before submission) releases the same
	// signature.
	let again = device.dir.join("again.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&rpc),
		&[&payload, "--out", &again, "--epoch", &epoch.to_string()],
	);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	let again: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
	assert_eq!(again["signature"], saved["signature"]);

	// The same key again, for another payload: the device itself refuses (it stored the first
	// payload before releasing its signature) ...
	let other = device.file("other.bin", b"another payload");
	let out = device.run(
		"sign",
		std::slice::from_ref(&rpc),
		&[&other, "--submit", "--epoch", &epoch.to_string()],
	);
	assert_eq!(out.status.code(), Some(exit_code::KEY_ALREADY_USED as i32), "{}", stderr(&out));
	assert!(stderr(&out).contains("already signed another payload"), "{}", stderr(&out));
	// ... and a clone of the device that lost that state is refused by the chain.
	let clone_state = device.dir.join("clone.state.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&rpc),
		&[&other, "--submit", "--epoch", &epoch.to_string(), "--state", &clone_state],
	);
	assert_eq!(out.status.code(), Some(exit_code::KEY_ALREADY_USED as i32), "{}", stderr(&out));
	assert!(stderr(&out).contains("the chain refuses"), "{}", stderr(&out));

	// Anyone verifies the record; another payload, or a record of a use the chain never
	// recorded (a valid signature by the same key over another payload), fails.
	let out = run(&["--rpc", &rpc, "verify", &record, &payload]);
	assert_eq!(out.status.code(), Some(0), "verify: {}", stderr(&out));
	let out = run(&["--rpc", &rpc, "verify", &record, &other]);
	assert_eq!(out.status.code(), Some(exit_code::VERIFY_FAILED as i32));
	// A record of a use the chain never recorded: a valid signature by the same key over
	// another payload (made here from the demo roots, as a holder coalition or a cloned device
	// could), with the chain's public key.
	let forged = device.dir.join("forged.json").display().to_string();
	{
		let rpc_client = keyshards_test_utils::Rpc::new(&rpc);
		let genesis = rpc_client.genesis_hash().await;
		let head = rpc_client.finalized_head().await.unwrap();
		let id = DeviceId::new(DEVICE.as_bytes()).unwrap();
		let bundle: Result<Bundle, QueryError> = rpc_client
			.state_call("KeyShardsApi_bundle", (dev::DEMO_FLEET_ID, &id, epoch), head)
			.await;
		let key = keyshards_test_utils::demo::reconstruct_with(
			&dev::DEV_PIECE_ROOTS,
			genesis,
			dev::DEMO_FLEET_ID,
			&bundle.unwrap(),
		);
		let mut record = saved.clone();
		record["payload_hash"] =
			keyshards_primitives::payload_hash(b"another payload").to_string().into();
		record["signature"] = key.sign(b"another payload").unwrap().to_string().into();
		std::fs::write(&forged, record.to_string()).unwrap();
	}
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
	assert_eq!(event["public_key"].as_str().unwrap(), expected_public_key(&rpc, new_epoch).await);
	Command::new("kill").args(["-TERM", &watch.id().to_string()]).status().unwrap();
	let status = watch.wait().unwrap();
	assert_eq!(status.code(), Some(0), "watch exits cleanly on SIGTERM");
	drop(node);
}

/// How the proxy lies about the device's active bundle.
#[derive(Clone)]
enum Lie {
	/// One bit of piece 1's ciphertext flipped.
	Tamper,
	/// A bundle captured earlier (an older epoch), served as current.
	Stale(String),
	/// The device's map with another device's pieces.
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
		let honest = Result::<Bundle, QueryError>::decode(&mut &bytes[..]).unwrap();
		let lied: Result<Bundle, QueryError> = match (lie, honest) {
			(Lie::Tamper, Ok(mut bundle)) => {
				bundle.pieces[1].ciphertext.0[0] ^= 0x01;
				Ok(bundle)
			}
			(Lie::Stale(stale), _) => {
				let bytes = hex::decode(stale.trim_start_matches("0x")).unwrap();
				Result::<Bundle, QueryError>::decode(&mut &bytes[..]).unwrap()
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
				let theirs =
					Result::<Bundle, QueryError>::decode(&mut &bytes[..]).unwrap().unwrap();
				bundle.pieces = theirs.pieces;
				Ok(bundle)
			}
			(Lie::Freeze, Ok(mut bundle)) => {
				bundle.map.state = EpochState::Invalidated;
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
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;
	let device = Device::provision(&honest);

	// Capture the device's first bundle as the node serves it, for the stale replay later.
	let first = first_key(&device, &honest).await;
	let first_epoch = first["epoch"].as_u64().unwrap() as u32;
	let head = rpc.finalized_head().await.unwrap();
	let stale_bytes: Result<Bundle, QueryError> = rpc
		.state_call(
			"KeyShardsApi_bundle",
			(dev::DEMO_FLEET_ID, DeviceId::new(DEVICE.as_bytes()).unwrap(), first_epoch),
			head,
		)
		.await;
	let mut stale = stale_bytes.unwrap();
	// A replayed map made to look current, to get past any state check but the epoch.
	stale.map.state = EpochState::Active;
	stale.map.valid_to = u32::MAX;
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

	// Piece 1's primary holder is holder 0, whose account is Ferdie's.
	let ferdie = format!("0x{}", hex::encode(sp_keyring::Sr25519Keyring::Ferdie.public().0));
	let tampered = format!(
		"piece 1 (it does not decrypt with this device's key for the piece; published by {ferdie})"
	);
	for (lie, code, says) in [
		(Lie::Tamper, exit_code::FAULTY_PIECES, tampered.as_str()),
		(Lie::Stale(stale), exit_code::ROLLBACK, "rollback"),
		(
			Lie::Foreign,
			exit_code::FAULTY_PIECES,
			"piece 0 (its identifier is not this device epoch's",
		),
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
