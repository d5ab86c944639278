//! The off-chain KSG of SPEC v2. WORK IN PROGRESS on the threshold branch: the v1 worker was
//! removed with v1; the v2 worker (per piece held, groups signed by the key source) follows.

use crate::{ksg::*, *};
use frame_system::pallet_prelude::BlockNumberFor;

impl<T: Config> Pallet<T> {
	/// One run of the KSG at block `now`.
	pub fn run_ksg(_now: BlockNumberFor<T>) -> Result<KsgReport, KsgError> {
		Err(KsgError::Busy)
	}
}
