//! Helpers of the node's integration tests: start the real node binary on free loopback ports,
//! talk to it over JSON-RPC, build signed extrinsics with the runtime's own types.

#![allow(dead_code)]

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

/// A free loopback TCP port (bound, then released).
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The node binary cargo built for these tests (from another package's tests: the one in the
/// same target directory, which `cargo test --workspace` builds first).
pub fn node_binary() -> PathBuf {
	if let Some(path) = option_env!("CARGO_BIN_EXE_keyshards-node") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().unwrap();
	let path = exe.parent().unwrap().parent().unwrap().join("keyshards-node");
	assert!(
		path.exists(),
		"{} not found: build it first (cargo build -p keyshards-node)",
		path.display()
	);
	path
}

/// A running node, killed when dropped (also when a test panics).
pub struct Node {
	child: Child,
	pub rpc_port: u16,
	pub log: PathBuf,
}

impl Node {
	/// `keyshards-node --dev --tmp` on free loopback ports, sealing a block every
	/// `block_time_ms`.
	pub fn dev(name: &str, block_time_ms: u64) -> Node {
		Self::dev_with(name, block_time_ms, &[])
	}

	/// `dev` with more command-line arguments.
	pub fn dev_with(name: &str, block_time_ms: u64, extra: &[&str]) -> Node {
		let (p2p, rpc, prometheus) = (free_port(), free_port(), free_port());
		let log = std::env::temp_dir().join(format!("keyshards-{name}-{}.log", std::process::id()));
		let out = File::create(&log).unwrap();
		let child = Command::new(node_binary())
			.args(["--dev", "--tmp", "--no-mdns", "--no-telemetry"])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p}")])
			.args(["--rpc-port", &rpc.to_string()])
			.args(["--prometheus-port", &prometheus.to_string()])
			.args(["--dev-block-time", &block_time_ms.to_string()])
			.args(extra)
			.stdout(Stdio::null())
			.stderr(out)
			.spawn()
			.expect("the node starts");
		Node { child, rpc_port: rpc, log }
	}

	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
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
