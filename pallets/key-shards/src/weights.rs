//! Weights for `pallet_key_shards`.
//!
//! PLACEHOLDER until the node's `benchmark pallet` subcommand exists to generate this file from
//! `benchmarking.rs`: these are storage-access counts of each path with a flat execution cost,
//! so that the pallet and its tests build. They are replaced by generated weights.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_key_shards`.
pub trait WeightInfo {
	fn create_fleet(a: u32) -> Weight;
	fn set_fleet_params() -> Weight;
	fn set_ksg_authorities(a: u32) -> Weight;
	fn propose_fleet_owner() -> Weight;
	fn accept_fleet_ownership() -> Weight;
	fn destroy_fleet() -> Weight;
	fn register_devices(b: u32) -> Weight;
	fn deregister_device(e: u32) -> Weight;
	fn publish_shards(n: u32) -> Weight;
	fn publish_shards_batch(b: u32, n: u32) -> Weight;
	fn publish_refused(b: u32) -> Weight;
	fn invalidate_epoch() -> Weight;
	fn prune(e: u32) -> Weight;
	fn record_use() -> Weight;
	fn authorize_record_use() -> Weight;
	fn on_idle_base() -> Weight;
	fn gc_visit(e: u32) -> Weight;
}

fn exec(us: u64) -> Weight {
	Weight::from_parts(us * 1_000_000, 0)
}

/// Weights for `pallet_key_shards` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_fleet(a: u32) -> Weight {
		<() as WeightInfo>::create_fleet(a)
	}
	fn set_fleet_params() -> Weight {
		<() as WeightInfo>::set_fleet_params()
	}
	fn set_ksg_authorities(a: u32) -> Weight {
		<() as WeightInfo>::set_ksg_authorities(a)
	}
	fn propose_fleet_owner() -> Weight {
		<() as WeightInfo>::propose_fleet_owner()
	}
	fn accept_fleet_ownership() -> Weight {
		<() as WeightInfo>::accept_fleet_ownership()
	}
	fn destroy_fleet() -> Weight {
		<() as WeightInfo>::destroy_fleet()
	}
	fn register_devices(b: u32) -> Weight {
		<() as WeightInfo>::register_devices(b)
	}
	fn deregister_device(e: u32) -> Weight {
		<() as WeightInfo>::deregister_device(e)
	}
	fn publish_shards(n: u32) -> Weight {
		<() as WeightInfo>::publish_shards(n)
	}
	fn publish_shards_batch(b: u32, n: u32) -> Weight {
		<() as WeightInfo>::publish_shards_batch(b, n)
	}
	fn publish_refused(b: u32) -> Weight {
		<() as WeightInfo>::publish_refused(b)
	}
	fn invalidate_epoch() -> Weight {
		<() as WeightInfo>::invalidate_epoch()
	}
	fn prune(e: u32) -> Weight {
		<() as WeightInfo>::prune(e)
	}
	fn record_use() -> Weight {
		<() as WeightInfo>::record_use()
	}
	fn authorize_record_use() -> Weight {
		<() as WeightInfo>::authorize_record_use()
	}
	fn on_idle_base() -> Weight {
		<() as WeightInfo>::on_idle_base()
	}
	fn gc_visit(e: u32) -> Weight {
		<() as WeightInfo>::gc_visit(e)
	}
}

impl WeightInfo for () {
	fn create_fleet(_a: u32) -> Weight {
		exec(30).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn set_fleet_params() -> Weight {
		exec(15).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn set_ksg_authorities(_a: u32) -> Weight {
		exec(15).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn propose_fleet_owner() -> Weight {
		exec(15).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn accept_fleet_ownership() -> Weight {
		exec(60).saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn destroy_fleet() -> Weight {
		exec(30).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn register_devices(b: u32) -> Weight {
		exec(30)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
			.saturating_add(exec(10).saturating_mul(b as u64))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul(b as u64))
	}
	fn deregister_device(e: u32) -> Weight {
		exec(40)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
			.saturating_add(RocksDbWeight::get().writes(1).saturating_mul(e as u64))
	}
	fn publish_shards(_n: u32) -> Weight {
		exec(30).saturating_add(RocksDbWeight::get().reads_writes(3, 2))
	}
	fn publish_shards_batch(b: u32, _n: u32) -> Weight {
		exec(20).saturating_add(RocksDbWeight::get().reads(1)).saturating_add(
			exec(20)
				.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
				.saturating_mul(b as u64),
		)
	}
	fn publish_refused(b: u32) -> Weight {
		exec(20).saturating_add(RocksDbWeight::get().reads(1)).saturating_add(
			exec(10).saturating_add(RocksDbWeight::get().reads(1)).saturating_mul(b as u64),
		)
	}
	fn invalidate_epoch() -> Weight {
		exec(30).saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn prune(e: u32) -> Weight {
		exec(20)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul(e as u64))
	}
	fn record_use() -> Weight {
		exec(30).saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn authorize_record_use() -> Weight {
		exec(60).saturating_add(RocksDbWeight::get().reads(1))
	}
	fn on_idle_base() -> Weight {
		exec(5).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn gc_visit(e: u32) -> Weight {
		exec(10)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul(e as u64))
	}
}
