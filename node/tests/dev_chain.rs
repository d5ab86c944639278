//! The real node, `--dev --tmp`: blocks are produced and finalised; signed extrinsics create a
//! fleet, register a device and publish its shards; the runtime API serves the bundle at a
//! finalized block, and the device reconstructs SPEC's test-vector key from it.

use std::time::Duration;

use keyshards_primitives::{
	generate, DeviceBundle, DeviceId, DeviceMasterKey, FleetRootKey, QueryError, ShardCount,
};
use keyshards_runtime::{KeyShardsCall, RuntimeCall};
use keyshards_test_utils::*;
use pallet_key_shards::DeviceStatus;
use sp_core::H256;
use sp_keyring::Sr25519Keyring;

/// The first case of `vectors-v1.json`.
struct Vector {
	root: Vec<u8>,
	device: Vec<u8>,
	master: Vec<u8>,
	seed: String,
	public_key: String,
	ids: Vec<String>,
}

fn first_vector() -> Vector {
	let cases: serde_json::Value =
		serde_json::from_str(include_str!("../../primitives/tests/vectors-v1.json")).unwrap();
	let case = &cases[0];
	let text = |k: &str| case[k].as_str().unwrap().to_string();
	assert_eq!((case["epoch"].as_u64(), case["shard_count"].as_u64()), (Some(0), Some(4)));
	Vector {
		root: hex::decode(text("fleet_root_key")).unwrap(),
		device: text("device_id_utf8").into_bytes(),
		master: hex::decode(text("device_master_key")).unwrap(),
		seed: text("one_time_secret_seed"),
		public_key: text("public_key"),
		ids: case["shards"]
			.as_array()
			.unwrap()
			.iter()
			.map(|s| s["id"].as_str().unwrap().to_string())
			.collect(),
	}
}

const TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_serves_a_published_bundle_that_reconstructs_the_vector_key() {
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

	let vector = first_vector();
	let device = DeviceId::new(&vector.device).unwrap();
	let (owner, ksg) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);
	let genesis = rpc.genesis_hash().await;

	// Fleet 0 is the dev chain's demo fleet; ours is the next one.
	let fleet = 1u32;
	let nonce = rpc.next_nonce(&owner.to_account_id()).await;
	let create = RuntimeCall::KeyShards(KeyShardsCall::create_fleet {
		rotation_period: 1_000,
		shard_count: 4,
		grace_period: 10,
		authorities: vec![ksg.to_account_id()].try_into().unwrap(),
	});
	let register =
		RuntimeCall::KeyShards(KeyShardsCall::register_device { fleet, device: device.clone() });
	rpc.submit(&signed(owner, create, nonce, genesis)).await.unwrap();
	rpc.submit(&signed(owner, register, nonce + 1, genesis)).await.unwrap();

	let status = wait_for("the device to be registered at a finalized block", TIMEOUT, || async {
		let head = rpc.finalized_head().await.ok()?;
		let status: Result<DeviceStatus<u32>, QueryError> =
			rpc.state_call("KeyShardsApi_device_status", (fleet, &device), head).await;
		status.ok()
	})
	.await;
	assert_eq!((status.next_epoch, status.current), (Some(0), None));

	// The KSG side: derive from the vector's fleet root and publish.
	let root = FleetRootKey::from_slice(&vector.root).unwrap();
	let generated =
		generate(&root.device_master_key(&device), &device, 0, ShardCount::new(4).unwrap());
	let publish = RuntimeCall::KeyShards(KeyShardsCall::publish_shards {
		fleet,
		device: device.clone(),
		epoch: 0,
		submission: generated.submission(),
	});
	let ksg_nonce = rpc.next_nonce(&ksg.to_account_id()).await;
	rpc.submit(&signed(ksg, publish, ksg_nonce, genesis)).await.unwrap();

	let (bundle, at): (DeviceBundle<u32>, H256) =
		wait_for("the bundle at a finalized block", TIMEOUT, || async {
			let head = rpc.finalized_head().await.ok()?;
			let bundle: Result<DeviceBundle<u32>, QueryError> =
				rpc.state_call("KeyShardsApi_active_bundle", (fleet, &device), head).await;
			bundle.ok().map(|b| (b, head))
		})
		.await;

	// The device side: only its master key (the vector's), and what the chain served.
	let master = DeviceMasterKey::from_slice(&vector.master).unwrap();
	let key = bundle.reconstruct(&master, &device).expect("the device reconstructs its key");
	assert_eq!(hex::encode(key.expose_secret()), vector.seed);
	assert_eq!(hex::encode(key.public_key().0), vector.public_key);
	let chain_ids: Vec<String> = bundle.map.shard_ids.iter().map(|id| hex::encode(id.0)).collect();
	assert_eq!(chain_ids, vector.ids, "the chain derives SPEC's shard ids");
	assert_eq!(bundle.map.state, keyshards_primitives::ShardState::Active);
	let published_at = rpc.block_number(at).await.unwrap();
	assert!(bundle.map.valid_from <= published_at && published_at < bundle.map.expires_at);
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
	assert_eq!(fleet.authorities.to_vec(), vec![Sr25519Keyring::Ferdie.to_account_id()]);
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
