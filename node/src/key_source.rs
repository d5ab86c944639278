//! The node's KSG key source: the piece roots its Key Shard Generator publishes from, each held
//! in this process's zeroized memory (read once from a key file) or inside a PKCS#11 token.
//!
//! Roots are named per `(fleet, piece)` on the command line (`--ksg-key <fleet>/<piece>=<source>`).
//! They never enter off-chain storage, chain state, the runtime's memory, a log line or an RPC
//! answer: the off-chain worker gets public piece publications and publication signatures
//! through the host functions of [`pallet_key_shards::key_source`], which the service hands to
//! off-chain worker calls only. The keys derived per device (`M_k`, `Q_k`) live in this
//! process's memory for one publication and are zeroized; `w_k` is derived once when the root is
//! opened and kept in zeroized memory (for a token's root too: a PKCS#11 generic-secret key can
//! only MAC, so `w_k = HMAC(R_k, ...)` leaves the token once — the root itself never does).
//!
//! Every request names the fleet's publication key `W_k`: a root that does not derive it (a
//! typo, another fleet's or another piece's file) is refused and logged once; nothing of that
//! piece is published.
//!
//! A source that cannot be opened (a key file that others may read, a wrong PIN, a missing
//! object) is reported at start with what is wrong, and its piece is not served; the node's other
//! pieces are. A token that fails while the node runs makes that piece's worker stop for the
//! block and is tried again later.
//!
//! On a development chain the node also serves the demo fleet's three pieces with their publicly
//! known roots, and puts the demo holders' signing keys in its keystore.

use std::{
	collections::BTreeMap,
	fmt,
	path::PathBuf,
	str::FromStr,
	sync::{Arc, Mutex},
};

use keyshards_primitives::{
	dev,
	keyfile::{read_key_file, KeyFileError},
	v2::{
		generate_piece,
		kdf::{hmac_input, label},
		Context, DeviceEpoch, DevicePieceKey, GeneratorKey, PieceRoot, PublicationDigest,
		PublicationKey, PublicationSignature, PublisherSeed,
	},
};
use pallet_key_shards::{
	key_source::{GeneratedPublication, KeySource, KeySourceError, PieceIndex, PieceRequest},
	ksg::{legacy, KEY_TYPE, LAST_RUN_KEY, LOCK_KEY, NODE_START_KEY, WAITING_KEY},
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
	/// The piece `k`.
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
}

impl fmt::Display for RootError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::File(error) => write!(f, "{error}"),
			Self::Pkcs11(error) => write!(f, "{error}"),
		}
	}
}

/// A token as opening it went: a handle to its thread, or why not.
type OpenedToken = Result<Arc<Token>, Pkcs11Error>;

/// Where a root the node holds is.
enum RootKey {
	/// In this process's memory (zeroized on drop).
	Memory(PieceRoot),
	/// Inside a token; the node holds a handle to it, not the key.
	Pkcs11 { token: Arc<Token>, object: String },
}

/// A root the node holds, with its publication seed `w_k` and key `W_k`.
struct Root {
	key: RootKey,
	seed: PublisherSeed,
	publication_key: PublicationKey,
}

impl Root {
	fn new(key: RootKey, seed: PublisherSeed) -> Self {
		let publication_key = seed.publication_key();
		Self { key, seed, publication_key }
	}
}

/// The roots this node serves, by `(fleet, piece)`, and the chain's genesis hash (`ctx`).
#[derive(Default)]
pub struct NodeKeySource {
	genesis: [u8; 32],
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
		genesis: [u8; 32],
	) -> Result<(Self, Vec<(KsgKeyArg, RootError)>), String> {
		let mut source = Self { genesis, ..Self::default() };
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
				RootLocation::File(path) => {
					read_key_file(path).map_err(RootError::File).map(|key| {
						let root = PieceRoot::from_slice(&key[..]).expect("32 bytes");
						let seed = root.publisher_seed();
						Root::new(RootKey::Memory(root), seed)
					})
				}
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
						// `w_k` is the root's one derivation that is not per device: deriving it
						// also checks that the object signs.
						Ok(token) => token
							.hmac(&uri.object, hmac_input(label::PUBLISHER, &[]))
							.map(|seed| {
								let seed = PublisherSeed::from_slice(&seed[..]).expect("32 bytes");
								let key = RootKey::Pkcs11 {
									token: token.clone(),
									object: uri.object.clone(),
								};
								Root::new(key, seed)
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
		if development && !args.iter().any(|arg| arg.fleet == dev::DEMO_FLEET_ID) {
			for (k, root) in (0u16..).zip(dev::DEV_PIECE_ROOTS) {
				let root = PieceRoot::from_slice(&root).expect("32 bytes");
				let seed = root.publisher_seed();
				source
					.roots
					.insert((dev::DEMO_FLEET_ID, k), Root::new(RootKey::Memory(root), seed));
			}
		}
		Ok((source, failed))
	}

	/// Whether the node serves no root at all.
	pub fn is_empty(&self) -> bool {
		self.roots.is_empty()
	}
}

impl NodeKeySource {
	/// The root of `(fleet, piece)` if it derives the fleet's `publication_key`.
	fn root(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		publication_key: &PublicationKey,
	) -> Result<&Root, KeySourceError> {
		let root = self.roots.get(&(fleet, piece)).ok_or(KeySourceError::NoKey)?;
		if root.publication_key != *publication_key {
			let message = format!(
				"the root does not derive the fleet's publication key W_{piece} (it derives \
					 {}, the fleet records {publication_key}): it is not this fleet's root for \
					 this piece",
				root.publication_key
			);
			self.failed(fleet, piece, "wrong root".into(), &message);
			return Err(KeySourceError::WrongRoot);
		}
		Ok(root)
	}

	/// Logs a root's failure once per cause (not at every block): `cause` is what stays the
	/// same while the failure does, `message` what is logged.
	fn failed(&self, fleet: FleetId, piece: PieceIndex, cause: String, message: &str) {
		let mut failing = self.failing.lock().expect("no panic while held; qed");
		if failing.get(&(fleet, piece)) != Some(&cause) {
			log::error!(
				target: "keyshards",
				"🔑 KSG: fleet {fleet} piece {piece}: {message}; nothing of this piece is \
				 published until that changes"
			);
			failing.insert((fleet, piece), cause);
		} else {
			log::debug!(target: "keyshards", "🔑 KSG: fleet {fleet} piece {piece}: {message}");
		}
	}

	/// Clears a root's failure, saying so once.
	fn recovered(&self, fleet: FleetId, piece: PieceIndex) {
		let mut failing = self.failing.lock().expect("no panic while held; qed");
		if failing.remove(&(fleet, piece)).is_some() {
			log::info!(target: "keyshards", "🔑 KSG: fleet {fleet} piece {piece}: serving again");
		}
	}

	/// `Q_k` and `M_k` of `who` under `root`.
	fn piece_keys(
		&self,
		request: &PieceRequest,
		root: &Root,
		who: &keyshards_primitives::v2::Who,
	) -> Result<(GeneratorKey, DevicePieceKey), KeySourceError> {
		match &root.key {
			RootKey::Memory(root) => Ok((root.generator_key(who), root.device_piece_key(who))),
			RootKey::Pkcs11 { token, object } => {
				let derive = |label: &[u8]| token.hmac(object, hmac_input(label, who.as_bytes()));
				match derive(label::GENERATOR).and_then(|q| Ok((q, derive(label::DEVICE_KEY)?))) {
					Ok((q, m)) => Ok((
						GeneratorKey::from_slice(&q[..]).expect("32 bytes"),
						DevicePieceKey::from_slice(&m[..]).expect("32 bytes"),
					)),
					Err(error) => {
						self.failed(
							request.fleet,
							request.piece,
							error.cause(),
							&error.to_string(),
						);
						Err(KeySourceError::Unavailable)
					}
				}
			}
		}
	}
}

impl KeySource for NodeKeySource {
	fn served(&self) -> Vec<(FleetId, PieceIndex)> {
		self.roots.keys().copied().collect()
	}

	fn generate_piece(
		&self,
		request: &PieceRequest,
	) -> Result<GeneratedPublication, KeySourceError> {
		let root = self.root(request.fleet, request.piece, &request.publication_key)?;
		let at = DeviceEpoch {
			ctx: Context::new(&self.genesis, request.fleet),
			device: request.device.clone(),
			registration: request.registration,
			epoch: request.epoch,
		};
		let who = at.who(request.piece);
		let (generator, device_key) = self.piece_keys(request, root, &who)?;
		self.recovered(request.fleet, request.piece);
		let generated =
			generate_piece(&at, request.piece, request.piece_count, &generator, &device_key)
				.map_err(|_| KeySourceError::ZeroScalar)?;
		let publication = generated.publication;
		Ok(GeneratedPublication {
			public_piece: publication.public_piece,
			ciphertext: publication.ciphertext,
			proof: publication.proof,
		})
	}

	fn sign_publications(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		publication_key: &PublicationKey,
		digests: &[PublicationDigest],
	) -> Result<PublicationSignature, KeySourceError> {
		let root = self.root(fleet, piece, publication_key)?;
		Ok(root.seed.sign_publications(&Context::new(&self.genesis, fleet), piece, digests))
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

/// Sets the KSG's node-start mark ([`NODE_START_KEY`]) to a value of this start: the
/// transaction pool starts empty, and the worker, seeing the mark change, takes
/// what it submitted before to be gone (its accounts' nonces start again from the chain's, and
/// its pieces in flight are sent again at once). And releases the worker's lock
/// ([`LOCK_KEY`]): no worker runs yet, so a lock there is a killed process's, which would
/// otherwise keep the worker idle until it expires (30 s: longer than the incomplete timeout
/// at 1-second blocks); the note of a run waiting for it ([`WAITING_KEY`]), which no run does
/// either; and the block of the last run ([`LAST_RUN_KEY`]), which after a revert of the chain
/// would keep the worker idle until the chain grew past it.
pub fn mark_node_start(backend: &crate::service::FullBackend) {
	let Some(mut store) = backend.offchain_storage() else { return };
	for key in [LOCK_KEY, WAITING_KEY, LAST_RUN_KEY] {
		store.remove(STORAGE_PREFIX, key);
	}
	let mark = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |since| since.as_nanos() as u64)
		^ u64::from(std::process::id());
	store.set(STORAGE_PREFIX, NODE_START_KEY, &codec::Encode::encode(&mark));
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

/// On a development chain: the demo holders' signing keys in the keystore, under the KSG key
/// type (the dev node acts for all three holders of the demo fleet).
pub fn insert_dev_signing_keys(keystore: &sp_keystore::KeystorePtr) -> Result<(), String> {
	for seed in dev::DEMO_HOLDER_SEEDS {
		keystore.sr25519_generate_new(KEY_TYPE, Some(seed)).map_err(|error| {
			format!("cannot put the demo KSG key {seed} in the keystore: {error}")
		})?;
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use keyshards_primitives::{v2::digest_of, DeviceId};

	const GENESIS: [u8; 32] = [0x47; 32];

	fn key_file(content: &str, mode: u32) -> tempfile::NamedTempFile {
		let file = tempfile::NamedTempFile::new().unwrap();
		keyshards_test_utils::file_with_mode(file.path(), content, mode);
		file
	}

	fn file_arg(fleet: FleetId, piece: PieceIndex, file: &tempfile::NamedTempFile) -> KsgKeyArg {
		KsgKeyArg { fleet, piece, location: RootLocation::File(file.path().into()) }
	}

	fn request(fleet: FleetId, piece: PieceIndex, root: &[u8; 32]) -> PieceRequest {
		PieceRequest {
			fleet,
			piece,
			publication_key: PieceRoot::from_slice(root).unwrap().publication_key(),
			device: DeviceId::new(b"d").unwrap(),
			registration: 0,
			epoch: 3,
			piece_count: 3,
		}
	}

	/// What SPEC says the holder of `root` publishes for `request`.
	fn expected(request: &PieceRequest, root: &[u8; 32]) -> GeneratedPublication {
		let at = DeviceEpoch {
			ctx: Context::new(&GENESIS, request.fleet),
			device: request.device.clone(),
			registration: request.registration,
			epoch: request.epoch,
		};
		let p = PieceRoot::from_slice(root)
			.unwrap()
			.generate(&at, request.piece, request.piece_count)
			.unwrap()
			.publication;
		GeneratedPublication {
			public_piece: p.public_piece,
			ciphertext: p.ciphertext,
			proof: p.proof,
		}
	}

	#[test]
	fn a_root_file_is_read_once_and_generates_what_spec_says() {
		let file = key_file(&format!("0x{}\n", "11".repeat(32)), 0o600);
		let (source, failed) =
			NodeKeySource::open(&[file_arg(4, 1, &file)], false, GENESIS).unwrap();
		assert!(failed.is_empty());
		assert_eq!(source.served(), vec![(4, 1)]);
		// Read once: the file may go, the node still serves.
		drop(file);
		let request = request(4, 1, &[0x11; 32]);
		assert_eq!(source.generate_piece(&request).unwrap(), expected(&request, &[0x11; 32]));
		assert_eq!(
			source.generate_piece(&PieceRequest { fleet: 5, ..request.clone() }),
			Err(KeySourceError::NoKey)
		);
		// ω over the digest, under W_1.
		let at = DeviceEpoch {
			ctx: Context::new(&GENESIS, 4),
			device: request.device.clone(),
			registration: 0,
			epoch: 3,
		};
		let generated = expected(&request, &[0x11; 32]);
		let publication = keyshards_primitives::v2::PiecePublication {
			device: request.device.clone(),
			epoch: 3,
			public_piece: generated.public_piece,
			ciphertext: generated.ciphertext,
			proof: generated.proof,
		};
		let digest = digest_of(&at.who(1), &publication);
		let omega = source.sign_publications(4, 1, &request.publication_key, &[digest]).unwrap();
		assert!(keyshards_primitives::v2::check_group_signature(
			&at.ctx,
			1,
			&[digest],
			&request.publication_key,
			&omega,
			keyshards_primitives::v2::strict_verify,
		));
		assert_eq!(format!("{source:?}"), "NodeKeySource { served: [(4, 1)] }");
	}

	#[test]
	fn a_root_that_does_not_derive_the_fleets_key_publishes_and_signs_nothing() {
		let file = key_file(&"11".repeat(32), 0o600);
		let (source, _) = NodeKeySource::open(&[file_arg(4, 0, &file)], false, GENESIS).unwrap();
		// The fleet records another root's W_0 (a typo, another fleet's file).
		let wrong = request(4, 0, &[0x22; 32]);
		assert_eq!(source.generate_piece(&wrong), Err(KeySourceError::WrongRoot));
		assert_eq!(
			source.sign_publications(4, 0, &wrong.publication_key, &[PublicationDigest([0; 32])]),
			Err(KeySourceError::WrongRoot)
		);
	}

	#[test]
	fn a_bad_root_is_named_and_left_out_while_the_others_serve() {
		let good = key_file(&"11".repeat(32), 0o600);
		let open = key_file(&"22".repeat(32), 0o644);
		let short = key_file(&"33".repeat(31), 0o600);
		let args = [file_arg(1, 0, &good), file_arg(2, 0, &open), file_arg(3, 0, &short)];
		let (source, failed) = NodeKeySource::open(&args, false, GENESIS).unwrap();
		assert_eq!(source.served(), vec![(1, 0)]);
		let messages: Vec<String> = failed.iter().map(|(_, e)| e.to_string()).collect();
		assert!(messages[0].contains("chmod 600"), "{}", messages[0]);
		assert!(messages[1].contains("64 hexadecimal digits"), "{}", messages[1]);
		for message in &messages {
			assert!(!message.contains("22222222") && !message.contains("33333333"));
		}
		let twice =
			NodeKeySource::open(&[file_arg(1, 0, &good), file_arg(1, 0, &good)], false, GENESIS);
		assert!(twice.unwrap_err().contains("given twice"));
	}

	#[test]
	fn the_argument_names_fleet_piece_and_source() {
		let arg: KsgKeyArg = "7/2=/keys/fleet-7-piece-2".parse().unwrap();
		assert_eq!((arg.fleet, arg.piece), (7, 2));
		assert_eq!(arg.location, RootLocation::File("/keys/fleet-7-piece-2".into()));
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

	/// Measurement for docs/benchmarks.md (not part of the suite): the cost of one piece
	/// publication through each key source, as the off-chain worker's host call pays it.
	///
	/// `cargo test --release -p keyshards-node --bin keyshards-node generation_cost -- --ignored --nocapture`
	#[test]
	#[ignore = "measurement for docs/benchmarks.md"]
	fn generation_cost() {
		const N: u32 = 5_000;
		let hsm = keyshards_test_utils::SoftHsm::new("keyshards-bench", "5678");
		// SoftHSM2 reads its configuration when the library is first initialised.
		std::env::set_var("SOFTHSM2_CONF", hsm.conf());
		let uri: crate::pkcs11::Pkcs11Uri = hsm.uri("bench").parse().unwrap();
		crate::pkcs11::import_root(&uri, &[0x5a; 32]).unwrap();
		let key = tempfile::NamedTempFile::new().unwrap();
		keyshards_test_utils::private_file(key.path(), &"5a".repeat(32));
		let args = [
			file_arg(1, 0, &key),
			KsgKeyArg { fleet: 2, piece: 0, location: RootLocation::Pkcs11(uri) },
		];
		let (source, failed) = NodeKeySource::open(&args, false, GENESIS).unwrap();
		assert!(
			failed.is_empty(),
			"{:?}",
			failed.iter().map(|f| f.1.to_string()).collect::<Vec<_>>()
		);
		for (fleet, name) in [(1, "key file (memory)"), (2, "PKCS#11 (SoftHSM2)")] {
			let requests: Vec<PieceRequest> = (0..N)
				.map(|i| PieceRequest {
					device: DeviceId::new(format!("device-{i:06}").as_bytes()).unwrap(),
					..request(fleet, 0, &[0x5a; 32])
				})
				.collect();
			let start = std::time::Instant::now();
			for request in &requests {
				source.generate_piece(request).unwrap();
			}
			let per = start.elapsed() / N;
			println!("piece publication through {name}: {per:?} each ({N} devices)");
		}
		// Both give the same publication (different fleets: compare with SPEC's).
		let r = request(2, 0, &[0x5a; 32]);
		assert_eq!(source.generate_piece(&r).unwrap(), expected(&r, &[0x5a; 32]));
	}

	#[test]
	fn a_development_chain_serves_the_demo_fleet_unless_told_otherwise() {
		let (source, _) = NodeKeySource::open(&[], true, GENESIS).unwrap();
		assert_eq!(source.served(), vec![(0, 0), (0, 1), (0, 2)]);
		let request = request(0, 2, &dev::DEV_PIECE_ROOTS[2]);
		assert_eq!(
			source.generate_piece(&request).unwrap(),
			expected(&request, &dev::DEV_PIECE_ROOTS[2])
		);
		assert!(NodeKeySource::open(&[], false, GENESIS).unwrap().0.is_empty());

		// A root given for the demo fleet replaces the demo roots, even one that fails to open.
		let file = key_file(&"22".repeat(32), 0o600);
		let (source, _) = NodeKeySource::open(&[file_arg(0, 1, &file)], true, GENESIS).unwrap();
		assert_eq!(source.served(), vec![(0, 1)]);
		let open = key_file(&"22".repeat(32), 0o644);
		let (source, failed) =
			NodeKeySource::open(&[file_arg(0, 1, &open)], true, GENESIS).unwrap();
		assert!(source.is_empty() && failed.len() == 1);
	}
}
