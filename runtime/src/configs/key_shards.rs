//! `pallet-key-shards`: deposits and bounds.

use crate::{
	configs::BlockHashCount, tx_extension, Address, Balance, Balances, BlockNumber, Nonce, Runtime,
	RuntimeCall, RuntimeHoldReason, Signature, SignedPayload, System, UncheckedExtrinsic,
	MICRO_UNIT, MILLI_UNIT,
};
use codec::{Encode, MaxEncodedLen};
use frame_support::{parameter_types, traits::ConstU32};
use frame_system::offchain::{
	AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
};
use pallet_key_shards::{ksg::KsgSettings, DeviceInfo, EpochRecordOf, FleetInfo};
use sp_runtime::{
	generic::Era,
	traits::{IdentifyAccount, SaturatedConversion, Verify},
	Perbill,
};

/// A storage deposit: per item plus per byte.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 10 * MILLI_UNIT + bytes as Balance * 10 * MICRO_UNIT
}

/// Most epochs a device keeps in storage at once.
pub const MAX_RETAINED_EPOCHS: u32 = 8;
/// Most pieces a fleet may have: 35 = C(7, 3), a 4-of-7 fleet (SPEC allows 256; this chain
/// keeps records and weights bounded).
pub const MAX_PIECES: u32 = 35;

/// Longest `KeyShards::Devices` key: pallet and map prefixes (32), `Twox64Concat` fleet id
/// (8 + 4), `Blake2_128Concat` device id (16 + its longest encoding, 66).
fn device_key_len() -> usize {
	32 + 8 + 4 + 16 + keyshards_primitives::DeviceId::max_encoded_len()
}
/// Longest `KeyShards::DueIndex` key: the device's key parts with an `Identity` due block (8)
/// between them (its value is empty).
fn due_key_len() -> usize {
	device_key_len() + 8
}
/// Longest `KeyShards::Epochs` key: the device's key parts and a `Twox64Concat` epoch (8 + 4).
fn epoch_key_len() -> usize {
	device_key_len() + 8 + 4
}

parameter_types! {
	/// One fleet record.
	pub FleetDeposit: Balance = deposit(1, FleetInfo::<Runtime>::max_encoded_len() as u32);
	/// One device record, its due-index entry and the most epoch records it may keep (each with
	/// its pieces and use record) for the largest fleet (`MAX_PIECES`), keys included: measured in
	/// `tests::the_device_deposit_covers_a_device_at_its_retention_limit`.
	pub DeviceDeposit: Balance = deposit(
		2 + MAX_RETAINED_EPOCHS,
		(device_key_len() + DeviceInfo::<Balance, BlockNumber>::max_encoded_len() + due_key_len()
			+ MAX_RETAINED_EPOCHS as usize
				* (epoch_key_len() + EpochRecordOf::<Runtime>::max_encoded_len())) as u32,
	);
	/// The off-chain KSG: groups of up to 1,024 publications of one piece (`MaxGroupSize`), at
	/// most 8 per block per node, in whole rounds of one group per piece (smaller and fewer as
	/// their benchmarked weight needs: together at most 75 % of the block's normal class, which
	/// lighter transactions still enter first); 4,096 devices examined per fleet and block; a
	/// submission is in flight for 10 blocks; a piece's backup holders wait 3 blocks.
	pub const KeyShardsKsgSettings: KsgSettings<BlockNumber> = KsgSettings {
		batch_size: 1_024,
		max_batches_per_block: 8,
		blocks_ahead: 3,
		block_share: Perbill::from_percent(75),
		page_size: 4_096,
		retry_after: 10,
		backup_delay: 3,
	};
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	/// A transaction signed in the off-chain worker (the KSG's `publish_pieces`): mortal
	/// from the parent block for `BlockHashCount / 2`-ish blocks, no tip.
	fn create_signed_transaction<A: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: Self::AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let period = BlockHashCount::get().checked_next_power_of_two().map_or(2, |p| p / 2);
		// The worker runs on block `n`, whose hash is in `BlockHash` from block `n + 1` on:
		// the era starts at the parent.
		let birth = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension = tx_extension(Era::mortal(period as u64, birth), nonce, 0);
		let payload = SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| A::sign(bytes, public.clone()))?;
		let (call, extension, _) = payload.deconstruct();
		debug_assert_eq!(public.into_account(), account);
		Some(UncheckedExtrinsic::new_signed(call, Address::Id(account), signature, extension))
	}
}

impl pallet_key_shards::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FleetDeposit = FleetDeposit;
	type DeviceDeposit = DeviceDeposit;
	/// Up to 35 holders (with `t = 2`, 35 pieces).
	type MaxHolders = ConstU32<MAX_PIECES>;
	/// Up to 4 KSG nodes per holder.
	type MaxAccountsPerHolder = ConstU32<4>;
	type MaxPieces = ConstU32<MAX_PIECES>;
	type MaxDevicesPerFleet = ConstU32<1_000_000>;
	type MaxRetainedEpochs = ConstU32<MAX_RETAINED_EPOCHS>;
	type MaxBatchSize = ConstU32<512>;
	type MaxGroupSize = ConstU32<1024>;
	/// Four blocks: a complete epoch's contest period plus at least one block of key.
	type MinRotationPeriod = ConstU32<4>;
	/// `Δ` = 2 blocks: time for every holder of a piece to see it and contest a wrong one.
	type ContestPeriod = ConstU32<2>;
	/// `N` = 20 blocks: an epoch whose pieces are not all in by then is invalid.
	type IncompleteTimeout = ConstU32<20>;
	type MaxGcVisitsPerBlock = ConstU32<1_000>;
	type AuthorityId = pallet_key_shards::ksg::crypto::KsgAuthority;
	type KsgSettings = KeyShardsKsgSettings;
	type WeightInfo = pallet_key_shards::weights::SubstrateWeight<Runtime>;
}
