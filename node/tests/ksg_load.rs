//! Scripted load run (not part of the test suite: `#[ignore]`): how fast the off-chain KSG of
//! a live dev node rotates a large fleet, with nobody else publishing anything.
//!
//! ```sh
//! KEYSHARDS_LOAD_DEVICES=10000 cargo test --release -p keyshards-node --test ksg_load -- --ignored --nocapture
//! ```
//!
//! With `KEYSHARDS_LOAD_PKCS11=1` the piece roots are in a SoftHSM2 token instead of key files.
//!
//! The run writes the three piece roots of a 2-of-3 fleet to key files (or imports them into a
//! fresh SoftHSM2 token), starts `keyshards-node --dev --tmp --ksg-key 1/k=<file or URI>` for
//! `k` = 0, 1, 2, creates fleet 1 (owner Alice) whose holders act through accounts the node
//! does not hold (Bob, Charlie, Alice), registers the devices in batches of 512, then hands the
//! three holders to the node's dev KSG keys (Ferdie, Eve, Dave) with `set_holder_accounts`. From
//! the finalized block that includes the last change, it polls the runtime API until every
//! device's epoch 0 is complete (all three pieces in), and reports device rotations per second
//! (wall clock) and the blocks the round took.

use std::time::{Duration, Instant};

use keyshards_primitives::{
	v2::{EpochState, PieceRoot, PublicationKey},
	DeviceId, QueryError,
};
use keyshards_runtime::{KeyShardsCall, RuntimeCall};
use keyshards_test_utils::*;
use pallet_key_shards::DeviceStatus;
use sp_keyring::Sr25519Keyring;

const FLEET: u32 = 1;

async fn published(rpc: &Rpc, at: sp_core::H256, devices: usize) -> usize {
	let mut count = 0;
	let mut start: Option<DeviceId> = None;
	loop {
		let page: Result<Vec<DeviceStatus<u32>>, QueryError> =
			rpc.state_call("KeyShardsApi_device_statuses", (FLEET, &start, 1000u32), at).await;
		let page = page.expect("the fleet exists");
		count += page
			.iter()
			.filter(|s| {
				s.current.is_some() || s.open.is_some_and(|o| o.state == EpochState::Pending)
			})
			.count();
		match page.last() {
			Some(last) if page.len() == 1000 => start = Some(last.device.clone()),
			_ => break,
		}
	}
	assert!(count <= devices);
	count
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "load run for docs/benchmarks.md; see the module docs"]
async fn ksg_rotates_a_large_fleet() {
	let devices: usize =
		std::env::var("KEYSHARDS_LOAD_DEVICES").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);

	let roots: [[u8; 32]; 3] = [[0x5a; 32], [0x5b; 32], [0x5c; 32]];
	let dir = tempfile::tempdir().unwrap();
	let (backend, ksg_args, env) = if std::env::var("KEYSHARDS_LOAD_PKCS11").is_ok() {
		let hsm = SoftHsm::new("keyshards-load", "5678");
		let args = (0..3)
			.map(|k| {
				hsm.import(&format!("load-{k}"), &roots[k]);
				format!("{FLEET}/{k}={}", hsm.uri(&format!("load-{k}")))
			})
			.collect::<Vec<_>>();
		let env = vec![("SOFTHSM2_CONF".to_string(), hsm.conf())];
		("SoftHSM2", args, (env, Some(hsm)))
	} else {
		let args = (0..3)
			.map(|k| {
				let key_file = dir.path().join(format!("piece-{k}.key"));
				private_file(&key_file, &hex::encode(roots[k]));
				format!("{FLEET}/{k}={}", key_file.display())
			})
			.collect::<Vec<_>>();
		("key files", args, (Vec::new(), None))
	};
	let env_refs: Vec<(&str, &str)> = env.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
	let mut cli = vec!["--tmp"];
	for arg in &ksg_args {
		cli.extend(["--ksg-key", arg.as_str()]);
	}
	let node = Node::dev_env("ksg-load", &cli, &env_refs);
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;
	let genesis = rpc.genesis_hash().await;
	let owner = Sr25519Keyring::Alice;
	let mut nonce = rpc.next_nonce(&owner.to_account_id()).await;
	let mut send = |call: RuntimeCall| {
		let xt = signed(owner, call, nonce, genesis);
		nonce += 1;
		xt
	};

	// Fleet 1, 2-of-3, its holders acting through accounts the node holds no key of.
	let keys: Vec<PublicationKey> =
		roots.iter().map(|r| PieceRoot::from_slice(r).unwrap().publication_key()).collect();
	let create = send(RuntimeCall::KeyShards(KeyShardsCall::create_fleet {
		threshold: 2,
		holders: [Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Alice]
			.iter()
			.map(|k| vec![k.to_account_id()].try_into().unwrap())
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
		publication_keys: keys.try_into().unwrap(),
		params: pallet_key_shards::FleetParams {
			rotation_period: 200,
			grace_period: 10,
			lead_time: 20,
		},
	}));
	rpc.submit(&create).await.unwrap();
	let ids: Vec<DeviceId> = (0..devices)
		.map(|i| DeviceId::new(format!("load-device-{i:06}").as_bytes()).unwrap())
		.collect();
	for chunk in ids.chunks(512) {
		let register = send(RuntimeCall::KeyShards(KeyShardsCall::register_devices {
			fleet: FLEET,
			devices: chunk.to_vec().try_into().unwrap(),
		}));
		rpc.submit(&register).await.unwrap();
	}
	wait_for("the devices to be registered", Duration::from_secs(300), || async {
		let head = rpc.finalized_head().await.ok()?;
		let fleet: Option<pallet_key_shards::FleetInfo<keyshards_runtime::Runtime>> =
			rpc.state_call("KeyShardsApi_fleet", FLEET, head).await;
		(fleet?.devices as usize == devices).then_some(())
	})
	.await;

	// Hand the holders to the node's KSG keys.
	let node_keys = [Sr25519Keyring::Ferdie, Sr25519Keyring::Eve, Sr25519Keyring::Dave];
	for (holder, key) in node_keys.iter().enumerate() {
		let handover = send(RuntimeCall::KeyShards(KeyShardsCall::set_holder_accounts {
			fleet: FLEET,
			holder: holder as u8,
			accounts: vec![key.to_account_id()].try_into().unwrap(),
		}));
		rpc.submit(&handover).await.unwrap();
	}
	let dave = Sr25519Keyring::Dave.to_account_id();
	let (start_block, start) = wait_for("the hand-over", Duration::from_secs(60), || async {
		let head = rpc.finalized_head().await.ok()?;
		let fleet: Option<pallet_key_shards::FleetInfo<keyshards_runtime::Runtime>> =
			rpc.state_call("KeyShardsApi_fleet", FLEET, head).await;
		(fleet?.holders[2].to_vec() == vec![dave.clone()]).then_some(())?;
		Some((rpc.block_number(head).await.ok()?, Instant::now()))
	})
	.await;

	let mut first: Option<u32> = None;
	let (end_block, elapsed) = loop {
		assert!(start.elapsed() < Duration::from_secs(600), "timed out");
		tokio::time::sleep(Duration::from_millis(100)).await;
		let Ok(head) = rpc.finalized_head().await else { continue };
		let Ok(number) = rpc.block_number(head).await else { continue };
		let count = published(&rpc, head, devices).await;
		if count > 0 && first.is_none() {
			first = Some(number);
		}
		if count == devices {
			break (number, start.elapsed());
		}
	};
	let rate = devices as f64 / elapsed.as_secs_f64();
	println!(
		"KSG load ({backend}, 2-of-3, one node for all holders): {devices} devices, 1 s dev blocks: all complete {:.1} s after the hand-over (block {start_block}), \
		 first in block {}, last by block {end_block}: {} blocks, {rate:.0} device rotations/s",
		elapsed.as_secs_f64(),
		first.unwrap_or(end_block),
		end_block - start_block,
	);
	drop(node);
}
