//! KSG roots inside a PKCS#11 token (an HSM, or SoftHSM2 for tests).
//!
//! A root is an HMAC key object (`CKO_SECRET_KEY`, `CKK_GENERIC_SECRET`) that is sensitive and
//! not extractable: the node never sees its bytes. SPEC's `Expand(R, info, 32)` is one
//! `CKM_SHA256_HMAC` signature of `info || 0x01`, made inside the token.
//!
//! A root is named by an RFC 7512 PKCS#11 URI:
//!
//! ```text
//! pkcs11:token=<token label>;object=<object label>?module-path=<library>&pin-source=<file>
//! ```
//!
//! `module-path` is the token's PKCS#11 library (`/usr/lib/softhsm/libsofthsm2.so` for
//! SoftHSM2); `pin-source` a file holding the user PIN, readable by its owner only (a PIN on the
//! command line would show in the process list, so `pin-value` is refused).
//!
//! Each token has one thread that owns its session (a PKCS#11 session may not be shared between
//! threads) and answers requests from a bounded queue. A caller waits at most [`TIMEOUT`]: a
//! token that hangs delays the worker by that much, never more, and a token that is still busy
//! with an earlier request is refused at once. A session that fails (token removed, device
//! error) is dropped and opened again at the next request, at most once per [`REOPEN_AFTER`]; a
//! refused PIN is never tried again (a hardware token locks its PIN after a few wrong tries).

use std::{
	collections::BTreeMap,
	fmt,
	path::{Path, PathBuf},
	str::FromStr,
	sync::{
		atomic::{AtomicBool, Ordering},
		mpsc, Arc, Mutex,
	},
	time::{Duration, Instant},
};

use cryptoki::{
	context::{CInitializeArgs, CInitializeFlags, Pkcs11},
	error::{Error as CkError, RvError},
	mechanism::Mechanism,
	object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle},
	session::{Session, UserType},
	types::AuthPin,
};
use zeroize::Zeroizing;

/// How long a caller waits for the token's answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// Least time between two attempts to open a failed token's session again.
pub const REOPEN_AFTER: Duration = Duration::from_secs(5);

/// A root in a PKCS#11 token, as a `pkcs11:` URI names it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Pkcs11Uri {
	/// The token's label (`token=`).
	pub token: String,
	/// The root object's label (`object=`).
	pub object: String,
	/// The PKCS#11 library (`module-path=`).
	pub module: PathBuf,
	/// The file holding the user PIN (`pin-source=`).
	pub pin_file: PathBuf,
}

impl fmt::Display for Pkcs11Uri {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "pkcs11:token={};object={}", self.token, self.object)
	}
}

/// RFC 7512 percent-decoding of one attribute value.
fn percent_decode(value: &str) -> Result<String, String> {
	let bytes = value.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0;
	while i < bytes.len() {
		if bytes[i] == b'%' {
			let hex = value.get(i + 1..i + 3).ok_or_else(|| format!("`{value}`: bad % escape"))?;
			out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("`{value}`: bad % escape"))?);
			i += 3;
		} else {
			out.push(bytes[i]);
			i += 1;
		}
	}
	String::from_utf8(out).map_err(|_| format!("`{value}`: not UTF-8 once decoded"))
}

impl FromStr for Pkcs11Uri {
	type Err = String;

	fn from_str(uri: &str) -> Result<Self, String> {
		let rest = uri.strip_prefix("pkcs11:").ok_or("a PKCS#11 URI starts with `pkcs11:`")?;
		let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
		let (mut token, mut object, mut module, mut pin_file) = (None, None, None, None);
		let attributes = path.split(';').chain(query.split('&')).filter(|a| !a.is_empty());
		for attribute in attributes {
			let (name, value) = attribute
				.split_once('=')
				.ok_or_else(|| format!("`{attribute}`: expected name=value"))?;
			let value = percent_decode(value)?;
			match name {
				"token" => token = Some(value),
				"object" => object = Some(value),
				"module-path" => module = Some(PathBuf::from(value)),
				"pin-source" => {
					pin_file = Some(PathBuf::from(
						value.strip_prefix("file:").unwrap_or(&value).to_owned(),
					))
				}
				"pin-value" => {
					return Err("`pin-value` would put the PIN in the process list; give a file \
					            with `pin-source=<file>`"
						.into())
				}
				// Attributes that narrow the search further are not needed: the labels name
				// the token and the object.
				"type" if value == "secret-key" => {}
				other => {
					return Err(format!(
						"`{other}`: unsupported attribute (use token, object, module-path, \
						 pin-source)"
					))
				}
			}
		}
		let missing = |what: &str| format!("`{uri}`: `{what}=` is missing");
		let uri = Self {
			token: token.ok_or_else(|| missing("token"))?,
			object: object.ok_or_else(|| missing("object"))?,
			module: module.ok_or_else(|| missing("module-path"))?,
			pin_file: pin_file.ok_or_else(|| missing("pin-source"))?,
		};
		if uri.token.is_empty() || uri.object.is_empty() {
			return Err("the token and object labels must not be empty".into());
		}
		Ok(uri)
	}
}

/// Why a token gave no key. Names the token and object; never holds key material or the PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs11Error {
	/// The token's label.
	pub token: String,
	/// The object's label, where the error concerns one.
	pub object: Option<String>,
	/// What went wrong.
	pub kind: ErrorKind,
}

/// What went wrong with a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
	/// The PIN file could not be read, or may be read by others.
	PinFile(String),
	/// The PKCS#11 library could not be loaded or initialised.
	Module(String),
	/// No slot holds a token with this label.
	NoToken,
	/// The token refused the PIN; it is not tried again until the node restarts.
	PinRefused(String),
	/// No secret key object with this label in the token.
	NoObject,
	/// Several objects carry this label.
	AmbiguousObject(usize),
	/// The object is not a root the node may use: extractable, not sensitive, or not an HMAC
	/// signing key.
	UnsafeObject(&'static str),
	/// A PKCS#11 call failed.
	Call(String),
	/// The token did not answer within [`TIMEOUT`].
	Timeout,
	/// The token is still busy with an earlier request.
	Busy,
	/// The session failed a moment ago; it is opened again after [`REOPEN_AFTER`].
	Resting(String),
}

impl fmt::Display for ErrorKind {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::PinFile(why) => write!(f, "PIN file: {why}"),
			Self::Module(why) => write!(f, "{why}"),
			Self::NoToken => write!(f, "no slot holds a token with this label"),
			Self::PinRefused(why) => {
				write!(f, "the token refused the PIN ({why}); not tried again until restart")
			}
			Self::NoObject => {
				write!(f, "no secret key object with this label (import the root first)")
			}
			Self::AmbiguousObject(n) => write!(f, "{n} objects carry this label"),
			Self::UnsafeObject(why) => write!(f, "refused as a root: {why}"),
			Self::Call(why) => write!(f, "{why}"),
			Self::Timeout => write!(f, "no answer within {} s", TIMEOUT.as_secs()),
			Self::Busy => write!(f, "still busy with an earlier request"),
			Self::Resting(why) => write!(
				f,
				"{why} (a moment ago; tried again {} s after the failure)",
				REOPEN_AFTER.as_secs()
			),
		}
	}
}

impl Pkcs11Error {
	/// What failed, the same whether the token was just tried or is resting after the failure:
	/// so a log can say it once, not at every block.
	pub fn cause(&self) -> String {
		match &self.kind {
			ErrorKind::Resting(why) => why.clone(),
			kind => kind.to_string(),
		}
	}
}

impl fmt::Display for Pkcs11Error {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "PKCS#11 token `{}`", self.token)?;
		if let Some(object) = &self.object {
			write!(f, ", object `{object}`")?;
		}
		write!(f, ": {}", self.kind)
	}
}

impl std::error::Error for Pkcs11Error {}

/// A PKCS#11 call's failure in a few words: the function and the `CKR_` code.
fn call_error(error: CkError) -> String {
	match error {
		CkError::Pkcs11(rv, function) => format!("C_{function:?} failed: {rv:?}"),
		other => other.to_string(),
	}
}

/// Whether a failed call leaves the session unusable (so it is opened again).
fn session_lost(error: &CkError) -> bool {
	matches!(
		error,
		CkError::Pkcs11(
			RvError::DeviceRemoved
				| RvError::DeviceError
				| RvError::TokenNotPresent
				| RvError::SessionClosed
				| RvError::SessionHandleInvalid
				| RvError::UserNotLoggedIn
				| RvError::ObjectHandleInvalid
				| RvError::KeyHandleInvalid
				| RvError::GeneralError,
			_
		)
	)
}

/// Reads a PIN file (owner-only, one line; surrounding white space dropped).
fn read_pin(path: &Path) -> Result<AuthPin, String> {
	use std::os::unix::fs::PermissionsExt;
	let mode = std::fs::metadata(path)
		.map_err(|e| format!("{}: {e}", path.display()))?
		.permissions()
		.mode()
		& 0o777;
	if mode & 0o077 != 0 {
		return Err(format!(
			"{}: group or others may access it (mode {mode:03o}); run `chmod 600` on it",
			path.display()
		));
	}
	let text = Zeroizing::new(
		std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
	);
	let pin = text.trim();
	if pin.is_empty() {
		return Err(format!("{}: empty", path.display()));
	}
	Ok(AuthPin::from(pin.to_owned()))
}

/// The PKCS#11 libraries loaded by this process, one context each (`C_Initialize` is called
/// once per library).
fn module(path: &Path) -> Result<Pkcs11, String> {
	static MODULES: Mutex<BTreeMap<PathBuf, Pkcs11>> = Mutex::new(BTreeMap::new());
	let mut modules = MODULES.lock().expect("no panic while held; qed");
	if let Some(module) = modules.get(path) {
		return Ok(module.clone());
	}
	let module = Pkcs11::new(path).map_err(|e| {
		format!("cannot load PKCS#11 library {}: {}", path.display(), call_error(e))
	})?;
	module
		.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
		.or_else(|e| match e {
			CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _) => Ok(()),
			e => Err(e),
		})
		.map_err(|e| format!("PKCS#11 library {}: {}", path.display(), call_error(e)))?;
	modules.insert(path.to_owned(), module.clone());
	Ok(module)
}

/// One HMAC request to a token's thread.
struct Request {
	object: String,
	input: Vec<u8>,
	reply: mpsc::SyncSender<Result<Zeroizing<[u8; 32]>, Pkcs11Error>>,
}

/// What a token's thread keeps between requests.
struct TokenState {
	label: String,
	module: Pkcs11,
	pin: AuthPin,
	session: Option<(Session, BTreeMap<String, ObjectHandle>)>,
	/// Set when the session failed: no new session before this instant.
	resting: Option<(Instant, String)>,
	/// Set when the PIN was refused: never log in again.
	pin_refused: Option<String>,
}

impl TokenState {
	fn error(&self, object: Option<&str>, kind: ErrorKind) -> Pkcs11Error {
		Pkcs11Error { token: self.label.clone(), object: object.map(str::to_owned), kind }
	}

	/// Opens a session with the token and logs in, unless the PIN was refused before or the
	/// token failed a moment ago. A failure other than a refused PIN rests the token for
	/// [`REOPEN_AFTER`].
	fn open(&mut self) -> Result<(), Pkcs11Error> {
		let result = self.try_open();
		if let Err(error) = &result {
			if !matches!(error.kind, ErrorKind::PinRefused(_) | ErrorKind::Resting(_)) {
				self.resting = Some((Instant::now() + REOPEN_AFTER, error.kind.to_string()));
			}
		}
		result
	}

	fn try_open(&mut self) -> Result<(), Pkcs11Error> {
		if let Some(why) = &self.pin_refused {
			return Err(self.error(None, ErrorKind::PinRefused(why.clone())));
		}
		if let Some((until, why)) = &self.resting {
			if Instant::now() < *until {
				return Err(self.error(None, ErrorKind::Resting(why.clone())));
			}
		}
		let call = |e| ErrorKind::Call(call_error(e));
		let slots = self.module.get_slots_with_token().map_err(|e| self.error(None, call(e)))?;
		let slot = slots
			.into_iter()
			.find(|slot| {
				self.module.get_token_info(*slot).is_ok_and(|info| info.label() == self.label)
			})
			.ok_or_else(|| self.error(None, ErrorKind::NoToken))?;
		let session = self.module.open_ro_session(slot).map_err(|e| self.error(None, call(e)))?;
		match session.login(UserType::User, Some(&self.pin)) {
			Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
			Err(CkError::Pkcs11(
				rv @ (RvError::PinIncorrect
				| RvError::PinLocked
				| RvError::PinExpired
				| RvError::PinInvalid
				| RvError::PinLenRange),
				_,
			)) => {
				let why = format!("C_Login: {rv:?}");
				self.pin_refused = Some(why.clone());
				return Err(self.error(None, ErrorKind::PinRefused(why)));
			}
			Err(e) => return Err(self.error(None, call(e))),
		}
		self.session = Some((session, BTreeMap::new()));
		self.resting = None;
		Ok(())
	}

	/// The object labelled `label`, checked to be a sensitive, non-extractable HMAC key that
	/// can do nothing but sign.
	fn object(&mut self, label: &str) -> Result<ObjectHandle, Pkcs11Error> {
		if self.session.is_none() {
			self.open()?;
		}
		let (session, objects) = self.session.as_mut().expect("opened above; qed");
		if let Some(handle) = objects.get(label) {
			return Ok(*handle);
		}
		match Self::find_root(session, label) {
			Ok(handle) => {
				objects.insert(label.to_owned(), handle);
				Ok(handle)
			}
			Err((kind, lost)) => {
				if lost {
					self.lose_session(&kind);
				}
				Err(self.error(Some(label), kind))
			}
		}
	}

	/// Finds the root labelled `label` and checks its attributes; on an error, also whether
	/// the session is lost.
	fn find_root(session: &Session, label: &str) -> Result<ObjectHandle, (ErrorKind, bool)> {
		let failed = |e: CkError| {
			let lost = session_lost(&e);
			(ErrorKind::Call(call_error(e)), lost)
		};
		let found = session
			.find_objects(&[
				Attribute::Class(ObjectClass::SECRET_KEY),
				Attribute::Label(label.as_bytes().to_vec()),
			])
			.map_err(failed)?;
		let handle = match found[..] {
			[] => return Err((ErrorKind::NoObject, false)),
			[handle] => handle,
			_ => return Err((ErrorKind::AmbiguousObject(found.len()), false)),
		};
		let wanted = [
			AttributeType::KeyType,
			AttributeType::Sensitive,
			AttributeType::Extractable,
			AttributeType::Sign,
			AttributeType::Derive,
			AttributeType::Encrypt,
			AttributeType::Wrap,
		];
		let attributes = session.get_attributes(handle, &wanted).map_err(failed)?;
		if attributes.len() != wanted.len() {
			let why = "the token does not tell all of its attributes";
			return Err((ErrorKind::UnsafeObject(why), false));
		}
		for attribute in attributes {
			let refused = match attribute {
				Attribute::KeyType(kind) if kind != KeyType::GENERIC_SECRET => {
					Some("not a generic secret (HMAC) key")
				}
				Attribute::Sensitive(false) => Some("not sensitive (CKA_SENSITIVE is false)"),
				Attribute::Extractable(true) => Some("extractable (CKA_EXTRACTABLE is true)"),
				Attribute::Sign(false) => Some("may not sign (CKA_SIGN is false)"),
				Attribute::Derive(true) => Some("may derive keys (CKA_DERIVE is true)"),
				Attribute::Encrypt(true) => Some("may encrypt (CKA_ENCRYPT is true)"),
				Attribute::Wrap(true) => Some("may wrap keys (CKA_WRAP is true)"),
				_ => None,
			};
			if let Some(why) = refused {
				return Err((ErrorKind::UnsafeObject(why), false));
			}
		}
		Ok(handle)
	}

	/// Drops a session that failed, and rests the token for [`REOPEN_AFTER`].
	fn lose_session(&mut self, kind: &ErrorKind) {
		self.session = None;
		self.resting = Some((Instant::now() + REOPEN_AFTER, kind.to_string()));
	}

	/// `HMAC-SHA256(root, input)` inside the token.
	fn hmac(&mut self, label: &str, input: &[u8]) -> Result<Zeroizing<[u8; 32]>, Pkcs11Error> {
		let handle = self.object(label)?;
		let (session, _) = self.session.as_ref().expect("object() opened it; qed");
		match session.sign(&Mechanism::Sha256Hmac, handle, input) {
			Ok(mac) => {
				let mac = Zeroizing::new(mac);
				let mut out = Zeroizing::new([0u8; 32]);
				if mac.len() != 32 {
					return Err(self.error(
						Some(label),
						ErrorKind::Call(format!("C_Sign returned {} bytes, not 32", mac.len())),
					));
				}
				out.copy_from_slice(&mac);
				Ok(out)
			}
			Err(e) => {
				let lost = session_lost(&e);
				let kind = ErrorKind::Call(call_error(e));
				if lost {
					self.lose_session(&kind);
				}
				Err(self.error(Some(label), kind))
			}
		}
	}
}

/// A token: a thread that owns its session, and the queue to it.
pub struct Token {
	label: String,
	requests: Mutex<mpsc::SyncSender<Request>>,
	/// Set while a request is with the token's thread (cleared by the thread when it is done,
	/// so a request that timed out keeps the token busy until the token answers it).
	busy: Arc<AtomicBool>,
}

impl fmt::Debug for Token {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("Token").field("label", &self.label).finish_non_exhaustive()
	}
}

impl Token {
	/// Loads the library, reads the PIN, starts the token's thread and checks that the token
	/// opens, accepts the PIN and holds every object of `objects` as a usable root.
	pub fn open(
		module_path: &Path,
		label: &str,
		pin_file: &Path,
		objects: &[&str],
	) -> Result<Arc<Token>, Pkcs11Error> {
		let error = |kind| Pkcs11Error { token: label.to_owned(), object: None, kind };
		let pin = read_pin(pin_file).map_err(|why| error(ErrorKind::PinFile(why)))?;
		let module = module(module_path).map_err(|why| error(ErrorKind::Module(why)))?;
		let mut state = TokenState {
			label: label.to_owned(),
			module,
			pin,
			session: None,
			resting: None,
			pin_refused: None,
		};
		for object in objects {
			state.object(object)?;
		}
		let (requests, queue) = mpsc::sync_channel::<Request>(1);
		let busy = Arc::new(AtomicBool::new(false));
		let done = busy.clone();
		std::thread::Builder::new()
			.name(format!("pkcs11-{label}"))
			.spawn(move || {
				for Request { object, input, reply } in queue {
					let result = state.hmac(&object, &input);
					done.store(false, Ordering::Release);
					let _ = reply.send(result);
				}
			})
			.map_err(|e| error(ErrorKind::Call(format!("cannot start the token's thread: {e}"))))?;
		Ok(Arc::new(Token { label: label.to_owned(), requests: Mutex::new(requests), busy }))
	}

	/// `HMAC-SHA256(object, input)`, waiting at most [`TIMEOUT`].
	pub fn hmac(&self, object: &str, input: Vec<u8>) -> Result<Zeroizing<[u8; 32]>, Pkcs11Error> {
		let error =
			|kind| Pkcs11Error { token: self.label.clone(), object: Some(object.to_owned()), kind };
		if self.busy.swap(true, Ordering::AcqRel) {
			return Err(error(ErrorKind::Busy));
		}
		let (reply, answer) = mpsc::sync_channel(1);
		let request = Request { object: object.to_owned(), input, reply };
		self.requests.lock().expect("no panic while held; qed").try_send(request).map_err(
			|refused| match refused {
				mpsc::TrySendError::Full(_) => {
					self.busy.store(false, Ordering::Release);
					error(ErrorKind::Busy)
				}
				mpsc::TrySendError::Disconnected(_) => {
					error(ErrorKind::Call("the token's thread has stopped".into()))
				}
			},
		)?;
		match answer.recv_timeout(TIMEOUT) {
			Ok(result) => result.map_err(|mut e| {
				e.object.get_or_insert_with(|| object.to_owned());
				e
			}),
			Err(_) => Err(error(ErrorKind::Timeout)),
		}
	}
}

/// Imports a root into a token as an HMAC key object that is sensitive, not extractable, may
/// only sign, and can be neither modified nor copied: afterwards nobody, the node included,
/// can read it back or give it another use. Refuses to replace
/// an object with the same label.
pub fn import_root(uri: &Pkcs11Uri, root: &[u8; 32]) -> Result<(), Pkcs11Error> {
	let error = |object: Option<&str>, kind| Pkcs11Error {
		token: uri.token.clone(),
		object: object.map(str::to_owned),
		kind,
	};
	let call = |e| ErrorKind::Call(call_error(e));
	let pin = read_pin(&uri.pin_file).map_err(|why| error(None, ErrorKind::PinFile(why)))?;
	let module = module(&uri.module).map_err(|why| error(None, ErrorKind::Module(why)))?;
	let slot = module
		.get_slots_with_token()
		.map_err(|e| error(None, call(e)))?
		.into_iter()
		.find(|slot| module.get_token_info(*slot).is_ok_and(|info| info.label() == uri.token))
		.ok_or_else(|| error(None, ErrorKind::NoToken))?;
	let session = module.open_rw_session(slot).map_err(|e| error(None, call(e)))?;
	session.login(UserType::User, Some(&pin)).map_err(|e| match e {
		CkError::Pkcs11(rv @ (RvError::PinIncorrect | RvError::PinLocked), _) => {
			error(None, ErrorKind::PinRefused(format!("C_Login: {rv:?}")))
		}
		e => error(None, call(e)),
	})?;
	let label = Attribute::Label(uri.object.as_bytes().to_vec());
	let existing = session
		.find_objects(std::slice::from_ref(&label))
		.map_err(|e| error(Some(&uri.object), call(e)))?;
	if !existing.is_empty() {
		return Err(error(
			Some(&uri.object),
			ErrorKind::Call("an object with this label exists; refusing to replace it".into()),
		));
	}
	session
		.create_object(&[
			Attribute::Class(ObjectClass::SECRET_KEY),
			Attribute::KeyType(KeyType::GENERIC_SECRET),
			label,
			Attribute::Token(true),
			Attribute::Private(true),
			Attribute::Modifiable(false),
			Attribute::Copyable(false),
			Attribute::Sensitive(true),
			Attribute::Extractable(false),
			Attribute::Sign(true),
			Attribute::Verify(false),
			Attribute::Encrypt(false),
			Attribute::Decrypt(false),
			Attribute::Wrap(false),
			Attribute::Derive(false),
			Attribute::Value(root.to_vec()),
		])
		.map_err(|e| error(Some(&uri.object), call(e)))?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_uri_names_token_object_module_and_pin_file() {
		let uri: Pkcs11Uri = "pkcs11:token=Key%20shards;object=fleet-0-piece-0?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/ks/pin"
			.parse()
			.unwrap();
		assert_eq!(uri.token, "Key shards");
		assert_eq!(uri.object, "fleet-0-piece-0");
		assert_eq!(uri.module, PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
		assert_eq!(uri.pin_file, PathBuf::from("/etc/ks/pin"));
		assert_eq!(uri.to_string(), "pkcs11:token=Key shards;object=fleet-0-piece-0");

		for (bad, says) in [
			("token=a;object=b", "starts with `pkcs11:`"),
			("pkcs11:object=b?module-path=/m&pin-source=/p", "`token=` is missing"),
			("pkcs11:token=a?module-path=/m&pin-source=/p", "`object=` is missing"),
			("pkcs11:token=a;object=b?pin-source=/p", "`module-path=` is missing"),
			("pkcs11:token=a;object=b?module-path=/m", "`pin-source=` is missing"),
			("pkcs11:token=a;object=b?module-path=/m&pin-value=1234", "process list"),
			("pkcs11:token=a;object=b;serial=7?module-path=/m&pin-source=/p", "unsupported"),
			("pkcs11:token=a%2;object=b?module-path=/m&pin-source=/p", "bad % escape"),
		] {
			let error = bad.parse::<Pkcs11Uri>().unwrap_err();
			assert!(error.contains(says), "{bad}: {error}");
			assert!(!error.contains("1234"), "the PIN is never echoed");
		}
	}

	#[test]
	fn errors_name_the_token_and_object() {
		let error = Pkcs11Error {
			token: "ks".into(),
			object: Some("fleet-0".into()),
			kind: ErrorKind::NoObject,
		};
		assert_eq!(
			error.to_string(),
			"PKCS#11 token `ks`, object `fleet-0`: no secret key object with this label (import \
			 the root first)"
		);
	}
}
