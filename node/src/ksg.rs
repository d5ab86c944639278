//! Key material of the node's Key Shard Generator (the off-chain worker of `pallet-key-shards`).
//!
//! Fleet root keys come from files named on the command line (`--ksg-key <fleet>=<file>`) and
//! go into the node's off-chain local storage (`PERSISTENT`), where only the worker reads them:
//! never chain state, an extrinsic, a log line, or an RPC (the node exposes no off-chain
//! storage RPC). At every start the served set is exactly the keys given: root keys of fleets
//! no longer given are erased from the store.
//!
//! On a development chain the node also serves the demo fleet with its publicly known root key,
//! and puts the demo KSG's signing key (the dev seed `//Ferdie`) in its keystore.

use codec::{Decode, Encode};
use keyshards_primitives::dev;
use pallet_key_shards::{
	ksg::{root_key_storage_key, KEY_TYPE, SERVED_FLEETS_KEY},
	FleetId,
};
use sc_client_api::Backend as _;
use sp_core::offchain::{OffchainStorage, STORAGE_PREFIX};
use std::{fmt, path::PathBuf, str::FromStr};
use zeroize::Zeroizing;

/// `--ksg-key <fleet>=<file>`: a fleet id and the file holding its root key.
#[derive(Clone, Debug)]
pub struct KsgKeyArg {
	/// The fleet.
	pub fleet: FleetId,
	/// The key file: 64 hexadecimal digits (an optional `0x` and surrounding white space
	/// allowed), readable by its owner only.
	pub path: PathBuf,
}

impl FromStr for KsgKeyArg {
	type Err = String;

	fn from_str(arg: &str) -> Result<Self, String> {
		let (fleet, path) = arg.split_once('=').ok_or_else(|| {
			format!("`{arg}`: expected <fleet>=<file>, e.g. 0=/etc/keyshards/fleet-0.key")
		})?;
		let fleet = fleet
			.trim()
			.parse()
			.map_err(|_| format!("`{fleet}`: a fleet id is a number from 0 to {}", FleetId::MAX))?;
		if path.is_empty() {
			return Err(format!("`{arg}`: no file after `=`"));
		}
		Ok(Self { fleet, path: path.into() })
	}
}

/// Why a root key file was refused. Never contains any of the file's content.
#[derive(Debug)]
pub enum KeyFileError {
	/// The file could not be read.
	Unreadable { path: PathBuf, error: std::io::Error },
	/// Group or others may read the file.
	TooOpen { path: PathBuf, mode: u32 },
	/// The content is not 32 bytes in hexadecimal.
	Malformed { path: PathBuf },
	/// The same fleet was given twice.
	Duplicate { fleet: FleetId },
}

impl fmt::Display for KeyFileError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Unreadable { path, error } => {
				write!(f, "KSG key file {}: cannot read it: {error}", path.display())
			}
			Self::TooOpen { path, mode } => write!(
				f,
				"KSG key file {}: group or others may access it (mode {mode:03o}); run `chmod 600` on it",
				path.display()
			),
			Self::Malformed { path } => write!(
				f,
				"KSG key file {}: expected a 32-byte root key as 64 hexadecimal digits",
				path.display()
			),
			Self::Duplicate { fleet } => write!(f, "--ksg-key: fleet {fleet} given twice"),
		}
	}
}

impl std::error::Error for KeyFileError {}

/// A fleet root key as the node holds it before handing it to the worker.
pub struct RootKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for RootKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("RootKey([REDACTED])")
	}
}

/// Reads a root key file, refusing one that group or others may access.
pub fn read_root_key(path: &std::path::Path) -> Result<RootKey, KeyFileError> {
	let unreadable = |error| KeyFileError::Unreadable { path: path.into(), error };
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode = std::fs::metadata(path).map_err(unreadable)?.permissions().mode() & 0o777;
		if mode & 0o077 != 0 {
			return Err(KeyFileError::TooOpen { path: path.into(), mode });
		}
	}
	let text = Zeroizing::new(std::fs::read_to_string(path).map_err(unreadable)?);
	let digits = text.trim();
	let digits = digits.strip_prefix("0x").unwrap_or(digits);
	let mut key = Zeroizing::new([0u8; 32]);
	if digits.len() != 64 || hex::decode_to_slice(digits, &mut key[..]).is_err() {
		return Err(KeyFileError::Malformed { path: path.into() });
	}
	Ok(RootKey(key))
}

/// The root keys this node serves: the `--ksg-key` files, and the demo fleet's on a
/// development chain (unless a file is given for it).
pub fn root_keys(
	args: &[KsgKeyArg],
	development: bool,
) -> Result<Vec<(FleetId, RootKey)>, KeyFileError> {
	let mut keys: Vec<(FleetId, RootKey)> = Vec::new();
	for arg in args {
		if keys.iter().any(|(fleet, _)| *fleet == arg.fleet) {
			return Err(KeyFileError::Duplicate { fleet: arg.fleet });
		}
		keys.push((arg.fleet, read_root_key(&arg.path)?));
	}
	if development && !keys.iter().any(|(fleet, _)| *fleet == dev::DEMO_FLEET_ID) {
		keys.push((dev::DEMO_FLEET_ID, RootKey(Zeroizing::new(dev::DEV_FLEET_ROOT_KEY))));
	}
	Ok(keys)
}

/// Writes the served root keys into the off-chain store, replacing the previous set (whose
/// other keys are erased).
pub fn install_root_keys(
	backend: &crate::service::FullBackend,
	keys: &[(FleetId, RootKey)],
) -> Result<(), String> {
	let mut store = backend
		.offchain_storage()
		.ok_or("the node's database has no off-chain storage for KSG keys")?;
	let previous: Vec<FleetId> = store
		.get(STORAGE_PREFIX, SERVED_FLEETS_KEY)
		.and_then(|bytes| Vec::decode(&mut &bytes[..]).ok())
		.unwrap_or_default();
	for fleet in previous {
		if !keys.iter().any(|(served, _)| *served == fleet) {
			store.remove(STORAGE_PREFIX, &root_key_storage_key(fleet));
		}
	}
	for (fleet, key) in keys {
		store.set(STORAGE_PREFIX, &root_key_storage_key(*fleet), &key.0[..]);
	}
	let fleets: Vec<FleetId> = keys.iter().map(|(fleet, _)| *fleet).collect();
	store.set(STORAGE_PREFIX, SERVED_FLEETS_KEY, &fleets.encode());
	if !fleets.is_empty() {
		log::info!(target: "keyshards", "🔑 KSG serves fleet(s) {fleets:?}");
	}
	Ok(())
}

/// On a development chain: the demo KSG's signing key in the keystore, under the KSG key type.
pub fn insert_dev_signing_key(keystore: &sp_keystore::KeystorePtr) -> Result<(), String> {
	keystore
		.sr25519_generate_new(KEY_TYPE, Some(dev::DEMO_KSG_SEED))
		.map(|_| ())
		.map_err(|error| format!("cannot put the demo KSG key in the keystore: {error}"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::{io::Write, os::unix::fs::PermissionsExt};

	fn key_file(content: &str, mode: u32) -> tempfile::NamedTempFile {
		let mut file = tempfile::NamedTempFile::new().unwrap();
		file.write_all(content.as_bytes()).unwrap();
		std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap();
		file
	}

	#[test]
	fn a_key_file_is_64_hex_digits_readable_by_its_owner_only() {
		let hex = "11".repeat(32);
		let file = key_file(&format!("0x{hex}\n"), 0o600);
		assert_eq!(*read_root_key(file.path()).unwrap().0, [0x11; 32]);

		let open = key_file(&hex, 0o644);
		let error = read_root_key(open.path()).unwrap_err();
		assert!(matches!(error, KeyFileError::TooOpen { mode: 0o644, .. }));
		assert!(error.to_string().contains("chmod 600"));

		for bad in ["11".repeat(31), "zz".repeat(32), "11".repeat(33)] {
			let file = key_file(&bad, 0o400);
			let error = read_root_key(file.path()).unwrap_err();
			assert!(matches!(error, KeyFileError::Malformed { .. }));
			assert!(!error.to_string().contains(&bad), "the message never echoes the file");
		}
		let missing = read_root_key(std::path::Path::new("/nonexistent/key")).unwrap_err();
		assert!(matches!(missing, KeyFileError::Unreadable { .. }));
		assert_eq!(format!("{:?}", read_root_key(file.path()).unwrap()), "RootKey([REDACTED])");
	}

	#[test]
	fn the_argument_names_a_fleet_and_a_file() {
		let arg: KsgKeyArg = "7=/keys/fleet-7".parse().unwrap();
		assert_eq!((arg.fleet, arg.path), (7, PathBuf::from("/keys/fleet-7")));
		assert!("x=/k".parse::<KsgKeyArg>().unwrap_err().contains("fleet id"));
		assert!("/k".parse::<KsgKeyArg>().unwrap_err().contains("<fleet>=<file>"));
		assert!("3=".parse::<KsgKeyArg>().unwrap_err().contains("no file"));
	}

	#[test]
	fn a_development_chain_serves_the_demo_fleet_unless_told_otherwise() {
		let keys = root_keys(&[], true).unwrap();
		assert_eq!(keys.len(), 1);
		assert_eq!((keys[0].0, *keys[0].1 .0), (dev::DEMO_FLEET_ID, dev::DEV_FLEET_ROOT_KEY));
		assert!(root_keys(&[], false).unwrap().is_empty());

		let file = key_file(&"22".repeat(32), 0o600);
		let arg = KsgKeyArg { fleet: 0, path: file.path().into() };
		let keys = root_keys(std::slice::from_ref(&arg), true).unwrap();
		assert_eq!((keys.len(), *keys[0].1 .0), (1, [0x22; 32]));
		assert!(matches!(
			root_keys(&[arg.clone(), arg], false),
			Err(KeyFileError::Duplicate { fleet: 0 })
		));
	}
}
