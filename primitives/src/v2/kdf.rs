//! SPEC v2 byte layouts: labels, the context `ctx`, the piece identity `who`, and every
//! derivation that hashes public data (shard ids, associated data, proof and publication
//! messages, the signed message).
//!
//! Every byte layout of SPEC v2 lives here, once. The secret-keyed derivations are methods of the
//! secret key types in [`super::keys`], which build their `info` strings from these helpers.

use alloc::vec::Vec;

use super::types::{
	FleetId, PieceIndex, ProofOfPossession, PublicPiece, PublicationDigest, Registration,
	ShardCiphertext,
};
use crate::{
	kdf::blake2_256,
	types::{DeviceId, Epoch, PayloadHash, ShardId},
};

/// SPEC v2's domain-separation labels (ASCII, no terminator).
pub mod label {
	/// Piece publication key `w_k` from a piece root.
	pub const PUBLISHER: &[u8] = b"keyshards/v2/publisher";
	/// Device piece key `M_k` from a piece root.
	pub const DEVICE_KEY: &[u8] = b"keyshards/v2/device-key";
	/// Generator key `Q_k` from a piece root.
	pub const GENERATOR: &[u8] = b"keyshards/v2/generator";
	/// Piece scalar `x_k` from a generator key.
	pub const PIECE: &[u8] = b"keyshards/v2/piece";
	/// Shard key and nonce `K || N` from a device piece key.
	pub const SHARD_KEY: &[u8] = b"keyshards/v2/shard-key";
	/// Associated data `A_k` of an encrypted shard.
	pub const SHARD_AAD: &[u8] = b"keyshards/v2/shard";
	/// Nonce prefix `Z_k` of a proof of possession.
	pub const POP_NONCE: &[u8] = b"keyshards/v2/pop-nonce";
	/// Message of a proof of possession.
	pub const POP: &[u8] = b"keyshards/v2/pop";
	/// Shard identifier preimage.
	pub const SHARD_ID: &[u8] = b"keyshards/v2/shard-id";
	/// Publication digest `d` preimage.
	pub const PUBLICATION: &[u8] = b"keyshards/v2/publication";
	/// Message of a publication signature `ω`.
	pub const PUBLISH: &[u8] = b"keyshards/v2/publish";
	/// Nonce prefix `Z` of a one-time signature.
	pub const SIGN_NONCE: &[u8] = b"keyshards/v2/sign-nonce";
	/// Message signed with a one-time key.
	pub const SIGN: &[u8] = b"keyshards/v2/sign";
}

/// Length of `ctx`: the genesis hash and a big-endian fleet id.
pub const CONTEXT_LEN: usize = 36;
/// Longest `who`: `ctx`, a piece index, `lp(D)` of a 64-byte id and a registration.
pub const MAX_WHO_LEN: usize = CONTEXT_LEN + 2 + 2 + crate::MAX_DEVICE_ID_LEN as usize + 4;

/// `ctx = G || u32be(f)`: binds every derivation and signature to one chain and one fleet.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context([u8; CONTEXT_LEN]);

impl Context {
	/// The context of fleet `fleet` on the chain whose block 0 hash is `genesis`.
	pub fn new(genesis: &[u8; 32], fleet: FleetId) -> Self {
		let mut ctx = [0u8; CONTEXT_LEN];
		ctx[..32].copy_from_slice(genesis);
		ctx[32..].copy_from_slice(&fleet.to_be_bytes());
		Self(ctx)
	}

	/// The 36 bytes.
	pub fn as_bytes(&self) -> &[u8; CONTEXT_LEN] {
		&self.0
	}

	/// The chain's genesis hash `G`.
	pub fn genesis(&self) -> [u8; 32] {
		self.0[..32].try_into().expect("32 of 36 bytes; qed")
	}

	/// The fleet id `f`.
	pub fn fleet(&self) -> FleetId {
		FleetId::from_be_bytes(self.0[32..].try_into().expect("4 of 36 bytes; qed"))
	}

	/// `who` of piece `piece` of `device`'s registration `registration` in this context.
	pub fn who(&self, piece: u16, device: &DeviceId, registration: Registration) -> Who {
		Who::new(self, piece, device, registration)
	}
}

impl core::fmt::Debug for Context {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("Context(0x")?;
		self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))?;
		f.write_str(")")
	}
}

/// `who = ctx || u16be(k) || lp(D) || u32be(g)`: which piece of which device registration, in
/// which fleet of which chain. Public; on the stack.
#[derive(Clone)]
pub struct Who {
	buf: [u8; MAX_WHO_LEN],
	len: usize,
}

impl Who {
	/// `who` of piece `piece` of `device`'s registration `registration` in `ctx`.
	pub fn new(ctx: &Context, piece: u16, device: &DeviceId, registration: Registration) -> Self {
		let mut who = Self { buf: [0; MAX_WHO_LEN], len: 0 };
		for part in [
			&ctx.0[..],
			&piece.to_be_bytes(),
			&device.length_prefix(),
			device.as_bytes(),
			&registration.to_be_bytes(),
		] {
			who.buf[who.len..who.len + part.len()].copy_from_slice(part);
			who.len += part.len();
		}
		who
	}

	/// The bytes.
	pub fn as_bytes(&self) -> &[u8] {
		&self.buf[..self.len]
	}
}

impl core::fmt::Debug for Who {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("Who(0x")?;
		self.as_bytes().iter().try_for_each(|b| write!(f, "{b:02x}"))?;
		f.write_str(")")
	}
}

/// One epoch of one registration of a device in one fleet of one chain: `ctx`, `D`, `g`, `e`.
/// Public; everything a piece's `who` and a use's signed message are made of.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DeviceEpoch {
	/// `ctx`: the chain and the fleet.
	pub ctx: Context,
	/// `D`.
	pub device: DeviceId,
	/// `g`.
	pub registration: Registration,
	/// `e`.
	pub epoch: Epoch,
}

impl DeviceEpoch {
	/// `who` of piece `piece`.
	pub fn who(&self, piece: PieceIndex) -> Who {
		Who::new(&self.ctx, piece, &self.device, self.registration)
	}

	/// `ID_k` of piece `piece`.
	pub fn shard_id(&self, piece: PieceIndex) -> ShardId {
		shard_id(&self.who(piece), self.epoch)
	}

	/// The message a one-time key of this epoch signs for payload hash `H(Y)`.
	pub fn signed_message(&self, payload_hash: &PayloadHash) -> Vec<u8> {
		signed_message(&self.ctx, &self.device, self.registration, self.epoch, payload_hash)
	}
}

fn concat(parts: &[&[u8]]) -> Vec<u8> {
	let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
	parts.iter().for_each(|part| out.extend_from_slice(part));
	out
}

/// `A_k = "keyshards/v2/shard" || who || u32be(e) || u16be(p) || pt(X_k)`.
pub fn associated_data(
	who: &Who,
	epoch: Epoch,
	piece_count: u16,
	public_piece: &PublicPiece,
) -> Vec<u8> {
	concat(&[
		label::SHARD_AAD,
		who.as_bytes(),
		&epoch.to_be_bytes(),
		&piece_count.to_be_bytes(),
		public_piece.as_bytes(),
	])
}

/// `π-msg_k = "keyshards/v2/pop" || who || u32be(e) || pt(X_k)`: what a proof of possession
/// signs.
pub fn proof_message(who: &Who, epoch: Epoch, public_piece: &PublicPiece) -> Vec<u8> {
	concat(&[label::POP, who.as_bytes(), &epoch.to_be_bytes(), public_piece.as_bytes()])
}

/// `ID_k = H("keyshards/v2/shard-id" || who || u32be(e))`.
///
/// The chain computes every shard identifier with this; it never trusts a submitted one.
pub fn shard_id(who: &Who, epoch: Epoch) -> ShardId {
	ShardId(blake2_256(&[label::SHARD_ID, who.as_bytes(), &epoch.to_be_bytes()]))
}

/// `d = H("keyshards/v2/publication" || who || u32be(e) || pt(X_k) || C_k || π_k)`.
pub fn publication_digest(
	who: &Who,
	epoch: Epoch,
	public_piece: &PublicPiece,
	ciphertext: &ShardCiphertext,
	proof: &ProofOfPossession,
) -> PublicationDigest {
	PublicationDigest(blake2_256(&[
		label::PUBLICATION,
		who.as_bytes(),
		&epoch.to_be_bytes(),
		public_piece.as_bytes(),
		ciphertext.as_bytes(),
		proof.as_bytes(),
	]))
}

/// `"keyshards/v2/publish" || ctx || u16be(k) || u32be(c) || d_1 || ... || d_c`: what the
/// publication signature `ω` of a group of `c` publications of piece `k` signs.
pub fn publication_message(ctx: &Context, piece: u16, digests: &[PublicationDigest]) -> Vec<u8> {
	let mut out = Vec::with_capacity(label::PUBLISH.len() + CONTEXT_LEN + 6 + 32 * digests.len());
	out.extend_from_slice(label::PUBLISH);
	out.extend_from_slice(ctx.as_bytes());
	out.extend_from_slice(&piece.to_be_bytes());
	// At most the chain's group bound (1024) digests; a longer slice is a caller bug.
	out.extend_from_slice(&(digests.len() as u32).to_be_bytes());
	digests.iter().for_each(|d| out.extend_from_slice(d.as_bytes()));
	out
}

/// `msg = "keyshards/v2/sign" || ctx || lp(D) || u32be(g) || u32be(e) || H(Y)`: what a one-time
/// key signs for a payload `Y`. The chain builds it itself from its own records.
pub fn signed_message(
	ctx: &Context,
	device: &DeviceId,
	registration: Registration,
	epoch: Epoch,
	payload_hash: &PayloadHash,
) -> Vec<u8> {
	concat(&[
		label::SIGN,
		ctx.as_bytes(),
		&device.length_prefix(),
		device.as_bytes(),
		&registration.to_be_bytes(),
		&epoch.to_be_bytes(),
		payload_hash.as_bytes(),
	])
}

/// The HMAC-SHA256 input that gives `Expand(R, label || rest, 32)` in one HMAC:
/// `label || rest || 0x01` (RFC 5869's first and only output block). A key source that keeps a
/// piece root in a token computes `w_k`, `M_k` and `Q_k` with it, so SPEC fixes every input it
/// ever MACs.
pub fn hmac_input(label: &[u8], rest: &[u8]) -> Vec<u8> {
	concat(&[label, rest, &[0x01]])
}
