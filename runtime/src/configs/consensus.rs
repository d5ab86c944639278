//! Aura (block production), GRANDPA (finality) and the timestamp that drives Aura's slots.

use crate::{Aura, Runtime, RuntimeEvent, SLOT_DURATION};
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64},
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

parameter_types! {
	/// Half the slot duration, in milliseconds: `pallet_timestamp`'s minimum period between
	/// blocks, and Aura's slot is twice it. `SLOT_DURATION / 2` unless the chain's genesis
	/// stores another value under this parameter's key: the dev chain stores half its block
	/// time, so that its clock (`Timestamp::Now`, which devices check for freshness) follows
	/// the wall clock instead of running ahead by a 6 s slot per 1 s block.
	pub storage MinimumPeriod: u64 = SLOT_DURATION / 2;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = MinimumPeriod;
	type WeightInfo = ();
}

/// Makes finality provable from block 1 on: schedules, in the genesis state, a GRANDPA
/// authority-set change to the same authorities, signalled and enacted in block 1 (set 0 → 1).
///
/// A node serves `grandpa_proveFinality` (what a device checks finality with, trusting no
/// endpoint) only once an authority-set change has been finalised (polkadot-sdk#1401), and this
/// runtime has no session pallet to ever make one. The runtime's set id is 1 from genesis on, as
/// the client's will be once block 1 is final; a device's trust anchor, provisioned at a finalised
/// block, holds set 1. Called by the genesis builder after the genesis config is built.
pub fn schedule_genesis_set_change() {
	let authorities = pallet_grandpa::Authorities::<Runtime>::get();
	pallet_grandpa::PendingChange::<Runtime>::put(pallet_grandpa::StoredPendingChange {
		scheduled_at: 1,
		delay: 0,
		next_authorities: authorities,
		forced: None,
	});
	pallet_grandpa::CurrentSetId::<Runtime>::put(1);
}
