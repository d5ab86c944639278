//! Benchmarks of every call and of the garbage collector, each on its most expensive path.
//!
//! Shards and signatures are real SPEC v1 material made with `keyshards-primitives`; device ids
//! are 64 bytes long (the largest storage keys).

use super::*;
use crate::Pallet as KeyShards;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Authorize, Get,
	},
	weights::Weight,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use keyshards_primitives::{
	generate, payload_hash, reconstruct, DeviceId, Epoch, FleetRootKey, OneTimeKey, ShardCount,
	ShardSubmission, UseRecord,
};
use sp_runtime::{traits::Zero, transaction_validity::TransactionSource, Saturating};

const ROOT: [u8; 32] = [0x5a; 32];

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let devices = T::MaxBatchSize::get().max(T::MaxRetainedEpochs::get()) + 10;
	let amount = T::FleetDeposit::get()
		.saturating_mul(10u32.into())
		.saturating_add(T::DeviceDeposit::get().saturating_mul(devices.into()))
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

/// A 64-byte device id, distinct per `index`.
fn device_id(index: u32) -> DeviceId {
	let mut bytes = [b'd'; 64];
	bytes[60..].copy_from_slice(&index.to_be_bytes());
	DeviceId::new(&bytes).expect("64 bytes is a valid id")
}

/// The shard count a benchmark component `n` stands for: the next allowed count.
fn shard_count(n: u32) -> ShardCount {
	ShardCount::new(n.next_power_of_two() as u8).expect("1..=32 rounds to an allowed count")
}

fn period<T: Config>() -> BlockNumberFor<T> {
	T::MinRotationPeriod::get().saturating_mul(100u32.into())
}

/// A fleet with `authorities` KSG accounts (the first is returned) and shard count `n`.
fn fleet<T: Config>(n: u32, authorities: u32) -> (FleetId, T::AccountId, T::AccountId) {
	let owner = funded::<T>("owner", 0);
	let ksgs: Vec<T::AccountId> = (0..authorities.max(1)).map(|i| account("ksg", i, 0)).collect();
	let fleet = NextFleetId::<T>::get();
	KeyShards::<T>::do_create_fleet(
		owner.clone(),
		period::<T>(),
		shard_count(n).get(),
		Zero::zero(),
		ksgs.clone().try_into().expect("within MaxAuthorities"),
	)
	.expect("valid fleet");
	(fleet, owner, ksgs[0].clone())
}

fn register<T: Config>(owner: &T::AccountId, fleet: FleetId, devices: u32) -> Vec<DeviceId> {
	let ids: Vec<DeviceId> = (0..devices).map(device_id).collect();
	for chunk in ids.chunks(T::MaxBatchSize::get() as usize) {
		KeyShards::<T>::do_register_devices(owner.clone(), fleet, chunk).expect("registers");
	}
	ids
}

fn submission(device: &DeviceId, epoch: Epoch, count: ShardCount) -> ShardSubmission {
	let master = FleetRootKey::from_slice(&ROOT).unwrap().device_master_key(device);
	generate(&master, device, epoch, count).submission()
}

fn key(device: &DeviceId, epoch: Epoch, count: ShardCount) -> OneTimeKey {
	let master = FleetRootKey::from_slice(&ROOT).unwrap().device_master_key(device);
	let generated = generate(&master, device, epoch, count);
	reconstruct(&master, device, epoch, count, &generated.public_key, &generated.shards).unwrap()
}

fn publish<T: Config>(ksg: &T::AccountId, fleet: FleetId, device: &DeviceId, epoch: Epoch) {
	let info = Fleets::<T>::get(fleet).unwrap();
	let submission = submission(device, epoch, info.params.shard_count);
	KeyShards::<T>::do_publish(
		ksg,
		fleet,
		&info,
		&PublishItem { device: device.clone(), epoch, submission },
	)
	.expect("publishes");
}

/// Marks the device's current key used (the state in which publishing does the most work).
fn use_current<T: Config>(fleet: FleetId, device: &DeviceId, epoch: Epoch) {
	let count = Fleets::<T>::get(fleet).unwrap().params.shard_count;
	let signature = key(device, epoch, count).sign(b"payload");
	KeyShards::<T>::do_record_use(
		fleet,
		device.clone(),
		epoch,
		payload_hash(b"payload"),
		signature,
	)
	.expect("records the use");
}

/// Gives `device` `epochs` stored, invalidated epochs past any grace period.
fn stale_epochs<T: Config>(ksg: &T::AccountId, fleet: FleetId, device: &DeviceId, epochs: u32) {
	let mut now = frame_system::Pallet::<T>::block_number();
	for epoch in 0..epochs {
		publish::<T>(ksg, fleet, device, epoch);
		// Let the key expire; the next publication then starts at once.
		now = now.saturating_add(period::<T>()).saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(now);
	}
}

fn items(devices: &[DeviceId], epoch: Epoch, count: ShardCount) -> Vec<PublishItem> {
	devices
		.iter()
		.map(|device| PublishItem {
			device: device.clone(),
			epoch,
			submission: submission(device, epoch, count),
		})
		.collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_fleet(a: Linear<1, { T::MaxAuthorities::get() }>) {
		let owner = funded::<T>("owner", 0);
		let authorities: AuthoritiesOf<T> =
			(0..a).map(|i| account("ksg", i, 0)).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), period::<T>(), 32, Zero::zero(), authorities);
		assert!(Fleets::<T>::contains_key(0));
	}

	#[benchmark]
	fn set_fleet_params() {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		let new_period = period::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, new_period, Zero::zero());
		assert_eq!(Fleets::<T>::get(fleet).unwrap().params.rotation_period, new_period);
	}

	#[benchmark]
	fn set_ksg_authorities(a: Linear<1, { T::MaxAuthorities::get() }>) {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		let authorities: AuthoritiesOf<T> =
			(0..a).map(|i| account("new-ksg", i, 0)).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, authorities.clone());
		assert_eq!(Fleets::<T>::get(fleet).unwrap().authorities, authorities);
	}

	#[benchmark]
	fn propose_fleet_owner() {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		let next = funded::<T>("next", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, Some(next.clone()));
		assert_eq!(Fleets::<T>::get(fleet).unwrap().pending_owner, Some(next));
	}

	#[benchmark]
	fn accept_fleet_ownership() {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		register::<T>(&owner, fleet, 1);
		let next = funded::<T>("next", 0);
		KeyShards::<T>::do_propose_fleet_owner(owner, fleet, Some(next.clone())).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(next.clone()), fleet);
		assert_eq!(Fleets::<T>::get(fleet).unwrap().owner, next);
	}

	#[benchmark]
	fn destroy_fleet() {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet);
		assert!(!Fleets::<T>::contains_key(fleet));
	}

	#[benchmark]
	fn register_devices(b: Linear<1, { T::MaxBatchSize::get() }>) {
		let (fleet, owner, _) = fleet::<T>(4, 1);
		let devices: BoundedVec<DeviceId, T::MaxBatchSize> =
			(0..b).map(device_id).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, devices);
		assert_eq!(Fleets::<T>::get(fleet).unwrap().devices, b);
	}

	#[benchmark]
	fn deregister_device(e: Linear<0, { T::MaxRetainedEpochs::get() }>) {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		stale_epochs::<T>(&ksg, fleet, &device, e);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, device.clone());
		assert!(!Devices::<T>::contains_key(fleet, &device));
	}

	/// Worst case: the device's current key is used, so the old epoch is also superseded.
	#[benchmark]
	fn publish_shards(n: Linear<1, 32>) {
		let (fleet, owner, ksg) = fleet::<T>(n, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(&ksg, fleet, &device, 0);
		use_current::<T>(fleet, &device, 0);
		let submission = submission(&device, 1, shard_count(n));
		#[extrinsic_call]
		_(RawOrigin::Signed(ksg), fleet, device.clone(), 1, submission);
		assert!(Epochs::<T>::contains_key((fleet, &device, 1)));
	}

	#[benchmark]
	fn publish_shards_batch(b: Linear<1, { T::MaxBatchSize::get() }>, n: Linear<1, 32>) {
		let (fleet, owner, ksg) = fleet::<T>(n, 1);
		let devices = register::<T>(&owner, fleet, b);
		for device in &devices {
			publish::<T>(&ksg, fleet, device, 0);
			use_current::<T>(fleet, device, 0);
		}
		let items: BoundedVec<_, T::MaxBatchSize> =
			items(&devices, 1, shard_count(n)).try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(ksg), fleet, items);
		assert_eq!(Devices::<T>::get(fleet, &devices[0]).unwrap().next_epoch, 2);
	}

	/// A batch whose every item is a duplicate of what another KSG already published.
	#[benchmark]
	fn publish_refused(b: Linear<1, { T::MaxBatchSize::get() }>) -> Result<(), BenchmarkError> {
		let (fleet, owner, ksg) = fleet::<T>(4, 1);
		let devices = register::<T>(&owner, fleet, b);
		for device in &devices {
			publish::<T>(&ksg, fleet, device, 0);
		}
		let items = items(&devices, 0, shard_count(4));
		let info = Fleets::<T>::get(fleet).unwrap();
		#[block]
		{
			let published = KeyShards::<T>::do_publish_batch(&ksg, fleet, &info, &items);
			assert_eq!(published, 0);
		}
		Ok(())
	}

	/// Worst case: revoking the current key hands over to a pending epoch.
	#[benchmark]
	fn invalidate_epoch() {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(&ksg, fleet, &device, 0);
		publish::<T>(&ksg, fleet, &device, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, device.clone(), 0);
		let current = Devices::<T>::get(fleet, &device).unwrap().current.unwrap();
		assert_eq!(current.epoch, 1);
	}

	#[benchmark]
	fn prune(e: Linear<1, { T::MaxRetainedEpochs::get() }>) {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		stale_epochs::<T>(&ksg, fleet, &device, e);
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), fleet, device.clone());
		assert_eq!(Devices::<T>::get(fleet, &device).unwrap().oldest, e as u64);
	}

	/// Worst case: the use hands over to a pending epoch.
	#[benchmark]
	fn record_use() {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(&ksg, fleet, &device, 0);
		publish::<T>(&ksg, fleet, &device, 1);
		let signature = key(&device, 0, shard_count(32)).sign(b"payload");
		#[extrinsic_call]
		_(RawOrigin::Authorized, fleet, device.clone(), 0, payload_hash(b"payload"), signature);
		let used = Epochs::<T>::get((fleet, &device, 0)).unwrap().used;
		assert!(matches!(used, Some(UseRecord { .. })));
	}

	#[benchmark]
	fn authorize_record_use() -> Result<(), BenchmarkError> {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(&ksg, fleet, &device, 0);
		let signature = key(&device, 0, shard_count(32)).sign(b"payload");
		let call = Call::<T>::record_use {
			fleet,
			device,
			epoch: 0,
			payload_hash: payload_hash(b"payload"),
			signature,
		};
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("record_use authorizes itself")?
				.map_err(|_| "a valid use is authorised")?;
		}
		Ok(())
	}

	/// The collector's fixed cost: resuming from a cursor and finding no device after it.
	#[benchmark]
	fn on_idle_base() {
		let cursor = Devices::<T>::hashed_key_for(FleetId::MAX, device_id(u32::MAX));
		GcCursor::<T>::put(BoundedVec::try_from(cursor).unwrap());
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			KeyShards::<T>::collect_garbage(now, Weight::MAX);
		}
		assert!(GcCursor::<T>::get().is_none());
	}

	/// One device visited by the collector (its fleet read too), pruning `e` epochs.
	#[benchmark]
	fn gc_visit(e: Linear<0, { T::MaxRetainedEpochs::get() }>) {
		let (fleet, owner, ksg) = fleet::<T>(32, 1);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		stale_epochs::<T>(&ksg, fleet, &device, e);
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			KeyShards::<T>::collect_garbage(now, Weight::MAX);
		}
		assert_eq!(Devices::<T>::get(fleet, &device).unwrap().oldest, e as u64);
	}

	impl_benchmark_test_suite!(KeyShards, crate::mock::new_test_ext(), crate::mock::Test);
}
