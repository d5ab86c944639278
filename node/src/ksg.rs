//! The node's KSG key source: the fleet roots its Key Shard Generator derives from, each held
//! in this process's zeroized memory (read once from a key file) or inside a PKCS#11 token.
//!
//! Roots are named per `(fleet, piece)` on the command line (`--ksg-key <fleet>/<piece>=<source>`;
//! SPEC v1 has one root per fleet, piece 0). They never enter off-chain storage, chain state, the
//! runtime's memory, a log line or an RPC answer: the off-chain worker gets device master keys
//! through the host functions of [`pallet_key_shards::key_source`], which the service hands to
//! off-chain worker calls only.
//!
//! A source that cannot be opened (a key file that others may read, a wrong PIN, a missing
//! object) is reported at start with what is wrong, and its fleet is not served; the node's other
//! fleets are. A token that fails while the node runs makes that fleet's worker stop for the
//! block (nothing is published without its key) and is tried again later.
//!
//! On a development chain the node also serves the demo fleet with its publicly known root key,
//! and puts the demo KSG's signing key (the dev seed `//Ferdie`) in its keystore.

use std::{
	collections::BTreeMap,
	fmt,
	path::PathBuf,
	str::FromStr,
	sync::{Arc, Mutex},
};

use keyshards_primitives::{
	dev, device_master_hmac_input,
	keyfile::{read_key_file, KeyFileError},
	DeviceId, DeviceMasterKey, FleetRootKey,
};
use pallet_key_shards::{
	key_source::{KeySource, KeySourceError, PieceIndex},
	ksg::{legacy, KEY_TYPE},
	FleetId,
};
use sc_client_api::Backend as _;
use sp_core::offchain::{OffchainStorage, STORAGE_PREFIX};

use crate::pkcs11::{Pkcs11Error, Pkcs11Uri, Token};

/// Where a root is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootLocation {
	/// A key file: 64 hexadecimal digits, readable by its owner only.
	File(PathBuf),
	/// An HMAC key object in a PKCS#11 token.
	Pkcs11(Pkcs11Uri),
}

impl fmt::Display for RootLocation {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::File(path) => write!(f, "key file {}", path.display()),
			Self::Pkcs11(uri) => write!(f, "{uri}"),
		}
	}
}

/// `--ksg-key <fleet>/<piece>=<source>`: a root of a fleet, and where it is.
#[derive(Clone, Debug)]
pub struct KsgKeyArg {
	/// The fleet.
	pub fleet: FleetId,
	/// The piece (0 under SPEC v1).
	pub piece: PieceIndex,
	/// Where the root is.
	pub location: RootLocation,
}

impl FromStr for KsgKeyArg {
	type Err = String;

	fn from_str(arg: &str) -> Result<Self, String> {
		let usage = || {
			format!(
				"`{arg}`: expected <fleet>/<piece>=<key file or pkcs11: URI>, e.g. \
				 0/0=/etc/keyshards/fleet-0.key"
			)
		};
		let (name, source) = arg.split_once('=').ok_or_else(usage)?;
		let (fleet, piece) = name.split_once('/').ok_or_else(usage)?;
		let fleet = fleet
			.trim()
			.parse()
			.map_err(|_| format!("`{fleet}`: a fleet id is a number from 0 to {}", FleetId::MAX))?;
		let piece = piece
			.trim()
			.parse()
			.map_err(|_| format!("`{piece}`: a piece is a number from 0 to {}", PieceIndex::MAX))?;
		let location = if source.starts_with("pkcs11:") {
			RootLocation::Pkcs11(source.parse()?)
		} else if source.is_empty() {
			return Err(format!("`{arg}`: no key file or pkcs11: URI after `=`"));
		} else {
			RootLocation::File(source.into())
		};
		Ok(Self { fleet, piece, location })
	}
}

/// Why a root could not be served. Never contains key material or a PIN.
#[derive(Debug)]
pub enum RootError {
	/// A key file was refused.
	File(KeyFileError),
	/// A PKCS#11 token or object was refused.
	Pkcs11(Pkcs11Error),
	/// SPEC v1 has one root per fleet.
	NotPieceZero,
}

impl fmt::Display for RootError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::File(error) => write!(f, "{error}"),
			Self::Pkcs11(error) => write!(f, "{error}"),
			Self::NotPieceZero => {
				write!(f, "this protocol version (SPEC v1) has one root per fleet: piece 0")
			}
		}
	}
}

/// A token as opening it went: a handle to its thread, or why not.
type OpenedToken = Result<Arc<Token>, Pkcs11Error>;

/// A root the node holds.
enum Root {
	/// In this process's memory (zeroized on drop).
	Memory(FleetRootKey),
	/// Inside a token; the node holds a handle to it, not the key.
	Pkcs11 { token: Arc<Token>, object: String },
}

/// The roots this node serves, by `(fleet, piece)`.
#[derive(Default)]
pub struct NodeKeySource {
	roots: BTreeMap<(FleetId, PieceIndex), Root>,
	/// The cause of each root's last failure, so a failing token is logged once per cause,
	/// not at every block.
	failing: Mutex<BTreeMap<(FleetId, PieceIndex), String>>,
}

impl fmt::Debug for NodeKeySource {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("NodeKeySource").field("served", &self.served()).finish()
	}
}

impl NodeKeySource {
	/// Opens every root given (and, on a development chain, the demo fleet's unless a root is
	/// given for it). A root that cannot be opened is left out and returned with its error;
	/// the same `(fleet, piece)` given twice is refused outright.
	pub fn open(
		args: &[KsgKeyArg],
		development: bool,
	) -> Result<(Self, Vec<(KsgKeyArg, RootError)>), String> {
		let mut source = Self::default();
		let mut failed = Vec::new();
		for (i, arg) in args.iter().enumerate() {
			if args[..i].iter().any(|other| (other.fleet, other.piece) == (arg.fleet, arg.piece)) {
				return Err(format!(
					"--ksg-key: fleet {} piece {} given twice",
					arg.fleet, arg.piece
				));
			}
		}
		// One thread and one session per token, shared by its roots (so with one PIN file).
		let mut tokens: BTreeMap<(PathBuf, String), (PathBuf, OpenedToken)> = BTreeMap::new();
		for arg in args {
			let root = match &arg.location {
				_ if arg.piece != 0 => Err(RootError::NotPieceZero),
				RootLocation::File(path) => read_key_file(path)
					.map_err(RootError::File)
					.map(|key| Root::Memory(FleetRootKey::from_slice(&key[..]).expect("32 bytes"))),
				RootLocation::Pkcs11(uri) => {
					let key = (uri.module.clone(), uri.token.clone());
					let (pin_file, token) = tokens.entry(key).or_insert_with(|| {
						let objects: Vec<&str> = args
							.iter()
							.filter_map(|a| match &a.location {
								RootLocation::Pkcs11(u)
									if (&u.module, &u.token) == (&uri.module, &uri.token) =>
								{
									Some(u.object.as_str())
								}
								_ => None,
							})
							.collect();
						// Every object is checked when the token opens; one that fails is named
						// and checked again alone below, so the token's other roots still serve.
						let token = Token::open(&uri.module, &uri.token, &uri.pin_file, &objects)
							.or_else(|error| match error.object {
								Some(_) => Token::open(&uri.module, &uri.token, &uri.pin_file, &[]),
								None => Err(error),
							});
						(uri.pin_file.clone(), token)
					});
					match token {
						Ok(_) if *pin_file != uri.pin_file => Err(RootError::Pkcs11(Pkcs11Error {
							token: uri.token.clone(),
							object: Some(uri.object.clone()),
							kind: crate::pkcs11::ErrorKind::Call(format!(
								"another --ksg-key gives this token the PIN file {}, this one {}",
								pin_file.display(),
								uri.pin_file.display()
							)),
						})),
						Ok(token) => token
							.hmac(&uri.object, device_master_hmac_input(&probe_device()))
							.map(|_| Root::Pkcs11 {
								token: token.clone(),
								object: uri.object.clone(),
							})
							.map_err(RootError::Pkcs11),
						Err(error) => Err(RootError::Pkcs11(error.clone())),
					}
				}
			};
			match root {
				Ok(root) => {
					source.roots.insert((arg.fleet, arg.piece), root);
				}
				Err(error) => failed.push((arg.clone(), error)),
			}
		}
		if development
			&& !source.roots.contains_key(&(dev::DEMO_FLEET_ID, 0))
			&& !args.iter().any(|arg| arg.fleet == dev::DEMO_FLEET_ID)
		{
			let root = FleetRootKey::from_slice(&dev::DEV_FLEET_ROOT_KEY).expect("32 bytes");
			source.roots.insert((dev::DEMO_FLEET_ID, 0), Root::Memory(root));
		}
		Ok((source, failed))
	}

	/// Whether the node serves no root at all.
	pub fn is_empty(&self) -> bool {
		self.roots.is_empty()
	}
}

/// The device id the node derives for once at start, to check that a token's root signs.
fn probe_device() -> DeviceId {
	DeviceId::new(b"keyshards/node-start-check").expect("1 to 64 bytes; qed")
}

impl KeySource for NodeKeySource {
	fn served(&self) -> Vec<(FleetId, PieceIndex)> {
		self.roots.keys().copied().collect()
	}

	fn device_master_key(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		device: &DeviceId,
	) -> Result<DeviceMasterKey, KeySourceError> {
		match self.roots.get(&(fleet, piece)).ok_or(KeySourceError::NoKey)? {
			Root::Memory(root) => Ok(root.device_master_key(device)),
			Root::Pkcs11 { token, object } => {
				let result = token.hmac(object, device_master_hmac_input(device));
				let mut failing = self.failing.lock().expect("no panic while held; qed");
				match result {
					Ok(master) => {
						if failing.remove(&(fleet, piece)).is_some() {
							log::info!(
								target: "keyshards",
								"🔑 KSG: fleet {fleet} piece {piece}: the token derives again"
							);
						}
						Ok(DeviceMasterKey::from_slice(&master[..]).expect("32 bytes; qed"))
					}
					Err(error) => {
						let cause = error.cause();
						if failing.get(&(fleet, piece)) != Some(&cause) {
							log::error!(
								target: "keyshards",
								"🔑 KSG: fleet {fleet} piece {piece}: {error}; nothing is published \
								 for this fleet until it derives again"
							);
							failing.insert((fleet, piece), cause);
						} else {
							log::debug!(target: "keyshards", "🔑 KSG: fleet {fleet} piece {piece}: {error}");
						}
						Err(KeySourceError::Unavailable)
					}
				}
			}
		}
	}
}

/// Erases what nodes before the sealed key source kept in off-chain storage: the served fleets
/// and their roots in plaintext.
pub fn erase_legacy_roots(backend: &crate::service::FullBackend) {
	let Some(mut store) = backend.offchain_storage() else { return };
	let Some(fleets) = store.get(STORAGE_PREFIX, legacy::SERVED_FLEETS_KEY) else { return };
	let fleets: Vec<FleetId> = codec::Decode::decode(&mut &fleets[..]).unwrap_or_default();
	for fleet in &fleets {
		store.remove(STORAGE_PREFIX, &legacy::root_key_storage_key(*fleet));
	}
	store.remove(STORAGE_PREFIX, legacy::SERVED_FLEETS_KEY);
	log::warn!(
		target: "keyshards",
		"🔑 erased the plaintext root keys of fleet(s) {fleets:?} that an earlier version kept in \
		 the node's database; the database files may still hold their bytes until reused, and \
		 copies made before hold them: treat those roots as exposed and replace them"
	);
}

/// Logs what the node serves, and each root it could not open with the reason.
pub fn report(source: &NodeKeySource, failed: &[(KsgKeyArg, RootError)]) {
	for (arg, error) in failed {
		log::error!(
			target: "keyshards",
			"🔑 KSG: fleet {} piece {} is NOT served ({}): {error}",
			arg.fleet, arg.piece, arg.location
		);
	}
	let served = source.served();
	if !served.is_empty() {
		let names: Vec<String> =
			served.iter().map(|(fleet, piece)| format!("{fleet}/{piece}")).collect();
		log::info!(target: "keyshards", "🔑 KSG serves fleet/piece {}", names.join(", "));
	}
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

	fn key_file(content: &str, mode: u32) -> tempfile::NamedTempFile {
		let file = tempfile::NamedTempFile::new().unwrap();
		keyshards_test_utils::file_with_mode(file.path(), content, mode);
		file
	}

	fn file_arg(fleet: FleetId, file: &tempfile::NamedTempFile) -> KsgKeyArg {
		KsgKeyArg { fleet, piece: 0, location: RootLocation::File(file.path().into()) }
	}

	fn master(source: &NodeKeySource, fleet: FleetId) -> Result<[u8; 32], KeySourceError> {
		let device = DeviceId::new(b"d").unwrap();
		source.device_master_key(fleet, 0, &device).map(|m| *m.expose_secret())
	}

	#[test]
	fn a_root_file_is_read_once_and_derives_what_spec_says() {
		let file = key_file(&format!("0x{}\n", "11".repeat(32)), 0o600);
		let (source, failed) = NodeKeySource::open(&[file_arg(4, &file)], false).unwrap();
		assert!(failed.is_empty());
		assert_eq!(source.served(), vec![(4, 0)]);
		let expected = FleetRootKey::from_slice(&[0x11; 32])
			.unwrap()
			.device_master_key(&DeviceId::new(b"d").unwrap());
		// Read once: the file may go, the node still serves.
		drop(file);
		assert_eq!(master(&source, 4).unwrap(), *expected.expose_secret());
		assert_eq!(master(&source, 5), Err(KeySourceError::NoKey));
		assert_eq!(format!("{source:?}"), "NodeKeySource { served: [(4, 0)] }");
	}

	#[test]
	fn a_bad_root_is_named_and_left_out_while_the_others_serve() {
		let good = key_file(&"11".repeat(32), 0o600);
		let open = key_file(&"22".repeat(32), 0o644);
		let short = key_file(&"33".repeat(31), 0o600);
		let args = [file_arg(1, &good), file_arg(2, &open), file_arg(3, &short)];
		let (source, failed) = NodeKeySource::open(&args, false).unwrap();
		assert_eq!(source.served(), vec![(1, 0)]);
		let messages: Vec<String> = failed.iter().map(|(_, e)| e.to_string()).collect();
		assert!(messages[0].contains("chmod 600"), "{}", messages[0]);
		assert!(messages[1].contains("64 hexadecimal digits"), "{}", messages[1]);
		for message in &messages {
			assert!(!message.contains("22222222") && !message.contains("33333333"));
		}

		let piece = KsgKeyArg { piece: 1, ..file_arg(1, &good) };
		let (source, failed) = NodeKeySource::open(&[piece], false).unwrap();
		assert!(source.is_empty());
		assert!(failed[0].1.to_string().contains("piece 0"));

		let twice = NodeKeySource::open(&[file_arg(1, &good), file_arg(1, &good)], false);
		assert!(twice.unwrap_err().contains("given twice"));
	}

	#[test]
	fn the_argument_names_fleet_piece_and_source() {
		let arg: KsgKeyArg = "7/0=/keys/fleet-7".parse().unwrap();
		assert_eq!((arg.fleet, arg.piece), (7, 0));
		assert_eq!(arg.location, RootLocation::File("/keys/fleet-7".into()));
		let arg: KsgKeyArg =
			"2/0=pkcs11:token=ks;object=f2?module-path=/m.so&pin-source=/pin".parse().unwrap();
		assert!(matches!(arg.location, RootLocation::Pkcs11(ref uri) if uri.object == "f2"));
		assert!("x/0=/k".parse::<KsgKeyArg>().unwrap_err().contains("fleet id"));
		assert!("1/x=/k".parse::<KsgKeyArg>().unwrap_err().contains("piece is a number"));
		assert!("7=/k".parse::<KsgKeyArg>().unwrap_err().contains("<fleet>/<piece>="));
		assert!("/k".parse::<KsgKeyArg>().unwrap_err().contains("<fleet>/<piece>="));
		assert!("3/0=".parse::<KsgKeyArg>().unwrap_err().contains("no key file"));
		assert!("3/0=pkcs11:token=a".parse::<KsgKeyArg>().unwrap_err().contains("missing"));
	}

	/// Measurement for docs/benchmarks.md (not part of the suite): the cost of one device master
	/// key derivation through each key source, as the off-chain worker's host call pays it.
	///
	/// `cargo test --release -p keyshards-node --bin keyshards-node derivation_cost -- --ignored --nocapture`
	#[test]
	#[ignore = "measurement for docs/benchmarks.md"]
	fn derivation_cost() {
		const N: u32 = 5_000;
		let hsm = keyshards_test_utils::SoftHsm::new("keyshards-bench", "5678");
		// SoftHSM2 reads its configuration when the library is first initialised.
		std::env::set_var("SOFTHSM2_CONF", hsm.conf());
		let uri: crate::pkcs11::Pkcs11Uri = hsm.uri("bench").parse().unwrap();
		crate::pkcs11::import_root(&uri, &[0x5a; 32]).unwrap();
		let key = tempfile::NamedTempFile::new().unwrap();
		keyshards_test_utils::private_file(key.path(), &"5a".repeat(32));
		let args = [
			file_arg(1, &key),
			KsgKeyArg { fleet: 2, piece: 0, location: RootLocation::Pkcs11(uri) },
		];
		let (source, failed) = NodeKeySource::open(&args, false).unwrap();
		assert!(
			failed.is_empty(),
			"{:?}",
			failed.iter().map(|f| f.1.to_string()).collect::<Vec<_>>()
		);
		let devices: Vec<DeviceId> =
			(0..N).map(|i| DeviceId::new(format!("device-{i:06}").as_bytes()).unwrap()).collect();
		for (fleet, name) in [(1, "key file (memory)"), (2, "PKCS#11 (SoftHSM2)")] {
			let start = std::time::Instant::now();
			for device in &devices {
				source.device_master_key(fleet, 0, device).unwrap();
			}
			let per = start.elapsed() / N;
			println!("derivation through {name}: {per:?} per device master key ({N} devices)");
		}
		// Both give the same key.
		let d = &devices[0];
		assert_eq!(
			source.device_master_key(1, 0, d).unwrap().expose_secret(),
			source.device_master_key(2, 0, d).unwrap().expose_secret()
		);
	}

	#[test]
	fn a_development_chain_serves_the_demo_fleet_unless_told_otherwise() {
		let (source, _) = NodeKeySource::open(&[], true).unwrap();
		assert_eq!(source.served(), vec![(dev::DEMO_FLEET_ID, 0)]);
		let demo = FleetRootKey::from_slice(&dev::DEV_FLEET_ROOT_KEY)
			.unwrap()
			.device_master_key(&DeviceId::new(b"d").unwrap());
		assert_eq!(master(&source, 0).unwrap(), *demo.expose_secret());
		assert!(NodeKeySource::open(&[], false).unwrap().0.is_empty());

		// A root given for the demo fleet replaces the demo root, even one that fails to open.
		let file = key_file(&"22".repeat(32), 0o600);
		let (source, _) = NodeKeySource::open(&[file_arg(0, &file)], true).unwrap();
		assert_ne!(master(&source, 0).unwrap(), *demo.expose_secret());
		let open = key_file(&"22".repeat(32), 0o644);
		let (source, failed) = NodeKeySource::open(&[file_arg(0, &open)], true).unwrap();
		assert!(source.is_empty() && failed.len() == 1);
	}
}
