//! JSON-RPC over HTTP to one or several nodes, with failover.
//!
//! Only standard methods are used: `chain_getFinalizedHead`, `chain_getHeader`,
//! `chain_getBlockHash`, `grandpa_proveFinality`, `state_getReadProof`, `author_submitExtrinsic`,
//! and `state_call` (of the runtime's `KeyShardsApi`: an operator's unproven view, and the
//! device's explicitly insecure fallback).

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

/// `state_getReadProof`'s answer (its `at` is not needed: the caller names the block).
#[derive(serde::Deserialize)]
struct ReadProof {
	proof: Vec<sp_core::Bytes>,
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

	/// The hash of the latest finalized block, as the endpoint says (`chain_getFinalizedHead`;
	/// unproven).
	pub async fn finalized_hash(&self) -> Result<crate::proof::Hash, ClientError> {
		self.request("chain_getFinalizedHead", rpc_params![]).await
	}

	/// A block's header (`chain_getHeader`; unproven: check its hash).
	pub async fn header(
		&self,
		hash: &crate::proof::Hash,
	) -> Result<crate::proof::Header, ClientError> {
		let header: Option<crate::proof::Header> =
			self.request("chain_getHeader", rpc_params![hash]).await?;
		header.ok_or_else(|| {
			self.error(format!("chain_getHeader: no header for 0x{}", hex::encode(hash)))
		})
	}

	/// `grandpa_proveFinality(number)`: SCALE bytes of a finality proof, if the endpoint has one.
	pub async fn prove_finality(
		&self,
		number: BlockNumber,
	) -> Result<Option<Vec<u8>>, ClientError> {
		let proof: Option<sp_core::Bytes> =
			self.request("grandpa_proveFinality", rpc_params![number]).await?;
		Ok(proof.map(|bytes| bytes.0))
	}

	/// `state_getReadProof(keys, at)`: the trie nodes proving `keys` at block `at`.
	pub async fn read_proof(
		&self,
		keys: &[&[u8]],
		at: &crate::proof::Hash,
	) -> Result<Vec<Vec<u8>>, ClientError> {
		let keys: Vec<sp_core::Bytes> =
			keys.iter().map(|key| sp_core::Bytes(key.to_vec())).collect();
		let answer: ReadProof = self.request("state_getReadProof", rpc_params![keys, at]).await?;
		Ok(answer.proof.into_iter().map(|node| node.0).collect())
	}

	/// A block's header and the trie nodes proving `keys` at it, in one batch request
	/// (`chain_getHeader`, `state_getReadProof`; unproven until checked).
	pub async fn header_and_read_proof(
		&self,
		hash: &crate::proof::Hash,
		keys: &[&[u8]],
	) -> Result<(crate::proof::Header, Vec<Vec<u8>>), ClientError> {
		let keys: Vec<sp_core::Bytes> =
			keys.iter().map(|key| sp_core::Bytes(key.to_vec())).collect();
		let mut batch = jsonrpsee::core::params::BatchRequestBuilder::new();
		batch
			.insert("chain_getHeader", rpc_params![hash])
			.and_then(|()| batch.insert("state_getReadProof", rpc_params![keys, hash]))
			.map_err(|e| self.error(format!("batch: {e}")))?;
		let answers = self
			.client
			.batch_request::<serde_json::Value>(batch)
			.await
			.map_err(|e| self.error(format!("chain_getHeader + state_getReadProof: {e}")))?;
		let mut answers = answers.into_iter();
		let mut next = |method: &str| {
			answers
				.next()
				.ok_or_else(|| self.error(format!("{method}: no answer in the batch")))?
				.map_err(|e| self.error(format!("{method}: {e}")))
		};
		let header = next("chain_getHeader")?;
		let proof = next("state_getReadProof")?;
		let header: Option<crate::proof::Header> = serde_json::from_value(header)
			.map_err(|_| self.error("chain_getHeader: malformed header"))?;
		let header = header.ok_or_else(|| {
			self.error(format!("chain_getHeader: no header for 0x{}", hex::encode(hash)))
		})?;
		let proof: ReadProof = serde_json::from_value(proof)
			.map_err(|_| self.error("state_getReadProof: malformed answer"))?;
		Ok((header, proof.proof.into_iter().map(|node| node.0).collect()))
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

/// Failure of an operation over several endpoints: the most telling error with the endpoint
/// that caused it (none for a local failure), and what the other endpoints did wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}{error}", endpoint.as_ref().map(|url| format!("endpoint {url}: ")).unwrap_or_default())]
pub struct FailoverError {
	/// The endpoint whose answer is reported, if an endpoint's.
	pub endpoint: Option<String>,
	/// What went wrong.
	#[source]
	pub error: ClientError,
	/// The other endpoints tried, and why each was left.
	pub others: Vec<(String, ClientError)>,
}

impl FailoverError {
	/// A failure before or after any endpoint was asked.
	pub fn local(error: ClientError) -> Self {
		Self { endpoint: None, error, others: Vec::new() }
	}
}

impl From<ClientError> for FailoverError {
	fn from(error: ClientError) -> Self {
		Self::local(error)
	}
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
	) -> Result<Failover<T>, FailoverError>
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
		let (endpoint, error) = failures.remove(best);
		Err(FailoverError { endpoint: Some(endpoint), error, others: failures })
	}
}
