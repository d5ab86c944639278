//! The device's small state file: the highest epoch it has accepted, so that an endpoint can
//! never make it go back to an older key (rollback).

use crate::{ClientError, FleetId};
use keyshards_primitives::Epoch;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
	fleet: FleetId,
	device: String,
	highest_epoch: Epoch,
}

/// The state file of one device.
#[derive(Debug)]
pub struct StateFile {
	path: PathBuf,
	fleet: FleetId,
	device: String,
	highest: Option<Epoch>,
}

impl StateFile {
	/// Opens the state file at `path` for `device` of `fleet`; a missing file is a device that
	/// has accepted nothing yet. A file of another device or fleet is refused.
	pub fn open(path: &Path, fleet: FleetId, device: &str) -> Result<Self, ClientError> {
		let fail =
			|reason: String| ClientError::LocalFile { path: path.display().to_string(), reason };
		let highest = match std::fs::read_to_string(path) {
			Ok(text) => {
				let content: Content = serde_json::from_str(&text)
					.map_err(|e| fail(format!("not a keyshard-device state file: {e}")))?;
				if content.fleet != fleet || content.device != device {
					return Err(fail(format!(
						"state of device {} in fleet {}, not of device {device} in fleet {fleet}",
						content.device, content.fleet
					)));
				}
				Some(content.highest_epoch)
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
			Err(e) => return Err(fail(e.to_string())),
		};
		Ok(Self { path: path.into(), fleet, device: device.into(), highest })
	}

	/// The highest epoch accepted so far.
	pub fn highest(&self) -> Option<Epoch> {
		self.highest
	}

	/// Records that `epoch` was accepted (if it is the highest yet), replacing the file
	/// atomically.
	pub fn accept(&mut self, epoch: Epoch) -> Result<(), ClientError> {
		if self.highest.is_some_and(|highest| highest >= epoch) {
			return Ok(());
		}
		let content =
			Content { fleet: self.fleet, device: self.device.clone(), highest_epoch: epoch };
		let fail = |e: std::io::Error| ClientError::LocalFile {
			path: self.path.display().to_string(),
			reason: e.to_string(),
		};
		let tmp = self.path.with_extension("tmp");
		std::fs::write(&tmp, serde_json::to_string(&content).expect("serialises") + "\n")
			.and_then(|()| std::fs::rename(&tmp, &self.path))
			.map_err(fail)?;
		self.highest = Some(epoch);
		Ok(())
	}
}
