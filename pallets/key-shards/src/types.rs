//! Storage records of the pallet and the rules that read them.
//!
//! An epoch's state at a block is a pure function of its record: the schedule (`valid_from`,
//! `expires_at`) is fixed when the epoch is published (and moved only when the key before it is
//! used or revoked), so activation and expiry happen at their block with no transaction and no
//! per-block work, and can never lag behind under load.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	Ciphertext, DeviceId, Epoch, FleetParams, PublicKey, ShardState, ShardSubmission, UseRecord,
	MAX_SHARDS,
};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::traits::Saturating;

use crate::{BalanceOf, Config};

/// A fleet's identifier, assigned by the chain in creation order.
pub type FleetId = u32;

/// The KSG accounts allowed to publish for a fleet.
pub type AuthoritiesOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAuthorities>;

/// A fleet: its owner, protocol parameters, publishers and the deposits held for it.
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
	/// The account that manages the fleet and its devices, and holds their deposits.
	pub owner: T::AccountId,
	/// An account the owner proposed as the next owner, until it accepts.
	pub pending_owner: Option<T::AccountId>,
	/// Rotation period, shard count and grace period.
	pub params: FleetParams<BlockNumberFor<T>>,
	/// KSG accounts that may publish shards for the fleet's devices.
	pub authorities: AuthoritiesOf<T>,
	/// Number of registered devices.
	pub devices: u32,
	/// Deposit held from the owner for the fleet record.
	pub deposit: BalanceOf<T>,
	/// Sum of the deposits held from the owner for the fleet's devices.
	pub device_deposits: BalanceOf<T>,
}

/// An epoch in a device's live window: the one holding the key now, or the one scheduled next.
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
	/// First block of its window.
	pub valid_from: BlockNumber,
	/// First block after its window.
	pub expires_at: BlockNumber,
	/// Its key has signed its one payload.
	pub used: bool,
}

/// A registered device and its live window.
///
/// `current` and `pending` are as of the last write; [`DeviceInfo::settled`] brings them to any
/// later block (a pending slot whose window has begun is current; an expired current is gone).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct DeviceInfo<Balance, BlockNumber> {
	/// Deposit held from the fleet owner for this device and its retained epochs.
	pub deposit: Balance,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Oldest epoch still stored; epochs `oldest .. next_epoch` are in storage.
	pub oldest: u64,
	/// The only epoch a KSG may publish next (a `u64` so that epoch `u32::MAX` can be last).
	pub next_epoch: u64,
	/// The epoch whose window contains the last write's block, if its key is not revoked.
	pub current: Option<Slot<BlockNumber>>,
	/// The epoch scheduled to follow `current`, if published and not revoked.
	pub pending: Option<Slot<BlockNumber>>,
}

impl<Balance, BlockNumber: Copy + PartialOrd> DeviceInfo<Balance, BlockNumber> {
	/// The live window as of block `now`: a pending epoch whose window has begun is current, and
	/// a current epoch whose window has ended is gone.
	pub fn settled(mut self, now: BlockNumber) -> Self {
		if let Some(pending) = self.pending {
			if pending.valid_from <= now {
				self.current = Some(pending);
				self.pending = None;
			}
		}
		if self.current.is_some_and(|current| current.expires_at <= now) {
			self.current = None;
		}
		self
	}

	/// Number of epochs in storage.
	pub fn retained(&self) -> u64 {
		self.next_epoch.saturating_sub(self.oldest)
	}

	/// The next epoch to publish, unless all 2^32 epochs have been published.
	pub fn next_epoch(&self) -> Option<Epoch> {
		Epoch::try_from(self.next_epoch).ok()
	}
}

/// Why an epoch was invalidated before its window ended.
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
pub enum InvalidationReason {
	/// The fleet owner revoked it (compromise, decommissioning).
	Revoked,
	/// Its key was used and the next epoch took over.
	Superseded,
}

/// An early end of an epoch: when, and why.
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
pub struct Invalidation<BlockNumber> {
	/// Block from which the epoch is invalid.
	pub at: BlockNumber,
	/// Why.
	pub reason: InvalidationReason,
}

/// One device epoch as stored: the published key material and its schedule.
///
/// Shard identifiers are not stored: they are a function of (device, epoch, index) that the
/// chain computes whenever it serves a map (`keyshards_primitives::shard_id`).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct EpochRecord<BlockNumber> {
	/// `P`.
	pub public_key: PublicKey,
	/// The `n` ciphertexts, in index order.
	pub ciphertexts: BoundedVec<Ciphertext, ConstU32<MAX_SHARDS>>,
	/// First block of the window.
	pub valid_from: BlockNumber,
	/// First block after the window.
	pub expires_at: BlockNumber,
	/// Set when the epoch ended before `expires_at`.
	pub invalidated: Option<Invalidation<BlockNumber>>,
	/// The one payload the key signed, once it has.
	pub used: Option<UseRecord<BlockNumber>>,
}

impl<BlockNumber: Copy + Ord> EpochRecord<BlockNumber> {
	/// The block from which the epoch is invalid: revoked, superseded or expired.
	pub fn invalid_from(&self) -> BlockNumber {
		match self.invalidated {
			Some(invalidation) => invalidation.at.min(self.expires_at),
			None => self.expires_at,
		}
	}

	/// The SPEC state of the epoch at block `now`.
	pub fn state_at(&self, now: BlockNumber) -> ShardState {
		if now >= self.invalid_from() {
			ShardState::Invalidated
		} else if now < self.valid_from {
			ShardState::Pending
		} else if self.used.is_some() {
			ShardState::Used
		} else {
			ShardState::Active
		}
	}

	/// Whether the epoch may be pruned at `now`: invalid for at least `grace` blocks.
	pub fn prunable_at(&self, now: BlockNumber, grace: BlockNumber) -> bool
	where
		BlockNumber: Saturating,
	{
		now >= self.invalid_from().saturating_add(grace)
	}
}

/// One device's part of a batch publication.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct PublishItem {
	/// The device.
	pub device: DeviceId,
	/// The epoch published; must be the device's next.
	pub epoch: Epoch,
	/// Public key and ciphertexts.
	pub submission: ShardSubmission,
}

/// Convenience alias.
pub type DeviceInfoOf<T> = DeviceInfo<BalanceOf<T>, BlockNumberFor<T>>;
/// Convenience alias.
pub type EpochRecordOf<T> = EpochRecord<BlockNumberFor<T>>;

/// The maximum encoded length of a device's storage key suffix, for the GC cursor.
pub type MaxCursorLen = ConstU32<256>;

/// An epoch in a device's live window, as a query reports it.
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
	/// Its state at the queried block.
	pub state: ShardState,
	/// First block of its window.
	pub valid_from: BlockNumber,
	/// First block after its window.
	pub expires_at: BlockNumber,
}

/// A device's key status at a block: what a KSG needs to decide whether to publish, and what an
/// operator wants to see.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct DeviceStatus<BlockNumber> {
	/// The device.
	pub device: DeviceId,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// The epoch a KSG may publish next (`None` once all 2^32 are published).
	pub next_epoch: Option<Epoch>,
	/// Epochs in storage (live and awaiting pruning).
	pub retained: u32,
	/// The device's current key: active, or used and not yet superseded.
	pub current: Option<EpochStatus<BlockNumber>>,
	/// The epoch that takes over when the current key's window ends.
	pub pending: Option<EpochStatus<BlockNumber>>,
}

/// A fleet to create at genesis.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisFleet<AccountId, BlockNumber> {
	/// Owner; must be endowed with the deposits.
	pub owner: AccountId,
	/// Rotation period in blocks.
	pub rotation_period: BlockNumber,
	/// Shard count: 1, 2, 4, 8, 16 or 32.
	pub shard_count: u8,
	/// Grace period in blocks.
	pub grace_period: BlockNumber,
	/// KSG authorities.
	pub authorities: alloc::vec::Vec<AccountId>,
	/// Device ids to register, as UTF-8 strings.
	pub devices: alloc::vec::Vec<alloc::string::String>,
}
