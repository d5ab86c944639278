//! The protocol's errors. None of them carries secret material.

/// Why an input was refused or a key could not be reconstructed or verified.
///
/// Every reconstruction failure names what was wrong: each faulty piece with its fault, or a
/// map whose public key is not the pieces' sum. No variant ever carries key material.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
	/// A device id must be 1 to 64 bytes long.
	#[error("device id must be 1 to 64 bytes long, got {len}")]
	InvalidDeviceIdLength {
		/// Length that was given.
		len: usize,
	},
	/// A device id's text form starts with `0x` but the rest is not hex digit pairs.
	#[error("device id: `0x` must be followed by pairs of hexadecimal digits")]
	MalformedDeviceId,
	/// A key was not 32 bytes long.
	#[error("key must be 32 bytes long, got {len}")]
	InvalidKeyLength {
		/// Length that was given.
		len: usize,
	},
	/// Every piece is sound (each decrypts to a scalar whose point is its public piece) but
	/// their sum is not the map's public key: the map's `P` is wrong.
	#[error("the pieces are sound but their sum is not the map's public key")]
	PublicKeyMismatch,
	/// A public key is not a valid Ed25519 point.
	#[error("invalid Ed25519 public key")]
	InvalidPublicKey,
	/// A signature does not verify under the public key for this device, epoch and payload.
	#[error("signature does not verify for this device, epoch and payload")]
	BadSignature,
	/// Not `1 <= t <= m <= 64`.
	#[error("threshold must satisfy 1 <= t <= m <= 64, got {threshold}-of-{holders}")]
	InvalidThreshold {
		/// `m`.
		holders: u8,
		/// `t`.
		threshold: u8,
	},
	/// `C(m, t-1)` is above SPEC's 256 pieces.
	#[error("{threshold}-of-{holders} needs {pieces} pieces; at most 256 are allowed")]
	TooManyPieces {
		/// `m`.
		holders: u8,
		/// `t`.
		threshold: u8,
		/// `C(m, t-1)` (saturated).
		pieces: u64,
	},
	/// A piece scalar derived to zero (probability `2^-252`): the piece cannot be published.
	#[error("the piece scalar is zero; this piece cannot be published for this epoch")]
	ZeroPieceScalar,
	/// A holder lacks the root of a piece it holds.
	#[error("no root for piece {piece}, which this holder holds")]
	MissingPieceRoot {
		/// The piece.
		piece: u16,
	},
	/// A root was given for a piece the holder does not hold.
	#[error("holder {holder} does not hold piece {piece}")]
	NotHoldersPiece {
		/// The holder.
		holder: u8,
		/// The piece.
		piece: u16,
	},
	/// The bundle's piece count is not the number of device piece keys.
	#[error("the device has {expected} piece keys but the bundle has {found} pieces")]
	PieceCountMismatch {
		/// Device piece keys.
		expected: usize,
		/// Pieces in the bundle.
		found: usize,
	},
	/// Pieces of a bundle are faulty; every one is named with what is wrong with it.
	#[error("faulty pieces: {}", describe_faults(.0))]
	FaultyPieces(alloc::vec::Vec<(u16, crate::v2::PieceFault)>),
	/// A signature made with a one-time key failed its own check before release (a fault during
	/// signing); nothing was released.
	#[error("the signature failed its own check and was not released")]
	SignatureFault,
}

fn describe_faults(faults: &[(u16, crate::v2::PieceFault)]) -> alloc::string::String {
	use alloc::string::ToString;
	faults
		.iter()
		.map(|(k, fault)| alloc::format!("piece {k}: {fault}"))
		.collect::<alloc::vec::Vec<_>>()
		.join("; ")
		.to_string()
}
