//! JSON-RPC over HTTP to one or several nodes, with failover.
//!
//! Only standard methods are used: `chain_getFinalizedHead`, `chain_getHeader`,
//! `chain_getBlockHash`, `state_call`
//! (of the runtime's `KeyShardsApi`) and `author_submitExtrinsic`.

use crate::{BlockNumber, ClientError};
use codec::{Decode, Encode};
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use serde::de::DeserializeOwned;
use std::{future::Future, time::Duration};

/// One node's RPC endpoint.
pub struct Endpoint {
	url: String,
	client: HttpClient,
}

/// A block: its hash (`0x…`) and number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRef {
	/// The block hash, hex with `0x`.
	pub hash: String,
	/// The block number.
	pub number: BlockNumber,
}

#[derive(serde::Deserialize)]
struct Header {
	number: String,
}

impl Endpoint {
	/// An endpoint at `url`: `http://`, `https://`, or `ws://` / `wss://` (a Substrate node
	/// serves both on one port; the client speaks HTTP).
	pub fn new(url: &str, timeout: Duration) -> Result<Self, ClientError> {
		let http = if let Some(rest) = url.strip_prefix("ws://") {
			format!("http://{rest}")
		} else if let Some(rest) = url.strip_prefix("wss://") {
			format!("https://{rest}")
		} else {
			url.to_string()
		};
		let client = HttpClientBuilder::default()
			.request_timeout(timeout)
			.build(&http)
			.map_err(|e| ClientError::Invalid(format!("RPC endpoint {url}: {e}")))?;
		Ok(Self { url: url.to_string(), client })
	}

	/// The endpoint's URL, as given.
	pub fn url(&self) -> &str {
		&self.url
	}

	fn error(&self, reason: impl ToString) -> ClientError {
		ClientError::Rpc { endpoint: self.url.clone(), reason: reason.to_string() }
	}

	async fn request<R: DeserializeOwned>(
		&self,
		method: &str,
		params: ArrayParams,
	) -> Result<R, ClientError> {
		self.client.request(method, params).await.map_err(|e| self.error(format!("{method}: {e}")))
	}

	/// The latest finalized block.
	pub async fn finalized(&self) -> Result<BlockRef, ClientError> {
		let hash: String = self.request("chain_getFinalizedHead", rpc_params![]).await?;
		let header: Header = self.request("chain_getHeader", rpc_params![&hash]).await?;
		let number = BlockNumber::from_str_radix(header.number.trim_start_matches("0x"), 16)
			.map_err(|_| self.error("chain_getHeader: malformed block number"))?;
		Ok(BlockRef { hash, number })
	}

	/// The chain's genesis hash (`chain_getBlockHash(0)`).
	pub async fn genesis_hash(&self) -> Result<[u8; 32], ClientError> {
		let hash: String = self.request("chain_getBlockHash", rpc_params![0u32]).await?;
		let mut out = [0u8; 32];
		hex::decode_to_slice(hash.trim_start_matches("0x"), &mut out)
			.map_err(|_| self.error("chain_getBlockHash: malformed hash"))?;
		Ok(out)
	}

	/// Calls runtime API `method` with SCALE `args` at block `at` (`state_call`) and decodes
	/// the answer as `R`.
	pub async fn state_call<R: Decode>(
		&self,
		method: &str,
		args: impl Encode,
		at: &BlockRef,
	) -> Result<R, ClientError> {
		let data = format!("0x{}", hex::encode(args.encode()));
		let answer: String =
			self.request("state_call", rpc_params![method, data, &at.hash]).await?;
		let bytes = hex::decode(answer.trim_start_matches("0x"))
			.map_err(|_| self.error(format!("{method}: answer is not hex")))?;
		R::decode(&mut &bytes[..]).map_err(|_| self.error(format!("{method}: undecodable answer")))
	}

	/// Submits an extrinsic to the node's pool. The node's refusal is returned as its message.
	pub async fn submit(&self, extrinsic: &[u8]) -> Result<Result<String, String>, ClientError> {
		let bytes = format!("0x{}", hex::encode(extrinsic));
		match self.client.request::<String, _>("author_submitExtrinsic", rpc_params![bytes]).await {
			Ok(hash) => Ok(Ok(hash)),
			Err(jsonrpsee::core::ClientError::Call(refusal)) => Ok(Err(format!(
				"{}{}",
				refusal.message(),
				refusal.data().map(|d| format!(": {}", d.get())).unwrap_or_default()
			))),
			Err(e) => Err(self.error(format!("author_submitExtrinsic: {e}"))),
		}
	}
}

/// The outcome of an operation over several endpoints: its value, the endpoint that gave it,
/// and what the endpoints tried before it did wrong.
pub struct Failover<T> {
	/// The value.
	pub value: T,
	/// The endpoint that gave it.
	pub endpoint: String,
	/// Endpoints tried first, and why each was left.
	pub failures: Vec<(String, ClientError)>,
}

/// RPC endpoints in order of preference; an operation fails over to the next on any error.
pub struct Endpoints(Vec<Endpoint>);

impl Endpoints {
	/// Endpoints for `urls`, each request timing out after `timeout`.
	pub fn new(urls: &[String], timeout: Duration) -> Result<Self, ClientError> {
		if urls.is_empty() {
			return Err(ClientError::Invalid("no RPC endpoint given".into()));
		}
		urls.iter().map(|url| Endpoint::new(url, timeout)).collect::<Result<_, _>>().map(Self)
	}

	/// The endpoints.
	pub fn iter(&self) -> impl Iterator<Item = &Endpoint> {
		self.0.iter()
	}

	/// Runs `operation` against each endpoint in turn until one succeeds. If none does, the
	/// most telling error is returned (a refused attack over a chain answer over a transport
	/// failure; the first of equals).
	pub async fn first_ok<'a, T, F, Fut>(
		&'a self,
		mut operation: F,
	) -> Result<Failover<T>, (ClientError, Vec<(String, ClientError)>)>
	where
		F: FnMut(&'a Endpoint) -> Fut,
		Fut: Future<Output = Result<T, ClientError>>,
	{
		let mut failures: Vec<(String, ClientError)> = Vec::new();
		for endpoint in &self.0 {
			match operation(endpoint).await {
				Ok(value) => {
					return Ok(Failover { value, endpoint: endpoint.url.clone(), failures })
				}
				Err(error) => failures.push((endpoint.url.clone(), error)),
			}
		}
		let best = failures
			.iter()
			.enumerate()
			.max_by_key(|(i, (_, error))| (error.weight(), std::cmp::Reverse(*i)))
			.map(|(i, _)| i)
			.expect("at least one endpoint");
		let (_, error) = failures.remove(best);
		Err((error, failures))
	}
}
