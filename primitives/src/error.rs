//! The protocol's errors. None of them carries secret material.

/// Why an input was refused or a key could not be reconstructed or verified.
///
/// Every reconstruction failure has its own variant so that a device (and its operator) learns
/// what was wrong: a shard out of place is not a tampered ciphertext, and neither is a wrong
/// device master key. No variant ever carries key material.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
	/// A device id must be 1 to 64 bytes long.
	#[error("device id must be 1 to 64 bytes long, got {len}")]
	InvalidDeviceIdLength {
		/// Length that was given.
		len: usize,
	},
	/// The shard count is not one of 1, 2, 4, 8, 16, 32.
	#[error("shard count must be one of 1, 2, 4, 8, 16, 32, got {count}")]
	InvalidShardCount {
		/// Count that was given.
		count: u8,
	},
	/// A key was not 32 bytes long.
	#[error("key must be 32 bytes long, got {len}")]
	InvalidKeyLength {
		/// Length that was given.
		len: usize,
	},
	/// The bundle is for another device.
	#[error("bundle is for device {found}, not this device ({expected})")]
	DeviceMismatch {
		/// This device's id (ids are public).
		expected: crate::DeviceId,
		/// The id in the bundle.
		found: crate::DeviceId,
	},
	/// The number of shards (or of shard ids in the map) is not the shard count.
	#[error("expected {expected} shards, got {found}")]
	ShardCountMismatch {
		/// The shard count.
		expected: u8,
		/// Shards (or map ids) present.
		found: usize,
	},
	/// A shard belongs to this device epoch but at another index (shards were swapped).
	#[error("shard at index {index} belongs at index {belongs_at}")]
	ShardOutOfPlace {
		/// Where the shard was found.
		index: u16,
		/// Where its identifier says it belongs.
		belongs_at: u16,
	},
	/// No shard's identifier is one SPEC derives for this device and epoch: the shards are
	/// another device's or another epoch's (or the device or epoch asked for is wrong).
	#[error("no shard belongs to this device and epoch")]
	ForeignShards,
	/// Some shards belong to this device epoch, but this one's identifier is none of its
	/// identifiers: a foreign shard mixed in, or an altered identifier.
	#[error("shard {index} does not belong to this device epoch")]
	UnknownShardId {
		/// Index of the shard.
		index: u16,
	},
	/// The map's shard identifier and the shard's own identifier at an index disagree.
	#[error("map and shard disagree on the identifier at index {index}")]
	MapShardIdMismatch {
		/// Index of the shard.
		index: u16,
	},
	/// A ciphertext does not have the length `32 / n + 16`.
	#[error("shard {index} ciphertext is {found} bytes, expected {expected}")]
	CiphertextLength {
		/// Index of the shard.
		index: u16,
		/// `32 / n + 16`.
		expected: usize,
		/// Length that was given.
		found: usize,
	},
	/// A shard failed authenticated decryption although the device master key is the right
	/// one for this map: its ciphertext or tag was altered.
	#[error("shard {index} does not decrypt: its ciphertext was altered")]
	ShardTampered {
		/// Index of the first shard that failed.
		index: u16,
	},
	/// The device master key does not derive this map's public key: the key is not this
	/// device's, or the map's public key was altered. No shard was trusted.
	#[error("the device master key does not match this map's public key")]
	WrongMasterKey,
	/// Every shard decrypted but the concatenated key does not match the map's public key.
	#[error("the reconstructed key does not match the map's public key")]
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
