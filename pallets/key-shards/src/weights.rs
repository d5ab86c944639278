// Generated file: do not edit. Regenerate with `scripts/benchmark-weights.sh`; the figures that
// matter are in docs/benchmarks.md.

//! Weights of `pallet_key_shards`, generated from its benchmarks (`src/benchmarking.rs`) by
//! `keyshards-node benchmark pallet` (64.0.0) on 2026-11-28, host `vm`, CPU
//! `AMD EPYC`: 20 steps, 10 repeats, Compiled wasm.
//!
//! Command:
//! `/root/.cache/keyshards-target/release/keyshards-node benchmark pallet --runtime /root/.cache/keyshards-target/release/wbuild/keyshards-runtime/keyshards_runtime.compact.compressed.wasm --genesis-builder runtime --genesis-builder-preset development --pallet pallet_key_shards --extrinsic * --steps 20 --repeat 10 --wasm-execution compiled --heap-pages 4096 --template scripts/weight-template.hbs --header scripts/weight-header.txt --output pallets/key-shards/src/weights.rs`

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions of `pallet_key_shards`.
pub trait WeightInfo {
	fn create_fleet(p: u32, ) -> Weight;
	fn set_fleet_params() -> Weight;
	fn set_holder_accounts(a: u32, ) -> Weight;
	fn propose_fleet_owner() -> Weight;
	fn accept_fleet_ownership() -> Weight;
	fn destroy_fleet() -> Weight;
	fn register_devices(b: u32, ) -> Weight;
	fn deregister_device() -> Weight;
	fn publish_pieces(c: u32, p: u32, ) -> Weight;
	fn check_publications_one_by_one(c: u32, ) -> Weight;
	fn open_epoch() -> Weight;
	fn complete_epoch(p: u32, ) -> Weight;
	fn invalidate_epoch() -> Weight;
	fn prune(e: u32, ) -> Weight;
	fn record_use() -> Weight;
	fn authorize_record_use() -> Weight;
	fn on_idle_base() -> Weight;
	fn gc_visit(e: u32, ) -> Weight;
}

/// Weights of `pallet_key_shards` with the runtime's database weights (`T::DbWeight`).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `KeyShards::PublicationKeys` (r:35 w:35)
	/// Proof: `KeyShards::PublicationKeys` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::NextFleetId` (r:1 w:1)
	/// Proof: `KeyShards::NextFleetId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:0 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// The range of component `p` is `[1, 35]`.
	fn create_fleet(p: u32, ) -> Weight {
		// Minimum execution time: 125_784 nanoseconds.
		Weight::from_parts(128_460_053, 3593)
			.saturating_add(Weight::from_parts(54_821_054, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(p.into())))
			.saturating_add(Weight::from_parts(0, 2527).saturating_mul(p.into()))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	fn set_fleet_params() -> Weight {
		// Minimum execution time: 26_289 nanoseconds.
		Weight::from_parts(46_055_000, 9229)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// The range of component `a` is `[1, 4]`.
	fn set_holder_accounts(a: u32, ) -> Weight {
		// Minimum execution time: 27_672 nanoseconds.
		Weight::from_parts(42_119_259, 9229)
			.saturating_add(Weight::from_parts(991_343, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	fn propose_fleet_owner() -> Weight {
		// Minimum execution time: 26_429 nanoseconds.
		Weight::from_parts(36_578_000, 9229)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn accept_fleet_ownership() -> Weight {
		// Minimum execution time: 221_374 nanoseconds.
		Weight::from_parts(377_545_000, 9229)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn destroy_fleet() -> Weight {
		// Minimum execution time: 74_780 nanoseconds.
		Weight::from_parts(129_703_000, 9229)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:512 w:512)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::DueIndex` (r:0 w:512)
	/// Proof: `KeyShards::DueIndex` (`max_values`: None, `max_size`: Some(102), added: 2577, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[1, 512]`.
	fn register_devices(b: u32, ) -> Weight {
		// Minimum execution time: 106_989 nanoseconds.
		Weight::from_parts(112_510_000, 9229)
			.saturating_add(Weight::from_parts(25_271_798, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2664).saturating_mul(b.into()))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:2 w:2)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::DueIndex` (r:0 w:1)
	/// Proof: `KeyShards::DueIndex` (`max_values`: None, `max_size`: Some(102), added: 2577, mode: `MaxEncodedLen`)
	fn deregister_device() -> Weight {
		// Minimum execution time: 138_889 nanoseconds.
		Weight::from_parts(241_832_000, 14384)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1024 w:0)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:1024 w:1024)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// The range of component `c` is `[1, 1024]`.
	/// The range of component `p` is `[2, 35]`.
	fn publish_pieces(c: u32, p: u32, ) -> Weight {
		// Minimum execution time: 282_988 nanoseconds.
		Weight::from_parts(292_867_000, 9229)
			.saturating_add(Weight::from_parts(102_799_288, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(69_905_759, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(c.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(c.into()))
	}
	/// The range of component `c` is `[1, 1024]`.
	fn check_publications_one_by_one(c: u32, ) -> Weight {
		// Minimum execution time: 82_074 nanoseconds.
		Weight::from_parts(1_169_559_891, 0)
			.saturating_add(Weight::from_parts(89_656_279, 0).saturating_mul(c.into()))
	}
	/// Storage: `KeyShards::Devices` (r:0 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	fn open_epoch() -> Weight {
		// Minimum execution time: 4_599 nanoseconds.
		Weight::from_parts(6_983_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Devices` (r:0 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::DueIndex` (r:0 w:2)
	/// Proof: `KeyShards::DueIndex` (`max_values`: None, `max_size`: Some(102), added: 2577, mode: `MaxEncodedLen`)
	/// The range of component `p` is `[1, 35]`.
	fn complete_epoch(p: u32, ) -> Weight {
		// Minimum execution time: 34_104 nanoseconds.
		Weight::from_parts(47_695_453, 0)
			.saturating_add(Weight::from_parts(7_084_765, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:2 w:2)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::DueIndex` (r:0 w:2)
	/// Proof: `KeyShards::DueIndex` (`max_values`: None, `max_size`: Some(102), added: 2577, mode: `MaxEncodedLen`)
	fn invalidate_epoch() -> Weight {
		// Minimum execution time: 92_402 nanoseconds.
		Weight::from_parts(164_377_000, 14384)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:8 w:8)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// The range of component `e` is `[1, 8]`.
	fn prune(e: u32, ) -> Weight {
		// Minimum execution time: 55_674 nanoseconds.
		Weight::from_parts(71_014_582, 9229)
			.saturating_add(Weight::from_parts(24_865_262, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(e.into()))
	}
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:2 w:2)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::DueIndex` (r:0 w:2)
	/// Proof: `KeyShards::DueIndex` (`max_values`: None, `max_size`: Some(102), added: 2577, mode: `MaxEncodedLen`)
	fn record_use() -> Weight {
		// Minimum execution time: 159_758 nanoseconds.
		Weight::from_parts(185_876_000, 14384)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `KeyShards::Devices` (r:1 w:0)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:1 w:0)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	fn authorize_record_use() -> Weight {
		// Minimum execution time: 80_129 nanoseconds.
		Weight::from_parts(85_430_000, 7687)
			.saturating_add(T::DbWeight::get().reads(3_u64))
	}
	/// Storage: `KeyShards::GcCursor` (r:1 w:1)
	/// Proof: `KeyShards::GcCursor` (`max_values`: Some(1), `max_size`: Some(258), added: 753, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:6 w:0)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	fn on_idle_base() -> Weight {
		// Minimum execution time: 43_141 nanoseconds.
		Weight::from_parts(76_894_000, 16974)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::GcCursor` (r:1 w:1)
	/// Proof: `KeyShards::GcCursor` (`max_values`: Some(1), `max_size`: Some(258), added: 753, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:7 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(189), added: 2664, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:2 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(5764), added: 8239, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:8 w:8)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(4222), added: 6697, mode: `MaxEncodedLen`)
	/// The range of component `e` is `[0, 8]`.
	fn gc_visit(e: u32, ) -> Weight {
		// Minimum execution time: 58_269 nanoseconds.
		Weight::from_parts(121_438_971, 19638)
			.saturating_add(Weight::from_parts(26_750_408, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(e.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mock runtimes.
impl WeightInfo for () {
	fn create_fleet(p: u32, ) -> Weight {
		Weight::from_parts(128_460_053, 3593)
			.saturating_add(Weight::from_parts(54_821_054, 0).saturating_mul(p.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(p.into())))
			.saturating_add(Weight::from_parts(0, 2527).saturating_mul(p.into()))
	}
	fn set_fleet_params() -> Weight {
		Weight::from_parts(46_055_000, 9229)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_holder_accounts(a: u32, ) -> Weight {
		Weight::from_parts(42_119_259, 9229)
			.saturating_add(Weight::from_parts(991_343, 0).saturating_mul(a.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn propose_fleet_owner() -> Weight {
		Weight::from_parts(36_578_000, 9229)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn accept_fleet_ownership() -> Weight {
		Weight::from_parts(377_545_000, 9229)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn destroy_fleet() -> Weight {
		Weight::from_parts(129_703_000, 9229)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn register_devices(b: u32, ) -> Weight {
		Weight::from_parts(112_510_000, 9229)
			.saturating_add(Weight::from_parts(25_271_798, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2664).saturating_mul(b.into()))
	}
	fn deregister_device() -> Weight {
		Weight::from_parts(241_832_000, 14384)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(7_u64))
	}
	fn publish_pieces(c: u32, p: u32, ) -> Weight {
		Weight::from_parts(292_867_000, 9229)
			.saturating_add(Weight::from_parts(102_799_288, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(69_905_759, 0).saturating_mul(p.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(c.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(c.into()))
	}
	fn check_publications_one_by_one(c: u32, ) -> Weight {
		Weight::from_parts(1_169_559_891, 0)
			.saturating_add(Weight::from_parts(89_656_279, 0).saturating_mul(c.into()))
	}
	fn open_epoch() -> Weight {
		Weight::from_parts(6_983_000, 0)
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn complete_epoch(p: u32, ) -> Weight {
		Weight::from_parts(47_695_453, 0)
			.saturating_add(Weight::from_parts(7_084_765, 0).saturating_mul(p.into()))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn invalidate_epoch() -> Weight {
		Weight::from_parts(164_377_000, 14384)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn prune(e: u32, ) -> Weight {
		Weight::from_parts(71_014_582, 9229)
			.saturating_add(Weight::from_parts(24_865_262, 0).saturating_mul(e.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(e.into()))
	}
	fn record_use() -> Weight {
		Weight::from_parts(185_876_000, 14384)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn authorize_record_use() -> Weight {
		Weight::from_parts(85_430_000, 7687)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
	}
	fn on_idle_base() -> Weight {
		Weight::from_parts(76_894_000, 16974)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn gc_visit(e: u32, ) -> Weight {
		Weight::from_parts(121_438_971, 19638)
			.saturating_add(Weight::from_parts(26_750_408, 0).saturating_mul(e.into()))
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 6697).saturating_mul(e.into()))
	}
}
