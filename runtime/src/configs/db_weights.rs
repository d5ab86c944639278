// Generated file: do not edit. Regenerate with `scripts/benchmark-db-weights.sh`; the figures
// that matter are in docs/benchmarks.md.

//! The database weights, measured by `benchmark storage` (Substrate benchmark CLI 64.0.0) on
//! a chain's own state, 2026-11-27 (Y/M/D).
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! DATABASE: `ParityDb`, RUNTIME: `Keyshards Development`, BLOCK-NUM: `Number(939)`
//! WARMUPS: `1`, STATE-VERSION: `V1`, BATCH-SIZE: `100000`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/keyshards-target/release/keyshards-node
//   benchmark
//   storage
//   --chain
//   dev
//   --base-path
//   /tmp/.tmpL3dy1q/node
//   --database
//   paritydb
//   --state-version
//   1
//   --warmups
//   1
//   --template-path
//   scripts/db-weight-template.hbs
//   --weight-path
//   runtime/src/configs/db_weights.rs

use frame_support::{
	parameter_types,
	weights::{constants, RuntimeDbWeight},
};

parameter_types! {
	/// What one storage read and one storage write cost the node's `ParityDb` database.
	pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
		// Time to read one storage item (trie cache off).
		// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
		//
		// Stats nanoseconds:
		//   Min, Max: 1_362, 44_002_142
		//   Average:  16_383
		//   Median:   14_617
		//   Std-Dev:  109667.62
		//
		// Percentiles nanoseconds:
		//   99th: 26_008
		//   95th: 20_759
		//   75th: 16_931
		read: 16_383 * constants::WEIGHT_REF_TIME_PER_NANOS,

		// Time to write one storage item: its share of a batch's storage root and commit.
		// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
		//
		// Stats nanoseconds:
		//   Min, Max: 27_826, 52_509
		//   Average:  36_277
		//   Median:   35_595
		//   Std-Dev:  5439.91
		//
		// Percentiles nanoseconds:
		//   99th: 52_509
		//   95th: 49_702
		//   75th: 38_508
		write: 36_277 * constants::WEIGHT_REF_TIME_PER_NANOS,
	};
}
