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

/// A device id's rotation counter in its fleet; `0` is its first key ever.
pub type Epoch = u32;

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

/// The text form of a device id, everywhere (node logs, client output, operator scripts): UTF-8
/// when it is printable text that does not itself start with `0x`, otherwise `0x`-hex. Parsed
/// back by [`DeviceId::from_str`](core::str::FromStr).
impl fmt::Display for DeviceId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match core::str::from_utf8(&self.0) {
			Ok(s) if !s.starts_with("0x") && s.chars().all(|c| !c.is_control()) => f.write_str(s),
			_ => {
				f.write_str("0x")?;
				write_hex(f, &self.0)
			}
		}
	}
}

/// Parses the text form: `0x` followed by hex digits is the bytes they spell; anything else is
/// its UTF-8 bytes.
impl core::str::FromStr for DeviceId {
	type Err = Error;

	fn from_str(text: &str) -> Result<Self, Error> {
		match text.strip_prefix("0x") {
			Some(digits) => {
				if digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
					return Err(Error::MalformedDeviceId);
				}
				let bytes: Vec<u8> = (0..digits.len())
					.step_by(2)
					.map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digits; qed"))
					.collect();
				Self::new(&bytes)
			}
			None => Self::new(text.as_bytes()),
		}
	}
}

impl fmt::Debug for DeviceId {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "DeviceId({self})")
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
	/// A shard identifier `ID_k` (SPEC v2 derivation 9), computed by the chain.
	ShardId,
	32
);
byte_array_newtype!(
	/// An Ed25519 public key: a device epoch's `P`.
	PublicKey,
	32
);
byte_array_newtype!(
	/// An Ed25519 signature by a one-time key over SPEC v2's signed message.
	Signature,
	64
);
byte_array_newtype!(
	/// A BLAKE2b-256 hash of a signed payload, `H(Y)`.
	PayloadHash,
	32
);

/// The chain's record of the one payload a one-time key signed.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct UseRecord<BlockNumber> {
	/// `H(Y)` of the payload that was signed.
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

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::string::ToString;
	use core::str::FromStr;

	#[test]
	fn a_device_id_prints_and_parses_back_the_same_everywhere() {
		for bytes in [&b"sensor/eu-west/42"[..], b"0x1", &[0xff, 0x00], b"tab\there", &[0x30; 64]] {
			let id = DeviceId::new(bytes).unwrap();
			let text = id.to_string();
			assert_eq!(DeviceId::from_str(&text).unwrap(), id, "{text}");
		}
		// A name that looks like hex is printed as hex, so it is never read back as other bytes.
		assert_eq!(DeviceId::new(b"0x1").unwrap().to_string(), "0x307831");
		assert_eq!(DeviceId::from_str("0x01").unwrap().as_bytes(), &[1]);
		assert_eq!(DeviceId::from_str("0x1"), Err(Error::MalformedDeviceId));
		assert_eq!(DeviceId::from_str(""), Err(Error::InvalidDeviceIdLength { len: 0 }));
	}
}
