//! How a device reads the chain: [`Trust::Proven`] (the default) proves every answer against its
//! [`TrustAnchor`]; [`Trust::InsecureStateCall`] believes an endpoint's `state_call` answers (an
//! explicit, off-by-default fallback for chains that cannot prove finality).

use crate::{
	anchor::TrustAnchor,
	proof::{self, FinalityProof, Hash, Header, ProofError},
	rpc::{BlockRef, Endpoint},
	AccountId, Balance, BlockNumber, ClientError, FleetId,
};
use codec::{Decode, DecodeAll};
use keyshards_primitives::{
	v2::{
		storage::{self, DeviceInfo, FleetRecord},
		EpochRecord, MaxPiecesBound,
	},
	DeviceId, Epoch,
};
use sp_runtime::traits::Header as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
		let finality = FinalityProof::decode_all(&mut &bytes[..])
			.map_err(|_| ProofError::Malformed("finality proof"))?;
		let justified = proof::check_finality(anchor, &finality)?;
		let header = proof::justified_header(justified, candidate, &finality)?;
		let block = ProvenBlock { endpoint, hash: justified.0, header };
		let values = if justified.0 == named {
			proof::read_proven(&block.header, nodes, keys)?
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

	/// The values of `keys` (each named) at this block, proved.
	pub async fn read(&self, keys: &[(&str, &[u8])]) -> Result<Vec<Option<Vec<u8>>>, ClientError> {
		let raw: Vec<&[u8]> = keys.iter().map(|(_, key)| *key).collect();
		let nodes = self.endpoint.read_proof(&raw, &self.hash).await?;
		Ok(proof::read_proven(&self.header, nodes, keys)?)
	}

	/// An epoch's record at this block, proved (`None` if absent).
	pub async fn epoch(
		&self,
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

/// Sizes and check times of one proven read of a device's records (for benchmarks): the
/// finality proof, then the two read proofs a fetch of the active key makes (fleet, device and
/// chain time; then the epoch).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProofStats {
	/// SCALE bytes of the `grandpa_proveFinality` answer.
	pub finality_proof_bytes: usize,
	/// Precommits in its justification.
	pub precommits: usize,
	/// Bytes of the trie nodes of both read proofs.
	pub read_proof_bytes: usize,
	/// Trie nodes of both read proofs.
	pub read_proof_nodes: usize,
	/// Microseconds to decode and check the finality proof and the header.
	pub finality_check_us: f64,
	/// Microseconds to check both read proofs and decode the records.
	pub read_check_us: f64,
}

/// Measures one proven read of `device`'s records through `endpoint` (see [`ProofStats`]).
pub async fn proof_stats(
	endpoint: &Endpoint,
	anchor: &TrustAnchor,
	fleet: FleetId,
	device: &DeviceId,
) -> Result<ProofStats, ClientError> {
	use std::time::Instant;
	let named = endpoint.finalized_hash().await?;
	let candidate = endpoint.header(&named).await?;
	let bytes = endpoint.prove_finality(*candidate.number()).await?.ok_or_else(|| {
		ClientError::Rpc { endpoint: endpoint.url().into(), reason: "no finality proof".into() }
	})?;
	let start = Instant::now();
	let finality = FinalityProof::decode(&mut &bytes[..])
		.map_err(|_| ProofError::Malformed("finality proof"))?;
	let justified = proof::check_finality(anchor, &finality)?;
	let header = proof::justified_header(justified, candidate, &finality)?;
	let finality_check = start.elapsed();
	let precommits = sp_consensus_grandpa::GrandpaJustification::<Header>::decode(
		&mut &finality.justification[..],
	)
	.map(|justification| justification.commit.precommits.len())
	.unwrap_or_default();

	let number = *header.number();
	let (fleet_key, device_key, time_key) = (
		storage::fleet_key(fleet),
		storage::device_key(fleet, device),
		storage::timestamp_now_key(),
	);
	let first: [(&str, &[u8]); 3] =
		[("time", &time_key), ("fleet", &fleet_key), ("device", &device_key)];
	let raw: Vec<&[u8]> = first.iter().map(|(_, key)| *key).collect();
	let nodes = endpoint.read_proof(&raw, &justified.0).await?;
	let (mut proof_bytes, mut proof_nodes) =
		(nodes.iter().map(Vec::len).sum::<usize>(), nodes.len());
	let start = Instant::now();
	let mut values = proof::read_proven(&header, nodes, &first)?;
	let device_record: Option<Device> =
		proof::decode_proven("device", number, values.pop().flatten())?;
	let _: Option<Fleet> = proof::decode_proven("fleet", number, values.pop().flatten())?;
	let mut read_check = start.elapsed();
	let epoch = device_record
		.and_then(|record| record.active_at(number))
		.ok_or(ClientError::NotOnChain(keyshards_primitives::QueryError::NoActiveKey))?
		.epoch;
	let epoch_key = storage::epoch_key(fleet, device, epoch);
	let nodes = endpoint.read_proof(&[epoch_key.as_slice()], &justified.0).await?;
	proof_bytes += nodes.iter().map(Vec::len).sum::<usize>();
	proof_nodes += nodes.len();
	let start = Instant::now();
	let value =
		proof::read_proven(&header, nodes, &[("epoch", epoch_key.as_slice())])?.pop().flatten();
	let _: Option<EpochOf> = proof::decode_proven("epoch", number, value)?;
	read_check += start.elapsed();
	Ok(ProofStats {
		finality_proof_bytes: bytes.len(),
		precommits,
		read_proof_bytes: proof_bytes,
		read_proof_nodes: proof_nodes,
		finality_check_us: finality_check.as_secs_f64() * 1e6,
		read_check_us: read_check.as_secs_f64() * 1e6,
	})
}
