//! The device's small state file: the highest epoch it has accepted (so that an endpoint can
//! never make it go back to an older key) and the one payload it signed with that epoch's key
//! (so that it never signs a second one). Bound to one device of one fleet of one chain.
//!
//! Written crash-safely: a new file with a random name created exclusively (`O_EXCL`) in the
//! same directory, written and fsynced, renamed over the old one, and the directory fsynced. A
//! crash leaves the old state or the new one, never a torn file.

use crate::{ClientError, FleetId};
use keyshards_primitives::{Epoch, PayloadHash};
use serde::{Deserialize, Serialize};
use std::{
	io::Write,
	path::{Path, PathBuf},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
	genesis: String,
	fleet: FleetId,
	device: String,
	highest_epoch: Epoch,
	/// The epoch whose key signed, and the payload hash it signed.
	signed: Option<(Epoch, String)>,
}

/// The state file of one device.
#[derive(Debug)]
pub struct StateFile {
	path: PathBuf,
	genesis: String,
	fleet: FleetId,
	device: String,
	highest: Option<Epoch>,
	signed: Option<(Epoch, String)>,
}

impl StateFile {
	/// Opens the state file at `path` for `device` of `fleet` on chain `genesis`; a missing file
	/// is a device that has accepted nothing yet. A file of another chain, fleet or device is
	/// refused.
	pub fn open(
		path: &Path,
		genesis: [u8; 32],
		fleet: FleetId,
		device: &str,
	) -> Result<Self, ClientError> {
		let fail =
			|reason: String| ClientError::LocalFile { path: path.display().to_string(), reason };
		let genesis = format!("0x{}", hex::encode(genesis));
		let (highest, signed) = match std::fs::read_to_string(path) {
			Ok(text) => {
				let content: Content = serde_json::from_str(&text)
					.map_err(|e| fail(format!("not a keyshard-device state file: {e}")))?;
				if (content.genesis.as_str(), content.fleet, content.device.as_str())
					!= (genesis.as_str(), fleet, device)
				{
					return Err(fail(format!(
						"state of device {} in fleet {} of chain {}, not of device {device} in \
						 fleet {fleet} of chain {genesis}",
						content.device, content.fleet, content.genesis
					)));
				}
				(Some(content.highest_epoch), content.signed)
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
			Err(e) => return Err(fail(e.to_string())),
		};
		Ok(Self { path: path.into(), genesis, fleet, device: device.into(), highest, signed })
	}

	/// The highest epoch accepted so far.
	pub fn highest(&self) -> Option<Epoch> {
		self.highest
	}

	/// Records that `epoch` was accepted (if it is the highest yet).
	pub fn accept(&mut self, epoch: Epoch) -> Result<(), ClientError> {
		if self.highest.is_some_and(|highest| highest >= epoch) {
			return Ok(());
		}
		self.write(epoch, self.signed.clone())?;
		self.highest = Some(epoch);
		Ok(())
	}

	/// Whether this device signed the payload hashing to `hash` with the key of `epoch`.
	pub fn signed(&self, epoch: Epoch, hash: &PayloadHash) -> bool {
		self.signed.as_ref().is_some_and(|(e, h)| *e == epoch && *h == hash.to_string())
	}

	/// Whether the key of `epoch` may sign the payload hashing to `hash`: not if this device
	/// signed another payload with it ([`ClientError::AlreadySigned`]), nor with a key older
	/// than one that signed ([`ClientError::Rollback`]).
	pub fn check_signing(&self, epoch: Epoch, hash: &PayloadHash) -> Result<(), ClientError> {
		match &self.signed {
			Some((signed, signed_hash)) if *signed == epoch && *signed_hash != hash.to_string() => {
				Err(ClientError::AlreadySigned { epoch, signed: signed_hash.clone() })
			}
			Some((signed, _)) if *signed > epoch => {
				Err(ClientError::Rollback { served: epoch, accepted: *signed })
			}
			_ => Ok(()),
		}
	}

	/// Records, durably, that the key of `epoch` signs the payload hashing to `hash`, before the
	/// signature is released. Signing the same payload again is allowed (the same signature is
	/// released); another payload with a key that signed is refused, as is a key of an epoch
	/// below one that signed.
	pub fn record_signing(&mut self, epoch: Epoch, hash: PayloadHash) -> Result<(), ClientError> {
		if self.signed(epoch, &hash) {
			return Ok(());
		}
		self.check_signing(epoch, &hash)?;
		let hash = hash.to_string();
		let highest = self.highest.map_or(epoch, |highest| highest.max(epoch));
		self.write(highest, Some((epoch, hash.clone())))?;
		self.highest = Some(highest);
		self.signed = Some((epoch, hash));
		Ok(())
	}

	/// Replaces the file crash-safely.
	fn write(&self, highest: Epoch, signed: Option<(Epoch, String)>) -> Result<(), ClientError> {
		let content = Content {
			genesis: self.genesis.clone(),
			fleet: self.fleet,
			device: self.device.clone(),
			highest_epoch: highest,
			signed,
		};
		let fail = |e: std::io::Error| ClientError::LocalFile {
			path: self.path.display().to_string(),
			reason: e.to_string(),
		};
		let dir = match self.path.parent() {
			Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
			_ => PathBuf::from("."),
		};
		// A random name, created exclusively (`O_EXCL`), in the target's directory.
		let mut tmp =
			tempfile::Builder::new().prefix(".keyshard-state-").tempfile_in(&dir).map_err(fail)?;
		tmp.write_all((serde_json::to_string(&content).expect("serialises") + "\n").as_bytes())
			.and_then(|()| tmp.as_file().sync_all())
			.map_err(fail)?;
		tmp.persist(&self.path).map_err(|e| fail(e.error))?;
		std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(fail)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_payload_per_epoch_recorded_before_release_and_bound_to_its_chain() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("state.json");
		let mut state = StateFile::open(&path, [1; 32], 0, "d").unwrap();
		state.accept(3).unwrap();
		state.record_signing(3, PayloadHash([5; 32])).unwrap();
		// Re-opened (as after a crash between signing and submission): the same payload again
		// is fine, another is refused.
		let mut state = StateFile::open(&path, [1; 32], 0, "d").unwrap();
		assert_eq!(state.highest(), Some(3));
		state.record_signing(3, PayloadHash([5; 32])).unwrap();
		let error = state.record_signing(3, PayloadHash([6; 32])).unwrap_err();
		assert!(matches!(error, ClientError::AlreadySigned { epoch: 3, .. }));
		assert!(matches!(
			state.record_signing(2, PayloadHash([6; 32])),
			Err(ClientError::Rollback { served: 2, accepted: 3 })
		));
		state.record_signing(4, PayloadHash([6; 32])).unwrap();
		assert_eq!(state.highest(), Some(4));
		// No temporary file is left behind.
		let names: Vec<_> =
			std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
		assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
		// Another chain's, fleet's or device's state is refused.
		assert!(StateFile::open(&path, [2; 32], 0, "d").is_err());
		assert!(StateFile::open(&path, [1; 32], 1, "d").is_err());
		assert!(StateFile::open(&path, [1; 32], 0, "e").is_err());
	}
}
