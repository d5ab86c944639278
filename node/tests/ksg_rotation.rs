//! The KSG on the real node, `--dev --tmp`: nobody publishes anything, yet the 2-of-3 demo
//! devices go through epoch after epoch (the dev node acting for all three holders); each
//! superseded epoch is invalidated, then pruned; every active bundle, read through the runtime
//! API at a finalized block, reconstructs with the device's piece keys and names its publishers;
//! and no piece root shows up in any log line.

use std::{
	collections::BTreeSet,
	time::{Duration, Instant},
};

use keyshards_primitives::{dev, v2::EpochState, DeviceId, QueryError};
use keyshards_test_utils::{
	demo::{reconstruct_with, Bundle},
	*,
};
use sp_keyring::Sr25519Keyring;

/// Epochs each demo device must go through.
const EPOCHS: u32 = 3;

#[derive(Default)]
struct Seen {
	/// Epochs seen active and reconstructed.
	active: BTreeSet<u32>,
	/// Earlier epochs seen invalidated.
	invalidated: BTreeSet<u32>,
	/// Earlier epochs seen gone.
	pruned: BTreeSet<u32>,
}

impl Seen {
	fn done(&self) -> bool {
		(0..EPOCHS).all(|e| self.active.contains(&e))
			&& (0..EPOCHS - 1).all(|e| self.invalidated.contains(&e))
			&& self.pruned.contains(&0)
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_devices_rotate_by_themselves_and_old_epochs_are_invalidated_then_pruned() {
	// The default method set of a node whose RPC is reachable from outside: safe methods only.
	let node = Node::dev_with("ksg-rotation", &["--rpc-methods", "safe"]);
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;

	let fleet = dev::DEMO_FLEET_ID;
	let genesis = rpc.genesis_hash().await;
	// The primary holders: Eve (holder 1) publishes piece 0, Ferdie (holder 0) pieces 1 and 2.
	let publishers: Vec<[u8; 32]> =
		[Sr25519Keyring::Eve, Sr25519Keyring::Ferdie, Sr25519Keyring::Ferdie]
			.map(|k| k.public().0)
			.to_vec();
	let devices: Vec<DeviceId> =
		dev::DEMO_DEVICES.iter().map(|d| DeviceId::new(d.as_bytes()).unwrap()).collect();
	let mut seen: Vec<Seen> = devices.iter().map(|_| Seen::default()).collect();

	let start = Instant::now();
	while !seen.iter().all(Seen::done) {
		assert!(
			start.elapsed() < Duration::from_secs(180),
			"timed out; epochs seen active {:?}, invalidated {:?}, pruned {:?}",
			seen.iter().map(|s| &s.active).collect::<Vec<_>>(),
			seen.iter().map(|s| &s.invalidated).collect::<Vec<_>>(),
			seen.iter().map(|s| &s.pruned).collect::<Vec<_>>(),
		);
		tokio::time::sleep(Duration::from_millis(200)).await;
		let Ok(head) = rpc.finalized_head().await else { continue };
		for (device, seen) in devices.iter().zip(seen.iter_mut()) {
			let bundle: Result<Bundle, QueryError> =
				rpc.state_call("KeyShardsApi_active_bundle", (fleet, device), head).await;
			match bundle {
				Ok(bundle) => {
					assert_eq!(bundle.map.state, EpochState::Active);
					assert_eq!(bundle.map.piece_count, 3);
					assert_eq!(
						bundle.map.publishers.to_vec(),
						publishers,
						"who published each piece"
					);
					reconstruct_with(&dev::DEV_PIECE_ROOTS, genesis, fleet, &bundle);
					seen.active.insert(bundle.map.epoch);
				}
				// Before the first publication lands.
				Err(QueryError::NoActiveKey) => {}
				Err(error) => panic!("active bundle of {device:?}: {error:?}"),
			}
			let latest = seen.active.last().copied().unwrap_or(0);
			for epoch in 0..latest {
				let old: Result<Bundle, QueryError> =
					rpc.state_call("KeyShardsApi_bundle", (fleet, device, epoch), head).await;
				match old {
					Ok(old) => {
						assert_eq!(
							old.map.state,
							EpochState::Invalidated,
							"epoch {epoch} of {device:?}"
						);
						seen.invalidated.insert(epoch);
					}
					Err(QueryError::UnknownEpoch) => {
						seen.pruned.insert(epoch);
					}
					Err(error) => panic!("bundle {epoch} of {device:?}: {error:?}"),
				}
			}
		}
	}

	// The roots never left the node: not in the log (at its default level); and the safe RPC
	// method set refuses to read off-chain storage at all.
	let log = std::fs::read_to_string(&node.log).unwrap();
	for root in dev::DEV_PIECE_ROOTS {
		assert!(!log.to_lowercase().contains(&hex::encode(root)), "a root is in the node's log");
	}
	assert!(log.contains("KSG serves fleet/piece 0/0, 0/1, 0/2"), "the node says what it serves");
	let key = format!("0x{}", hex::encode(pallet_key_shards::ksg::LOCK_KEY));
	let read = rpc.request("offchain_localStorageGet", vec!["PERSISTENT".into(), key.into()]).await;
	let refusal = read.expect_err("the safe RPC set does not serve off-chain storage");
	assert!(refusal.contains("unsafe"), "{refusal}");
	drop(node);
}
