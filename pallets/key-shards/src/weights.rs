// TEMPORARY (threshold branch): v1's measured figures under v2's names, until the v2
// benchmarks are run; this file must be regenerated before the branch lands.
// Generated file: do not edit. Regenerate with `scripts/benchmark-weights.sh`; the figures that
// matter are in docs/benchmarks.md.

//! Weights of `pallet_key_shards`, generated from its benchmarks (`src/benchmarking.rs`) by
//! `keyshards-node benchmark pallet` (64.0.0) on 2026-11-24, host `vm`, CPU
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
	fn create_fleet(a: u32, ) -> Weight;
	fn set_fleet_params() -> Weight;
	fn set_holder_accounts(a: u32, ) -> Weight;
	fn propose_fleet_owner() -> Weight;
	fn accept_fleet_ownership() -> Weight;
	fn destroy_fleet() -> Weight;
	fn register_devices(b: u32, ) -> Weight;
	fn deregister_device() -> Weight;
	fn publish_pieces(b: u32, n: u32, ) -> Weight;
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
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::NextFleetId` (r:1 w:1)
	/// Proof: `KeyShards::NextFleetId` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:0 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// The range of component `a` is `[1, 16]`.
	fn create_fleet(a: u32, ) -> Weight {
		// Minimum execution time: 59_208 nanoseconds.
		Weight::from_parts(63_828_282, 3593)
			.saturating_add(Weight::from_parts(25_704, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	fn set_fleet_params() -> Weight {
		// Minimum execution time: 14_342 nanoseconds.
		Weight::from_parts(16_604_000, 4100)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// The range of component `a` is `[1, 16]`.
	fn set_holder_accounts(a: u32, ) -> Weight {
		// Minimum execution time: 14_892 nanoseconds.
		Weight::from_parts(20_594_137, 4100)
			.saturating_add(Weight::from_parts(73_175, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	fn propose_fleet_owner() -> Weight {
		// Minimum execution time: 14_591 nanoseconds.
		Weight::from_parts(18_557_000, 4100)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn accept_fleet_ownership() -> Weight {
		// Minimum execution time: 178_054 nanoseconds.
		Weight::from_parts(186_817_000, 6196)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	fn destroy_fleet() -> Weight {
		// Minimum execution time: 53_238 nanoseconds.
		Weight::from_parts(56_453_000, 4100)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:512 w:512)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[1, 512]`.
	fn register_devices(b: u32, ) -> Weight {
		// Minimum execution time: 73_759 nanoseconds.
		Weight::from_parts(24_692_464, 4100)
			.saturating_add(Weight::from_parts(8_758_597, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2633).saturating_mul(b.into()))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:1)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(85), added: 2560, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:0 w:8)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	/// The range of component `e` is `[0, 8]`.
	fn deregister_device() -> Weight {
		// Minimum execution time: 65_317 nanoseconds.
		Weight::from_parts(68_648_445, 4100)
			.saturating_add(Weight::from_parts(6_307_841, 0).saturating_mul(2_u64))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(2_u64)))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:512 w:512)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:512 w:1024)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	/// The range of component `b` is `[1, 512]`.
	/// The range of component `n` is `[1, 32]`.
	fn publish_pieces(b: u32, n: u32, ) -> Weight {
		// Minimum execution time: 66_168 nanoseconds.
		Weight::from_parts(68_001_000, 4100)
			.saturating_add(Weight::from_parts(47_260_646, 0).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(85_812_411, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(b.into()))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:2 w:2)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	fn invalidate_epoch() -> Weight {
		// Minimum execution time: 66_438 nanoseconds.
		Weight::from_parts(72_798_000, 9584)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:8 w:8)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	/// The range of component `e` is `[1, 8]`.
	fn prune(e: u32, ) -> Weight {
		// Minimum execution time: 41_972 nanoseconds.
		Weight::from_parts(26_047_614, 4100)
			.saturating_add(Weight::from_parts(20_374_455, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(e.into()))
	}
	/// Storage: `KeyShards::Devices` (r:1 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:2 w:2)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	fn record_use() -> Weight {
		// Minimum execution time: 60_990 nanoseconds.
		Weight::from_parts(69_273_000, 9584)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `KeyShards::Epochs` (r:1 w:0)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	fn authorize_record_use() -> Weight {
		// Minimum execution time: 67_030 nanoseconds.
		Weight::from_parts(72_397_000, 5287)
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	/// Storage: `KeyShards::GcCursor` (r:1 w:1)
	/// Proof: `KeyShards::GcCursor` (`max_values`: Some(1), `max_size`: Some(258), added: 753, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:6 w:0)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:1 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	fn on_idle_base() -> Weight {
		// Minimum execution time: 29_714 nanoseconds.
		Weight::from_parts(31_917_000, 16788)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `KeyShards::GcCursor` (r:1 w:1)
	/// Proof: `KeyShards::GcCursor` (`max_values`: Some(1), `max_size`: Some(258), added: 753, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Devices` (r:7 w:1)
	/// Proof: `KeyShards::Devices` (`max_values`: None, `max_size`: Some(158), added: 2633, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Fleets` (r:2 w:0)
	/// Proof: `KeyShards::Fleets` (`max_values`: None, `max_size`: Some(635), added: 3110, mode: `MaxEncodedLen`)
	/// Storage: `KeyShards::Epochs` (r:8 w:8)
	/// Proof: `KeyShards::Epochs` (`max_values`: None, `max_size`: Some(1822), added: 4297, mode: `MaxEncodedLen`)
	/// The range of component `e` is `[0, 8]`.
	fn gc_visit(e: u32, ) -> Weight {
		// Minimum execution time: 39_428 nanoseconds.
		Weight::from_parts(49_130_899, 19421)
			.saturating_add(Weight::from_parts(19_858_947, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(e.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mock runtimes.
impl WeightInfo for () {
	fn create_fleet(a: u32, ) -> Weight {
		Weight::from_parts(63_828_282, 3593)
			.saturating_add(Weight::from_parts(25_704, 0).saturating_mul(a.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn set_fleet_params() -> Weight {
		Weight::from_parts(16_604_000, 4100)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_holder_accounts(a: u32, ) -> Weight {
		Weight::from_parts(20_594_137, 4100)
			.saturating_add(Weight::from_parts(73_175, 0).saturating_mul(a.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn propose_fleet_owner() -> Weight {
		Weight::from_parts(18_557_000, 4100)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn accept_fleet_ownership() -> Weight {
		Weight::from_parts(186_817_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn destroy_fleet() -> Weight {
		Weight::from_parts(56_453_000, 4100)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn register_devices(b: u32, ) -> Weight {
		Weight::from_parts(24_692_464, 4100)
			.saturating_add(Weight::from_parts(8_758_597, 0).saturating_mul(b.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2633).saturating_mul(b.into()))
	}
	fn deregister_device() -> Weight {
		Weight::from_parts(68_648_445, 4100)
			.saturating_add(Weight::from_parts(6_307_841, 0).saturating_mul(2_u64))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(2_u64)))
	}
	fn publish_pieces(b: u32, n: u32, ) -> Weight {
		Weight::from_parts(68_001_000, 4100)
			.saturating_add(Weight::from_parts(47_260_646, 0).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(85_812_411, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((2_u64).saturating_mul(b.into())))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(b.into()))
	}
	fn invalidate_epoch() -> Weight {
		Weight::from_parts(72_798_000, 9584)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn prune(e: u32, ) -> Weight {
		Weight::from_parts(26_047_614, 4100)
			.saturating_add(Weight::from_parts(20_374_455, 0).saturating_mul(e.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(e.into()))
	}
	fn record_use() -> Weight {
		Weight::from_parts(69_273_000, 9584)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn authorize_record_use() -> Weight {
		Weight::from_parts(72_397_000, 5287)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
	}
	fn on_idle_base() -> Weight {
		Weight::from_parts(31_917_000, 16788)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn gc_visit(e: u32, ) -> Weight {
		Weight::from_parts(49_130_899, 19421)
			.saturating_add(Weight::from_parts(19_858_947, 0).saturating_mul(e.into()))
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 4297).saturating_mul(e.into()))
	}
}
