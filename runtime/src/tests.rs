//! Runtime tests: the genesis presets build, and the transaction pipeline lets a device record
//! the use of its key with a general transaction authorised by the key's signature alone.

use crate::*;
use codec::Encode;
use frame_support::{
	assert_ok,
	genesis_builder_helper::{build_state, get_preset},
	traits::Hooks,
};
use keyshards_primitives::{
	dev, generate, payload_hash, reconstruct, DeviceId, FleetRootKey, OneTimeKey, ShardCount,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::Era,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};

/// Merges a preset's JSON patch into a default genesis config, as the node's chain spec does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

fn externalities(preset: &str) -> sp_io::TestExternalities {
	let patch = get_preset::<RuntimeGenesisConfig>(
		&Some(preset.into()),
		crate::genesis_config_presets::get_preset,
	)
	.expect("the preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		build_state::<RuntimeGenesisConfig>(serde_json::to_vec(&config).unwrap())
			.expect("the preset builds")
	});
	ext
}

#[test]
fn both_presets_build_and_only_dev_has_the_demo_fleet() {
	externalities(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let fleet = KeyShards::fleet_info(0).expect("the demo fleet");
		assert_eq!(fleet.devices as usize, dev::DEMO_DEVICES.len());
		assert_eq!(fleet.params.rotation_period, dev::DEMO_ROTATION_PERIOD);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(
			KeyShards::device_statuses(0, None, 100).unwrap().len(),
			dev::DEMO_DEVICES.len()
		);
	});
	externalities(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert!(KeyShards::fleet_info(0).is_none());
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 3);
	});
}

#[test]
fn deposits_cover_what_the_records_take() {
	use codec::MaxEncodedLen;
	let device_bytes = pallet_key_shards::DeviceInfo::<Balance, BlockNumber>::max_encoded_len()
		+ configs::MAX_RETAINED_EPOCHS as usize
			* pallet_key_shards::EpochRecord::<BlockNumber>::max_encoded_len();
	assert_eq!(
		configs::DeviceDeposit::get(),
		configs::deposit(1 + configs::MAX_RETAINED_EPOCHS, device_bytes as u32)
	);
	// A dev account can afford a large demo fleet.
	assert!(configs::DeviceDeposit::get() * 10_000 < 1_000_000 * UNIT);
}

/// A general (unsigned, fee-less) transaction: what a device submits to record a use.
fn general(call: RuntimeCall) -> UncheckedExtrinsic {
	let extension = tx_extension(Era::Immortal, 0, 0);
	UncheckedExtrinsic::new_transaction(call, extension)
}

fn demo_key(device: &DeviceId) -> OneTimeKey {
	let master =
		FleetRootKey::from_slice(&dev::DEV_FLEET_ROOT_KEY).unwrap().device_master_key(device);
	let count = ShardCount::new(dev::DEMO_SHARD_COUNT).unwrap();
	let generated = generate(&master, device, 0, count);
	reconstruct(&master, device, 0, count, &generated.public_key, &generated.shards).unwrap()
}

#[test]
fn a_use_is_a_fee_less_general_transaction_authorised_by_the_key() {
	externalities(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let device = DeviceId::new(dev::DEMO_DEVICES[0].as_bytes()).unwrap();
		let master =
			FleetRootKey::from_slice(&dev::DEV_FLEET_ROOT_KEY).unwrap().device_master_key(&device);
		let count = ShardCount::new(dev::DEMO_SHARD_COUNT).unwrap();
		assert_ok!(KeyShards::publish_shards(
			RuntimeOrigin::signed(Sr25519Keyring::Ferdie.to_account_id()),
			0,
			device.clone(),
			0,
			generate(&master, &device, 0, count).submission(),
		));
		KeyShards::on_finalize(1);

		let key = demo_key(&device);
		let record = |payload: &[u8], signature| {
			general(RuntimeCall::KeyShards(KeyShardsCall::record_use {
				fleet: 0,
				device: device.clone(),
				epoch: 0,
				payload_hash: payload_hash(payload),
				signature,
			}))
		};
		let good = record(b"firmware 2.0", key.sign(b"firmware 2.0"));
		// The encoding a device builds without the runtime: version 5 "general", extension
		// version 0, then immortal era, nonce 0 and tip 0, then the call.
		let encoded = good.encode();
		let call = good.function.encode();
		let body = [&[0x45u8, 0x00, 0x00, 0x00, 0x00][..], &call[..]].concat();
		assert_eq!(
			encoded,
			body.encode(),
			"a general transaction is 0x45 00 | era nonce tip | call"
		);

		let parent = System::parent_hash();
		let valid =
			Executive::validate_transaction(TransactionSource::External, good.clone(), parent)
				.expect("a use signed by the active key is valid");
		assert!(!valid.provides.is_empty());

		let forged = record(b"firmware 2.0", key.sign(b"something else"));
		assert_eq!(
			Executive::validate_transaction(TransactionSource::External, forged, parent),
			Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
		);

		// Applied in a block, it records the use and charges nobody.
		let alice = Sr25519Keyring::Alice.to_account_id();
		let before = Balances::free_balance(&alice);
		assert_ok!(Executive::apply_extrinsic(good.clone()).expect("applies"));
		assert!(KeyShards::use_record(0, device.clone(), 0).unwrap().is_some());
		assert_eq!(Balances::free_balance(&alice), before);
		// A second use is refused by the pool.
		assert_eq!(
			Executive::validate_transaction(TransactionSource::External, good, parent),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
				pallet_key_shards::invalid_use::KEY_ALREADY_USED
			)))
		);
	});
}

/// Device rotations (one device's next epoch, n = 4) that fit in one block's normal-class
/// weight, from the generated weights: full `publish_shards_batch` transactions of
/// `MaxBatchSize` devices, then one partial batch, each paying the extrinsic base weight.
fn rotations_per_block() -> (u32, u32) {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_key_shards::WeightInfo;
	type W = pallet_key_shards::weights::SubstrateWeight<Runtime>;

	let weights = configs::RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let limit = normal.max_total.expect("normal class is limited").ref_time();
	let max_batch: u32 = <Runtime as pallet_key_shards::Config>::MaxBatchSize::get();
	let batch = |b: u32| -> u64 {
		W::publish_shards_batch(b, 4).saturating_add(normal.base_extrinsic).ref_time()
	};
	let (mut rotations, mut used, mut transactions) = (0u32, 0u64, 0u32);
	while used + batch(max_batch) <= limit {
		used += batch(max_batch);
		rotations += max_batch;
		transactions += 1;
	}
	let partial = (1..max_batch).rev().find(|b| used + batch(*b) <= limit).unwrap_or(0);
	if partial > 0 {
		transactions += 1;
	}
	(rotations + partial, transactions)
}

#[test]
fn one_block_fits_at_least_3000_device_rotations() {
	let (rotations, transactions) = rotations_per_block();
	println!(
		"device rotations (n = 4) per block: {rotations} in {transactions} batch transactions"
	);
	assert!(rotations >= 3_000, "only {rotations} device rotations fit in a block");

	// Their encoded size fits the normal share of a block too.
	let device = DeviceId::new(b"device-000000000001").unwrap();
	let master = FleetRootKey::from_slice(&[1; 32]).unwrap().device_master_key(&device);
	let item = pallet_key_shards::PublishItem {
		device: device.clone(),
		epoch: 7,
		submission: generate(&master, &device, 7, ShardCount::new(4).unwrap()).submission(),
	};
	let bytes = item.encoded_size() as u32 * rotations;
	let length =
		*configs::RuntimeBlockLength::get().max.get(frame_support::dispatch::DispatchClass::Normal);
	println!("their encoded size: {bytes} bytes of {length}");
	assert!(bytes < length);
}

#[test]
fn the_ksg_sends_batches_that_fit_a_transaction_and_half_a_block() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_key_shards::WeightInfo;
	type W = pallet_key_shards::weights::SubstrateWeight<Runtime>;

	let settings = configs::KeyShardsKsgSettings::get();
	let n = dev::DEMO_SHARD_COUNT;
	let (batch, per_block) = KeyShards::ksg_batch_plan(&settings, ShardCount::new(n).unwrap());
	let weights = configs::RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let weight = W::publish_shards_batch(batch, n as u32).saturating_add(normal.base_extrinsic);
	assert_eq!(batch, settings.batch_size, "512 devices fit one transaction");
	assert!(weight.all_lte(normal.max_extrinsic.unwrap()));
	assert!(per_block >= settings.max_batches_per_block);
	let half = normal.max_total.unwrap().ref_time() / 2;
	assert!(weight.ref_time() * per_block as u64 <= half);
	assert!(weight.ref_time() * (per_block as u64 + 1) > half, "as many as fit, no fewer");

	// A larger configured batch is capped at `MaxBatchSize`, which fits one transaction here
	// (so the halving for weight is not reached with this runtime).
	let mut greedy = settings;
	greedy.batch_size = u32::MAX;
	let (capped, _) = KeyShards::ksg_batch_plan(&greedy, ShardCount::new(n).unwrap());
	assert!(capped <= <Runtime as pallet_key_shards::Config>::MaxBatchSize::get());
	let capped_weight =
		W::publish_shards_batch(capped, n as u32).saturating_add(normal.base_extrinsic);
	assert!(capped_weight.all_lte(normal.max_extrinsic.unwrap()));
}
