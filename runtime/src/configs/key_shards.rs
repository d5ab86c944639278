//! `pallet-key-shards`: deposits and bounds.

use crate::{Balance, Balances, BlockNumber, Runtime, RuntimeHoldReason, MICRO_UNIT, MILLI_UNIT};
use codec::MaxEncodedLen;
use frame_support::{parameter_types, traits::ConstU32};
use pallet_key_shards::{DeviceInfo, EpochRecord, FleetInfo};

/// A storage deposit: per item plus per byte.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 10 * MILLI_UNIT + bytes as Balance * 10 * MICRO_UNIT
}

/// Most epochs a device keeps in storage at once.
pub const MAX_RETAINED_EPOCHS: u32 = 8;

parameter_types! {
	/// One fleet record.
	pub FleetDeposit: Balance = deposit(1, FleetInfo::<Runtime>::max_encoded_len() as u32);
	/// One device record and the most epoch records it may keep (each with its use record).
	pub DeviceDeposit: Balance = deposit(
		1 + MAX_RETAINED_EPOCHS,
		(DeviceInfo::<Balance, BlockNumber>::max_encoded_len()
			+ MAX_RETAINED_EPOCHS as usize * EpochRecord::<BlockNumber>::max_encoded_len()) as u32,
	);
}

impl pallet_key_shards::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FleetDeposit = FleetDeposit;
	type DeviceDeposit = DeviceDeposit;
	type MaxAuthorities = ConstU32<16>;
	type MaxDevicesPerFleet = ConstU32<1_000_000>;
	type MaxRetainedEpochs = ConstU32<MAX_RETAINED_EPOCHS>;
	type MaxBatchSize = ConstU32<512>;
	/// Two blocks: the shortest period in which a pending epoch can follow an active one.
	type MinRotationPeriod = ConstU32<2>;
	type MaxGcVisitsPerBlock = ConstU32<1_000>;
	type WeightInfo = pallet_key_shards::weights::SubstrateWeight<Runtime>;
}
