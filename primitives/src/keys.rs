//! Secret keys: the fleet root, a device master key and a reconstructed one-time key.
//!
//! Each is held in a [`SecretBox`] (heap, zeroized on drop), has no SCALE encoding, no `Clone`,
//! and a `Debug` that prints `[REDACTED]`; none implements `Display`. The bytes are reachable only
//! through an explicit `expose_secret`.

use alloc::boxed::Box;
use core::fmt;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};

use crate::{
	kdf::{self, Expander},
	types::{DeviceId, Epoch, PayloadHash, PublicKey, Signature},
	Error,
};

fn secret_from_slice(bytes: &[u8]) -> Result<SecretBox<[u8; 32]>, Error> {
	if bytes.len() != 32 {
		return Err(Error::InvalidKeyLength { len: bytes.len() });
	}
	Ok(SecretBox::init_with_mut(|secret: &mut [u8; 32]| secret.copy_from_slice(bytes)))
}

/// A fleet root key `R`: 32 bytes held only by the fleet's KSG nodes.
pub struct FleetRootKey(SecretBox<[u8; 32]>);

impl FleetRootKey {
	/// Copies a 32-byte key; the caller should zeroize its own copy.
	pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
		secret_from_slice(bytes).map(Self)
	}

	/// The key's bytes.
	pub fn expose_secret(&self) -> &[u8; 32] {
		self.0.expose_secret()
	}

	/// `M = Expand(R, "keyshards/v1/device-master" || lp(D), 32)`: the master key provisioned
	/// into device `D`.
	pub fn device_master_key(&self, device: &DeviceId) -> DeviceMasterKey {
		let mut master = SecretBox::new(Box::new([0u8; 32]));
		Expander::new(self.expose_secret()).device_master(device, master.expose_secret_mut());
		DeviceMasterKey(master)
	}
}

impl fmt::Debug for FleetRootKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("FleetRootKey([REDACTED])")
	}
}

/// A device master key `M`: provisioned into one device; derives all its epochs' keys.
pub struct DeviceMasterKey(SecretBox<[u8; 32]>);

impl DeviceMasterKey {
	/// Copies a 32-byte key; the caller should zeroize its own copy.
	pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
		secret_from_slice(bytes).map(Self)
	}

	/// The key's bytes.
	pub fn expose_secret(&self) -> &[u8; 32] {
		self.0.expose_secret()
	}

	pub(crate) fn expander(&self) -> Expander {
		Expander::new(self.expose_secret())
	}
}

impl fmt::Debug for DeviceMasterKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("DeviceMasterKey([REDACTED])")
	}
}

/// A device epoch's one-time Ed25519 key, with the device and epoch it belongs to.
///
/// Obtained only by [`crate::reconstruct`] (device side) or [`crate::generate`] (KSG side), so
/// its public key always matches the secret.
pub struct OneTimeKey {
	device: DeviceId,
	epoch: Epoch,
	public_key: PublicKey,
	// Boxed so that moving the key moves a pointer, not the secret; zeroized on drop.
	signing_key: Box<SigningKey>,
}

impl OneTimeKey {
	/// Builds the key from the stream `S` (the Ed25519 secret seed).
	pub(crate) fn from_stream(device: DeviceId, epoch: Epoch, stream: &[u8; 32]) -> Self {
		let signing_key = Box::new(SigningKey::from_bytes(stream));
		let public_key = PublicKey(signing_key.verifying_key().to_bytes());
		Self { device, epoch, public_key, signing_key }
	}

	/// The device the key belongs to.
	pub fn device(&self) -> &DeviceId {
		&self.device
	}

	/// The epoch the key belongs to.
	pub fn epoch(&self) -> Epoch {
		self.epoch
	}

	/// `P`, the key's public half.
	pub fn public_key(&self) -> PublicKey {
		self.public_key
	}

	/// The Ed25519 secret seed `S`.
	pub fn expose_secret(&self) -> &[u8; 32] {
		self.signing_key.as_bytes()
	}

	/// Signs payload `X`: Ed25519 over `"keyshards/v1/sign" || lp(D) || u32be(e) || H(X)`.
	pub fn sign(&self, payload: &[u8]) -> Signature {
		self.sign_hash(&kdf::payload_hash(payload))
	}

	/// Signs a payload given by its hash `H(X)`.
	pub fn sign_hash(&self, payload_hash: &PayloadHash) -> Signature {
		let message = kdf::signed_message(&self.device, self.epoch, payload_hash);
		Signature(self.signing_key.sign(&message).to_bytes())
	}
}

impl fmt::Debug for OneTimeKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("OneTimeKey")
			.field("device", &self.device)
			.field("epoch", &self.epoch)
			.field("public_key", &self.public_key)
			.field("secret", &"[REDACTED]")
			.finish()
	}
}

/// Checks a one-time-key signature over payload hash `H(X)` for device `D`, epoch `e` and
/// public key `P` (strict RFC 8032 verification: no malleable or small-order forms).
pub fn verify(
	public_key: &PublicKey,
	device: &DeviceId,
	epoch: Epoch,
	payload_hash: &PayloadHash,
	signature: &Signature,
) -> Result<(), Error> {
	let key =
		VerifyingKey::from_bytes(public_key.as_bytes()).map_err(|_| Error::InvalidPublicKey)?;
	let message = kdf::signed_message(device, epoch, payload_hash);
	key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature.0))
		.map_err(|_| Error::BadSignature)
}
