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
use keyshards_primitives::{
	dev,
	keyfile::{read_key_file, KeyFileError},
};
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

/// Why the node's KSG keys were refused. Never contains any key material.
#[derive(Debug)]
pub enum KsgKeyError {
	/// A root key file was refused.
	File(KeyFileError),
	/// The same fleet was given twice.
	Duplicate { fleet: FleetId },
}

impl fmt::Display for KsgKeyError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::File(error) => write!(f, "--ksg-key: {error}"),
			Self::Duplicate { fleet } => write!(f, "--ksg-key: fleet {fleet} given twice"),
		}
	}
}

impl std::error::Error for KsgKeyError {}

/// A fleet root key as the node holds it before handing it to the worker.
pub struct RootKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for RootKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("RootKey([REDACTED])")
	}
}

/// The root keys this node serves: the `--ksg-key` files, and the demo fleet's on a
/// development chain (unless a file is given for it).
pub fn root_keys(
	args: &[KsgKeyArg],
	development: bool,
) -> Result<Vec<(FleetId, RootKey)>, KsgKeyError> {
	let mut keys: Vec<(FleetId, RootKey)> = Vec::new();
	for arg in args {
		if keys.iter().any(|(fleet, _)| *fleet == arg.fleet) {
			return Err(KsgKeyError::Duplicate { fleet: arg.fleet });
		}
		let key = read_key_file(&arg.path).map_err(KsgKeyError::File)?;
		keys.push((arg.fleet, RootKey(key)));
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
	fn a_root_key_file_is_read_and_never_printed() {
		let file = key_file(&format!("0x{}\n", "11".repeat(32)), 0o600);
		let arg = KsgKeyArg { fleet: 4, path: file.path().into() };
		let keys = root_keys(&[arg], false).unwrap();
		assert_eq!((keys[0].0, *keys[0].1 .0), (4, [0x11; 32]));
		assert_eq!(format!("{:?}", keys[0].1), "RootKey([REDACTED])");

		let open = key_file(&"11".repeat(32), 0o644);
		let error =
			root_keys(&[KsgKeyArg { fleet: 4, path: open.path().into() }], false).unwrap_err();
		assert!(matches!(error, KsgKeyError::File(KeyFileError::TooOpen { .. })));
		assert!(error.to_string().starts_with("--ksg-key: key file"));
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
			Err(KsgKeyError::Duplicate { fleet: 0 })
		));
	}
}
