//! The two primitives every derivation of SPEC is built from: `Expand` (HKDF-Expand-SHA-256
//! keyed by a uniformly random 32-byte secret, RFC 5869 section 2.3 with the extract step
//! skipped) and `H` (BLAKE2b-256). The byte layouts of SPEC v2 are in [`crate::v2::kdf`].

use blake2::{digest::consts::U32, Blake2b, Digest};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::types::PayloadHash;

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
		// Outputs here are at most 64 bytes, far below HKDF's 255 * 32 limit.
		self.0.expand_multi_info(info, out).expect("output length is at most 64 bytes; qed")
	}
}

/// `H(x)`: BLAKE2b with a 32-byte digest (the chain's `blake2_256`), over the parts of `x`.
pub fn blake2_256(parts: &[&[u8]]) -> [u8; 32] {
	let mut hasher = Blake2b::<U32>::new();
	parts.iter().for_each(|part| hasher.update(part));
	hasher.finalize().into()
}

/// `H(Y)` of a payload.
pub fn payload_hash(payload: &[u8]) -> PayloadHash {
	PayloadHash(blake2_256(&[payload]))
}
