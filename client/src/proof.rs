//! What a device checks so that no RPC endpoint has to be trusted: a GRANDPA justification of the
//! block it reads (signed by more than 2/3 of its trust anchor's authority weight), that block's
//! header, and read proofs of the storage it reads against that header's state root.
//!
//! Pure functions of the bytes an endpoint served and the [`TrustAnchor`]: an endpoint can
//! withhold or delay answers, not change what they prove.

use crate::anchor::TrustAnchor;
use codec::{Decode, DecodeAll, Encode};
use sp_consensus_grandpa::{AuthorityId, AuthoritySignature, GrandpaJustification};
use sp_runtime::traits::{BlakeTwo256, Header as _};
use std::collections::{BTreeMap, BTreeSet};

/// The chain's header type.
pub type Header = sp_runtime::generic::Header<u32, BlakeTwo256>;
/// The chain's block hash type.
pub type Hash = sp_core::H256;

/// `grandpa_proveFinality`'s answer (SCALE): the justified block, its justification, and the
/// headers from the block asked about up to the justified one.
#[derive(Decode, Encode)]
pub struct FinalityProof {
	/// The justified block.
	pub block: Hash,
	/// The GRANDPA justification (SCALE).
	pub justification: Vec<u8>,
	/// Headers after the block asked about, up to the justified block.
	pub unknown_headers: Vec<Header>,
}

/// Why an endpoint's proof was refused. Each names what does not hold.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofError {
	/// Bytes that do not decode as what they should be.
	#[error("malformed {0}")]
	Malformed(&'static str),
	/// The justification is for another block than the proof claims.
	#[error("the justification is for block 0x{justified}, the proof claims block 0x{claimed}")]
	WrongTarget {
		/// The commit's target.
		justified: String,
		/// The proof's block.
		claimed: String,
	},
	/// A precommit by a key outside the anchor's authority set.
	#[error(
		"a precommit is signed by 0x{0}, which is not in the trust anchor's authority set \
		 (another chain, or a later authority set: re-provision the trust anchor from a trusted \
		 node)"
	)]
	UnknownAuthority(String),
	/// An authority signed two precommits.
	#[error("authority 0x{0} signed two precommits")]
	DuplicateVoter(String),
	/// A precommit's signature does not verify for the justification's round and the anchor's
	/// authority set.
	#[error(
		"the precommit of authority 0x{authority} does not verify for round {round} of authority \
		 set {set_id}"
	)]
	BadSignature {
		/// The authority.
		authority: String,
		/// The round.
		round: u64,
		/// The anchor's set id.
		set_id: u64,
	},
	/// A precommit's target does not descend from the commit target through the ancestry given.
	#[error("the precommit of authority 0x{0} is not for a descendant of the justified block")]
	NotDescendant(String),
	/// The signers' weight is not more than 2/3 of the set's.
	#[error(
		"precommits carry {signed} of the authority set's weight {total}: more than 2/3 is needed"
	)]
	TooFewVotes {
		/// The weight of valid precommits.
		signed: u64,
		/// The set's total weight.
		total: u64,
	},
	/// Ancestry headers that no precommit needs (as GRANDPA itself refuses).
	#[error("the justification carries ancestry headers no precommit needs")]
	UnusedAncestry,
	/// The header served is not the justified block's.
	#[error(
		"the header served for block {number} hashes to 0x{served}, not to the justified block \
		 0x{justified} (another chain's or a forged header)"
	)]
	HeaderNotJustified {
		/// The header's number.
		number: u32,
		/// Its hash.
		served: String,
		/// The justified hash.
		justified: String,
	},
	/// A header announces a change of the GRANDPA authority set, which this client does not
	/// follow.
	#[error(
		"block {0} changes the GRANDPA authority set; this client does not follow set changes: \
		 re-provision the trust anchor from a trusted node"
	)]
	AuthoritySetChange(u32),
	/// A read proof does not prove the value of a key under the justified state root.
	#[error(
		"the read proof does not prove {what} under the state root of block {block}: {reason}"
	)]
	StateProof {
		/// Which record.
		what: String,
		/// The block.
		block: u32,
		/// Why.
		reason: String,
	},
}

/// The block a finality proof justifies, checked against `anchor`: its hash and number, and
/// how many precommits the justification carries.
///
/// Checks, as GRANDPA's own verification does: the justification's target is the proof's block;
/// every precommit is signed by a distinct authority of the anchor's set, for the
/// justification's round and the anchor's set id; every precommit's target is the justified
/// block or descends from it through the justification's ancestry headers (each of which is
/// used); and the signers carry more than 2/3 of the set's weight.
pub fn check_finality(
	anchor: &TrustAnchor,
	proof: &FinalityProof,
) -> Result<((Hash, u32), usize), ProofError> {
	let justification = GrandpaJustification::<Header>::decode_all(&mut &proof.justification[..])
		.map_err(|_| ProofError::Malformed("GRANDPA justification"))?;
	let commit = &justification.commit;
	if commit.target_hash != proof.block {
		return Err(ProofError::WrongTarget {
			justified: hex::encode(commit.target_hash),
			claimed: hex::encode(proof.block),
		});
	}
	let ancestry: BTreeMap<Hash, &Header> =
		justification.votes_ancestries.iter().map(|header| (header.hash(), header)).collect();
	let mut used = BTreeSet::new();
	let mut voters = BTreeSet::new();
	let mut signed = 0u64;
	let mut buffer = Vec::new();
	for vote in &commit.precommits {
		let id: [u8; 32] = vote.id.clone().into_inner().0;
		let weight =
			anchor.weight_of(&id).ok_or_else(|| ProofError::UnknownAuthority(hex::encode(id)))?;
		if !voters.insert(id) {
			return Err(ProofError::DuplicateVoter(hex::encode(id)));
		}
		let message = finality_grandpa::Message::Precommit(vote.precommit.clone());
		let valid = sp_consensus_grandpa::check_message_signature_with_buffer(
			&message,
			&AuthorityId::from(vote.id.clone()),
			&AuthoritySignature::from(vote.signature.clone()),
			justification.round,
			anchor.set_id,
			&mut buffer,
		);
		if !valid.is_valid() {
			return Err(ProofError::BadSignature {
				authority: hex::encode(id),
				round: justification.round,
				set_id: anchor.set_id,
			});
		}
		// The precommit's target, walked back to the commit target (the numbers signed must
		// be the headers').
		if vote.precommit.target_hash == commit.target_hash
			&& vote.precommit.target_number != commit.target_number
		{
			return Err(ProofError::NotDescendant(hex::encode(id)));
		}
		if let Some(header) = ancestry.get(&vote.precommit.target_hash) {
			if *header.number() != vote.precommit.target_number {
				return Err(ProofError::NotDescendant(hex::encode(id)));
			}
		}
		let mut current = vote.precommit.target_hash;
		while current != commit.target_hash {
			let header = ancestry
				.get(&current)
				.filter(|header| *header.number() > commit.target_number)
				.ok_or_else(|| ProofError::NotDescendant(hex::encode(id)))?;
			used.insert(current);
			current = *header.parent_hash();
		}
		signed = signed.saturating_add(weight);
	}
	if used.len() != ancestry.len() {
		return Err(ProofError::UnusedAncestry);
	}
	let total = anchor.total_weight();
	if u128::from(signed) * 3 <= u128::from(total) * 2 {
		return Err(ProofError::TooFewVotes { signed, total });
	}
	Ok(((commit.target_hash, commit.target_number), commit.precommits.len()))
}

/// The header of the justified block `(hash, number)`: `candidate` (the header of the block
/// asked about) or the last of the proof's headers, whichever hashes to it. Refused if none
/// does, or if any header served announces an authority-set change.
pub fn justified_header(
	(hash, number): (Hash, u32),
	candidate: Header,
	proof: &FinalityProof,
) -> Result<Header, ProofError> {
	for header in std::iter::once(&candidate).chain(&proof.unknown_headers) {
		if changes_authorities(header) {
			return Err(ProofError::AuthoritySetChange(*header.number()));
		}
	}
	let served = proof.unknown_headers.last().cloned().unwrap_or(candidate);
	if served.hash() != hash || *served.number() != number {
		return Err(ProofError::HeaderNotJustified {
			number: *served.number(),
			served: hex::encode(served.hash()),
			justified: hex::encode(hash),
		});
	}
	Ok(served)
}

/// Whether a header carries a GRANDPA scheduled or forced authority-set change.
fn changes_authorities(header: &Header) -> bool {
	header.digest().logs().iter().any(|log| {
		log.consensus_try_to::<sp_consensus_grandpa::ConsensusLog<u32>>(
			&sp_consensus_grandpa::GRANDPA_ENGINE_ID,
		)
		.is_some_and(|log| {
			matches!(
				log,
				sp_consensus_grandpa::ConsensusLog::ScheduledChange(_)
					| sp_consensus_grandpa::ConsensusLog::ForcedChange(..)
			)
		})
	})
}

/// The values of `keys` (each named for errors) proved by the trie nodes `proof` under
/// `header`'s state root: `None` for a key the proof shows absent.
pub fn read_proven(
	header: &Header,
	proof: Vec<Vec<u8>>,
	keys: &[(&str, &[u8])],
) -> Result<Vec<Option<Vec<u8>>>, ProofError> {
	let db = sp_trie::StorageProof::new(proof).into_memory_db::<BlakeTwo256>();
	keys.iter()
		.map(|(what, key)| {
			sp_trie::read_trie_value::<sp_trie::LayoutV1<BlakeTwo256>, _>(
				&db,
				header.state_root(),
				key,
				None,
				None,
			)
			.map_err(|e| ProofError::StateProof {
				what: what.to_string(),
				block: *header.number(),
				reason: e.to_string(),
			})
		})
		.collect()
}

/// Decodes a proven value as `T`, naming what it is if it does not decode.
pub fn decode_proven<T: Decode>(
	what: &str,
	block: u32,
	value: Option<Vec<u8>>,
) -> Result<Option<T>, ProofError> {
	value
		.map(|bytes| {
			T::decode(&mut &bytes[..]).map_err(|_| ProofError::StateProof {
				what: what.to_string(),
				block,
				reason: "the proven value does not decode as this client's record type".into(),
			})
		})
		.transpose()
}
