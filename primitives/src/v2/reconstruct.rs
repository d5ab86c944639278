//! The device's side of SPEC v2: decrypting every piece of an epoch, summing the scalars and
//! accepting the key only if it is the chain's `P`, naming every faulty piece otherwise.

use aes_gcm::{aead::AeadInPlace, Tag};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use curve25519_dalek::scalar::Scalar;
use scale_info::TypeInfo;
use zeroize::Zeroizing;

use super::{
	curve,
	kdf::{self, DeviceEpoch},
	keys::{verifying_key_of, DevicePieceKey, OneTimeKey},
	publication::shard_cipher,
	types::{PieceIndex, PublicPiece, ShardCiphertext},
};
use crate::{
	types::{PublicKey, ShardId},
	Error,
};

/// One piece of a device's bundle as the chain serves it: the identifier the map records, the
/// public piece and the ciphertext.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct BundlePiece {
	/// `ID_k` as recorded in the map.
	pub id: ShardId,
	/// `pt(X_k)`.
	pub public_piece: PublicPiece,
	/// `C_k`.
	pub ciphertext: ShardCiphertext,
}

/// What is wrong with one piece of a bundle (SPEC "Reconstruction").
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
pub enum PieceFault {
	/// Its identifier is not the `ID_k` of this device epoch and piece (another device's, epoch's,
	/// registration's, fleet's or chain's piece, or another position).
	WrongId,
	/// It does not decrypt under this device's key for the piece: the ciphertext or `pt(X_k)` was
	/// altered, or the key is not this registration's.
	DoesNotDecrypt,
	/// It decrypts, but the plaintext is not a canonical scalar.
	NonCanonicalScalar,
	/// It decrypts to a scalar whose public point is not the published `pt(X_k)`.
	WrongPublicPiece,
}

impl PieceFault {
	/// The fault in words.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::WrongId => "its identifier is not this device epoch's",
			Self::DoesNotDecrypt => "it does not decrypt with this device's key for the piece",
			Self::NonCanonicalScalar => "its plaintext is not a canonical scalar",
			Self::WrongPublicPiece => "its scalar does not give the published public piece",
		}
	}
}

impl core::fmt::Display for PieceFault {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// Device side: reconstructs the one-time key of `at` from the device piece keys
/// `M_0 .. M_{p-1}` and the bundle's pieces, in piece order, and accepts it only if its public
/// key is `public_key` (the map's `P`).
///
/// Every piece is checked (none is skipped after a failure), so the error names every faulty
/// piece: [`Error::FaultyPieces`]. If every piece is sound but the sum is not `P`, the map's `P`
/// is wrong: [`Error::PublicKeyMismatch`]. Whether the map may be used (active, in its window,
/// this registration, not rolled back) is the caller's decision; this checks the cryptography.
pub fn reconstruct(
	at: &DeviceEpoch,
	keys: &[DevicePieceKey],
	pieces: &[BundlePiece],
	public_key: &PublicKey,
) -> Result<OneTimeKey, Error> {
	if pieces.len() != keys.len() || pieces.is_empty() {
		return Err(Error::PieceCountMismatch { expected: keys.len(), found: pieces.len() });
	}
	// Bounded by MAX_PIECES through `keys`, so the cast is exact.
	let piece_count = pieces.len() as u16;

	let mut faults: Vec<(PieceIndex, PieceFault)> = Vec::new();
	let mut scalars: Vec<Zeroizing<Scalar>> = Vec::with_capacity(pieces.len());
	for ((k, key), piece) in (0u16..).zip(keys).zip(pieces) {
		let who = at.who(k);
		if piece.id != kdf::shard_id(&who, at.epoch) {
			faults.push((k, PieceFault::WrongId));
			continue;
		}
		let (cipher, nonce) = shard_cipher(key, at.epoch);
		let aad = kdf::associated_data(&who, at.epoch, piece_count, &piece.public_piece);
		let mut plaintext = Zeroizing::new([0u8; 32]);
		plaintext.copy_from_slice(&piece.ciphertext.as_bytes()[..32]);
		let tag = Tag::from_slice(&piece.ciphertext.as_bytes()[32..]);
		if cipher.decrypt_in_place_detached(&nonce, &aad, &mut plaintext[..], tag).is_err() {
			faults.push((k, PieceFault::DoesNotDecrypt));
			continue;
		}
		match curve::canonical_scalar(&plaintext) {
			Some(scalar) => scalars.push(Zeroizing::new(scalar)),
			None => faults.push((k, PieceFault::NonCanonicalScalar)),
		}
	}
	if !faults.is_empty() {
		return Err(Error::FaultyPieces(faults));
	}

	let sum = Zeroizing::new(scalars.iter().fold(Scalar::ZERO, |acc, x| acc + **x));
	let verifying_key = verifying_key_of(&sum);
	if verifying_key.to_bytes() != public_key.0 {
		// Which pieces decrypted to a scalar that is not their public piece? (AES-GCM binds
		// `pt(X_k)` through `A_k` but does not commit to it: a holder may encrypt a wrong scalar.)
		let faults: Vec<_> = (0u16..)
			.zip(scalars.iter().zip(pieces))
			.filter(|(_, (x, piece))| curve::public_point(x) != piece.public_piece.0)
			.map(|(k, _)| (k, PieceFault::WrongPublicPiece))
			.collect();
		return Err(if faults.is_empty() {
			Error::PublicKeyMismatch
		} else {
			Error::FaultyPieces(faults)
		});
	}
	Ok(OneTimeKey::from_scalar(at.clone(), &sum, verifying_key))
}

/// Checks a one-time-key signature over payload hash `H(Y)` for device epoch `at` and public key
/// `P` (strict RFC 8032 verification; the chain's ZIP-215 rules accept a superset, and honest
/// signatures pass both).
pub fn verify(
	public_key: &PublicKey,
	at: &DeviceEpoch,
	payload_hash: &crate::PayloadHash,
	signature: &crate::Signature,
) -> Result<(), Error> {
	let key = ed25519_dalek::VerifyingKey::from_bytes(public_key.as_bytes())
		.map_err(|_| Error::InvalidPublicKey)?;
	key.verify_strict(
		&at.signed_message(payload_hash),
		&ed25519_dalek::Signature::from_bytes(&signature.0),
	)
	.map_err(|_| Error::BadSignature)
}
