//! The device flow in proven mode on the local testnet (`scripts/local-testnet.sh`): four
//! validators producing blocks with Aura and finalising them with GRANDPA (so a justification
//! carries the precommits of at least three of four authorities), and the demo fleet's three
//! holders on their own nodes. The device provisions its trust anchor from Alice's node, then
//! fetches, signs, records and verifies its use through the other validators' endpoints, each
//! answer proved against the anchor.

mod common;

use common::*;
use keyshards_test_utils::{wait_for, LocalTestnet, Rpc};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_device_proves_its_key_and_its_use_on_a_four_validator_testnet() {
	let net = LocalTestnet::start(4);
	let urls: Vec<String> = (0..4).map(|i| net.validator_url(i)).collect();
	wait_for("the validators to finalise block 3", Duration::from_secs(240), || async {
		for url in &urls {
			Rpc::new(url).finalized_number().await.filter(|n| *n >= 3)?;
		}
		Some(())
	})
	.await;

	// The anchor: Alice's node is the one this test trusts. Four authorities, set 1.
	let device = Device::provision(&urls[0]);
	let anchor: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&device.anchor).unwrap()).unwrap();
	assert_eq!(anchor["authorities"].as_array().unwrap().len(), 4);

	// Its key, proved through Bob's endpoint.
	let key = first_key(&device, &urls[1]).await;
	assert_eq!(key["proven"], true);
	let epoch = key["epoch"].as_u64().unwrap() as u32;
	assert_eq!(key["public_key"].as_str().unwrap(), expected_public_key(&urls[1], epoch).await);

	// Sign and record the use through Charlie's endpoint, confirmed by a proven use record.
	let payload = device.file("firmware.bin", b"firmware for the testnet");
	let record = device.dir.join("record.json").display().to_string();
	let out = device.run(
		"sign",
		std::slice::from_ref(&urls[2]),
		&[&payload, "--submit", "--finality-timeout", "120", "--out", &record],
	);
	assert_eq!(out.status.code(), Some(0), "sign --submit: {}", stderr(&out));
	assert_eq!(json_lines(&out).last().unwrap()["event"], "use_recorded");

	// Anyone verifies it through Dave's endpoint, once Dave has finalised what Charlie had
	// when the use was confirmed (a verifier reads its endpoint's finalised state, which may
	// lag another node's by a moment); another payload fails.
	let confirmed = Rpc::new(&urls[2]).finalized_number().await.unwrap();
	wait_for("Dave to finalise the block recording the use", Duration::from_secs(60), || async {
		Rpc::new(&urls[3]).finalized_number().await.filter(|n| *n >= confirmed)
	})
	.await;
	let out = device.verify(std::slice::from_ref(&urls[3]), &record, &payload);
	assert_eq!(out.status.code(), Some(0), "verify: {}", stderr(&out));
	let other = device.file("other.bin", b"not what was signed");
	let out = device.verify(std::slice::from_ref(&urls[3]), &record, &other);
	assert_eq!(out.status.code(), Some(exit_code::VERIFY_FAILED as i32), "{}", stderr(&out));
	drop(net);
}
