//! The test harness the node's and the client's integration tests share (dev only): the real
//! node binary on free loopback ports, killed when dropped; JSON-RPC to it; signed extrinsics
//! built with the runtime's own types; SoftHSM2 tokens of their own; owner-only files.

use std::{
	fs::File,
	io::{BufRead, BufReader},
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use keyshards_runtime::{RuntimeCall, SignedPayload, UncheckedExtrinsic, VERSION};
use sp_core::{Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::generic::Era;

/// `scripts/local-testnet.sh` run by a test: `validators` validators (Aura + GRANDPA) and the
/// demo fleet's three holders on non-validating nodes, on loopback, in a temporary data
/// directory. Stopped (SIGTERM to the script, which stops its nodes; nodes this harness
/// restarted are killed) when dropped.
pub struct LocalTestnet {
	/// The script's process.
	pub child: Child,
	/// Its data directory (each node's base path, log, pid file and command line).
	pub data: tempfile::TempDir,
	rpc_base: u16,
	restarted: Vec<Child>,
}

impl LocalTestnet {
	/// Starts the script; does not wait for the nodes.
	pub fn start(validators: usize) -> LocalTestnet {
		let (p2p, rpc, prometheus) = (free_port(), free_port(), free_port());
		// The script uses consecutive ports from each base; find bases with room.
		let base = |p: u16| if p > 60_000 { p - 1_000 } else { p };
		let (p2p, rpc, prometheus) = (base(p2p), base(rpc) + 10, base(prometheus) + 20);
		let script =
			std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/local-testnet.sh");
		let data = tempfile::tempdir().unwrap();
		let child = Command::new(script)
			.env("KEYSHARDS_NODE", node_binary())
			.env("VALIDATORS", validators.to_string())
			.env("P2P_PORT", p2p.to_string())
			.env("RPC_PORT", rpc.to_string())
			.env("PROMETHEUS_PORT", prometheus.to_string())
			.env("DATA_DIR", data.path())
			.stdout(Stdio::null())
			.stderr(Stdio::inherit())
			.spawn()
			.expect("the script starts");
		LocalTestnet { child, data, rpc_base: rpc, restarted: Vec::new() }
	}

	/// Restarts a node the script started (and that was killed) on its base path, with its
	/// command line; its log continues in `<name>.log`.
	pub fn restart(&mut self, name: &str) {
		let command = std::fs::read_to_string(self.data.path().join(format!("{name}.cmd")))
			.expect("the script wrote the node's command line");
		let mut args = command.lines();
		let program = args.next().unwrap();
		let log = std::fs::OpenOptions::new()
			.append(true)
			.open(self.data.path().join(format!("{name}.log")))
			.unwrap();
		let child = Command::new(program)
			.args(args)
			.stdout(log.try_clone().unwrap())
			.stderr(log)
			.spawn()
			.expect("the node restarts");
		std::fs::write(self.data.path().join(format!("{name}.pid")), child.id().to_string())
			.unwrap();
		self.restarted.push(child);
	}

	/// The RPC URL of validator `i` (0 is Alice).
	pub fn validator_url(&self, i: u16) -> String {
		format!("http://127.0.0.1:{}", self.rpc_base + i)
	}

	/// Kills a node of the testnet (no clean shutdown) by its name (`alice`, `holder0`, ...).
	pub fn kill(&self, name: &str) {
		let pid = std::fs::read_to_string(self.data.path().join(format!("{name}.pid"))).unwrap();
		let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
	}

	/// The first validator's address (`/ip4/…/tcp/…/p2p/…`), which the script gives every other
	/// node as its bootnode: for a node a test starts beside the script's.
	pub fn bootnode(&self) -> String {
		for name in ["bob", "holder0", "charlie", "dave"] {
			let Ok(command) = std::fs::read_to_string(self.data.path().join(format!("{name}.cmd")))
			else {
				continue;
			};
			let mut lines = command.lines();
			if lines.by_ref().any(|line| line == "--bootnodes") {
				return lines.next().expect("an address after --bootnodes").to_string();
			}
		}
		panic!("no node of the script was given a bootnode yet")
	}

	/// A node's log so far.
	pub fn log(&self, name: &str) -> String {
		std::fs::read_to_string(self.data.path().join(format!("{name}.log"))).unwrap_or_default()
	}
}

impl Drop for LocalTestnet {
	fn drop(&mut self) {
		let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
		let _ = self.child.wait();
		for child in &mut self.restarted {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// How long a node may take to start its JSON-RPC server (a restart on a large database opens
/// it first).
const NODE_START_TIMEOUT: Duration = Duration::from_secs(300);

/// The IPv4 port of the JSON-RPC server a node's log says it runs (`Running JSON-RPC server:
/// addr=127.0.0.1:PORT,[::1]:PORT2`, or `0.0.0.0:PORT` with `--rpc-external`), which the tests
/// reach on 127.0.0.1.
fn rpc_port_in_log(log: &str) -> Option<u16> {
	// Whole lines only: the node may be writing the last one.
	let complete = &log[..log.rfind('\n').map_or(0, |end| end + 1)];
	let line =
		complete.lines().find_map(|line| line.split("Running JSON-RPC server: addr=").nth(1))?;
	line.split(',')
		.map(str::trim)
		.filter(|addr| !addr.starts_with('['))
		.find_map(|addr| addr.rsplit_once(':')?.1.parse().ok())
}

/// A free loopback TCP port (bound, then released: another process may take it before it is
/// used, so only for ports nothing must bind, or whose owner reports what it bound).
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The node binary cargo built for these tests: the one in the test binary's target directory
/// (`cargo test --workspace` builds it first).
pub fn node_binary() -> PathBuf {
	// A load run may point at another build (say a release node) without rebuilding the tests.
	if let Some(path) = std::env::var_os("KEYSHARDS_NODE") {
		return PathBuf::from(path);
	}
	workspace_binary("keyshards-node")
}

/// A binary of the workspace that cargo built beside the running test: the test's executable is
/// `<target>/<profile>/deps/<test>-<hash>`, the binary `<target>/<profile>/<name>`. (Not
/// `env!("CARGO_BIN_EXE_<name>")`: cargo does not set it when it compiles through a
/// `RUSTC_WORKSPACE_WRAPPER`, as the test suite's lints do.)
pub fn workspace_binary(name: &str) -> PathBuf {
	let exe = std::env::current_exe().unwrap();
	let path = exe.parent().unwrap().parent().unwrap().join(name);
	assert!(path.exists(), "{} not found: build it first (cargo build --bins)", path.display());
	path
}

/// A running node, killed when dropped (also when a test panics).
pub struct Node {
	child: Child,
	/// Its JSON-RPC server's port on 127.0.0.1 (0 if the node exited before serving).
	pub rpc_port: u16,
	/// Its log file.
	pub log: PathBuf,
}

impl Node {
	/// `keyshards-node --dev --tmp` on free loopback ports: a block every second (the node's
	/// default `--dev-block-time`), finalised by GRANDPA.
	pub fn dev(name: &str) -> Node {
		Self::dev_with(name, &[])
	}

	/// `dev` with more command-line arguments.
	pub fn dev_with(name: &str, extra: &[&str]) -> Node {
		let mut args = vec!["--tmp"];
		args.extend_from_slice(extra);
		Self::dev_env(name, &args, &[])
	}

	/// `keyshards-node --dev` with `args` (say `--tmp` or `--base-path`) and environment `env`.
	pub fn dev_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> Node {
		let mut all = vec!["--dev"];
		all.extend(args.iter().filter(|arg| **arg != "--dev"));
		Self::spawn(name, &all, env)
	}

	/// `keyshards-node` with `args` and environment `env`, on loopback ports the system picks
	/// (port 0), its log in a file (kept if the test fails). Returns once the node's JSON-RPC
	/// server is up, its port read from the node's log, or once the node has exited (a node a
	/// test expects to refuse to start; its port is then 0).
	///
	/// The ports are not chosen here: a port found free and released could be taken by a
	/// parallel test's node before this one binds it, and the RPC server would then move to
	/// another port, which a test would not know.
	pub fn spawn(name: &str, args: &[&str], env: &[(&str, &str)]) -> Node {
		let log = std::env::temp_dir().join(format!("keyshards-{name}-{}.log", std::process::id()));
		let out = File::create(&log).unwrap();
		let child = Command::new(node_binary())
			.args(["--no-mdns", "--no-telemetry"])
			.args(["--listen-addr", "/ip4/127.0.0.1/tcp/0"])
			.args(["--rpc-port", "0"])
			.args(["--prometheus-port", "0"])
			// The line the RPC port is read from, whatever `RUST_LOG` or `-l` says otherwise.
			.args(["--log", "sc_rpc_server=info"])
			.args(args)
			.envs(env.iter().copied())
			.stdout(Stdio::null())
			.stderr(out)
			.spawn()
			.expect("the node starts");
		let mut node = Node { child, rpc_port: 0, log };
		let start = Instant::now();
		while start.elapsed() < NODE_START_TIMEOUT {
			if let Some(port) = rpc_port_in_log(&node.log_text()) {
				node.rpc_port = port;
				return node;
			}
			if node.child.try_wait().unwrap().is_some() {
				return node;
			}
			std::thread::sleep(Duration::from_millis(50));
		}
		panic!(
			"node {name} did not start its JSON-RPC server within {NODE_START_TIMEOUT:?}:\n{}",
			node.log_tail()
		)
	}

	/// The node's whole log so far.
	pub fn log_text(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// Kills the node at once (SIGKILL: no clean shutdown) and waits for it.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	/// Waits up to `timeout` for the node to exit by itself; its status if it did.
	pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
		let start = Instant::now();
		while start.elapsed() < timeout {
			if let Some(status) = self.child.try_wait().unwrap() {
				return Some(status);
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		None
	}

	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
	}

	/// The node's process id.
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	pub fn rpc(&self) -> Rpc {
		Rpc::new(&self.url())
	}

	/// The last lines of the node's log, for failure messages.
	pub fn log_tail(&self) -> String {
		let lines: Vec<String> = File::open(&self.log)
			.map(|f| BufReader::new(f).lines().map_while(Result::ok).collect())
			.unwrap_or_default();
		lines[lines.len().saturating_sub(40)..].join("\n")
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
		if !std::thread::panicking() {
			let _ = std::fs::remove_file(&self.log);
		} else {
			eprintln!("node log kept at {}:\n{}", self.log.display(), self.log_tail());
		}
	}
}

/// Polls `f` every 100 ms until it returns `Some`, or panics after `timeout` naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut f: F) -> T
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Option<T>>,
{
	let start = Instant::now();
	loop {
		if let Some(value) = f().await {
			return value;
		}
		assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
}

/// A JSON-RPC client of one node.
pub struct Rpc {
	client: HttpClient,
}

#[derive(serde::Deserialize)]
struct Header {
	number: String,
}

impl Rpc {
	pub fn new(url: &str) -> Rpc {
		Rpc { client: HttpClientBuilder::default().build(url).unwrap() }
	}

	/// The RPC methods the node serves (`rpc_methods`).
	pub async fn methods(&self) -> Vec<String> {
		let answer: serde_json::Value =
			self.client.request("rpc_methods", rpc_params![]).await.unwrap();
		answer["methods"]
			.as_array()
			.unwrap()
			.iter()
			.map(|m| m.as_str().unwrap().to_string())
			.collect()
	}

	/// Any RPC request, with the node's answer or refusal.
	pub async fn request(
		&self,
		method: &str,
		params: Vec<serde_json::Value>,
	) -> Result<serde_json::Value, String> {
		let mut array = jsonrpsee::core::params::ArrayParams::new();
		for param in params {
			array.insert(param).unwrap();
		}
		self.client.request(method, array).await.map_err(|e| e.to_string())
	}

	/// Whether the node answers RPC at all.
	pub async fn is_up(&self) -> bool {
		self.client.request::<serde_json::Value, _>("system_health", rpc_params![]).await.is_ok()
	}

	pub async fn finalized_head(&self) -> Result<H256, jsonrpsee::core::ClientError> {
		self.client.request("chain_getFinalizedHead", rpc_params![]).await
	}

	pub async fn block_number(&self, hash: H256) -> Result<u32, jsonrpsee::core::ClientError> {
		let header: Header = self.client.request("chain_getHeader", rpc_params![hash]).await?;
		Ok(u32::from_str_radix(header.number.trim_start_matches("0x"), 16).unwrap())
	}

	/// The number of the latest finalized block, if the node answers.
	pub async fn finalized_number(&self) -> Option<u32> {
		let hash = self.finalized_head().await.ok()?;
		self.block_number(hash).await.ok()
	}

	pub async fn genesis_hash(&self) -> H256 {
		self.client.request("chain_getBlockHash", rpc_params![0]).await.unwrap()
	}

	pub async fn next_nonce(&self, account: &keyshards_runtime::AccountId) -> u32 {
		self.client
			.request("system_accountNextIndex", rpc_params![account.to_string()])
			.await
			.unwrap()
	}

	/// Submits an extrinsic; returns its hash or the node's refusal.
	pub async fn submit(&self, xt: &UncheckedExtrinsic) -> Result<H256, String> {
		let bytes = format!("0x{}", hex::encode(xt.encode()));
		self.client
			.request("author_submitExtrinsic", rpc_params![bytes])
			.await
			.map_err(|e| e.to_string())
	}

	/// `state_call` of runtime API `method` with SCALE `args` at block `at`, decoded as `R`.
	pub async fn state_call<R: Decode>(&self, method: &str, args: impl Encode, at: H256) -> R {
		let data = format!("0x{}", hex::encode(args.encode()));
		let result: String =
			self.client.request("state_call", rpc_params![method, data, at]).await.unwrap();
		let bytes = hex::decode(result.trim_start_matches("0x")).unwrap();
		R::decode(&mut &bytes[..]).expect("the runtime API answer decodes")
	}
}

/// A signed, immortal extrinsic of `call` from `signer` with `nonce`, for a chain whose genesis
/// is `genesis`.
pub fn signed(
	signer: Sr25519Keyring,
	call: RuntimeCall,
	nonce: u32,
	genesis: H256,
) -> UncheckedExtrinsic {
	let extension = keyshards_runtime::tx_extension(Era::Immortal, nonce, 0);
	let implicit = (
		(),
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis,
		genesis,
		(),
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.pair().sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		signer.to_account_id().into(),
		sp_runtime::MultiSignature::Sr25519(signature),
		extension,
	)
}

/// A SoftHSM2 token of its own in a temporary folder (`softhsm2-util` from Debian's `softhsm2`,
/// which `scripts/setup.sh` installs).
pub struct SoftHsm {
	pub dir: tempfile::TempDir,
	pub label: String,
	pub pin_file: PathBuf,
}

/// SoftHSM2's PKCS#11 library on Debian.
pub const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

impl SoftHsm {
	/// A fresh token labelled `label` with user PIN `pin` (written to an owner-only file).
	pub fn new(label: &str, pin: &str) -> SoftHsm {
		assert!(
			std::path::Path::new(SOFTHSM_MODULE).exists(),
			"{SOFTHSM_MODULE} is missing: install softhsm2 (scripts/setup.sh does)"
		);
		let dir = tempfile::tempdir().unwrap();
		std::fs::create_dir(dir.path().join("tokens")).unwrap();
		std::fs::write(
			dir.path().join("softhsm2.conf"),
			format!(
				"directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
				dir.path().join("tokens").display()
			),
		)
		.unwrap();
		let hsm = SoftHsm { pin_file: dir.path().join("pin"), dir, label: label.into() };
		let status = Command::new("softhsm2-util")
			.args([
				"--init-token",
				"--free",
				"--label",
				label,
				"--so-pin",
				"12345678",
				"--pin",
				pin,
			])
			.env("SOFTHSM2_CONF", hsm.conf())
			.stdout(Stdio::null())
			.status()
			.expect("softhsm2-util runs (install softhsm2)");
		assert!(status.success(), "softhsm2-util --init-token failed");
		hsm.set_pin_file(pin);
		hsm
	}

	/// Rewrites the PIN file (owner-only) with `pin`.
	pub fn set_pin_file(&self, pin: &str) {
		private_file(&self.pin_file, pin);
	}

	/// The `SOFTHSM2_CONF` a process needs to see this token.
	pub fn conf(&self) -> String {
		self.dir.path().join("softhsm2.conf").display().to_string()
	}

	/// The folder holding the token's objects.
	pub fn token_dir(&self) -> PathBuf {
		self.dir.path().join("tokens")
	}

	/// The `pkcs11:` URI of object `object` in this token.
	pub fn uri(&self, object: &str) -> String {
		format!(
			"pkcs11:token={};object={object}?module-path={SOFTHSM_MODULE}&pin-source={}",
			self.label,
			self.pin_file.display()
		)
	}

	/// Imports `root` as object `object`, the way an operator does: `keyshards-node import-root`.
	pub fn import(&self, object: &str, root: &[u8; 32]) {
		let key_file = self.dir.path().join(format!("{object}.key"));
		private_file(&key_file, &hex::encode(root));
		let output = Command::new(node_binary())
			.args(["import-root", "--key-file", &key_file.display().to_string()])
			.args(["--pkcs11", &self.uri(object)])
			.env("SOFTHSM2_CONF", self.conf())
			.output()
			.unwrap();
		assert!(
			output.status.success(),
			"import-root: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		std::fs::remove_file(key_file).unwrap();
	}
}

/// Writes `content` to `path` with permission bits `mode`.
pub fn file_with_mode(path: &std::path::Path, content: &str, mode: u32) {
	use std::os::unix::fs::PermissionsExt;
	std::fs::write(path, content).unwrap();
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Writes `content` to a file that only its owner may read (mode 0600).
pub fn private_file(path: &std::path::Path, content: &str) {
	file_with_mode(path, content, 0o600)
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<PathBuf> {
	let mut found = Vec::new();
	let mut stack = vec![dir.to_path_buf()];
	while let Some(path) = stack.pop() {
		if path.is_dir() {
			for entry in std::fs::read_dir(&path).unwrap() {
				stack.push(entry.unwrap().path());
			}
		} else if let Ok(bytes) = std::fs::read(&path) {
			if bytes.windows(needle.len()).any(|window| window == needle) {
				found.push(path);
			}
		}
	}
	found
}

/// The dev chain's 2-of-3 demo fleet as a device sees it: its bundles, reconstructed with the
/// demo piece roots' device keys (publicly known, dev only).
pub mod demo {
	use super::*;
	use keyshards_primitives::{
		dev,
		v2::{
			reconstruct, Context, DeviceBundle, DeviceEpoch, DevicePieceKey, OneTimeKey, PieceRoot,
		},
		DeviceId, QueryError,
	};

	/// A bundle of this chain (accounts are 32 bytes, block numbers `u32`).
	pub type Bundle = DeviceBundle<[u8; 32], u32>;

	/// The demo devices.
	pub fn devices() -> Vec<DeviceId> {
		dev::DEMO_DEVICES.iter().map(|d| DeviceId::new(d.as_bytes()).unwrap()).collect()
	}

	/// The device piece keys `M_0 .. M_2` of `device`'s registration `registration` in fleet
	/// `fleet` on the chain whose genesis hash is `genesis`, from `roots`.
	pub fn piece_keys(
		roots: &[[u8; 32]],
		genesis: H256,
		fleet: u32,
		device: &DeviceId,
		registration: u32,
	) -> Vec<DevicePieceKey> {
		let ctx = Context::new(&genesis.0, fleet);
		(0u16..)
			.zip(roots)
			.map(|(k, root)| {
				PieceRoot::from_slice(root).unwrap().device_piece_key(&ctx.who(
					k,
					device,
					registration,
				))
			})
			.collect()
	}

	/// Reconstructs `bundle` with the device keys derived from `roots`; panics if it does not.
	pub fn reconstruct_with(
		roots: &[[u8; 32]],
		genesis: H256,
		fleet: u32,
		bundle: &Bundle,
	) -> OneTimeKey {
		let map = &bundle.map;
		let at = DeviceEpoch {
			ctx: Context::new(&genesis.0, fleet),
			device: map.device.clone(),
			registration: map.registration,
			epoch: map.epoch,
		};
		let keys = piece_keys(roots, genesis, fleet, &map.device, map.registration);
		let key = reconstruct(&at, &keys, &bundle.pieces, &map.public_key)
			.expect("the bundle reconstructs with the device's piece keys");
		assert_eq!(key.public_key(), map.public_key);
		key
	}

	/// The active epoch of every demo device at the finalized head, each bundle reconstructed
	/// with the demo roots' device keys (a key published from a wrong root would fail here).
	pub async fn active_epochs(rpc: &Rpc) -> Option<Vec<Option<u32>>> {
		let head = rpc.finalized_head().await.ok()?;
		let genesis = rpc.genesis_hash().await;
		let mut epochs = Vec::new();
		for device in devices() {
			let bundle: Result<Bundle, QueryError> = rpc
				.state_call("KeyShardsApi_active_bundle", (dev::DEMO_FLEET_ID, &device), head)
				.await;
			epochs.push(match bundle {
				Ok(bundle) => {
					reconstruct_with(&dev::DEV_PIECE_ROOTS, genesis, dev::DEMO_FLEET_ID, &bundle);
					Some(bundle.map.epoch)
				}
				Err(QueryError::NoActiveKey) => None,
				Err(error) => panic!("active bundle of {device:?}: {error:?}"),
			});
		}
		Some(epochs)
	}

	/// Waits until every demo device has had an active epoch of at least `epoch`; returns the
	/// epochs seen.
	pub async fn rotated_to(node: &Node, epoch: u32, timeout: Duration) -> Vec<u32> {
		let rpc = node.rpc();
		let start = std::time::Instant::now();
		loop {
			if let Some(epochs) = active_epochs(&rpc).await {
				if epochs.iter().all(|e| e.is_some_and(|e| e >= epoch)) {
					return epochs.into_iter().map(Option::unwrap).collect();
				}
			}
			assert!(
				start.elapsed() < timeout,
				"demo devices did not reach epoch {epoch} in {timeout:?}:\n{}",
				node.log_tail()
			);
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::rpc_port_in_log;

	#[test]
	fn the_rpc_port_is_read_from_the_nodes_log() {
		let log = "2026-11-27 Keyshards Node\n\
			2026-11-27 INFO main sc_rpc_server: Running JSON-RPC server: \
			addr=127.0.0.1:37185,[::1]:39335\n";
		assert_eq!(rpc_port_in_log(log), Some(37185));
		// One address: a trailing comma.
		assert_eq!(rpc_port_in_log("Running JSON-RPC server: addr=127.0.0.1:9944,\n"), Some(9944));
		// A line still being written is not read.
		assert_eq!(rpc_port_in_log("Running JSON-RPC server: addr=127.0.0.1:99"), None);
		assert_eq!(
			rpc_port_in_log("Running JSON-RPC server: addr=[::]:9945,0.0.0.0:9944\n"),
			Some(9944)
		);
		// Not yet up, or only on IPv6.
		assert_eq!(rpc_port_in_log("Keyshards Node\n"), None);
		assert_eq!(rpc_port_in_log("Running JSON-RPC server: addr=[::1]:9944,\n"), None);
	}
}
