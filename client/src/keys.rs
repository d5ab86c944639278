//! Provisioning without a station that holds roots (SPEC v2 "Provisioning"): each holder
//! exports the device piece keys `M_k` of the pieces it holds for a list of devices
//! ([`HolderExport`], written by [`export_piece_keys`]); a device's key file ([`DeviceKeys`]:
//! `M_0 .. M_{p-1}` with the chain, fleet, device and registration they belong to) is assembled
//! from `t` holders' exports ([`assemble`]).
//!
//! The limit SPEC states: whoever assembles or sees a device's `M_0 .. M_{p-1}` can derive that
//! device's keys for the whole registration, so the assembling station is a trust point (as the
//! factory is in version 1) and must not be run by a holder.
//!
//! Both files are JSON, written once (never overwritten) with mode 600 and read only if no one
//! but their owner may access them. Keys are held in zeroizing types; errors never quote them.

use crate::{record::device_text, ClientError, FleetId};
use keyshards_primitives::{
	v2::{Context, DevicePieceKey, PieceIndex, PieceRoot, PublicationKey, Registration, Threshold},
	DeviceId,
};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, io::Write, path::Path};
use zeroize::Zeroizing;

/// Format version of both files.
const VERSION: u32 = 2;

fn local(path: &Path, reason: impl ToString) -> ClientError {
	ClientError::LocalFile { path: path.display().to_string(), reason: reason.to_string() }
}

/// Reads a secret JSON file that only its owner may access.
fn read_private(path: &Path) -> Result<Zeroizing<String>, ClientError> {
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode =
			std::fs::metadata(path).map_err(|e| local(path, e))?.permissions().mode() & 0o777;
		if mode & 0o077 != 0 {
			return Err(local(
				path,
				format!("group or others may access it (mode {mode:03o}); run `chmod 600` on it"),
			));
		}
	}
	std::fs::read_to_string(path).map(Zeroizing::new).map_err(|e| local(path, e))
}

/// Writes a new secret JSON file, mode 600, never overwriting one.
fn write_private(path: &Path, text: &Zeroizing<String>) -> Result<(), ClientError> {
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(path).map_err(|e| match e.kind() {
		std::io::ErrorKind::AlreadyExists => {
			local(path, "already exists; refusing to overwrite it")
		}
		_ => local(path, e),
	})?;
	file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| local(path, e))
}

fn hex32(path: &Path, what: &str, text: &str) -> Result<[u8; 32], ClientError> {
	let mut out = [0u8; 32];
	hex::decode_to_slice(text.trim_start_matches("0x"), &mut out)
		.map_err(|_| local(path, format!("{what}: expected 32 bytes in hex")))?;
	Ok(out)
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceKeysFile {
	version: u32,
	genesis: String,
	fleet: FleetId,
	device: String,
	registration: Registration,
	piece_keys: Vec<String>,
}

/// A device's key file: `M_0 .. M_{p-1}` for one registration of one device of one fleet of
/// one chain.
pub struct DeviceKeys {
	/// The chain's genesis hash (the first half of `ctx`).
	pub genesis: [u8; 32],
	/// The fleet.
	pub fleet: FleetId,
	/// The device.
	pub device: DeviceId,
	/// The registration `g` the keys belong to.
	pub registration: Registration,
	keys: Vec<DevicePieceKey>,
}

impl std::fmt::Debug for DeviceKeys {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("DeviceKeys")
			.field("genesis", &format!("0x{}", hex::encode(self.genesis)))
			.field("fleet", &self.fleet)
			.field("device", &self.device)
			.field("registration", &self.registration)
			.field("piece_keys", &format!("[REDACTED; {}]", self.keys.len()))
			.finish()
	}
}

impl DeviceKeys {
	/// The device piece keys in piece order.
	pub fn piece_keys(&self) -> &[DevicePieceKey] {
		&self.keys
	}

	/// `ctx` of the keys' chain and fleet.
	pub fn context(&self) -> Context {
		Context::new(&self.genesis, self.fleet)
	}

	/// Reads a device key file (mode 600).
	pub fn load(path: &Path) -> Result<Self, ClientError> {
		let text = read_private(path)?;
		let file: DeviceKeysFile = serde_json::from_str(&text)
			.map_err(|_| local(path, "not a keyshard-device key file (JSON, version 2)"))?;
		if file.version != VERSION {
			return Err(local(
				path,
				format!("key file version {}, expected {VERSION}", file.version),
			));
		}
		if file.piece_keys.is_empty() {
			return Err(local(path, "no piece keys"));
		}
		let device = crate::parse_device(&file.device).map_err(|e| local(path, e))?;
		let keys = file
			.piece_keys
			.iter()
			.enumerate()
			.map(|(k, key)| {
				let bytes = Zeroizing::new(hex32(path, &format!("piece key {k}"), key)?);
				Ok(DevicePieceKey::from_slice(&bytes[..]).expect("32 bytes"))
			})
			.collect::<Result<_, ClientError>>()?;
		Ok(Self {
			genesis: hex32(path, "genesis", &file.genesis)?,
			fleet: file.fleet,
			device,
			registration: file.registration,
			keys,
		})
	}

	/// Writes a new device key file (mode 600; never overwrites).
	pub fn save(&self, path: &Path) -> Result<(), ClientError> {
		let file = DeviceKeysFile {
			version: VERSION,
			genesis: format!("0x{}", hex::encode(self.genesis)),
			fleet: self.fleet,
			device: device_text(&self.device),
			registration: self.registration,
			piece_keys: self.keys.iter().map(|k| hex::encode(k.expose_secret())).collect(),
		};
		let text = Zeroizing::new(serde_json::to_string_pretty(&file).expect("serialises") + "\n");
		// The serde value held copies of the keys as strings; they go with `file`.
		let DeviceKeysFile { mut piece_keys, .. } = file;
		piece_keys.iter_mut().for_each(zeroize::Zeroize::zeroize);
		write_private(path, &text)
	}
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
	version: u32,
	genesis: String,
	fleet: FleetId,
	holders: u8,
	threshold: u8,
	pieces: Vec<ExportPiece>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportPiece {
	piece: PieceIndex,
	publication_key: String,
	devices: Vec<ExportDevice>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportDevice {
	device: String,
	registration: Registration,
	key: String,
}

/// What a holder exports: for each piece root it holds, the device piece keys of a list of
/// devices, with the chain, fleet, threshold and the piece's publication key they belong to.
pub struct HolderExport(ExportFile);

impl Drop for HolderExport {
	fn drop(&mut self) {
		for piece in &mut self.0.pieces {
			for device in &mut piece.devices {
				zeroize::Zeroize::zeroize(&mut device.key);
			}
		}
	}
}

/// What a holder needs to export: the fleet as the chain records it.
pub struct FleetFacts {
	/// The chain's genesis hash.
	pub genesis: [u8; 32],
	/// The fleet id.
	pub fleet: FleetId,
	/// `t`-of-`m`.
	pub threshold: Threshold,
	/// `W_0 .. W_{p-1}` as recorded.
	pub publication_keys: Vec<PublicationKey>,
}

/// Holder side: the device piece keys of `devices` (with their current registrations) for each
/// of `roots`, after checking that every root derives the fleet's recorded `W_k` (a root that
/// does not is refused: it is not this fleet's root for that piece).
pub fn export_piece_keys(
	facts: &FleetFacts,
	roots: &[(PieceIndex, PieceRoot)],
	devices: &[(DeviceId, Registration)],
) -> Result<HolderExport, ClientError> {
	let ctx = Context::new(&facts.genesis, facts.fleet);
	let mut pieces = Vec::new();
	for (k, root) in roots {
		let recorded = facts.publication_keys.get(*k as usize).ok_or_else(|| {
			ClientError::Invalid(format!(
				"piece {k}: the fleet has {} pieces",
				facts.publication_keys.len()
			))
		})?;
		if root.publication_key() != *recorded {
			return Err(ClientError::Invalid(format!(
				"piece {k}: the root does not derive the fleet's publication key W_{k} ({recorded}): \
				 it is not fleet {}'s root for piece {k}; nothing was exported",
				facts.fleet
			)));
		}
		let devices = devices
			.iter()
			.map(|(device, registration)| ExportDevice {
				device: device_text(device),
				registration: *registration,
				key: hex::encode(
					root.device_piece_key(&ctx.who(*k, device, *registration)).expose_secret(),
				),
			})
			.collect();
		pieces.push(ExportPiece { piece: *k, publication_key: recorded.to_string(), devices });
	}
	Ok(HolderExport(ExportFile {
		version: VERSION,
		genesis: format!("0x{}", hex::encode(facts.genesis)),
		fleet: facts.fleet,
		holders: facts.threshold.holders(),
		threshold: facts.threshold.threshold(),
		pieces,
	}))
}

impl HolderExport {
	/// Writes the export (mode 600; never overwrites).
	pub fn save(&self, path: &Path) -> Result<(), ClientError> {
		let text =
			Zeroizing::new(serde_json::to_string_pretty(&self.0).expect("serialises") + "\n");
		write_private(path, &text)
	}

	/// Reads an export (mode 600).
	pub fn load(path: &Path) -> Result<Self, ClientError> {
		let text = read_private(path)?;
		let file: ExportFile = serde_json::from_str(&text)
			.map_err(|_| local(path, "not a holder export (JSON, version 2)"))?;
		if file.version != VERSION {
			return Err(local(
				path,
				format!("export version {}, expected {VERSION}", file.version),
			));
		}
		Ok(Self(file))
	}

	/// The pieces it covers.
	pub fn pieces(&self) -> Vec<PieceIndex> {
		self.0.pieces.iter().map(|p| p.piece).collect()
	}
}

/// Station side: assembles `device`'s key file from holders' `exports` (any `t` holders cover
/// every piece). Fails, naming what is wrong, if the exports belong to different chains, fleets
/// or fleet shapes, if they give the device different registrations or different keys for one
/// piece, if the device's registration is not `registration` (when given), or if a piece is
/// missing.
pub fn assemble(
	exports: &[(String, HolderExport)],
	device: &DeviceId,
	registration: Option<Registration>,
) -> Result<DeviceKeys, ClientError> {
	let (first_name, first) =
		exports.first().ok_or_else(|| ClientError::Invalid("no holder export given".into()))?;
	let first = &first.0;
	let threshold = Threshold::new(first.holders, first.threshold)
		.map_err(|e| ClientError::Invalid(format!("export {first_name}: {e}")))?;
	let p = threshold.piece_count();
	let name = device_text(device);
	let mut keys: BTreeMap<PieceIndex, (Zeroizing<[u8; 32]>, String)> = BTreeMap::new();
	let mut found_registration: Option<(Registration, String)> = None;
	for (export_name, export) in exports {
		let export = &export.0;
		if (export.genesis.as_str(), export.fleet) != (first.genesis.as_str(), first.fleet) {
			return Err(ClientError::Invalid(format!(
				"export {export_name} is for fleet {} of chain {}, export {first_name} for fleet \
				 {} of chain {}: exports of one fleet of one chain only",
				export.fleet, export.genesis, first.fleet, first.genesis
			)));
		}
		if (export.holders, export.threshold) != (first.holders, first.threshold) {
			return Err(ClientError::Invalid(format!(
				"export {export_name} says the fleet is {}-of-{}, export {first_name} {}-of-{}",
				export.threshold, export.holders, first.threshold, first.holders
			)));
		}
		for piece in &export.pieces {
			if piece.piece >= p {
				return Err(ClientError::Invalid(format!(
					"export {export_name}: piece {} of a fleet of {p} pieces",
					piece.piece
				)));
			}
			let Some(entry) = piece.devices.iter().find(|d| d.device == name) else { continue };
			match &found_registration {
				Some((g, from)) if *g != entry.registration => {
					return Err(ClientError::Invalid(format!(
						"device {name}: export {export_name} is for registration {}, export \
						 {from} for registration {g}",
						entry.registration
					)))
				}
				Some(_) => {}
				None => found_registration = Some((entry.registration, export_name.clone())),
			}
			let key = Zeroizing::new(hex32(
				Path::new(export_name),
				&format!("piece {} key", piece.piece),
				&entry.key,
			)?);
			match keys.get(&piece.piece) {
				Some((present, from)) if **present != *key => {
					return Err(ClientError::Invalid(format!(
						"device {name}: exports {from} and {export_name} give different keys for \
						 piece {}: a holder of the piece is faulty or an export is not this \
						 fleet's",
						piece.piece
					)))
				}
				Some(_) => {}
				None => {
					keys.insert(piece.piece, (key, export_name.clone()));
				}
			}
		}
	}
	let (found, _) = found_registration
		.ok_or_else(|| ClientError::Invalid(format!("no export has device {name}")))?;
	if let Some(expected) = registration.filter(|expected| *expected != found) {
		return Err(ClientError::Invalid(format!(
			"device {name}: the exports are for registration {found}, not {expected} (the \
			 device was re-registered: export its keys again)"
		)));
	}
	let missing: Vec<PieceIndex> = (0..p).filter(|k| !keys.contains_key(k)).collect();
	if !missing.is_empty() {
		return Err(ClientError::Invalid(format!(
			"device {name}: no export has pieces {missing:?} of {p}; exports from {} holders \
			 that together hold every piece are needed",
			first.threshold
		)));
	}
	let mut genesis = [0u8; 32];
	hex::decode_to_slice(first.genesis.trim_start_matches("0x"), &mut genesis)
		.map_err(|_| ClientError::Invalid(format!("export {first_name}: malformed genesis")))?;
	Ok(DeviceKeys {
		genesis,
		fleet: first.fleet,
		device: device.clone(),
		registration: found,
		keys: keys
			.into_values()
			.map(|(key, _)| DevicePieceKey::from_slice(&key[..]).expect("32 bytes"))
			.collect(),
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn facts() -> (FleetFacts, Vec<PieceRoot>) {
		let roots: Vec<PieceRoot> =
			(0..3u8).map(|k| PieceRoot::from_slice(&[k + 1; 32]).unwrap()).collect();
		let facts = FleetFacts {
			genesis: [7; 32],
			fleet: 4,
			threshold: Threshold::new(3, 2).unwrap(),
			publication_keys: roots.iter().map(|r| r.publication_key()).collect(),
		};
		(facts, roots)
	}

	fn holder_export(j: u8, g: Registration) -> HolderExport {
		let (facts, roots) = facts();
		let held: Vec<(PieceIndex, PieceRoot)> = facts
			.threshold
			.pieces_of(j)
			.into_iter()
			.map(|k| (k, PieceRoot::from_slice(roots[k as usize].expose_secret()).unwrap()))
			.collect();
		let devices = [(DeviceId::new(b"d1").unwrap(), g), (DeviceId::new(b"d2").unwrap(), g)];
		export_piece_keys(&facts, &held, &devices).unwrap()
	}

	#[test]
	fn any_two_holders_exports_assemble_the_device_keys() {
		let (facts, roots) = facts();
		let device = DeviceId::new(b"d1").unwrap();
		for (a, b) in [(0, 1), (0, 2), (1, 2)] {
			let exports = vec![
				("a".to_string(), holder_export(a, 1)),
				("b".to_string(), holder_export(b, 1)),
			];
			let keys = assemble(&exports, &device, Some(1)).unwrap();
			assert_eq!(keys.piece_keys().len(), 3);
			let ctx = Context::new(&facts.genesis, facts.fleet);
			for (k, key) in (0u16..).zip(keys.piece_keys()) {
				let expected = roots[k as usize].device_piece_key(&ctx.who(k, &device, 1));
				assert_eq!(key.expose_secret(), expected.expose_secret());
			}
		}
	}

	#[test]
	fn assembly_fails_clearly() {
		let device = DeviceId::new(b"d1").unwrap();
		// One holder misses a piece (its own subset).
		let one = vec![("only".to_string(), holder_export(0, 1))];
		let error = assemble(&one, &device, None).unwrap_err().to_string();
		assert!(error.contains("no export has pieces [0]"), "{error}");
		// Another registration.
		let error = assemble(&one, &device, Some(2)).unwrap_err().to_string();
		assert!(error.contains("registration 1, not 2"), "{error}");
		let mixed =
			vec![("a".to_string(), holder_export(0, 1)), ("b".to_string(), holder_export(1, 2))];
		let error = assemble(&mixed, &device, None).unwrap_err().to_string();
		assert!(error.contains("registration"), "{error}");
		// Another fleet or chain.
		let mut other = holder_export(1, 1);
		other.0.fleet = 5;
		let error =
			assemble(&[("a".into(), holder_export(0, 1)), ("b".into(), other)], &device, None)
				.unwrap_err()
				.to_string();
		assert!(error.contains("one fleet of one chain"), "{error}");
		let mut other = holder_export(1, 1);
		other.0.genesis = format!("0x{}", hex::encode([8u8; 32]));
		assert!(assemble(&[("a".into(), holder_export(0, 1)), ("b".into(), other)], &device, None)
			.is_err());
		// A key that differs from another export's for the same piece.
		let mut bad = holder_export(1, 1);
		// Piece 2 is in both exports (holders 0 and 1 hold it).
		bad.0.pieces[1].devices[0].key = hex::encode([9u8; 32]);
		let error =
			assemble(&[("a".into(), holder_export(0, 1)), ("b".into(), bad)], &device, None)
				.unwrap_err()
				.to_string();
		assert!(error.contains("different keys for piece"), "{error}");
		assert!(!error.contains(&hex::encode([9u8; 32])), "never quotes a key");
		// A root that is not the fleet's.
		let (facts, _) = facts();
		let wrong = [(0, PieceRoot::from_slice(&[9; 32]).unwrap())];
		let error = export_piece_keys(&facts, &wrong, &[(device, 0)]).err().unwrap().to_string();
		assert!(error.contains("does not derive the fleet's publication key W_0"), "{error}");
	}

	#[test]
	fn files_are_private_and_never_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("h0.json");
		holder_export(0, 0).save(&path).unwrap();
		assert!(holder_export(0, 0).save(&path).is_err());
		let loaded = HolderExport::load(&path).unwrap();
		assert_eq!(loaded.pieces(), vec![1, 2]);
		let exports = vec![("h0".to_string(), loaded), ("h1".to_string(), holder_export(1, 0))];
		let keys = assemble(&exports, &DeviceId::new(b"d2").unwrap(), None).unwrap();
		let key_path = dir.path().join("d2.keys.json");
		keys.save(&key_path).unwrap();
		let back = DeviceKeys::load(&key_path).unwrap();
		assert_eq!(back.piece_keys().len(), 3);
		assert_eq!(back.registration, 0);
		let printed = format!("{back:?}");
		assert!(printed.contains("REDACTED"));
		for key in back.piece_keys() {
			assert!(!printed.contains(&hex::encode(key.expose_secret())));
		}
		use std::os::unix::fs::PermissionsExt;
		std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
		assert!(DeviceKeys::load(&key_path).unwrap_err().to_string().contains("chmod 600"));
	}
}
