//! Storage records of the pallet and the rules that read them.
//!
//! A device's schedule (its current and open epochs with their windows) is cached in its
//! [`DeviceInfo`] so that every rule is decided from one record; the epoch records
//! ([`keyshards_primitives::v2::EpochRecord`]) hold the pieces and are what a device reads and
//! proves. Both are written together. Activation, expiry and the timeout of an incomplete epoch
//! happen at their block with no transaction and no per-block work: states are evaluated at the
//! block judged or read.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	v2::{PublicPiece, PublicationKey, Registration, ShardCiphertext, Threshold},
	Epoch,
};
use scale_info::TypeInfo;
use sp_runtime::traits::Saturating;

use crate::{BalanceOf, Config};

pub use keyshards_primitives::v2::{
	FleetId, HolderIndex, Invalidation, InvalidationReason, PieceIndex,
};

/// The accounts that may submit publications for one holder (one per KSG node).
pub type HolderAccountsOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAccountsPerHolder>;
/// A fleet's holders in order, each with its accounts.
pub type HoldersOf<T> = BoundedVec<HolderAccountsOf<T>, <T as Config>::MaxHolders>;
/// A fleet's piece publication keys `W_0 .. W_{p-1}`.
pub type PublicationKeysOf<T> = BoundedVec<PublicationKey, <T as Config>::MaxPieces>;

/// The parameters a fleet owner may change.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FleetParams<BlockNumber> {
	/// Blocks an epoch's key stays active (`b_to - b_from`).
	pub rotation_period: BlockNumber,
	/// Blocks an invalidated epoch is kept before it may be pruned (an extension to SPEC).
	pub grace_period: BlockNumber,
	/// `L`: a device is due for its next epoch when its key has at most this many blocks left.
	pub lead_time: BlockNumber,
}

/// A fleet (SPEC "On chain"): its owner, its `t`-of-`m` holders with their accounts, its
/// pieces' publication keys, its parameters and deposits. `m`, `t`, the holders' order and the
/// `W_k` are fixed at creation.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct FleetInfo<T: Config> {
	/// The account that manages the fleet and holds its deposits.
	pub owner: T::AccountId,
	/// An account the owner proposed as the new owner, until it accepts.
	pub pending_owner: Option<T::AccountId>,
	/// `t`-of-`m`.
	pub threshold: Threshold,
	/// Per holder number `0 .. m-1`, the accounts that may submit for it.
	pub holders: HoldersOf<T>,
	/// `W_0 .. W_{p-1}`.
	pub publication_keys: PublicationKeysOf<T>,
	/// What the owner may change.
	pub params: FleetParams<BlockNumberFor<T>>,
	/// Registered devices.
	pub devices: u32,
	/// The fleet deposit held from the owner.
	pub deposit: BalanceOf<T>,
	/// The sum of the device deposits held from the owner.
	pub device_deposits: BalanceOf<T>,
}

impl<T: Config> FleetInfo<T> {
	/// The holder numbers `account` acts for (an account acts for at most one holder).
	pub fn holder_of(&self, account: &T::AccountId) -> Option<HolderIndex> {
		self.holders
			.iter()
			.position(|accounts| accounts.contains(account))
			.map(|j| j as HolderIndex)
	}
}

/// A complete epoch in a device's schedule, with its window.
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
pub struct Slot<BlockNumber> {
	/// The epoch.
	pub epoch: Epoch,
	/// `b_from`.
	pub valid_from: BlockNumber,
	/// `b_to`.
	pub valid_to: BlockNumber,
	/// Set when the key stopped being usable before `b_to` (used, revoked, deregistered).
	pub ended: Option<BlockNumber>,
}

impl<BlockNumber: Copy + Ord> Slot<BlockNumber> {
	/// The first block at which the key is no longer usable.
	pub fn usable_until(&self) -> BlockNumber {
		self.ended.map_or(self.valid_to, |ended| ended.min(self.valid_to))
	}

	/// Whether the key is usable (active) at `now`.
	pub fn usable_at(&self, now: BlockNumber) -> bool {
		self.valid_from <= now && now < self.usable_until()
	}
}

/// The open epoch of a device: incomplete (no window yet) or pending (complete, with a window).
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
pub struct OpenSlot<BlockNumber> {
	/// The epoch.
	pub epoch: Epoch,
	/// `b0`.
	pub opened_at: BlockNumber,
	/// The completion block and the window, once complete.
	pub completed: Option<(BlockNumber, Slot<BlockNumber>)>,
}

/// A device's current registration.
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
pub struct Registered<Balance, BlockNumber> {
	/// The deposit held for it.
	pub deposit: Balance,
	/// The block it was registered in.
	pub at: BlockNumber,
}

/// A device id's record in a fleet. It outlives deregistration as a tombstone that keeps the
/// id's registration count and highest epoch, so a re-registered id never sees an old key again.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct DeviceInfo<Balance, BlockNumber> {
	/// The current registration; `None` once deregistered.
	pub registered: Option<Registered<Balance, BlockNumber>>,
	/// `g` of the current (or, deregistered, the last) registration.
	pub registration: Registration,
	/// One more than the highest epoch ever opened (0 for a new id); `2^32` once exhausted.
	pub next_epoch: u64,
	/// The block that opened the highest epoch.
	pub last_opened_at: Option<BlockNumber>,
	/// The lowest epoch whose record may still be stored.
	pub oldest: u64,
	/// The latest complete epoch whose window began (the active key, or the last one).
	pub current: Option<Slot<BlockNumber>>,
	/// The open epoch, if any.
	pub open: Option<OpenSlot<BlockNumber>>,
}

impl<Balance, BlockNumber: Copy + Ord + Saturating> DeviceInfo<Balance, BlockNumber> {
	/// The schedule as it stands at `now`: a pending epoch whose window began is current, an
	/// incomplete epoch past its timeout `timeout` is no longer open.
	pub fn settled(mut self, now: BlockNumber, timeout: BlockNumber) -> Self {
		if let Some(open) = self.open {
			match open.completed {
				Some((_, slot)) if slot.valid_from <= now => {
					self.current = Some(slot);
					self.open = None;
				}
				None if now >= open.opened_at.saturating_add(timeout) => self.open = None,
				_ => {}
			}
		}
		self
	}

	/// The usable key at `now`, if any (call on a settled record).
	pub fn usable(&self, now: BlockNumber) -> Option<Slot<BlockNumber>> {
		self.current.filter(|slot| slot.usable_at(now))
	}

	/// Whether the device is due at `now` (call on a settled record): no usable key, or its
	/// key's window ends within `lead_time` blocks.
	pub fn due_at(&self, now: BlockNumber, lead_time: BlockNumber) -> bool {
		match self.usable(now) {
			None => true,
			Some(slot) => slot.valid_to <= now.saturating_add(lead_time),
		}
	}

	/// Epoch records that may be stored.
	pub fn retained(&self) -> u64 {
		self.next_epoch.saturating_sub(self.oldest)
	}

	/// The next epoch to open, unless the id's epochs are exhausted.
	pub fn next_epoch(&self) -> Option<Epoch> {
		Epoch::try_from(self.next_epoch).ok()
	}
}

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

/// Longest stored cursor of the garbage collector (a hashed storage key).
pub type MaxCursorLen = sp_core::ConstU32<256>;
