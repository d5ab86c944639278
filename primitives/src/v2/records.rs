//! SPEC v2's chain records, shared by the pallet (which stores them) and the device client (which
//! decodes them): an epoch's record with its pieces, the Shard Map and bundle a device reads, and
//! the rules that say what an epoch is at a block.
//!
//! An epoch's state at a block is a pure function of its record and that block: the chain and the
//! device evaluate it at the block they judge or read, never from a flag a hook may not yet have
//! updated.

use bounded_collections::{BoundedVec, ConstU32, Get};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use super::types::{PublicPiece, Registration, ShardCiphertext};
use crate::types::{DeviceId, Epoch, PublicKey, ShardId, UseRecord};

/// One accepted publication of a piece: `pt(X_k)`, `C_k`, and the account that submitted it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct StoredPiece<AccountId> {
	/// `pt(X_k)`.
	pub public_piece: PublicPiece,
	/// `C_k`.
	pub ciphertext: ShardCiphertext,
	/// The account whose publication was accepted (who paid; not necessarily who signed `ω`).
	pub publisher: AccountId,
}

/// What the chain fixed when the last piece of an epoch came in.
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
)]
pub struct Completion<BlockNumber> {
	/// The block that completed the epoch.
	pub at: BlockNumber,
	/// `P = X_0 + ... + X_{p-1}`.
	pub public_key: PublicKey,
	/// `b_from`: the first block at which the key may be active.
	pub valid_from: BlockNumber,
	/// `b_to`: the block from which it no longer is.
	pub valid_to: BlockNumber,
}

/// Why an epoch was invalidated before its window ended.
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
)]
pub enum InvalidationReason {
	/// The fleet owner revoked it (`invalidate_epoch`).
	Revoked,
	/// Its key was used and the next epoch took over.
	Superseded,
	/// Two publications of one piece differed: a holder of the piece is faulty.
	Conflict,
	/// The sum of its public pieces is the identity.
	IdentityKey,
	/// The device was deregistered.
	Deregistered,
}

/// When and why an epoch was invalidated.
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
)]
pub struct Invalidation<BlockNumber> {
	/// The first block at which the epoch is invalid.
	pub at: BlockNumber,
	/// Why.
	pub reason: InvalidationReason,
}

/// Where an epoch is at a block.
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
)]
pub enum EpochState {
	/// Opened, some pieces still missing (and not timed out).
	Incomplete,
	/// Complete; its window has not begun (the contest period, or the current key's window).
	Pending,
	/// The device's current key: may sign one payload.
	Active,
	/// The key has signed its one payload.
	Used,
	/// Revoked, superseded, in conflict, timed out, deregistered or expired: never usable.
	Invalidated,
}

/// The chain's record of one epoch of a device id (SPEC "On chain"), `MaxPieces` its bound on
/// `p`.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxPieces))]
#[codec(mel_bound(AccountId: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct EpochRecord<AccountId, BlockNumber, MaxPieces: Get<u32>> {
	/// The registration `g` the epoch belongs to.
	pub registration: Registration,
	/// The block whose first accepted publication opened the epoch (`b0`).
	pub opened_at: BlockNumber,
	/// The fleet's `p` pieces in order; `None` while a piece is absent.
	pub pieces: BoundedVec<Option<StoredPiece<AccountId>>, MaxPieces>,
	/// Set when every piece is in and `P` was computed.
	pub completion: Option<Completion<BlockNumber>>,
	/// Set when the epoch was invalidated before its window ended.
	pub invalidated: Option<Invalidation<BlockNumber>>,
	/// The one use of the key, once recorded.
	pub used: Option<UseRecord<BlockNumber>>,
}

impl<AccountId: Clone, BlockNumber: Clone, MaxPieces: Get<u32>> Clone
	for EpochRecord<AccountId, BlockNumber, MaxPieces>
{
	fn clone(&self) -> Self {
		Self {
			registration: self.registration,
			opened_at: self.opened_at.clone(),
			pieces: self.pieces.clone(),
			completion: self.completion.clone(),
			invalidated: self.invalidated.clone(),
			used: self.used.clone(),
		}
	}
}

impl<AccountId: PartialEq, BlockNumber: PartialEq, MaxPieces: Get<u32>> PartialEq
	for EpochRecord<AccountId, BlockNumber, MaxPieces>
{
	fn eq(&self, other: &Self) -> bool {
		self.registration == other.registration
			&& self.opened_at == other.opened_at
			&& self.pieces == other.pieces
			&& self.completion == other.completion
			&& self.invalidated == other.invalidated
			&& self.used == other.used
	}
}

impl<AccountId: PartialEq, BlockNumber: PartialEq, MaxPieces: Get<u32>> Eq
	for EpochRecord<AccountId, BlockNumber, MaxPieces>
{
}

impl<AccountId: core::fmt::Debug, BlockNumber: core::fmt::Debug, MaxPieces: Get<u32>>
	core::fmt::Debug for EpochRecord<AccountId, BlockNumber, MaxPieces>
{
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("EpochRecord")
			.field("registration", &self.registration)
			.field("opened_at", &self.opened_at)
			.field("pieces", &self.pieces)
			.field("completion", &self.completion)
			.field("invalidated", &self.invalidated)
			.field("used", &self.used)
			.finish()
	}
}

impl<AccountId, BlockNumber, MaxPieces> EpochRecord<AccountId, BlockNumber, MaxPieces>
where
	BlockNumber: Copy + Ord + core::ops::Add<Output = BlockNumber>,
	MaxPieces: Get<u32>,
{
	/// The first block at which the epoch is invalid, given the chain's timeout `N` for
	/// incomplete epochs: its invalidation, the end of its window, or `b0 + N` while incomplete.
	pub fn invalid_from(&self, timeout: BlockNumber) -> BlockNumber {
		let natural = match &self.completion {
			Some(completion) => completion.valid_to,
			None => self.opened_at + timeout,
		};
		match &self.invalidated {
			Some(invalidation) => invalidation.at.min(natural),
			None => natural,
		}
	}

	/// The epoch's state at block `now` (SPEC: a map is active at `b` iff it is complete, not
	/// invalidated, not used, and `b_from <= b < b_to`).
	pub fn state_at(&self, now: BlockNumber, timeout: BlockNumber) -> EpochState {
		if now >= self.invalid_from(timeout) {
			return EpochState::Invalidated;
		}
		match &self.completion {
			None => EpochState::Incomplete,
			Some(completion) if now < completion.valid_from => EpochState::Pending,
			Some(_) if self.used.is_some() => EpochState::Used,
			Some(_) => EpochState::Active,
		}
	}

	/// Whether the epoch is open at `now`: incomplete or pending.
	pub fn is_open_at(&self, now: BlockNumber, timeout: BlockNumber) -> bool {
		matches!(self.state_at(now, timeout), EpochState::Incomplete | EpochState::Pending)
	}

	/// How many pieces are in.
	pub fn pieces_present(&self) -> usize {
		self.pieces.iter().filter(|piece| piece.is_some()).count()
	}
}

/// The most pieces a decoded map or bundle may carry (SPEC's bound on `p`).
pub type MaxPiecesBound = ConstU32<{ super::MAX_PIECES as u32 }>;

/// A complete epoch's Shard Map as a device reads it (SPEC "On chain").
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShardMap<AccountId, BlockNumber> {
	/// `D`.
	pub device: DeviceId,
	/// `g`.
	pub registration: Registration,
	/// `e`.
	pub epoch: Epoch,
	/// `p`.
	pub piece_count: u16,
	/// `ID_0 .. ID_{p-1}`, computed by the chain.
	pub shard_ids: BoundedVec<ShardId, MaxPiecesBound>,
	/// `P`.
	pub public_key: PublicKey,
	/// Per piece in order, the account whose publication was accepted.
	pub publishers: BoundedVec<AccountId, MaxPiecesBound>,
	/// `b_from`.
	pub valid_from: BlockNumber,
	/// `b_to`.
	pub valid_to: BlockNumber,
	/// The state at the block the map was read at.
	pub state: EpochState,
}

/// A device's bundle: its Shard Map plus, per piece in order, `pt(X_k)` and `C_k`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DeviceBundle<AccountId, BlockNumber> {
	/// The map.
	pub map: ShardMap<AccountId, BlockNumber>,
	/// The pieces, in order.
	pub pieces: BoundedVec<super::BundlePiece, MaxPiecesBound>,
}

impl<AccountId, BlockNumber> DeviceBundle<AccountId, BlockNumber>
where
	BlockNumber: Copy + Ord + core::ops::Add<Output = BlockNumber>,
{
	/// The bundle of a complete epoch's record, as read at block `now` of the chain `ctx` names
	/// (`None` while the epoch is incomplete). The chain's runtime API and a device's proven
	/// read both build bundles with this: the shard identifiers are computed, not stored.
	pub fn from_record<MaxPieces: Get<u32>>(
		ctx: &super::Context,
		device: &DeviceId,
		epoch: Epoch,
		record: EpochRecord<AccountId, BlockNumber, MaxPieces>,
		now: BlockNumber,
	) -> Option<Self> {
		let completion = record.completion?;
		// A complete epoch's state does not depend on the timeout of incomplete ones.
		let state = record.state_at(now, completion.valid_to);
		let count = record.pieces.len();
		let mut ids = alloc::vec::Vec::with_capacity(count);
		let mut publishers = alloc::vec::Vec::with_capacity(count);
		let mut pieces = alloc::vec::Vec::with_capacity(count);
		for (k, piece) in (0u16..).zip(record.pieces) {
			let piece = piece?;
			let id = super::kdf::shard_id(&ctx.who(k, device, record.registration), epoch);
			ids.push(id);
			publishers.push(piece.publisher);
			pieces.push(super::BundlePiece {
				id,
				public_piece: piece.public_piece,
				ciphertext: piece.ciphertext,
			});
		}
		Some(DeviceBundle {
			map: ShardMap {
				device: device.clone(),
				registration: record.registration,
				epoch,
				piece_count: count as u16,
				shard_ids: BoundedVec::truncate_from(ids),
				public_key: completion.public_key,
				publishers: BoundedVec::truncate_from(publishers),
				valid_from: completion.valid_from,
				valid_to: completion.valid_to,
				state,
			},
			pieces: BoundedVec::truncate_from(pieces),
		})
	}
}
