//! SPEC v1 derivations: labels, HKDF-Expand, shard keys and nonces, associated data, shard ids,
//! the signed message.
//!
//! Every byte layout of SPEC lives here, once. The secret-keyed derivations take an
//! [`Expander`], which only [`crate::keys`] can build from a secret key.

use alloc::vec::Vec;
use blake2::{digest::consts::U32, Blake2b, Digest};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::types::{DeviceId, Epoch, PayloadHash, PublicKey, ShardCount, ShardId};

/// SPEC's domain-separation labels (ASCII, no terminator).
pub mod label {
	/// Device master key from the fleet root.
	pub const DEVICE_MASTER: &[u8] = b"keyshards/v1/device-master";
	/// One-time key stream of an epoch.
	pub const STREAM: &[u8] = b"keyshards/v1/stream";
	/// Per-shard AES-256 key and GCM nonce.
	pub const SHARD_KEY: &[u8] = b"keyshards/v1/shard-key";
	/// Associated data of a shard's encryption.
	pub const SHARD_AAD: &[u8] = b"keyshards/v1/shard";
	/// Shard identifier preimage.
	pub const SHARD_ID: &[u8] = b"keyshards/v1/shard-id";
	/// Message signed with a one-time key.
	pub const SIGN: &[u8] = b"keyshards/v1/sign";
}

/// Length of the AES-256 key plus GCM nonce derived per shard.
pub(crate) const SHARD_KEY_NONCE_LEN: usize = 32 + 12;

/// Longest associated data: label, `lp(D)` with a 64-byte id, epoch, index, count, `P`.
const MAX_AAD_LEN: usize = 18 + 2 + 64 + 4 + 2 + 2 + 32;

/// `Expand(K, ·, L)` of SPEC: HKDF-Expand with SHA-256 keyed by a uniformly random 32-byte
/// secret, the extract step skipped (RFC 5869 section 3.3).
///
/// Holds the keyed HMAC state, so several derivations under one key pay for the keying once.
pub(crate) struct Expander(Hkdf<Sha256>);

impl Expander {
	pub(crate) fn new(key: &[u8; 32]) -> Self {
		// A 32-byte key is exactly SHA-256's output length, which is all `from_prk` asks for.
		Self(Hkdf::<Sha256>::from_prk(key).expect("a 32-byte PRK is accepted; qed"))
	}

	/// Expands `info` (the concatenation of its parts) into `out`.
	pub(crate) fn expand(&self, info: &[&[u8]], out: &mut [u8]) {
		// Outputs here are at most 44 bytes, far below HKDF's 255 * 32 limit.
		self.0.expand_multi_info(info, out).expect("output length is at most 44 bytes; qed")
	}

	/// `Expand(R, "keyshards/v1/device-master" || lp(D), 32)`.
	pub(crate) fn device_master(&self, device: &DeviceId, out: &mut [u8; 32]) {
		self.expand(&[label::DEVICE_MASTER, &device.length_prefix(), device.as_bytes()], out)
	}

	/// `S = Expand(M, "keyshards/v1/stream" || lp(D) || u32be(e), 32)`.
	pub(crate) fn key_stream(&self, device: &DeviceId, epoch: Epoch, out: &mut [u8; 32]) {
		self.expand(
			&[label::STREAM, &device.length_prefix(), device.as_bytes(), &epoch.to_be_bytes()],
			out,
		)
	}

	/// `K || N = Expand(M, "keyshards/v1/shard-key" || lp(D) || u32be(e) || u16be(i) ||
	/// u16be(n), 44)`.
	pub(crate) fn shard_key_nonce(
		&self,
		device: &DeviceId,
		epoch: Epoch,
		index: u16,
		count: ShardCount,
	) -> Zeroizing<[u8; SHARD_KEY_NONCE_LEN]> {
		let mut out = Zeroizing::new([0u8; SHARD_KEY_NONCE_LEN]);
		self.expand(
			&[
				label::SHARD_KEY,
				&device.length_prefix(),
				device.as_bytes(),
				&epoch.to_be_bytes(),
				&index.to_be_bytes(),
				&u16::from(count.get()).to_be_bytes(),
			],
			&mut out[..],
		);
		out
	}
}

/// The one HMAC-SHA256 input that gives device `D`'s master key from a fleet root that is used
/// only through HMAC (a PKCS#11 token's `CKM_SHA256_HMAC` under a key it never releases):
/// `M = Expand(R, "keyshards/v1/device-master" || lp(D), 32) = HMAC-SHA256(R, info || 0x01)`,
/// the first and only output block of RFC 5869's HKDF-Expand. The input is fixed by SPEC: a key
/// source that computes it exposes no HMAC of caller-chosen bytes.
pub fn device_master_hmac_input(device: &DeviceId) -> Vec<u8> {
	let mut input =
		Vec::with_capacity(label::DEVICE_MASTER.len() + 2 + device.as_bytes().len() + 1);
	input.extend_from_slice(label::DEVICE_MASTER);
	input.extend_from_slice(&device.length_prefix());
	input.extend_from_slice(device.as_bytes());
	input.push(0x01);
	input
}

/// `A = "keyshards/v1/shard" || lp(D) || u32be(e) || u16be(i) || u16be(n) || P`, on the stack.
pub(crate) struct AssociatedData {
	buf: [u8; MAX_AAD_LEN],
	len: usize,
}

impl AssociatedData {
	pub(crate) fn new(
		device: &DeviceId,
		epoch: Epoch,
		index: u16,
		count: ShardCount,
		public_key: &PublicKey,
	) -> Self {
		let mut aad = Self { buf: [0; MAX_AAD_LEN], len: 0 };
		for part in [
			label::SHARD_AAD,
			&device.length_prefix(),
			device.as_bytes(),
			&epoch.to_be_bytes(),
			&index.to_be_bytes(),
			&u16::from(count.get()).to_be_bytes(),
			public_key.as_bytes(),
		] {
			aad.buf[aad.len..aad.len + part.len()].copy_from_slice(part);
			aad.len += part.len();
		}
		aad
	}

	pub(crate) fn as_bytes(&self) -> &[u8] {
		&self.buf[..self.len]
	}
}

/// `H(x)`: BLAKE2b with a 32-byte digest (the chain's `blake2_256`), over the parts of `x`.
pub fn blake2_256(parts: &[&[u8]]) -> [u8; 32] {
	let mut hasher = Blake2b::<U32>::new();
	parts.iter().for_each(|part| hasher.update(part));
	hasher.finalize().into()
}

/// `ID = H("keyshards/v1/shard-id" || lp(D) || u32be(e) || u16be(i))`.
///
/// The chain computes every shard identifier with this; it never trusts a submitted one.
pub fn shard_id(device: &DeviceId, epoch: Epoch, index: u16) -> ShardId {
	ShardId(blake2_256(&[
		label::SHARD_ID,
		&device.length_prefix(),
		device.as_bytes(),
		&epoch.to_be_bytes(),
		&index.to_be_bytes(),
	]))
}

/// `H(X)` of a payload.
pub fn payload_hash(payload: &[u8]) -> PayloadHash {
	PayloadHash(blake2_256(&[payload]))
}

/// `m = "keyshards/v1/sign" || lp(D) || u32be(e) || H(X)`: what a one-time key signs.
pub fn signed_message(device: &DeviceId, epoch: Epoch, payload_hash: &PayloadHash) -> Vec<u8> {
	let mut message = Vec::with_capacity(label::SIGN.len() + 2 + device.as_bytes().len() + 4 + 32);
	message.extend_from_slice(label::SIGN);
	message.extend_from_slice(&device.length_prefix());
	message.extend_from_slice(device.as_bytes());
	message.extend_from_slice(&epoch.to_be_bytes());
	message.extend_from_slice(payload_hash.as_bytes());
	message
}

#[cfg(test)]
mod tests {
	use super::*;
	use hkdf::hmac::{Hmac, Mac};

	#[test]
	fn one_hmac_of_the_fixed_input_is_the_device_master_key() {
		for (root, id) in [([0x11; 32], &b"d"[..]), ([0xa5; 32], &[0x42; 64][..])] {
			let device = DeviceId::new(id).unwrap();
			let mut mac = Hmac::<Sha256>::new_from_slice(&root).unwrap();
			mac.update(&device_master_hmac_input(&device));
			let via_hmac: [u8; 32] = mac.finalize().into_bytes().into();
			let master = crate::FleetRootKey::from_slice(&root).unwrap().device_master_key(&device);
			assert_eq!(&via_hmac, master.expose_secret());
		}
	}
}
