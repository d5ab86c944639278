//! How a device reads the chain: [`Trust::Proven`] (the default) proves every answer against its
//! [`TrustAnchor`]; [`Trust::InsecureStateCall`] believes an endpoint's `state_call` answers (an
//! explicit, off-by-default fallback for chains that cannot prove finality).

use crate::{
	anchor::TrustAnchor,
	proof::{self, FinalityProof, Hash, Header, ProofError},
	rpc::{BlockRef, Endpoint},
	AccountId, Balance, BlockNumber, ClientError, FleetId,
};
use codec::DecodeAll;
use keyshards_primitives::{
	v2::{
		storage::{self, DeviceInfo, FleetRecord},
		EpochRecord, MaxPiecesBound,
	},
	DeviceId, Epoch,
};
use sp_runtime::traits::Header as _;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A fleet's record as a device decodes it (bounds at least the chain's).
pub type Fleet = FleetRecord<
	AccountId,
	Balance,
	BlockNumber,
	sp_runtime::traits::ConstU32<{ keyshards_primitives::v2::MAX_HOLDERS as u32 }>,
	sp_runtime::traits::ConstU32<{ u32::MAX }>,
	MaxPiecesBound,
>;
/// A device id's record as a device decodes it.
pub type Device = DeviceInfo<Balance, BlockNumber>;
/// An epoch's record as a device decodes it.
pub type EpochOf = EpochRecord<AccountId, BlockNumber, MaxPiecesBound>;

/// How a device reads the chain.
#[derive(Clone, Debug)]
pub enum Trust {
	/// Every answer is proved: a GRANDPA justification by more than 2/3 of the anchor's
	/// authority weight for the block read, read proofs against its state root, and the block's
	/// proven time (`Timestamp::Now`) no older than `max_age` by the device's clock.
	Proven {
		/// The chain and its authority set.
		anchor: TrustAnchor,
		/// The freshness bound.
		max_age: Duration,
	},
	/// The endpoint's `state_call` answers at the head it calls finalized are believed: any
	/// endpoint (or anyone on the path) can make the device sign with a revoked or expired key.
	InsecureStateCall,
}

impl Trust {
	/// The chain the trust is anchored in, if proven.
	pub fn anchor(&self) -> Option<&TrustAnchor> {
		match self {
			Self::Proven { anchor, .. } => Some(anchor),
			Self::InsecureStateCall => None,
		}
	}
}

/// A block whose finality the device proved: reads at it are proved against its state root.
pub struct ProvenBlock<'a> {
	endpoint: &'a Endpoint,
	header: Header,
	hash: Hash,
	stats: ProofStats,
}

impl<'a> ProvenBlock<'a> {
	/// The endpoint's latest finalized block, proved: `chain_getFinalizedHead` names it,
	/// `grandpa_proveFinality` justifies it (or a later block), and the justified block's header
	/// must hash to the justified hash.
	pub async fn finalized(
		endpoint: &'a Endpoint,
		anchor: &TrustAnchor,
	) -> Result<ProvenBlock<'a>, ClientError> {
		Ok(Self::finalized_with(endpoint, anchor, &[]).await?.0)
	}

	/// [`Self::finalized`], with the values of `keys` at the justified block, proved. Three
	/// round trips: the finalized head; its header and the read proof at it (one batch); the
	/// finality proof. (A fourth reads the keys again if the justified block is a later one.)
	pub async fn finalized_with(
		endpoint: &'a Endpoint,
		anchor: &TrustAnchor,
		keys: &[(&str, &[u8])],
	) -> Result<(ProvenBlock<'a>, Vec<Option<Vec<u8>>>), ClientError> {
		let named = endpoint.finalized_hash().await?;
		let raw: Vec<&[u8]> = keys.iter().map(|(_, key)| *key).collect();
		let (candidate, nodes) = endpoint.header_and_read_proof(&named, &raw).await?;
		let number = *candidate.number();
		let bytes = endpoint.prove_finality(number).await?.ok_or_else(|| ClientError::Rpc {
			endpoint: endpoint.url().into(),
			reason: format!(
				"grandpa_proveFinality: no finality proof for block {number} (withheld, or the \
				 chain has not finalised a block with GRANDPA yet)"
			),
		})?;
		let start = Instant::now();
		let finality = FinalityProof::decode_all(&mut &bytes[..])
			.map_err(|_| ProofError::Malformed("finality proof"))?;
		let (justified, precommits) = proof::check_finality(anchor, &finality)?;
		let header = proof::justified_header(justified, candidate, &finality)?;
		let stats = ProofStats {
			finality_proof_bytes: bytes.len(),
			precommits,
			finality_check_us: start.elapsed().as_secs_f64() * 1e6,
			..Default::default()
		};
		let mut block = ProvenBlock { endpoint, hash: justified.0, header, stats };
		let values = if justified.0 == named {
			block.check_read(nodes, keys)?
		} else {
			block.read(keys).await?
		};
		Ok((block, values))
	}

	/// [`Self::finalized_with`], the chain's time at the justified block (`Timestamp::Now`, ms)
	/// proved too and checked against `max_age` by the device's clock.
	pub async fn finalized_fresh(
		endpoint: &'a Endpoint,
		anchor: &TrustAnchor,
		max_age: Duration,
		keys: &[(&str, &[u8])],
	) -> Result<(ProvenBlock<'a>, Vec<Option<Vec<u8>>>), ClientError> {
		let now_key = storage::timestamp_now_key();
		let what = "the chain's time (Timestamp::Now)";
		let mut all = vec![(what, now_key.as_slice())];
		all.extend_from_slice(keys);
		let (block, mut values) = Self::finalized_with(endpoint, anchor, &all).await?;
		let number = block.number();
		let time: u64 = proof::decode_proven(what, number, values.remove(0))?.ok_or_else(|| {
			ProofError::StateProof { what: what.into(), block: number, reason: "absent".into() }
		})?;
		let clock = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
		let age = clock.saturating_sub(Duration::from_millis(time));
		if age > max_age {
			return Err(ClientError::Stale {
				block: number,
				age_secs: age.as_secs(),
				max_secs: max_age.as_secs(),
			});
		}
		Ok((block, values))
	}

	/// The block's number.
	pub fn number(&self) -> BlockNumber {
		*self.header.number()
	}

	/// The block as a reference.
	pub fn block_ref(&self) -> BlockRef {
		BlockRef { hash: format!("0x{}", hex::encode(self.hash)), number: self.number() }
	}

	/// What the proofs behind this block's reads so far cost.
	pub fn stats(&self) -> &ProofStats {
		&self.stats
	}

	/// The values of `keys` (each named) at this block, proved.
	pub async fn read(
		&mut self,
		keys: &[(&str, &[u8])],
	) -> Result<Vec<Option<Vec<u8>>>, ClientError> {
		let raw: Vec<&[u8]> = keys.iter().map(|(_, key)| *key).collect();
		let nodes = self.endpoint.read_proof(&raw, &self.hash).await?;
		self.check_read(nodes, keys)
	}

	/// Checks a read proof at this block, counting what it cost.
	fn check_read(
		&mut self,
		nodes: Vec<Vec<u8>>,
		keys: &[(&str, &[u8])],
	) -> Result<Vec<Option<Vec<u8>>>, ClientError> {
		self.stats.read_proofs += 1;
		self.stats.read_proof_nodes += nodes.len();
		self.stats.read_proof_bytes += nodes.iter().map(Vec::len).sum::<usize>();
		let start = Instant::now();
		let values = proof::read_proven(&self.header, nodes, keys);
		self.stats.read_check_us += start.elapsed().as_secs_f64() * 1e6;
		Ok(values?)
	}

	/// An epoch's record at this block, proved (`None` if absent).
	pub async fn epoch(
		&mut self,
		fleet: FleetId,
		device: &DeviceId,
		epoch: Epoch,
	) -> Result<Option<EpochOf>, ClientError> {
		let key = storage::epoch_key(fleet, device, epoch);
		let what = format!("epoch {epoch}'s record");
		let value = self.read(&[(&what, &key)]).await?.pop().flatten();
		Ok(proof::decode_proven(&what, self.number(), value)?)
	}
}

/// Decodes proven fleet and device records.
pub fn fleet_and_device(
	block: u32,
	mut values: Vec<Option<Vec<u8>>>,
) -> Result<(Option<Fleet>, Option<Device>), ClientError> {
	let device = proof::decode_proven("the device's record", block, values.pop().flatten())?;
	let fleet = proof::decode_proven("the fleet's record", block, values.pop().flatten())?;
	Ok((fleet, device))
}

/// Sizes and check times of the proofs behind one proven read (what a fetch cost the device,
/// reported by `bench-key`): the finality proof, and every read proof made at the block.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ProofStats {
	/// SCALE bytes of the `grandpa_proveFinality` answer.
	pub finality_proof_bytes: usize,
	/// Precommits in its justification.
	pub precommits: usize,
	/// Read proofs made at the block.
	pub read_proofs: usize,
	/// Bytes of their trie nodes.
	pub read_proof_bytes: usize,
	/// Their trie nodes.
	pub read_proof_nodes: usize,
	/// Microseconds to decode and check the finality proof and the header.
	pub finality_check_us: f64,
	/// Microseconds to check the read proofs.
	pub read_check_us: f64,
}
