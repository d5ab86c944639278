//! Configuration of each pallet, one file each.

mod balances;
mod consensus;
mod db_weights;
mod key_shards;
mod sudo_utility;
mod system;

pub use consensus::{schedule_genesis_set_change, MinimumPeriod};
pub use key_shards::*;
pub use system::{BlockHashCount, RuntimeBlockLength, RuntimeBlockWeights};
