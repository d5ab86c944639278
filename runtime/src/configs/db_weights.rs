// Generated file: do not edit. Regenerate with `scripts/benchmark-db-weights.sh`; the figures
// that matter are in docs/benchmarks.md.

//! The database weights, measured by `benchmark storage` (Substrate benchmark CLI 64.0.0) on
//! a chain's own state, 2026-11-27 (Y/M/D).
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! DATABASE: `ParityDb`, RUNTIME: `Keyshards Development`, BLOCK-NUM: `Number(163)`
//! WARMUPS: `1`, STATE-VERSION: `V1`, BATCH-SIZE: `100000`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/keyshards-target/release/keyshards-node
//   benchmark
//   storage
//   --chain
//   dev
//   --base-path
//   /tmp/.tmpcQU1Tn/node
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
		//   Min, Max: 1_873, 39_702_512
		//   Average:  14_449
		//   Median:   12_693
		//   Std-Dev:  95174.59
		//
		// Percentiles nanoseconds:
		//   99th: 31_940
		//   95th: 18_795
		//   75th: 14_817
		read: 14_449 * constants::WEIGHT_REF_TIME_PER_NANOS,

		// Time to write one storage item: its share of a batch's storage root and commit.
		// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
		//
		// Stats nanoseconds:
		//   Min, Max: 21_936, 36_132
		//   Average:  29_164
		//   Median:   27_807
		//   Std-Dev:  4329.76
		//
		// Percentiles nanoseconds:
		//   99th: 36_132
		//   95th: 35_297
		//   75th: 32_895
		write: 29_164 * constants::WEIGHT_REF_TIME_PER_NANOS,
	};
}
