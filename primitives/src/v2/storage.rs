//! The chain's storage as a device proves it: the value types of the pallet's fleet and device
//! records (the epoch record is [`super::EpochRecord`]) and the keys they are stored under.
//!
//! The pallet stores exactly these types and a device decodes exactly these types from
//! `state_getReadProof` answers, so the two cannot drift; the pallet's and the runtime's tests
//! check that the keys here are the keys FRAME computes.
//!
//! A device's schedule (its current and open epochs with their windows) is cached in its
//! [`DeviceInfo`] so that every rule is decided from one record; the epoch records hold the
//! pieces. Both are written together. Activation, expiry and the timeout of an incomplete epoch
//! happen at their block with no transaction: states are evaluated at the block judged or read.

use alloc::vec::Vec;
use bounded_collections::{BoundedVec, Get};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use num_traits::{Bounded, CheckedAdd};
use scale_info::TypeInfo;

use super::{
	pieces::Threshold,
	types::{FleetId, HolderIndex, PublicationKey, Registration},
};
use crate::types::{DeviceId, Epoch};

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
/// `W_k` are fixed at creation. The bounds are the chain's: most holders, most accounts per
/// holder, most pieces.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxHolders, MaxAccounts, MaxPieces))]
#[codec(mel_bound(
	AccountId: MaxEncodedLen,
	Balance: MaxEncodedLen,
	BlockNumber: MaxEncodedLen
))]
pub struct FleetRecord<
	AccountId,
	Balance,
	BlockNumber,
	MaxHolders: Get<u32>,
	MaxAccounts: Get<u32>,
	MaxPieces: Get<u32>,
> {
	/// The account that manages the fleet and holds its deposits.
	pub owner: AccountId,
	/// An account the owner proposed as the new owner, until it accepts.
	pub pending_owner: Option<AccountId>,
	/// `t`-of-`m`.
	pub threshold: Threshold,
	/// Per holder number `0 .. m-1`, the accounts that may submit for it.
	pub holders: BoundedVec<BoundedVec<AccountId, MaxAccounts>, MaxHolders>,
	/// `W_0 .. W_{p-1}`.
	pub publication_keys: BoundedVec<PublicationKey, MaxPieces>,
	/// What the owner may change.
	pub params: FleetParams<BlockNumber>,
	/// Registered devices.
	pub devices: u32,
	/// The fleet deposit held from the owner.
	pub deposit: Balance,
	/// The sum of the device deposits held from the owner.
	pub device_deposits: Balance,
}

impl<A: Clone, B: Clone, N: Clone, H: Get<u32>, C: Get<u32>, P: Get<u32>> Clone
	for FleetRecord<A, B, N, H, C, P>
{
	fn clone(&self) -> Self {
		Self {
			owner: self.owner.clone(),
			pending_owner: self.pending_owner.clone(),
			threshold: self.threshold,
			holders: self.holders.clone(),
			publication_keys: self.publication_keys.clone(),
			params: self.params.clone(),
			devices: self.devices,
			deposit: self.deposit.clone(),
			device_deposits: self.device_deposits.clone(),
		}
	}
}

impl<A: PartialEq, B: PartialEq, N: PartialEq, H: Get<u32>, C: Get<u32>, P: Get<u32>> PartialEq
	for FleetRecord<A, B, N, H, C, P>
{
	fn eq(&self, other: &Self) -> bool {
		self.owner == other.owner
			&& self.pending_owner == other.pending_owner
			&& self.threshold == other.threshold
			&& self.holders == other.holders
			&& self.publication_keys == other.publication_keys
			&& self.params == other.params
			&& self.devices == other.devices
			&& self.deposit == other.deposit
			&& self.device_deposits == other.device_deposits
	}
}

impl<A: Eq, B: Eq, N: Eq, H: Get<u32>, C: Get<u32>, P: Get<u32>> Eq
	for FleetRecord<A, B, N, H, C, P>
{
}

impl<
		A: core::fmt::Debug,
		B: core::fmt::Debug,
		N: core::fmt::Debug,
		H: Get<u32>,
		C: Get<u32>,
		P: Get<u32>,
	> core::fmt::Debug for FleetRecord<A, B, N, H, C, P>
{
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("FleetRecord")
			.field("owner", &self.owner)
			.field("pending_owner", &self.pending_owner)
			.field("threshold", &self.threshold)
			.field("holders", &self.holders)
			.field("publication_keys", &self.publication_keys)
			.field("params", &self.params)
			.field("devices", &self.devices)
			.field("deposit", &self.deposit)
			.field("device_deposits", &self.device_deposits)
			.finish()
	}
}

impl<A: PartialEq, B, N, H: Get<u32>, C: Get<u32>, P: Get<u32>> FleetRecord<A, B, N, H, C, P> {
	/// The holder number `account` acts for (an account acts for at most one holder).
	pub fn holder_of(&self, account: &A) -> Option<HolderIndex> {
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

/// `a + b`, or the largest block number.
fn saturating_add<N: CheckedAdd + Bounded>(a: N, b: N) -> N {
	a.checked_add(&b).unwrap_or_else(N::max_value)
}

impl<Balance, BlockNumber> DeviceInfo<Balance, BlockNumber>
where
	BlockNumber: Copy + Ord + CheckedAdd + Bounded,
{
	/// The schedule as it stands at `now`: a pending epoch whose window began is current, an
	/// incomplete epoch past its timeout `timeout` is no longer open.
	pub fn settled(mut self, now: BlockNumber, timeout: BlockNumber) -> Self {
		if let Some(open) = self.open {
			match open.completed {
				Some((_, slot)) if slot.valid_from <= now => {
					self.current = Some(slot);
					self.open = None;
				}
				None if now >= saturating_add(open.opened_at, timeout) => self.open = None,
				_ => {}
			}
		}
		self
	}

	/// The usable key at `now`, if any (call on a settled record).
	pub fn usable(&self, now: BlockNumber) -> Option<Slot<BlockNumber>> {
		self.current.filter(|slot| slot.usable_at(now))
	}

	/// The device's usable key at `now` (active: its window began and it has not ended), from
	/// the record as stored. The chain's `active_bundle` and the device's proven read both
	/// decide with this; it does not depend on the timeout of incomplete epochs.
	pub fn active_at(&self, now: BlockNumber) -> Option<Slot<BlockNumber>> {
		let current = match self.open.and_then(|open| open.completed) {
			Some((_, slot)) if slot.valid_from <= now => Some(slot),
			_ => self.current,
		};
		current.filter(|slot| slot.usable_at(now))
	}

	/// Whether the device is due at `now` (call on a settled record): no usable key, or its
	/// key's window ends within `lead_time` blocks.
	pub fn due_at(&self, now: BlockNumber, lead_time: BlockNumber) -> bool {
		match self.usable(now) {
			None => true,
			Some(slot) => slot.valid_to <= saturating_add(now, lead_time),
		}
	}

	/// From which block the device needs its holders' KSGs, judged on the record as stored
	/// (the key of the pallet's due index; `None`: nothing to do until the record changes): when
	/// its newest key stops being usable (the pending one if an epoch is pending, else the
	/// current one; a used or revoked key ended when it was), or its registration if it never
	/// had a key.
	///
	/// An incomplete epoch does not move it: the epoch opened because the device was due, so
	/// the block is already within `now + lead_time`, and it stays there until the epoch
	/// completes (one move per rotation, not two) or times out. A KSG finds the due devices of a
	/// fleet as the keys at most `now + lead_time`: the devices `due_at` names, and the
	/// incomplete epochs. (If the owner shortens the lead time while an epoch is incomplete, the
	/// KSGs see it again only when it falls in the new range; it may time out meanwhile.)
	pub fn attention_at(&self) -> Option<BlockNumber> {
		let registered = self.registered.as_ref()?;
		let key_end = match self.current {
			Some(slot) => slot.usable_until().max(registered.at),
			None => registered.at,
		};
		match self.open {
			Some(OpenSlot { completed: None, .. }) => Some(key_end),
			_ if self.next_epoch().is_none() => None,
			Some(OpenSlot { completed: Some((_, pending)), .. }) => Some(pending.usable_until()),
			None => Some(key_end),
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

/// The name the runtime gives the Keyshards pallet (`construct_runtime`): the first part of
/// every key of its storage.
pub const PALLET_PREFIX: &[u8] = b"KeyShards";

fn prefix(pallet: &[u8], item: &[u8]) -> Vec<u8> {
	let mut key = Vec::with_capacity(96);
	key.extend_from_slice(&sp_crypto_hashing::twox_128(pallet));
	key.extend_from_slice(&sp_crypto_hashing::twox_128(item));
	key
}

fn twox_64_concat(key: &mut Vec<u8>, data: &[u8]) {
	key.extend_from_slice(&sp_crypto_hashing::twox_64(data));
	key.extend_from_slice(data);
}

fn blake2_128_concat(key: &mut Vec<u8>, data: &[u8]) {
	key.extend_from_slice(&sp_crypto_hashing::blake2_128(data));
	key.extend_from_slice(data);
}

/// The storage key of a fleet's record (`KeyShards::Fleets`, `Twox64Concat`).
pub fn fleet_key(fleet: FleetId) -> Vec<u8> {
	let mut key = prefix(PALLET_PREFIX, b"Fleets");
	twox_64_concat(&mut key, &fleet.encode());
	key
}

/// The storage key of a device id's record (`KeyShards::Devices`: `Twox64Concat` fleet,
/// `Blake2_128Concat` device).
pub fn device_key(fleet: FleetId, device: &DeviceId) -> Vec<u8> {
	let mut key = prefix(PALLET_PREFIX, b"Devices");
	twox_64_concat(&mut key, &fleet.encode());
	blake2_128_concat(&mut key, &device.encode());
	key
}

/// The storage key of an epoch's record (`KeyShards::Epochs`: `Twox64Concat` fleet,
/// `Blake2_128Concat` device, `Twox64Concat` epoch).
pub fn epoch_key(fleet: FleetId, device: &DeviceId, epoch: Epoch) -> Vec<u8> {
	let mut key = prefix(PALLET_PREFIX, b"Epochs");
	twox_64_concat(&mut key, &fleet.encode());
	blake2_128_concat(&mut key, &device.encode());
	twox_64_concat(&mut key, &epoch.encode());
	key
}

/// The storage key of the chain's time (`Timestamp::Now`, milliseconds since the Unix epoch, a
/// `u64`).
pub fn timestamp_now_key() -> Vec<u8> {
	prefix(b"Timestamp", b"Now")
}
