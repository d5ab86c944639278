//! # Keyshards protocol, version 2: threshold KSG (`SPEC-v2.md`)
//!
//! A fleet's key generation is split between `m` holders with threshold `t`: a device epoch's
//! key is the sum of `p = C(m, t-1)` piece scalars, each held by the holders outside one
//! `(t-1)`-subset ([`Threshold`]). Any `t - 1` holders miss a piece; any `t` hold them all.
//!
//! - Holder (KSG) side: a [`PieceRoot`] per piece held; [`PieceRoot::generate`] (or
//!   [`generate_piece`] from a key source's `Q_k` and `M_k`, or [`generate_holder_pieces`]) per
//!   device epoch; [`PublisherSeed::sign_publications`] signs a group.
//! - Chain side: [`check_publication_keys`] for a new fleet; per group
//!   [`check_group_signature`], then [`check_publications`] (each publication as
//!   [`check_publication`] would judge it, the proofs in one batch); [`curve::sum`] for `P`.
//! - Device side: [`reconstruct`] from its [`DevicePieceKey`]s, then [`OneTimeKey::sign`].
//! - Anyone: [`verify`] a use.

pub mod curve;
pub mod kdf;
mod keys;
mod pieces;
mod publication;
mod reconstruct;
mod records;
pub mod storage;
mod types;

pub use kdf::{Context, DeviceEpoch, Who};
pub use keys::{DevicePieceKey, GeneratorKey, OneTimeKey, PieceRoot, PublisherSeed};
pub use pieces::{Threshold, MAX_HOLDERS, MAX_PIECES};
pub use publication::{
	check_group_signature, check_publication, check_publication_keys, check_publications,
	digest_of, generate_holder_pieces, generate_piece, proof_to_check, strict_verify, Batching,
	Ed25519Verify, GeneratedPiece, KeyFault, ProofToCheck, PublicationFault,
};
pub use reconstruct::{reconstruct, verify, BundlePiece, PieceFault};
pub use records::*;
pub use types::*;

/// `InvalidTransaction::Custom` codes of the chain's `record_use` authorisation, shared by the
/// pallet (which returns them) and the device client (which explains them).
pub mod invalid_use {
	/// No such fleet, registered device or epoch.
	pub const UNKNOWN_KEY: u8 = 1;
	/// The key has already signed its one payload.
	pub const KEY_ALREADY_USED: u8 = 2;
	/// The key is not active (incomplete, pending, invalidated or expired).
	pub const KEY_NOT_ACTIVE: u8 = 3;

	/// The code's meaning, for messages.
	pub fn describe(code: u8) -> Option<&'static str> {
		match code {
			UNKNOWN_KEY => Some("no such fleet, registered device or epoch"),
			KEY_ALREADY_USED => Some("the key has already signed its one payload"),
			KEY_NOT_ACTIVE => {
				Some("the key is not active (incomplete, pending, invalidated or expired)")
			}
			_ => None,
		}
	}
}
