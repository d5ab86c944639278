//! Storage records of the pallet and the rules that read them.
//!
//! The stored records a device proves (fleet, device and epoch records) are defined in
//! `keyshards_primitives::v2::storage` and `keyshards_primitives::v2::EpochRecord`, shared with
//! the device client so the two cannot drift; this module gives them this chain's types and
//! holds the records only the chain reads (conflicts, statuses, genesis fleets).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	v2::{PublicPiece, PublicationKey, Registration, ShardCiphertext},
	Epoch,
};
use scale_info::TypeInfo;

use crate::{BalanceOf, Config};

pub use keyshards_primitives::v2::{
	storage::{DeviceInfo, FleetParams, FleetRecord, OpenSlot, Registered, Slot},
	FleetId, HolderIndex, Invalidation, InvalidationReason, PieceIndex,
};

/// The accounts that may submit publications for one holder (one per KSG node).
pub type HolderAccountsOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAccountsPerHolder>;
/// A fleet's holders in order, each with its accounts.
pub type HoldersOf<T> = BoundedVec<HolderAccountsOf<T>, <T as Config>::MaxHolders>;
/// A fleet's piece publication keys `W_0 .. W_{p-1}`.
pub type PublicationKeysOf<T> = BoundedVec<PublicationKey, <T as Config>::MaxPieces>;

/// A fleet's record, as stored: [`keyshards_primitives::v2::storage::FleetRecord`] with this
/// chain's accounts, balances, block numbers and bounds.
pub type FleetInfo<T> = FleetRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxHolders,
	<T as Config>::MaxAccountsPerHolder,
	<T as Config>::MaxPieces,
>;

/// A recorded conflict: two publications of one piece of one epoch that passed every check and
/// differ in `(pt(X_k), C_k)`. Proves a holder of the piece faulty; kept for good.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Conflict<AccountId, BlockNumber> {
	/// The piece.
	pub piece: PieceIndex,
	/// The publication that was present: `pt(X_k)`, `C_k`, its account.
	pub first: (PublicPiece, ShardCiphertext, AccountId),
	/// The one that differed.
	pub second: (PublicPiece, ShardCiphertext, AccountId),
	/// The block it was recorded in.
	pub at: BlockNumber,
}

/// What happened to one publication of a group (each is an event).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum PublicationOutcome {
	/// Stored; the epoch is `present` of `p` pieces complete.
	Accepted {
		/// Pieces now present.
		present: u16,
	},
	/// Refused; nothing stored.
	Refused(RefusalReason),
	/// The same `(pt(X_k), C_k)` is already present (refused, charged for its checks).
	Duplicate,
	/// A different `(pt(X_k), C_k)` is present: the epoch is invalidated and both are recorded.
	Conflict,
}

/// Why one publication was refused, in SPEC's order of checks.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum RefusalReason {
	/// `pt(X_k)` is not a canonical point encoding.
	PublicPieceNotCanonical,
	/// `pt(X_k)` is of small order.
	PublicPieceSmallOrder,
	/// `pt(X_k)` is not torsion-free.
	PublicPieceNotTorsionFree,
	/// `π_k` does not verify under `pt(X_k)`.
	BadProofOfPossession,
	/// Another epoch of the device is open.
	AnotherEpochOpen,
	/// `e` is not one more than the highest epoch opened (0 for a new id).
	NotNextEpoch,
	/// An epoch of the id was opened in this block.
	OpenedThisBlock,
	/// The device is not due: its key has more than the lead time left.
	NotDue,
	/// The device id's epochs are exhausted (`e` would pass `2^32 - 1`): the id is retired.
	EpochsExhausted,
	/// The device keeps as many epoch records as it may; older ones must be pruned first (an
	/// extension to SPEC: storage is bounded).
	RetentionFull,
}

/// A genesis fleet (`chain_spec` / genesis presets): checked exactly as `create_fleet` checks.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisFleet<AccountId, BlockNumber> {
	/// The owner (funded in the genesis balances).
	pub owner: AccountId,
	/// `t`.
	pub threshold: u8,
	/// Per holder, its accounts.
	pub holders: alloc::vec::Vec<alloc::vec::Vec<AccountId>>,
	/// `W_0 .. W_{p-1}` (hex in JSON).
	pub publication_keys: alloc::vec::Vec<sp_core::H256>,
	/// The fleet's parameters.
	pub params: FleetParams<BlockNumber>,
	/// Device ids registered at genesis (UTF-8).
	pub devices: alloc::vec::Vec<alloc::string::String>,
}

/// A device's status for operators.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct DeviceStatus<BlockNumber> {
	/// The device.
	pub device: keyshards_primitives::DeviceId,
	/// Whether it is registered (a deregistered id is a tombstone).
	pub registered: bool,
	/// `g`.
	pub registration: Registration,
	/// The next epoch to open, unless exhausted.
	pub next_epoch: Option<Epoch>,
	/// Epoch records that may be stored.
	pub retained: u32,
	/// The current (or last) key, with its state.
	pub current: Option<EpochStatus<BlockNumber>>,
	/// The open epoch, with its state (incomplete or pending).
	pub open: Option<EpochStatus<BlockNumber>>,
}

/// One epoch in a [`DeviceStatus`].
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct EpochStatus<BlockNumber> {
	/// The epoch.
	pub epoch: Epoch,
	/// Its state at the block read.
	pub state: keyshards_primitives::v2::EpochState,
	/// `b0`, for an open epoch; `b_from` otherwise.
	pub since: BlockNumber,
	/// `b_to` once complete.
	pub until: Option<BlockNumber>,
}

/// A device record of this runtime.
pub type DeviceInfoOf<T> = DeviceInfo<BalanceOf<T>, BlockNumberFor<T>>;
/// An epoch record of this runtime.
pub type EpochRecordOf<T> = keyshards_primitives::v2::EpochRecord<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxPieces,
>;
/// A conflict record of this runtime.
pub type ConflictOf<T> = Conflict<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A block number as a key of the due index: big-endian, so that a fleet's entries are stored
/// (and iterated) in block order.
pub type DueBlock = [u8; 8];

/// `block` as a [`DueBlock`].
pub fn due_block<N: sp_runtime::traits::UniqueSaturatedInto<u64>>(block: N) -> DueBlock {
	block.unique_saturated_into().to_be_bytes()
}

/// Longest stored cursor of the garbage collector (a hashed storage key).
pub type MaxCursorLen = sp_core::ConstU32<256>;
