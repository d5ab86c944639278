//! The real node, `--dev --tmp`: blocks are produced and finalised; signed extrinsics create a
//! 2-of-3 fleet, register a device and publish its three pieces from two holders' accounts; the
//! runtime API serves the bundle at a finalized block once the contest period is over, and the
//! device reconstructs its key from it with its piece keys alone.

use std::time::Duration;

use keyshards_primitives::{
	v2::{digest_of, DeviceEpoch, EpochState, PieceRoot, PublicationKey, Threshold},
	DeviceId, QueryError,
};
use keyshards_runtime::{KeyShardsCall, RuntimeCall};
use keyshards_test_utils::{
	demo::{reconstruct_with, Bundle},
	*,
};
use pallet_key_shards::{DeviceStatus, FleetParams};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;

const TIMEOUT: Duration = Duration::from_secs(120);

/// The test fleet's piece roots (test data).
const ROOTS: [[u8; 32]; 3] = [[0x71; 32], [0x72; 32], [0x73; 32]];

#[tokio::test(flavor = "multi_thread")]
async fn a_threshold_fleet_published_from_outside_serves_a_bundle_the_device_reconstructs() {
	let node = Node::dev("dev-chain");
	let rpc = node.rpc();
	wait_for("the node's RPC", Duration::from_secs(180), || async {
		rpc.is_up().await.then_some(())
	})
	.await;
	wait_for("blocks to be produced and finalised", TIMEOUT, || async {
		rpc.finalized_number().await.filter(|n| *n >= 3)
	})
	.await;

	// The runtime serves metadata v15 and later (polkadot.js decodes everything from it).
	let head = rpc.finalized_head().await.unwrap();
	let versions: Vec<u32> = rpc.state_call("Metadata_metadata_versions", (), head).await;
	assert!(versions.contains(&15) && versions.contains(&16), "metadata versions {versions:?}");

	let device = DeviceId::new(b"sensor/eu-west/42").unwrap();
	let owner = Sr25519Keyring::Alice;
	// Holders 0, 1, 2 act through Bob, Charlie and Alice.
	let holders = [Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Alice];
	let genesis = rpc.genesis_hash().await;
	let threshold = Threshold::new(3, 2).unwrap();

	// Fleet 0 is the dev chain's demo fleet; ours is the next one.
	let fleet = 1u32;
	let keys: Vec<PublicationKey> =
		ROOTS.iter().map(|r| PieceRoot::from_slice(r).unwrap().publication_key()).collect();
	let create = RuntimeCall::KeyShards(KeyShardsCall::create_fleet {
		threshold: 2,
		holders: holders
			.iter()
			.map(|h| vec![h.to_account_id()].try_into().unwrap())
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
		publication_keys: keys.try_into().unwrap(),
		params: FleetParams { rotation_period: 1_000, grace_period: 10, lead_time: 100 },
	});
	let register =
		RuntimeCall::KeyShards(KeyShardsCall::register_device { fleet, device: device.clone() });
	let nonce = rpc.next_nonce(&owner.to_account_id()).await;
	rpc.submit(&signed(owner, create, nonce, genesis)).await.unwrap();
	rpc.submit(&signed(owner, register, nonce + 1, genesis)).await.unwrap();

	let status = wait_for("the device to be registered at a finalized block", TIMEOUT, || async {
		let head = rpc.finalized_head().await.ok()?;
		let status: Result<DeviceStatus<u32>, QueryError> =
			rpc.state_call("KeyShardsApi_device_status", (fleet, &device), head).await;
		status.ok()
	})
	.await;
	assert_eq!((status.registration, status.next_epoch, status.current), (0, Some(0), None));

	// The holders' side: each piece from its primary holder's account (Charlie for piece 0,
	// Bob for pieces 1 and 2), signed with the piece's publication seed, for this chain.
	let at = DeviceEpoch {
		ctx: keyshards_primitives::v2::Context::new(&genesis.0, fleet),
		device: device.clone(),
		registration: 0,
		epoch: 0,
	};
	for k in 0..3u16 {
		let root = PieceRoot::from_slice(&ROOTS[k as usize]).unwrap();
		let publication = root.generate(&at, k, 3).unwrap().publication;
		let digest = digest_of(&at.who(k), &publication);
		let signature = root.publisher_seed().sign_publications(&at.ctx, k, &[digest]);
		let holder = holders[threshold.primary_holder(k).unwrap() as usize];
		let publish = RuntimeCall::KeyShards(KeyShardsCall::publish_pieces {
			fleet,
			piece: k,
			publications: vec![publication].try_into().unwrap(),
			signature,
			piece_count: threshold.piece_count(),
		});
		let holder_nonce = rpc.next_nonce(&holder.to_account_id()).await;
		rpc.submit(&signed(holder, publish, holder_nonce, genesis)).await.unwrap();
	}

	let (bundle, at_head): (Bundle, H256) =
		wait_for("the bundle active at a finalized block", TIMEOUT, || async {
			let head = rpc.finalized_head().await.ok()?;
			let bundle: Result<Bundle, QueryError> =
				rpc.state_call("KeyShardsApi_active_bundle", (fleet, &device), head).await;
			bundle.ok().map(|b| (b, head))
		})
		.await;

	// The device side: only its piece keys, and what the chain served.
	reconstruct_with(&ROOTS, genesis, fleet, &bundle);
	let ids: Vec<_> = bundle.pieces.iter().map(|p| p.id).collect();
	let expected: Vec<_> = (0..3).map(|k| at.shard_id(k)).collect();
	assert_eq!(ids, expected, "the chain derives SPEC's shard ids");
	assert_eq!(bundle.map.shard_ids.to_vec(), expected);
	assert_eq!(bundle.map.state, EpochState::Active);
	let read_at = rpc.block_number(at_head).await.unwrap();
	assert!(bundle.map.valid_from <= read_at && read_at < bundle.map.valid_to);
	let publishers: Vec<[u8; 32]> =
		[holders[1], holders[0], holders[0]].iter().map(|h| h.public().0).collect();
	assert_eq!(bundle.map.publishers.to_vec(), publishers);
	drop(node);
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_starts_with_the_demo_fleet() {
	let node = Node::dev("demo-fleet");
	let rpc = node.rpc();
	let head = wait_for("a finalized block", Duration::from_secs(180), || async {
		rpc.finalized_number().await.filter(|n| *n >= 1)?;
		rpc.finalized_head().await.ok()
	})
	.await;
	let fleet: Option<pallet_key_shards::FleetInfo<keyshards_runtime::Runtime>> =
		rpc.state_call("KeyShardsApi_fleet", 0u32, head).await;
	let fleet = fleet.expect("the demo fleet exists");
	assert_eq!(fleet.owner, Sr25519Keyring::Alice.to_account_id());
	assert_eq!((fleet.threshold.holders(), fleet.threshold.threshold()), (3, 2));
	let holders: Vec<_> = fleet.holders.iter().map(|accounts| accounts.to_vec()).collect();
	let expected_holders: Vec<Vec<keyshards_runtime::AccountId>> =
		[Sr25519Keyring::Ferdie, Sr25519Keyring::Eve, Sr25519Keyring::Dave]
			.iter()
			.map(|k| vec![k.to_account_id()])
			.collect();
	assert_eq!(holders, expected_holders);
	assert_eq!(
		fleet.publication_keys.to_vec(),
		keyshards_primitives::dev::demo_publication_keys().to_vec()
	);
	let statuses: Result<Vec<DeviceStatus<u32>>, QueryError> = rpc
		.state_call("KeyShardsApi_device_statuses", (0u32, Option::<DeviceId>::None, 100u32), head)
		.await;
	let mut devices: Vec<String> = statuses
		.unwrap()
		.into_iter()
		.map(|s| String::from_utf8(s.device.as_bytes().to_vec()).unwrap())
		.collect();
	devices.sort();
	let mut expected: Vec<String> =
		keyshards_primitives::dev::DEMO_DEVICES.iter().map(|d| d.to_string()).collect();
	expected.sort();
	assert_eq!(devices, expected);
	// An unknown fleet is named as such.
	let missing: Result<DeviceStatus<u32>, QueryError> = rpc
		.state_call("KeyShardsApi_device_status", (7u32, DeviceId::new(b"x").unwrap()), head)
		.await;
	assert_eq!(missing, Err(QueryError::UnknownFleet));
	drop(node);
}
