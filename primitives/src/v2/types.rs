//! SPEC v2's public values with fixed sizes, and a piece publication as the chain receives it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::types::{DeviceId, Epoch};

/// A fleet's identifier on its chain (`f`); never reused.
pub type FleetId = u32;
/// The 0-based index of a device id's current registration in its fleet (`g`).
pub type Registration = u32;
/// A piece's number `k`, `0 .. p-1`.
pub type PieceIndex = u16;
/// A holder's number `j`, `0 .. m-1`, in the order the fleet lists its holders.
pub type HolderIndex = u8;

crate::types::byte_array_newtype!(
	/// `pt(X_k)`: a piece's public point, compressed (32 bytes).
	PublicPiece,
	32
);
crate::types::byte_array_newtype!(
	/// `C_k`: AES-256-GCM of the 32-byte piece scalar, tag appended (48 bytes).
	ShardCiphertext,
	48
);
crate::types::byte_array_newtype!(
	/// `π_k`: an Ed25519 signature by the piece scalar `x_k` proving its publisher knows it.
	ProofOfPossession,
	64
);
crate::types::byte_array_newtype!(
	/// `W_k`: a piece's publication key (Ed25519), fixed when the fleet is created.
	PublicationKey,
	32
);
crate::types::byte_array_newtype!(
	/// `ω`: an Ed25519 signature by `w_k` over a group of publications of piece `k`.
	PublicationSignature,
	64
);
crate::types::byte_array_newtype!(
	/// `d`: the digest of one piece publication, which `ω` signs.
	PublicationDigest,
	32
);

/// One publication of one piece for one device epoch, `(D, e, pt(X_k), C_k, π_k)`, as carried by
/// the chain's `publish_pieces` call (the piece number and `ω` belong to the group).
///
/// The registration `g` is not carried: the chain uses the device's current one.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PiecePublication {
	/// The device `D`.
	pub device: DeviceId,
	/// The epoch `e`.
	pub epoch: Epoch,
	/// `pt(X_k)`.
	pub public_piece: PublicPiece,
	/// `C_k`.
	pub ciphertext: ShardCiphertext,
	/// `π_k`.
	pub proof: ProofOfPossession,
}
