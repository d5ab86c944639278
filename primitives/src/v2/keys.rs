//! SPEC v2's secrets: a piece root `R_k`, the keys derived from it (publication seed `w_k`,
//! device piece key `M_k`, generator key `Q_k`), and a device epoch's one-time key `x`.
//!
//! Each is boxed and zeroized on drop, has no SCALE encoding, no `Clone`, no `Display`, and
//! prints `[REDACTED]` under `Debug`. The bytes are reachable only through `expose_secret`.

use alloc::boxed::Box;
use core::fmt;
use curve25519_dalek::{edwards::EdwardsPoint, scalar::Scalar};
use ed25519_dalek::{hazmat::ExpandedSecretKey, Signer, SigningKey, VerifyingKey};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use super::{
	kdf::{self, label, Context, Who},
	types::{PublicationDigest, PublicationKey, PublicationSignature},
	DeviceEpoch,
};
use crate::{
	kdf::Expander,
	types::{PayloadHash, PublicKey, Signature},
	Error,
};

fn secret_from_slice(bytes: &[u8]) -> Result<SecretBox<[u8; 32]>, Error> {
	if bytes.len() != 32 {
		return Err(Error::InvalidKeyLength { len: bytes.len() });
	}
	Ok(SecretBox::init_with_mut(|secret: &mut [u8; 32]| secret.copy_from_slice(bytes)))
}

fn derive(key: &[u8; 32], info: &[&[u8]]) -> SecretBox<[u8; 32]> {
	let mut out = SecretBox::new(Box::new([0u8; 32]));
	Expander::new(key).expand(info, out.expose_secret_mut());
	out
}

macro_rules! secret_key {
	($(#[$doc:meta])* $name:ident) => {
		$(#[$doc])*
		pub struct $name(SecretBox<[u8; 32]>);

		impl $name {
			/// Copies a 32-byte key; the caller should zeroize its own copy.
			pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
				secret_from_slice(bytes).map(Self)
			}

			/// The key's bytes.
			pub fn expose_secret(&self) -> &[u8; 32] {
				self.0.expose_secret()
			}
		}

		impl fmt::Debug for $name {
			fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
				f.write_str(concat!(stringify!($name), "([REDACTED])"))
			}
		}
	};
}

secret_key!(
	/// A piece root `R_k`: 32 random bytes held only by the holders of piece `k`.
	PieceRoot
);
secret_key!(
	/// A piece publication seed `w_k = Expand(R_k, "keyshards/v2/publisher", 32)`: signs
	/// publications of piece `k`. Used only inside the key source that holds `R_k`.
	PublisherSeed
);
secret_key!(
	/// A device piece key `M_k`: provisioned into the device; decrypts its piece-`k` shards for
	/// the whole registration.
	DevicePieceKey
);
secret_key!(
	/// A generator key `Q_k`: known only to the piece's holders; derives the piece scalars.
	GeneratorKey
);

impl PieceRoot {
	/// `w_k`.
	pub fn publisher_seed(&self) -> PublisherSeed {
		PublisherSeed(derive(self.expose_secret(), &[label::PUBLISHER]))
	}

	/// `W_k = Ed25519-public(w_k)`.
	pub fn publication_key(&self) -> PublicationKey {
		self.publisher_seed().publication_key()
	}

	/// `M_k = Expand(R_k, "keyshards/v2/device-key" || who, 32)`.
	pub fn device_piece_key(&self, who: &Who) -> DevicePieceKey {
		DevicePieceKey(derive(self.expose_secret(), &[label::DEVICE_KEY, who.as_bytes()]))
	}

	/// `Q_k = Expand(R_k, "keyshards/v2/generator" || who, 32)`.
	pub fn generator_key(&self, who: &Who) -> GeneratorKey {
		GeneratorKey(derive(self.expose_secret(), &[label::GENERATOR, who.as_bytes()]))
	}
}

impl PublisherSeed {
	/// `W_k`.
	pub fn publication_key(&self) -> PublicationKey {
		PublicationKey(SigningKey::from_bytes(self.expose_secret()).verifying_key().to_bytes())
	}

	/// `ω` over a group of publications of piece `piece` in `ctx` (SPEC derivation 11).
	pub fn sign_publications(
		&self,
		ctx: &Context,
		piece: u16,
		digests: &[PublicationDigest],
	) -> PublicationSignature {
		let message = kdf::publication_message(ctx, piece, digests);
		PublicationSignature(SigningKey::from_bytes(self.expose_secret()).sign(&message).to_bytes())
	}
}

impl DevicePieceKey {
	/// `K || N = Expand(M_k, "keyshards/v2/shard-key" || u32be(e), 44)`.
	pub(crate) fn shard_key_nonce(&self, epoch: u32) -> Zeroizing<[u8; 44]> {
		let mut out = Zeroizing::new([0u8; 44]);
		Expander::new(self.expose_secret())
			.expand(&[label::SHARD_KEY, &epoch.to_be_bytes()], &mut out[..]);
		out
	}
}

impl GeneratorKey {
	/// `x_k = wide(Expand(Q_k, "keyshards/v2/piece" || u32be(e), 64))`; refuses `x_k = 0`.
	pub(crate) fn piece_scalar(&self, epoch: u32) -> Result<Zeroizing<Scalar>, Error> {
		let mut wide = Zeroizing::new([0u8; 64]);
		Expander::new(self.expose_secret())
			.expand(&[label::PIECE, &epoch.to_be_bytes()], &mut wide[..]);
		let scalar = Zeroizing::new(Scalar::from_bytes_mod_order_wide(&wide));
		if *scalar == Scalar::ZERO {
			return Err(Error::ZeroPieceScalar);
		}
		Ok(scalar)
	}

	/// `Z_k = Expand(Q_k, "keyshards/v2/pop-nonce" || u32be(e), 32)`.
	pub(crate) fn pop_nonce_prefix(&self, epoch: u32) -> Zeroizing<[u8; 32]> {
		let mut out = Zeroizing::new([0u8; 32]);
		Expander::new(self.expose_secret())
			.expand(&[label::POP_NONCE, &epoch.to_be_bytes()], &mut out[..]);
		out
	}
}

/// `x·B` as an Ed25519 public key (one base-point multiplication and one compression).
pub(crate) fn verifying_key_of(scalar: &Scalar) -> VerifyingKey {
	VerifyingKey::from(EdwardsPoint::mul_base(scalar))
}

/// RFC 8032 signing with a given secret scalar and nonce prefix (SPEC's proofs of possession):
/// `verifying_key` must be [`verifying_key_of`] the same scalar (signing under a mismatched
/// public key leaks the scalar), which is why this is crate-private.
pub(crate) fn sign_with_scalar(
	scalar: &Scalar,
	verifying_key: &VerifyingKey,
	nonce_prefix: &[u8; 32],
	message: &[u8],
) -> [u8; 64] {
	let expanded = ExpandedSecretKey { scalar: *scalar, hash_prefix: *nonce_prefix };
	ed25519_dalek::hazmat::raw_sign::<Sha512>(&expanded, message, verifying_key).to_bytes()
}

/// A device epoch's one-time key: the summed scalar `x`, its public key `P = x·B` and the device
/// epoch it belongs to. Obtained only by [`super::reconstruct`], which checks `P` against the
/// chain's.
pub struct OneTimeKey {
	at: DeviceEpoch,
	public_key: PublicKey,
	verifying_key: VerifyingKey,
	// Boxed so that moving the key moves a pointer; zeroized on drop (scalar and prefix).
	expanded: Box<ExpandedSecretKey>,
}

impl OneTimeKey {
	/// Builds the key from `x` and `verifying_key` = [`verifying_key_of`] `x`; `Z` = the first
	/// 32 bytes of `SHA512("keyshards/v2/sign-nonce" || enc(x))`.
	pub(crate) fn from_scalar(
		at: DeviceEpoch,
		scalar: &Scalar,
		verifying_key: VerifyingKey,
	) -> Self {
		let mut digest = Sha512::new();
		digest.update(label::SIGN_NONCE);
		digest.update(scalar.as_bytes());
		let mut wide = Zeroizing::new([0u8; 64]);
		wide.copy_from_slice(&digest.finalize());
		let mut expanded = Box::new(ExpandedSecretKey { scalar: *scalar, hash_prefix: [0; 32] });
		expanded.hash_prefix.copy_from_slice(&wide[..32]);
		Self { at, public_key: PublicKey(verifying_key.to_bytes()), verifying_key, expanded }
	}

	/// The device epoch the key belongs to.
	pub fn device_epoch(&self) -> &DeviceEpoch {
		&self.at
	}

	/// `pt(x·B)`, the key's public half.
	pub fn public_key(&self) -> PublicKey {
		self.public_key
	}

	/// `enc(x)`.
	pub fn expose_secret(&self) -> &[u8; 32] {
		self.expanded.scalar.as_bytes()
	}

	/// `Z`, the signing nonce prefix.
	pub fn expose_nonce_prefix(&self) -> &[u8; 32] {
		&self.expanded.hash_prefix
	}

	/// Signs payload `Y` (SPEC "Signing with the one-time key").
	pub fn sign(&self, payload: &[u8]) -> Result<Signature, Error> {
		self.sign_hash(&crate::payload_hash(payload))
	}

	/// Signs a payload given by its hash `H(Y)`. The signature is verified under `pt(x·B)`
	/// before it is returned: a fault during deterministic signing would leak `x`.
	pub fn sign_hash(&self, payload_hash: &PayloadHash) -> Result<Signature, Error> {
		let message = self.at.signed_message(payload_hash);
		let signature = ed25519_dalek::hazmat::raw_sign::<Sha512>(
			&self.expanded,
			&message,
			&self.verifying_key,
		);
		self.verifying_key
			.verify_strict(&message, &signature)
			.map_err(|_| Error::SignatureFault)?;
		Ok(Signature(signature.to_bytes()))
	}
}

impl fmt::Debug for OneTimeKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("OneTimeKey")
			.field("at", &self.at)
			.field("public_key", &self.public_key)
			.field("secret", &"[REDACTED]")
			.finish()
	}
}
