//! `keyshard-device` against a real dev node (`--dev --tmp`, whose KSG rotates the 2-of-3 demo
//! fleet by itself and whose GRANDPA voter finalises it): a trust anchor provisioned from the
//! node, holders' exports assembled into the device's key file, key, sign --submit, verify (all
//! proved: finality and read proofs), a second payload refused by the device itself and by the
//! chain, watch across a rotation; and malicious RPC endpoints (a proxy in this test that
//! rewrites answers) refused with their exit codes and named, then failed over: forged read
//! proofs, justifications signed by too few or unknown authorities, a header that is not the
//! justified block's, an old but valid view (freeze), a dropped `record_use`, a forged use record
//! served to `verify`; and, in the explicitly insecure `state_call` mode, forged runtime API
//! answers caught by the device's own checks.

use std::{
	process::{Command, Output, Stdio},
	sync::Arc,
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder};
use keyshards_client::proof::{FinalityProof, Header};
use keyshards_primitives::{dev, v2::EpochState, DeviceId, QueryError};
use keyshards_test_utils::{demo::Bundle, free_port, wait_for, Node};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_device_fetches_signs_records_its_one_use_verifies_and_watches_a_rotation() {
	let node = Node::dev("client-e2e");
	let rpc = node.url();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		node.rpc().is_up().await.then_some(())
	})
	.await;
	let device = Device::provision(&rpc);
	let anchor: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&device.anchor).unwrap()).unwrap();
	assert_eq!(anchor["authorities"].as_array().unwrap().len(), 1, "the dev chain: Alice");

	let key = first_key(&device, &rpc).await;
	let first_epoch = key["epoch"].as_u64().unwrap() as u32;
	assert_eq!(key["public_key"].as_str().unwrap(), expected_public_key(&rpc, first_epoch).await);
	assert_eq!(key["publishers"].as_array().unwrap().len(), 3, "who published each piece");
	assert_eq!(key["device"], DEVICE);
	assert_eq!(key["proven"], true, "finality and state proved");

	// Wait for a fresh key (a whole window ahead), then sign and record its one use.
	let fresh = fresh_key(&device, &rpc, first_epoch).await;
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
	let out = device.verify(std::slice::from_ref(&rpc), &record, &payload);
	assert_eq!(out.status.code(), Some(0), "verify: {}", stderr(&out));
	let out = device.verify(std::slice::from_ref(&rpc), &record, &other);
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
	let out = device.verify(std::slice::from_ref(&rpc), &forged, &other);
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

/// How the proxy lies.
#[derive(Clone)]
enum Lie {
	/// `state_call`: one bit of piece 1's ciphertext flipped in the active bundle.
	Tamper,
	/// `state_call`: a bundle captured earlier (an older epoch), served as current.
	Stale(String),
	/// `state_call`: the device's map with another device's pieces.
	Foreign,
	/// `state_call`: the current map, marked invalidated (a revoked key served as usable).
	Freeze,
	/// `state_getReadProof`: a byte of every trie node changed (a forged value).
	ForgeReadProof,
	/// `grandpa_proveFinality`: the justification's precommits removed (too few signers).
	TooFewSigners,
	/// `grandpa_proveFinality`: the precommits re-signed by a key that is no authority.
	UnknownSigner,
	/// `chain_getHeader`: another chain's header (another state root) for the justified block.
	ForeignHeader,
	/// An old but valid view: the finalized head, its header and its finality proof as they
	/// were when the proxy started (read proofs at that block are honest).
	OldView { head: String, proof: String },
	/// `author_submitExtrinsic`: accepted (a made-up hash) but never forwarded.
	DropSubmission,
	/// `author_submitExtrinsic`: never answered (the device is killed while it waits).
	HangSubmission,
}

/// A JSON-RPC endpoint in front of `upstream` that lies as `lie` says.
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
				// A batch is answered call by call, each lied about alike.
				let response = match request.as_array() {
					Some(batch) => {
						let mut answers = Vec::new();
						for call in batch {
							answers.push(answer(&client, call, &lie).await);
						}
						serde_json::Value::Array(answers)
					}
					None => answer(&client, &request, &lie).await,
				};
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

/// An old view to replay: the node's finalized head now and its finality proof.
async fn old_view(rpc: &str) -> Lie {
	let client = HttpClientBuilder::default().build(rpc).unwrap();
	let head: String =
		client.request("chain_getFinalizedHead", jsonrpsee::rpc_params![]).await.unwrap();
	let header: serde_json::Value =
		client.request("chain_getHeader", jsonrpsee::rpc_params![&head]).await.unwrap();
	let number =
		u32::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16)
			.unwrap();
	let proof: String =
		client.request("grandpa_proveFinality", jsonrpsee::rpc_params![number]).await.unwrap();
	let decoded = FinalityProof::decode(&mut &hex::decode(&proof[2..]).unwrap()[..]).unwrap();
	Lie::OldView { head: format!("0x{}", hex::encode(decoded.block)), proof }
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

/// A finality proof (hex) with its justification rewritten by `rewrite`.
fn rewrite_justification(
	proof: &str,
	rewrite: impl FnOnce(&mut sp_consensus_grandpa::GrandpaJustification<Header>),
) -> String {
	let mut proof = FinalityProof::decode(&mut &hex::decode(&proof[2..]).unwrap()[..]).unwrap();
	let mut justification =
		sp_consensus_grandpa::GrandpaJustification::<Header>::decode(&mut &proof.justification[..])
			.unwrap();
	rewrite(&mut justification);
	proof.justification = justification.encode();
	format!("0x{}", hex::encode(proof.encode()))
}

async fn answer(
	client: &jsonrpsee::http_client::HttpClient,
	request: &serde_json::Value,
	lie: &Lie,
) -> serde_json::Value {
	let method = request["method"].as_str().unwrap();
	let params: Vec<serde_json::Value> = request["params"].as_array().cloned().unwrap_or_default();
	let id = request["id"].clone();
	let ok = |result: serde_json::Value| serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result});
	match (lie, method) {
		(Lie::DropSubmission, "author_submitExtrinsic") => {
			return ok(format!("0x{}", "ab".repeat(32)).into())
		}
		(Lie::HangSubmission, "author_submitExtrinsic") => {
			tokio::time::sleep(Duration::from_secs(3_600)).await;
		}
		(Lie::OldView { head, .. }, "chain_getFinalizedHead") => return ok(head.clone().into()),
		(Lie::OldView { proof, .. }, "grandpa_proveFinality") => return ok(proof.clone().into()),
		_ => {}
	}
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for p in &params {
		array.insert(p.clone()).unwrap();
	}
	let result: Result<serde_json::Value, _> = client.request(method, array).await;
	let mut result = match result {
		Ok(result) => result,
		Err(e) => {
			return serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000, "message": e.to_string()}})
		}
	};
	match (lie, method) {
		(Lie::ForgeReadProof, "state_getReadProof") => {
			for node in result["proof"].as_array_mut().unwrap() {
				let mut bytes = hex::decode(&node.as_str().unwrap()[2..]).unwrap();
				let middle = bytes.len() / 2;
				bytes[middle] ^= 0x01;
				*node = format!("0x{}", hex::encode(bytes)).into();
			}
		}
		(Lie::TooFewSigners, "grandpa_proveFinality") => {
			result = rewrite_justification(result.as_str().unwrap(), |justification| {
				justification.commit.precommits.clear()
			})
			.into();
		}
		(Lie::UnknownSigner, "grandpa_proveFinality") => {
			result = rewrite_justification(result.as_str().unwrap(), |justification| {
				use sp_core::Pair;
				let bob = sp_core::ed25519::Pair::from_string("//Bob", None).unwrap();
				for vote in &mut justification.commit.precommits {
					let payload = sp_consensus_grandpa::localized_payload(
						justification.round,
						0,
						&finality_grandpa::Message::Precommit(vote.precommit.clone()),
					);
					vote.signature = bob.sign(&payload).into();
					vote.id = bob.public().into();
				}
			})
			.into();
		}
		(Lie::ForeignHeader, "chain_getHeader") => {
			result["stateRoot"] = format!("0x{}", "11".repeat(32)).into();
		}
		(_, "state_call") if params[0] == "KeyShardsApi_active_bundle" => {
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
		_ => {}
	}
	ok(result)
}

/// Starts a dev node and provisions the demo device from it; waits for its first key.
async fn dev_node_and_device(name: &str) -> (Node, String, Device, serde_json::Value) {
	let node = Node::dev(name);
	let honest = node.url();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		node.rpc().is_up().await.then_some(())
	})
	.await;
	let device = Device::provision(&honest);
	let first = first_key(&device, &honest).await;
	(node, honest, device, first)
}

/// `out` is a refusal with exit code `code`, naming `endpoint` and saying `says`.
fn assert_refused(out: &Output, code: u8, endpoint: &str, says: &str) {
	let text = stderr(out);
	assert_eq!(out.status.code(), Some(code as i32), "{text}");
	assert!(text.contains(&format!("endpoint {endpoint}: ")), "the endpoint is named: {text}");
	assert!(text.contains(says), "`{says}` in: {text}");
}

/// With an honest endpoint after `proxy`, `out` succeeded from the honest one and named the
/// proxy it left.
fn assert_failed_over(out: &Output, proxy: &str, honest: &str) {
	assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
	assert!(stderr(out).contains(&format!("endpoint {proxy} left")), "{}", stderr(out));
	let last = json_lines(out).pop().unwrap();
	assert_eq!(last["endpoint"].as_str(), Some(honest), "{last}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_forges_proofs_or_serves_an_old_view_is_refused_and_named() {
	let (node, honest, device, first) = dev_node_and_device("client-proofs").await;

	// Forged answers: each refused as unproven, naming the endpoint; an honest endpoint after
	// it takes over.
	for (lie, says) in [
		(Lie::ForgeReadProof, "the read proof does not prove"),
		(Lie::TooFewSigners, "precommits carry 0 of the authority set's weight 1"),
		(Lie::UnknownSigner, "not in the trust anchor's authority set"),
		(Lie::ForeignHeader, "not to the justified block"),
	] {
		let proxy = malicious_proxy(honest.clone(), lie).await;
		let out = device.run("key", std::slice::from_ref(&proxy), &[]);
		assert_refused(&out, exit_code::UNPROVEN, &proxy, says);
		let out = device.run("key", &[proxy.clone(), honest.clone()], &[]);
		assert_failed_over(&out, &proxy, &honest);
	}

	// A forged `state_call` answer changes nothing: a proving device never asks for one.
	let proxy = malicious_proxy(honest.clone(), Lie::Tamper).await;
	let out = device.run("key", std::slice::from_ref(&proxy), &[]);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	let key = json_lines(&out).pop().unwrap();
	assert_eq!((key["endpoint"].as_str(), &key["proven"]), (Some(proxy.as_str()), &true.into()));

	// An old but valid view (a justified block and its state, as they were): refused as stale
	// once older than --max-age, though every proof in it holds.
	let old = malicious_proxy(honest.clone(), old_view(&honest).await).await;
	let out = device.run("key", std::slice::from_ref(&old), &["--max-age", "30"]);
	assert_eq!(out.status.code(), Some(0), "fresh enough still: {}", stderr(&out));
	tokio::time::sleep(Duration::from_secs(4)).await;
	let out = device.run("key", std::slice::from_ref(&old), &["--max-age", "3"]);
	assert_refused(&out, exit_code::STALE, &old, "stale chain refused (freeze)");
	let out = device.run("key", &[old.clone(), honest.clone()], &["--max-age", "3"]);
	assert_failed_over(&out, &old, &honest);

	// A dropped `record_use`: the endpoint accepts the transaction and never forwards it. The
	// device waits for a justified block whose proven record holds the use, times out naming
	// the endpoint, and (retrying the same payload, which re-releases the same signature) gets
	// it recorded through an honest endpoint.
	// Both attempts below (a timeout at the dropping endpoint each, then the honest one) must
	// fall within one key's window: the owner (Alice) lengthens the demo fleet's rotation period
	// to 60 blocks, and the device waits for a key with such a window.
	{
		let rpc = node.rpc();
		let alice = sp_keyring::Sr25519Keyring::Alice;
		let call =
			keyshards_runtime::RuntimeCall::KeyShards(pallet_key_shards::Call::set_fleet_params {
				fleet: dev::DEMO_FLEET_ID,
				params: pallet_key_shards::FleetParams {
					rotation_period: 60,
					grace_period: dev::DEMO_GRACE_PERIOD,
					lead_time: dev::DEMO_LEAD_TIME,
				},
			});
		let nonce = rpc.next_nonce(&alice.to_account_id()).await;
		let genesis = rpc.genesis_hash().await;
		rpc.submit(&keyshards_test_utils::signed(alice, call, nonce, genesis)).await.unwrap();
	}
	wait_for("a key with a 60-block window", Duration::from_secs(120), || async {
		let out = device.run("key", std::slice::from_ref(&honest), &[]);
		let key = json_lines(&out).pop()?;
		let window = key["valid_to"].as_u64()? - key["valid_from"].as_u64()?;
		(window >= 60).then_some(())
	})
	.await;
	let dropper = malicious_proxy(honest.clone(), Lie::DropSubmission).await;
	let payload = device.file("update.bin", b"firmware v3 image");
	let record = device.dir.join("update.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&dropper),
		&[&payload, "--submit", "--finality-timeout", "2", "--out", &record],
	);
	assert_refused(&out, exit_code::TIMEOUT, &dropper, "no justified block records it");
	let epoch =
		serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&record).unwrap())
			.unwrap()["epoch"]
			.to_string();
	let out = device.run(
		"sign",
		&[dropper.clone(), honest.clone()],
		&[&payload, "--submit", "--finality-timeout", "10", "--epoch", &epoch, "--out", &record],
	);
	assert_failed_over(&out, &dropper, &honest);
	assert_eq!(json_lines(&out).last().unwrap()["event"], "use_recorded");

	// `verify` proves the use record and the public key: a forged one is refused.
	let forger = malicious_proxy(honest.clone(), Lie::ForgeReadProof).await;
	let out = device.verify(std::slice::from_ref(&forger), &record, &payload);
	assert_refused(&out, exit_code::UNPROVEN, &forger, "the read proof does not prove");
	let out = device.verify(&[forger.clone(), honest.clone()], &record, &payload);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	assert!(stderr(&out).contains(&format!("endpoint {forger} left")), "{}", stderr(&out));

	let _ = first;
	drop(node);
}

/// A device killed (SIGKILL) after it released a signature and before the use was recorded:
/// its state file holds the payload it signed, so it never signs another payload with that key,
/// and a retry of the same payload releases the same signature, which then gets recorded.
#[tokio::test(flavor = "multi_thread")]
async fn a_device_killed_between_signing_and_submission_never_signs_a_second_payload() {
	let (node, honest, device, first) = dev_node_and_device("client-killed").await;
	fresh_key(&device, &honest, first["epoch"].as_u64().unwrap() as u32).await;
	let hang = malicious_proxy(honest.clone(), Lie::HangSubmission).await;
	let payload = device.file("update.bin", b"firmware v4 image");
	let record = device.dir.join("update.json");
	let mut args = device.args("sign", std::slice::from_ref(&hang));
	args.extend(["--rpc-timeout".into(), "600".into(), "--submit".into(), "--out".into()]);
	args.extend([record.display().to_string(), payload.clone()]);
	let mut signing = Command::new(binary()).args(&args).stderr(Stdio::piped()).spawn().unwrap();
	wait_for("the signature record", Duration::from_secs(30), || async {
		record.exists().then_some(())
	})
	.await;
	// It waits for the submission now: kill it.
	tokio::time::sleep(Duration::from_millis(300)).await;
	signing.kill().unwrap();
	assert_eq!(signing.wait().unwrap().code(), None, "killed by a signal");
	let signed: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
	let epoch = signed["epoch"].to_string();

	// Another payload with the same key: refused by the device itself.
	let other = device.file("other.bin", b"another payload");
	let out = device.run("sign", std::slice::from_ref(&honest), &[&other, "--epoch", &epoch]);
	assert_eq!(out.status.code(), Some(exit_code::KEY_ALREADY_USED as i32), "{}", stderr(&out));
	assert!(stderr(&out).contains("already signed another payload"), "{}", stderr(&out));

	// The retry: the same signature, recorded this time.
	let again = device.dir.join("again.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&honest),
		&[&payload, "--epoch", &epoch, "--submit", "--out", &again],
	);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	let again: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
	assert_eq!(again["signature"], signed["signature"]);
	assert_eq!(json_lines(&out).last().unwrap()["event"], "use_recorded");
	drop(node);
}

#[tokio::test(flavor = "multi_thread")]
async fn in_the_insecure_state_call_mode_the_devices_own_checks_still_refuse_forged_bundles() {
	let (node, honest, device, first) = dev_node_and_device("client-state-call").await;
	let rpc = node.rpc();
	let insecure = ["--insecure-state-call"];
	let run_insecure = |rpcs: &[String]| {
		let mut args = device.args("key", rpcs);
		// `--anchor` conflicts with the insecure mode.
		let at = args.iter().position(|a| a == "--anchor").unwrap();
		args.drain(at..at + 2);
		args.extend(insecure.iter().map(|s| s.to_string()));
		let args: Vec<&str> = args.iter().map(String::as_str).collect();
		run(&args)
	};

	// Capture the device's first bundle as the node serves it, for the stale replay later.
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
		let out = run_insecure(std::slice::from_ref(&proxy));
		assert_refused(&out, code, &proxy, says);
		assert!(stderr(&out).contains("--insecure-state-call"), "warned: {}", stderr(&out));
		let out = run_insecure(&[proxy.clone(), honest.clone()]);
		assert_failed_over(&out, &proxy, &honest);
		assert_eq!(json_lines(&out)[0]["proven"], false);
	}

	// An endpoint that does not answer at all is failed over too.
	let dead = format!("http://127.0.0.1:{}", free_port());
	let out = device.run("key", std::slice::from_ref(&dead), &[]);
	assert_eq!(out.status.code(), Some(exit_code::RPC_UNAVAILABLE as i32), "{}", stderr(&out));
	let out = device.run("key", &[dead, honest.clone()], &[]);
	assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
	drop(node);
}

/// Malformed arguments are usage errors (exit status 2), found before anything is read.
#[test]
fn malformed_arguments_are_usage_errors() {
	let dir = tempfile::tempdir().unwrap();
	let keys = dir.path().join("none.json").display().to_string();
	let long = "x".repeat(65);
	for (args, says) in [
		(vec!["key", "--device", &long, "--keys", &keys], "device id"),
		(vec!["key", "--device", "0xzz", "--keys", &keys], "device id"),
		(vec!["--rpc", "not a url", "key", "--device", "d", "--keys", &keys], "--rpc"),
		(vec!["key", "--device", "d", "--keys", &keys], "--anchor FILE"),
		(
			vec![
				"--anchor",
				&keys,
				"--insecure-state-call",
				"key",
				"--device",
				"d",
				"--keys",
				&keys,
			],
			"cannot be used with",
		),
	] {
		let out =
			Command::new(binary()).args(&args).env_remove("KEYSHARDS_ANCHOR").output().unwrap();
		assert_eq!(out.status.code(), Some(exit_code::USAGE as i32), "{args:?}: {}", stderr(&out));
		assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
	}
}
