//! A holder's side of SPEC v2 (generating its pieces' publications for a device epoch) and the
//! chain's (checking a publication and a group's signature).

use aes_gcm::{
	aead::{AeadInPlace, KeyInit},
	Aes256Gcm, Nonce,
};
use alloc::{collections::BTreeMap, vec::Vec};

use super::{
	curve::{self, PointCheck, PointFault, Zip215},
	kdf::{self, Context, DeviceEpoch, Who},
	keys::{sign_with_scalar, verifying_key_of, DevicePieceKey, GeneratorKey, PieceRoot},
	pieces::Threshold,
	types::{
		HolderIndex, PieceIndex, PiecePublication, ProofOfPossession, PublicPiece,
		PublicationDigest, PublicationKey, PublicationSignature, ShardCiphertext,
	},
};
use crate::{types::ShardId, Error};

/// One piece publication a holder generated, with what the chain will derive from it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GeneratedPiece {
	/// `k`.
	pub piece: PieceIndex,
	/// `(D, e, pt(X_k), C_k, π_k)`.
	pub publication: PiecePublication,
	/// `ID_k`.
	pub id: ShardId,
	/// `d`, which the group's `ω` signs.
	pub digest: PublicationDigest,
}

/// The AES-256-GCM cipher and nonce of a shard, from `K || N`.
pub(crate) fn shard_cipher(
	device_key: &DevicePieceKey,
	epoch: u32,
) -> (Aes256Gcm, Nonce<aes_gcm::aead::consts::U12>) {
	let key_nonce = device_key.shard_key_nonce(epoch);
	let cipher = Aes256Gcm::new_from_slice(&key_nonce[..32]).expect("AES-256 takes 32 bytes; qed");
	(cipher, *Nonce::from_slice(&key_nonce[32..]))
}

/// Generates piece `piece` of device epoch `at` from its generator and device piece keys (SPEC
/// derivations 4 to 9 and 11's digest). Deterministic: every holder of the piece produces the
/// same bytes. Refuses a zero piece scalar ([`Error::ZeroPieceScalar`], probability `2^-252`).
pub fn generate_piece(
	at: &DeviceEpoch,
	piece: PieceIndex,
	piece_count: u16,
	generator: &GeneratorKey,
	device_key: &DevicePieceKey,
) -> Result<GeneratedPiece, Error> {
	let who = at.who(piece);
	let scalar = generator.piece_scalar(at.epoch)?;
	let verifying_key = verifying_key_of(&scalar);
	let public_piece = PublicPiece(verifying_key.to_bytes());

	let (cipher, nonce) = shard_cipher(device_key, at.epoch);
	let aad = kdf::associated_data(&who, at.epoch, piece_count, &public_piece);
	let mut ciphertext = [0u8; 48];
	ciphertext[..32].copy_from_slice(scalar.as_bytes());
	let tag = cipher
		.encrypt_in_place_detached(&nonce, &aad, &mut ciphertext[..32])
		.expect("32 bytes are far below GCM's length limit; qed");
	ciphertext[32..].copy_from_slice(&tag);
	let ciphertext = ShardCiphertext(ciphertext);

	let message = kdf::proof_message(&who, at.epoch, &public_piece);
	let proof = ProofOfPossession(sign_with_scalar(
		&scalar,
		&verifying_key,
		&generator.pop_nonce_prefix(at.epoch),
		&message,
	));

	let digest = kdf::publication_digest(&who, at.epoch, &public_piece, &ciphertext, &proof);
	Ok(GeneratedPiece {
		piece,
		publication: PiecePublication {
			device: at.device.clone(),
			epoch: at.epoch,
			public_piece,
			ciphertext,
			proof,
		},
		id: kdf::shard_id(&who, at.epoch),
		digest,
	})
}

impl PieceRoot {
	/// Generates piece `piece` of device epoch `at` from this root (which must be `R_k`).
	pub fn generate(
		&self,
		at: &DeviceEpoch,
		piece: PieceIndex,
		piece_count: u16,
	) -> Result<GeneratedPiece, Error> {
		let who = at.who(piece);
		generate_piece(
			at,
			piece,
			piece_count,
			&self.generator_key(&who),
			&self.device_piece_key(&who),
		)
	}
}

/// Per holder: every piece holder `holder` holds for device epoch `at`, in piece order, from its
/// piece roots. Fails if a root of a held piece is missing ([`Error::MissingPieceRoot`]) or a
/// root is given for a piece the holder does not hold ([`Error::NotHoldersPiece`]).
pub fn generate_holder_pieces(
	threshold: &Threshold,
	holder: HolderIndex,
	roots: &BTreeMap<PieceIndex, PieceRoot>,
	at: &DeviceEpoch,
) -> Result<Vec<GeneratedPiece>, Error> {
	if let Some(&piece) = roots.keys().find(|&&k| !threshold.holds(holder, k)) {
		return Err(Error::NotHoldersPiece { holder, piece });
	}
	threshold
		.pieces_of(holder)
		.into_iter()
		.map(|piece| {
			roots.get(&piece).ok_or(Error::MissingPieceRoot { piece })?.generate(
				at,
				piece,
				threshold.piece_count(),
			)
		})
		.collect()
}

/// Why the chain refuses one publication on its own merits (SPEC "On chain": the point checks,
/// then the proof of possession, in that order).
#[derive(Clone, Copy, PartialEq, Eq, Debug, codec::Encode, codec::Decode)]
pub enum PublicationFault {
	/// `pt(X_k)` is not an acceptable point.
	PublicPiece(PointFault),
	/// `π_k` does not verify under `pt(X_k)`.
	Proof,
}

impl core::fmt::Display for PublicationFault {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::PublicPiece(fault) => write!(f, "pt(X_k) {fault}"),
			Self::Proof => f.write_str("pi_k does not verify under pt(X_k)"),
		}
	}
}

/// An Ed25519 verifier: `(public key, message, signature) -> valid`. The chain passes
/// `sp_io::crypto::ed25519_verify` (ZIP-215); off chain, [`strict_verify`].
pub trait Ed25519Verify: Fn(&[u8; 32], &[u8], &[u8; 64]) -> bool {}
impl<F: Fn(&[u8; 32], &[u8], &[u8; 64]) -> bool> Ed25519Verify for F {}

/// RFC 8032 verification with ed25519-dalek's strict rules (canonical, no small-order keys or
/// `R`). Honest SPEC signatures pass it; the chain's ZIP-215 rules accept a superset.
pub fn strict_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
	ed25519_dalek::VerifyingKey::from_bytes(public_key).is_ok_and(|key| {
		key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
	})
}

/// The chain's check of one publication of piece `k` whose `who` is `who`: `pt(X_k)` canonical,
/// not of small order, torsion-free (`check_point`: [`super::curve::check_point`], or a host
/// function running it); then `π_k` verifies under it.
pub fn check_publication(
	who: &Who,
	publication: &PiecePublication,
	check_point: impl PointCheck,
	verify: impl Ed25519Verify,
) -> Result<(), PublicationFault> {
	check_point(publication.public_piece.as_bytes()).map_err(PublicationFault::PublicPiece)?;
	let message = kdf::proof_message(who, publication.epoch, &publication.public_piece);
	if !verify(publication.public_piece.as_bytes(), &message, publication.proof.as_bytes()) {
		return Err(PublicationFault::Proof);
	}
	Ok(())
}

/// One publication's proof of possession as the chain checks it: `pt(X_k)` as received,
/// `π-msg_k`, `π_k` (what the host function [`check_publications`] is passed).
pub type ProofToCheck = ([u8; 32], Vec<u8>, [u8; 64]);

/// The [`ProofToCheck`] of a publication whose `who` is `who`.
pub fn proof_to_check(who: &Who, publication: &PiecePublication) -> ProofToCheck {
	let message = kdf::proof_message(who, publication.epoch, &publication.public_piece);
	(publication.public_piece.0, message, publication.proof.0)
}

/// What [`check_publications`] checks together rather than one publication at a time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Batching {
	/// Nothing: each point and each proof alone.
	None,
	/// The proofs of possession ([`curve::zip215_verify_batch`]); each point's torsion alone
	/// (the chain's host function, version 1).
	Proofs,
	/// The proofs, and the points' torsion in a group of at least
	/// [`curve::TORSION_BATCH_MIN`] ([`curve::torsion_free_batch`]; the chain's host function,
	/// version 2).
	ProofsAndPoints,
}

/// The chain's checks of a group's publications: each publication's outcome, in order, exactly as
/// [`check_publication`] with [`curve::check_point`] and ZIP-215 verification (the chain's
/// `sp_io::crypto::ed25519_verify`) judges it, with less work. Each `X_k` is decompressed once,
/// for its point checks and its proof. What `batching` names is checked together: the proofs of
/// the publications whose points pass, and with [`Batching::ProofsAndPoints`] the points'
/// torsion. If the points' batch fails, they are checked one by one, and so are the proofs; if
/// the proofs' batch fails, they are verified one by one: either way to name the publications
/// that fail. The second value says whether something ran one by one that a batch would have
/// checked (asked, or a batch failed): the chain charges that work only then.
pub fn check_publications(
	items: &[ProofToCheck],
	batching: Batching,
) -> (Vec<Result<(), PublicationFault>>, bool) {
	let batch = batching != Batching::None;
	let mut outcomes = Vec::with_capacity(items.len());
	// The proofs to verify, and which publication each is.
	let (mut proofs, mut of) = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
	for (n, (public_piece, message, proof)) in items.iter().enumerate() {
		match curve::point_of_large_order(public_piece) {
			Ok(key) => {
				outcomes.push(Ok(()));
				proofs.push(Zip215 { key, key_bytes: public_piece, message, signature: proof });
				of.push(n);
			}
			Err(fault) => outcomes.push(Err(PublicationFault::PublicPiece(fault))),
		}
	}
	let points_together =
		batching == Batching::ProofsAndPoints && proofs.len() >= curve::TORSION_BATCH_MIN;
	let points_pass = points_together
		&& curve::torsion_free_batch(
			&proofs.iter().map(|proof| (proof.key_bytes, proof.key)).collect::<Vec<_>>(),
		);
	if !points_pass {
		let mut n = 0;
		proofs.retain(|proof| {
			let torsion_free = curve::torsion_free(&proof.key);
			if !torsion_free {
				outcomes[of[n]] = Err(PublicationFault::PublicPiece(PointFault::NotTorsionFree));
			}
			n += 1;
			torsion_free
		});
		of.retain(|&n| outcomes[n].is_ok());
	}
	let one_by_one =
		!batch || points_together && !points_pass || !curve::zip215_verify_batch(&proofs);
	if one_by_one {
		for (proof, n) in proofs.iter().zip(of) {
			if !curve::zip215_verify(proof) {
				outcomes[n] = Err(PublicationFault::Proof);
			}
		}
	}
	(outcomes, one_by_one)
}

/// `d` of a publication as received, for the `who` the chain builds (current registration).
pub fn digest_of(who: &Who, publication: &PiecePublication) -> PublicationDigest {
	kdf::publication_digest(
		who,
		publication.epoch,
		&publication.public_piece,
		&publication.ciphertext,
		&publication.proof,
	)
}

/// Whether `ω` verifies under `W_k` over the group's digests, in the order sent.
pub fn check_group_signature(
	ctx: &Context,
	piece: PieceIndex,
	digests: &[PublicationDigest],
	key: &PublicationKey,
	signature: &PublicationSignature,
	verify: impl Ed25519Verify,
) -> bool {
	verify(key.as_bytes(), &kdf::publication_message(ctx, piece, digests), signature.as_bytes())
}

/// The chain's check of a fleet's publication keys `W_0 .. W_{p-1}`, in SPEC's order: every
/// key an acceptable point (canonical, not of small order, torsion-free), then no two equal.
/// Returns the first faulty key's index and why.
pub fn check_publication_keys(
	keys: &[PublicationKey],
	check_point: impl PointCheck,
) -> Result<(), (PieceIndex, KeyFault)> {
	for (k, key) in keys.iter().enumerate() {
		check_point(key.as_bytes()).map_err(|fault| (k as u16, KeyFault::Point(fault)))?;
	}
	for (k, key) in keys.iter().enumerate() {
		if keys[..k].contains(key) {
			return Err((k as u16, KeyFault::Repeated));
		}
	}
	Ok(())
}

/// Why a publication key `W_k` is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyFault {
	/// Not an acceptable point.
	Point(PointFault),
	/// Equal to an earlier key of the same fleet.
	Repeated,
}
