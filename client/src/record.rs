//! The signature record `sign` writes and `verify` checks: JSON, all public data.

use crate::{ClientError, FleetId};
use keyshards_primitives::{DeviceId, Epoch, PayloadHash, PublicKey, Signature};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a device signed, with what, for whom to check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRecord {
	/// The fleet.
	pub fleet: FleetId,
	/// The device id (UTF-8 if it is, else `0x`-hex).
	pub device: String,
	/// The device's registration `g` the key belongs to.
	pub registration: u32,
	/// The epoch of the one-time key.
	pub epoch: Epoch,
	/// The key's public half, hex.
	pub public_key: String,
	/// `H(X)` of the payload, hex.
	pub payload_hash: String,
	/// The Ed25519 signature over SPEC v2's signed message, hex.
	pub signature: String,
}

/// A device id as text (its one text form, `keyshards_primitives::DeviceId`'s `Display`).
pub fn device_text(device: &DeviceId) -> String {
	device.to_string()
}

/// A device id from text (see [`device_text`]).
pub fn parse_device(text: &str) -> Result<DeviceId, ClientError> {
	text.parse().map_err(|e| ClientError::Invalid(format!("device id `{text}`: {e}")))
}

/// `N` bytes from hex text (`0x` optional), or an error naming `what`.
pub(crate) fn hex_array<const N: usize>(what: &str, text: &str) -> Result<[u8; N], ClientError> {
	let mut out = [0u8; N];
	hex::decode_to_slice(text.trim_start_matches("0x"), &mut out)
		.map_err(|_| ClientError::Invalid(format!("{what}: expected {N} bytes in hex")))?;
	Ok(out)
}

impl SignatureRecord {
	/// The record of `signature` by `device`'s key of `epoch` over a payload hashing to `hash`.
	pub fn new(
		fleet: FleetId,
		device: &DeviceId,
		registration: u32,
		epoch: Epoch,
		public_key: &PublicKey,
		payload_hash: &PayloadHash,
		signature: &Signature,
	) -> Self {
		Self {
			fleet,
			device: device_text(device),
			registration,
			epoch,
			public_key: public_key.to_string(),
			payload_hash: payload_hash.to_string(),
			signature: signature.to_string(),
		}
	}

	/// The record's fields as protocol types.
	pub fn parts(&self) -> Result<(DeviceId, PublicKey, PayloadHash, Signature), ClientError> {
		Ok((
			parse_device(&self.device)?,
			PublicKey(hex_array("public_key", &self.public_key)?),
			PayloadHash(hex_array("payload_hash", &self.payload_hash)?),
			Signature(hex_array("signature", &self.signature)?),
		))
	}

	/// Reads a record file.
	pub fn load(path: &Path) -> Result<Self, ClientError> {
		let fail =
			|reason: String| ClientError::LocalFile { path: path.display().to_string(), reason };
		let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
		let record: Self = serde_json::from_str(&text)
			.map_err(|e| fail(format!("not a signature record: {e}")))?;
		record.parts().map_err(|e| fail(e.to_string()))?;
		Ok(record)
	}

	/// Writes the record as pretty JSON.
	pub fn save(&self, path: &Path) -> Result<(), ClientError> {
		let text = serde_json::to_string_pretty(self).expect("a record serialises");
		std::fs::write(path, text + "\n").map_err(|e| ClientError::LocalFile {
			path: path.display().to_string(),
			reason: e.to_string(),
		})
	}
}
