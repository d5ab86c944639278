//! SCALE types shared by the chain, the KSG and the device client.
//!
//! Everything here is public data: identifiers, ciphertexts, public keys, signatures and chain
//! records. Secret material lives in [`crate::keys`] and has no SCALE encoding.

use alloc::vec::Vec;
use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, Error as CodecError, Input, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

use crate::Error;

/// Longest device id, in bytes.
pub const MAX_DEVICE_ID_LEN: u32 = 64;
/// Largest shard count (and so the most shards in a Shard Map).
pub const MAX_SHARDS: u32 = 32;
/// Length of the key stream (the Ed25519 secret seed) that the shards split.
pub const KEY_STREAM_LEN: usize = 32;
/// Length of the AES-GCM tag appended to every encrypted segment.
pub const TAG_LEN: usize = 16;
/// Longest ciphertext: one shard (`n = 1`) carries the whole stream plus the tag.
pub const MAX_CIPHERTEXT_LEN: u32 = (KEY_STREAM_LEN + TAG_LEN) as u32;

/// A device's rotation counter; `0` is its first key.
pub type Epoch = u32;

/// Ciphertext of one segment: `32 / n` bytes of AES-256-GCM ciphertext followed by the tag.
pub type Ciphertext = BoundedVec<u8, ConstU32<MAX_CIPHERTEXT_LEN>>;

pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
	bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

/// An opaque device identifier (serial number, UUID, VIN, ...): 1 to 64 bytes.
///
/// Decoding refuses an empty or over-long id, so a `DeviceId` is valid wherever it appears.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Encode, MaxEncodedLen, TypeInfo)]
pub struct DeviceId(BoundedVec<u8, ConstU32<MAX_DEVICE_ID_LEN>>);

impl DeviceId {
	/// Checks and wraps `bytes` as a device id.
	pub fn new(bytes: &[u8]) -> Result<Self, Error> {
		if bytes.is_empty() || bytes.len() > MAX_DEVICE_ID_LEN as usize {
			return Err(Error::InvalidDeviceIdLength { len: bytes.len() });
		}
		Ok(Self(BoundedVec::truncate_from(bytes.to_vec())))
	}

	/// The id's bytes.
	pub fn as_bytes(&self) -> &[u8] {
		&self.0
	}

	/// `lp(D)` of SPEC: the id prefixed by its length as a big-endian `u16`.
	pub(crate) fn length_prefix(&self) -> [u8; 2] {
		// At most 64 bytes, so the cast is exact.
		(self.0.len() as u16).to_be_bytes()
	}
}

impl TryFrom<Vec<u8>> for DeviceId {
	type Error = Error;
	fn try_from(bytes: Vec<u8>) -> Result<Self, Error> {
		Self::new(&bytes)
	}
}

impl TryFrom<BoundedVec<u8, ConstU32<MAX_DEVICE_ID_LEN>>> for DeviceId {
	type Error = Error;
	fn try_from(bytes: BoundedVec<u8, ConstU32<MAX_DEVICE_ID_LEN>>) -> Result<Self, Error> {
		if bytes.is_empty() {
			return Err(Error::InvalidDeviceIdLength { len: 0 });
		}
		Ok(Self(bytes))
	}
}

// `BoundedVec` is `Hash` only under `std`; hash the bytes so the id is a map key everywhere.
impl core::hash::Hash for DeviceId {
	fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
		self.as_bytes().hash(state)
	}
}

impl AsRef<[u8]> for DeviceId {
	fn as_ref(&self) -> &[u8] {
		&self.0
	}
}

impl Decode for DeviceId {
	fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
		let bytes = BoundedVec::<u8, ConstU32<MAX_DEVICE_ID_LEN>>::decode(input)?;
		Self::try_from(bytes).map_err(|_| "DeviceId: empty device id".into())
	}
}

impl DecodeWithMemTracking for DeviceId {}

/// Shown as UTF-8 when it is printable text, otherwise as `0x`-hex.
impl fmt::Display for DeviceId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match core::str::from_utf8(&self.0) {
			Ok(s) if s.chars().all(|c| !c.is_control()) => f.write_str(s),
			_ => {
				f.write_str("0x")?;
				write_hex(f, &self.0)
			}
		}
	}
}

impl fmt::Debug for DeviceId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "DeviceId({self})")
	}
}

/// The number of shards a key stream is split into: 1, 2, 4, 8, 16 or 32 (so `32 / n` is exact).
///
/// Encoded as the plain count (a `u8`); decoding refuses any other value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, MaxEncodedLen, TypeInfo)]
pub struct ShardCount(u8);

impl ShardCount {
	/// Every allowed count, smallest first.
	pub const ALL: [ShardCount; 6] = [
		ShardCount(1),
		ShardCount(2),
		ShardCount(4),
		ShardCount(8),
		ShardCount(16),
		ShardCount(32),
	];

	/// Checks `n` against the allowed counts.
	pub const fn new(n: u8) -> Result<Self, Error> {
		match n {
			1 | 2 | 4 | 8 | 16 | 32 => Ok(Self(n)),
			_ => Err(Error::InvalidShardCount { count: n }),
		}
	}

	/// The count.
	pub const fn get(self) -> u8 {
		self.0
	}

	/// The count as a `usize`, for indexing.
	pub const fn len(self) -> usize {
		self.0 as usize
	}

	/// Always `false`: a key is split into at least one shard.
	pub const fn is_empty(self) -> bool {
		false
	}

	/// Segment length `s = 32 / n`.
	pub const fn segment_len(self) -> usize {
		KEY_STREAM_LEN / self.0 as usize
	}

	/// Ciphertext length of every shard: `s + 16`.
	pub const fn ciphertext_len(self) -> usize {
		self.segment_len() + TAG_LEN
	}
}

impl TryFrom<u8> for ShardCount {
	type Error = Error;
	fn try_from(n: u8) -> Result<Self, Error> {
		Self::new(n)
	}
}

impl From<ShardCount> for u8 {
	fn from(n: ShardCount) -> u8 {
		n.0
	}
}

impl Decode for ShardCount {
	fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
		Self::new(u8::decode(input)?)
			.map_err(|_| "ShardCount: not one of 1, 2, 4, 8, 16, 32".into())
	}
}

impl DecodeWithMemTracking for ShardCount {}

impl fmt::Debug for ShardCount {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "ShardCount({})", self.0)
	}
}

impl fmt::Display for ShardCount {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{}", self.0)
	}
}

macro_rules! byte_array_newtype {
	($(#[$doc:meta])* $name:ident, $len:expr) => {
		$(#[$doc])*
		#[derive(
			Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
			Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
		)]
		pub struct $name(pub [u8; $len]);

		impl $name {
			/// Length in bytes.
			pub const LEN: usize = $len;

			/// The raw bytes.
			pub const fn as_bytes(&self) -> &[u8; $len] {
				&self.0
			}

			/// The value, if `bytes` has exactly its length.
			pub fn try_from_slice(bytes: &[u8]) -> Option<Self> {
				bytes.try_into().ok().map(Self)
			}
		}

		impl From<[u8; $len]> for $name {
			fn from(bytes: [u8; $len]) -> Self {
				Self(bytes)
			}
		}

		impl AsRef<[u8]> for $name {
			fn as_ref(&self) -> &[u8] {
				&self.0
			}
		}

		impl core::fmt::Display for $name {
			fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
				f.write_str("0x")?;
				$crate::types::write_hex(f, &self.0)
			}
		}

		impl core::fmt::Debug for $name {
			fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
				write!(f, concat!(stringify!($name), "({})"), self)
			}
		}
	};
}

pub(crate) use byte_array_newtype;

byte_array_newtype!(
	/// A shard identifier: `H("keyshards/v1/shard-id" || lp(D) || u32be(e) || u16be(i))`.
	ShardId,
	32
);
byte_array_newtype!(
	/// An Ed25519 public key (the commitment to one device epoch's one-time key).
	PublicKey,
	32
);
byte_array_newtype!(
	/// An Ed25519 signature by a one-time key over SPEC's signed message.
	Signature,
	64
);
byte_array_newtype!(
	/// A BLAKE2b-256 hash of a signed payload, `H(X)`.
	PayloadHash,
	32
);

/// One encrypted segment of a key stream, as stored on chain and fetched by a device.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct EncryptedShard {
	/// The shard's identifier, computed by the chain (never taken from a submitter).
	pub id: ShardId,
	/// AES-256-GCM ciphertext of the segment, tag appended.
	pub ciphertext: Ciphertext,
}

/// The shards of one device epoch, in index order.
pub type Shards = BoundedVec<EncryptedShard, ConstU32<MAX_SHARDS>>;

/// What a KSG submits for one device epoch: the public key and the ciphertexts in index order.
///
/// Shard identifiers are not part of it: the chain computes them per SPEC.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShardSubmission {
	/// `P`, the Ed25519 public key of the epoch's one-time key.
	pub public_key: PublicKey,
	/// `C_0 .. C_{n-1}`, each `32 / n + 16` bytes.
	pub ciphertexts: BoundedVec<Ciphertext, ConstU32<MAX_SHARDS>>,
}

/// Where a Shard Map is in its life.
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
pub enum ShardState {
	/// Published; becomes active when the current epoch ends.
	Pending,
	/// The device's current key; may sign one payload.
	Active,
	/// The key has signed its one payload; it may sign nothing else.
	Used,
	/// Revoked, expired or superseded; must not be used, and will be pruned.
	Invalidated,
}

/// The chain's record of one device epoch (SPEC "Shard Map").
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ShardMap<BlockNumber> {
	/// The device whose key this is.
	pub device: DeviceId,
	/// The epoch of the key.
	pub epoch: Epoch,
	/// How many shards the key stream is split into.
	pub shard_count: ShardCount,
	/// The `n` shard identifiers, in index order.
	pub shard_ids: BoundedVec<ShardId, ConstU32<MAX_SHARDS>>,
	/// `P`, the public key the reconstructed secret must match.
	pub public_key: PublicKey,
	/// First block at which the key is (or, while pending, is planned to be) valid.
	pub valid_from: BlockNumber,
	/// Block at which the key expires.
	pub expires_at: BlockNumber,
	/// Where the map is in its life.
	pub state: ShardState,
}

/// Everything a device fetches to reconstruct one epoch's key: the map and its shards.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DeviceBundle<BlockNumber> {
	/// The Shard Map.
	pub map: ShardMap<BlockNumber>,
	/// The encrypted shards, in index order.
	pub shards: Shards,
}

/// The protocol parameters a fleet fixes for all its devices.
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
pub struct FleetParams<BlockNumber> {
	/// Blocks an epoch's key stays active.
	pub rotation_period: BlockNumber,
	/// Shards per key.
	pub shard_count: ShardCount,
	/// Blocks an invalidated epoch is kept before it may be pruned.
	pub grace_period: BlockNumber,
}

/// The chain's record of the one payload a one-time key signed.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct UseRecord<BlockNumber> {
	/// `H(X)` of the payload that was signed.
	pub payload_hash: PayloadHash,
	/// The signature over SPEC's signed message, as submitted (anyone can re-verify it).
	pub signature: Signature,
	/// Block in which the use was recorded.
	pub at: BlockNumber,
}

/// Why a chain query for a device's keys has no answer.
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
pub enum QueryError {
	/// No fleet has this identifier.
	UnknownFleet,
	/// The device is not registered in this fleet.
	UnknownDevice,
	/// No such epoch is stored for this device (never published, or pruned).
	UnknownEpoch,
	/// The device has no current key: none published yet, or it was revoked or expired.
	NoActiveKey,
}

impl fmt::Display for QueryError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::UnknownFleet => "no fleet has this identifier",
			Self::UnknownDevice => "the device is not registered in this fleet",
			Self::UnknownEpoch => {
				"no such epoch is stored for this device (never published, or pruned)"
			}
			Self::NoActiveKey => {
				"the device has no current key (none published yet, revoked or expired)"
			}
		})
	}
}
