//! The KSG's key source: host functions through which the off-chain worker gets exactly what
//! SPEC v2 lets a holder's node publish from the piece roots it holds, without ever seeing a
//! root or a key derived from one.
//!
//! The roots stay in the node process (zeroized memory, read once from a key file) or inside a
//! PKCS#11 token; the node hands a [`KeySource`] to off-chain worker calls only, as the
//! [`KeySourceExt`] externalities extension. Block import, block authoring, runtime API calls
//! and RPCs run without it, so there the host functions answer [`KeySourceError::NoKey`].
//!
//! A root is named by `(fleet, piece)`. What crosses into wasm is public: the `(fleet, piece)`
//! pairs served, a piece publication `(pt(X_k), C_k, π_k)` generated natively from `M_k` and
//! `Q_k` (which never enter the runtime), and a publication signature `ω` that the key source
//! makes with `w_k` over a message it builds itself from its own `ctx` (the node's genesis hash
//! and the fleet) and the digests it is given — never a signature over caller-chosen bytes. Each
//! call names the fleet's publication key `W_k`; a key source whose root does not derive it
//! refuses ([`KeySourceError::WrongRoot`]): a typo or another fleet's root publishes nothing.

use crate::FleetId;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use keyshards_primitives::{
	v2::{
		ProofOfPossession, PublicPiece, PublicationDigest, PublicationKey, PublicationSignature,
		Registration, ShardCiphertext,
	},
	DeviceId, Epoch,
};
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode},
	runtime_interface,
};

pub use keyshards_primitives::v2::PieceIndex;

/// Why the key source gave nothing. What went wrong in detail (which token, which object, which
/// file) is in the node's log: the runtime only learns that it has nothing to publish with.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug)]
pub enum KeySourceError {
	/// The node holds no root for this fleet and piece (or this call has no key source: it is
	/// not an off-chain worker call, or the node serves no fleet).
	NoKey,
	/// The root is configured but its holder cannot derive now (a PKCS#11 token that fails,
	/// is removed, or does not answer in time).
	Unavailable,
	/// The node's root does not derive the fleet's publication key `W_k`: it is not this
	/// fleet's root for this piece. Nothing of the piece is published or exported.
	WrongRoot,
	/// The request is malformed (a device id that is not 1 to 64 bytes, no digest, a piece
	/// beyond the piece count).
	BadRequest,
	/// The piece scalar of this device epoch is zero (probability `2^-252`): SPEC refuses it.
	ZeroScalar,
}

/// What the worker asks the key source to generate: piece `piece` of device epoch
/// `(device, registration, epoch)` of `fleet` (whose `p` is `piece_count` and whose
/// publication key for the piece is `publication_key`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug)]
pub struct PieceRequest {
	/// The fleet.
	pub fleet: FleetId,
	/// `k`.
	pub piece: PieceIndex,
	/// The fleet's `W_k`, which the root must derive.
	pub publication_key: PublicationKey,
	/// `D`.
	pub device: DeviceId,
	/// `g`.
	pub registration: Registration,
	/// `e`.
	pub epoch: Epoch,
	/// `p`.
	pub piece_count: u16,
}

/// The public part of a generated publication: `(pt(X_k), C_k, π_k)`.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug)]
pub struct GeneratedPublication {
	/// `pt(X_k)`.
	pub public_piece: PublicPiece,
	/// `C_k`.
	pub ciphertext: ShardCiphertext,
	/// `π_k`.
	pub proof: ProofOfPossession,
}

/// What the node provides behind the host functions: its piece roots, by `(fleet, piece)`.
#[cfg(not(substrate_runtime))]
pub trait KeySource: Send + Sync {
	/// The `(fleet, piece)` pairs this node holds a root for, sorted, without repeats.
	fn served(&self) -> Vec<(FleetId, PieceIndex)>;

	/// Generates the publication `request` names (SPEC v2 derivations 2 to 8, with the node's
	/// `ctx`), after checking that the root derives `request.publication_key`.
	fn generate_piece(
		&self,
		request: &PieceRequest,
	) -> Result<GeneratedPublication, KeySourceError>;

	/// `ω` over `digests` (in order) for piece `piece` of `fleet`, with `w_k` of the root, after
	/// checking that it derives `publication_key`.
	fn sign_publications(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		publication_key: &PublicationKey,
		digests: &[PublicationDigest],
	) -> Result<PublicationSignature, KeySourceError>;
}

#[cfg(not(substrate_runtime))]
sp_externalities::decl_extension! {
	/// The node's [`KeySource`], registered for off-chain worker calls only.
	pub struct KeySourceExt(alloc::sync::Arc<dyn KeySource>);
}

#[cfg(not(substrate_runtime))]
impl KeySourceExt {
	/// Wraps a key source.
	pub fn new(source: alloc::sync::Arc<dyn KeySource>) -> Self {
		Self(source)
	}
}

/// The key source's host functions (`ext_ksg_key_source_*`). A node must register
/// [`ksg_key_source::HostFunctions`] in every executor that runs a runtime with this pallet.
#[runtime_interface]
pub trait KsgKeySource {
	/// The `(fleet, piece)` pairs whose roots this node holds; empty without a key source.
	fn served(&mut self) -> AllocateAndReturnByCodec<Vec<(FleetId, PieceIndex)>> {
		use sp_externalities::ExternalitiesExt;
		self.extension::<KeySourceExt>().map(|source| source.served()).unwrap_or_default()
	}

	/// Generates a piece publication (see [`KeySource::generate_piece`]).
	fn generate_piece(
		&mut self,
		request: PassFatPointerAndDecode<PieceRequest>,
	) -> AllocateAndReturnByCodec<Result<GeneratedPublication, KeySourceError>> {
		use sp_externalities::ExternalitiesExt;
		let source = self.extension::<KeySourceExt>().ok_or(KeySourceError::NoKey)?;
		if request.piece >= request.piece_count {
			return Err(KeySourceError::BadRequest);
		}
		source.generate_piece(&request)
	}

	/// Signs a group of publications (see [`KeySource::sign_publications`]).
	fn sign_publications(
		&mut self,
		fleet: FleetId,
		piece: PieceIndex,
		publication_key: PassFatPointerAndDecode<PublicationKey>,
		digests: PassFatPointerAndDecode<Vec<PublicationDigest>>,
	) -> AllocateAndReturnByCodec<Result<PublicationSignature, KeySourceError>> {
		use sp_externalities::ExternalitiesExt;
		let source = self.extension::<KeySourceExt>().ok_or(KeySourceError::NoKey)?;
		if digests.is_empty() {
			return Err(KeySourceError::BadRequest);
		}
		source.sign_publications(fleet, piece, &publication_key, &digests)
	}
}
