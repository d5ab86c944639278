//! Errors of the device client library: typed, one variant per kind of refusal, never holding
//! secret material. The `keyshard-device` binary maps them to its exit codes.

use keyshards_primitives::{Epoch, QueryError};

/// Why a client operation failed. Never contains secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
	/// A key file was refused.
	#[error(transparent)]
	KeyFile(#[from] keyshards_primitives::keyfile::KeyFileError),
	/// Another local file (state, record, payload) is unusable.
	#[error("{path}: {reason}")]
	LocalFile {
		/// The file.
		path: String,
		/// What is wrong.
		reason: String,
	},
	/// A malformed argument.
	#[error("{0}")]
	Invalid(String),
	/// An endpoint did not answer, or answered something malformed.
	#[error("RPC endpoint {endpoint}: {reason}")]
	Rpc {
		/// The endpoint.
		endpoint: String,
		/// What went wrong.
		reason: String,
	},
	/// The chain has no answer for the query.
	#[error("the chain has {}", describe_query_error(.0))]
	NotOnChain(QueryError),

	/// An epoch older than the last accepted one was served.
	#[error("rollback refused: epoch {served} served, but epoch {accepted} was already accepted")]
	Rollback {
		/// The epoch served.
		served: Epoch,
		/// The highest epoch accepted before.
		accepted: Epoch,
	},
	/// The map served as current is not usable at the finalized block.
	#[error("frozen map refused: epoch {epoch} is {why}")]
	Frozen {
		/// The epoch served.
		epoch: Epoch,
		/// Why it is not current.
		why: String,
	},
	/// Pieces of the epoch are faulty; each is named with what is wrong and who published it.
	#[error("faulty pieces refused in epoch {epoch}: {}", describe_faults(.faults))]
	FaultyPieces {
		/// The epoch.
		epoch: Epoch,
		/// Per faulty piece: its number, the fault, and the account that published it (hex).
		faults: Vec<(u16, keyshards_primitives::v2::PieceFault, String)>,
	},
	/// This device already signed another payload with this epoch's key.
	#[error(
		"this device already signed another payload with the key of epoch {epoch} (payload hash \
		 {signed}); a one-time key signs one payload"
	)]
	AlreadySigned {
		/// The epoch.
		epoch: Epoch,
		/// The hash of the payload it signed.
		signed: String,
	},
	/// Map or shards of another device or epoch, or a key that does not match the public key.
	#[error("mix-and-match refused: {0}")]
	MixAndMatch(String),
	/// The chain refuses the use of a key that has already signed.
	#[error("the chain refuses: the key of epoch {epoch} has already signed a payload")]
	KeyAlreadyUsed {
		/// The epoch of the key.
		epoch: Epoch,
	},
	/// A signature record does not verify.
	#[error("verification failed: {0}")]
	Verify(String),
	/// The chain refused a transaction.
	#[error("the chain refused the transaction: {0}")]
	Refused(String),
	/// Timed out.
	#[error("timed out waiting for {0}")]
	Timeout(String),
	/// A signature failed its own check before release; nothing was released.
	#[error("the signature failed its own check and was not released (a fault while signing)")]
	SignatureFault,
	/// An endpoint's finality or state proof does not prove what it served.
	#[error("unproven answer refused: {0}")]
	Unproven(#[from] crate::proof::ProofError),
	/// The proven chain is older than the freshness bound: a valid but stale view (freeze).
	#[error(
		"stale chain refused (freeze): the justified block {block} is {age_secs} s old by this \
		 device's clock, more than the {max_secs} s allowed"
	)]
	Stale {
		/// The justified block.
		block: u32,
		/// Its age, seconds.
		age_secs: u64,
		/// The bound, seconds.
		max_secs: u64,
	},
}

fn describe_faults(faults: &[(u16, keyshards_primitives::v2::PieceFault, String)]) -> String {
	faults
		.iter()
		.map(|(k, fault, publisher)| format!("piece {k} ({fault}; published by {publisher})"))
		.collect::<Vec<_>>()
		.join(", ")
}

fn describe_query_error(error: &QueryError) -> &'static str {
	match error {
		QueryError::UnknownFleet => "no such fleet",
		QueryError::UnknownDevice => "no such device in this fleet",
		QueryError::UnknownEpoch => "no such epoch for this device (never published, or pruned)",
		QueryError::NoActiveKey => "no active key for this device now",
	}
}

impl ClientError {
	/// How much an error says about an endpoint: when every endpoint fails, the most telling
	/// error is reported (a refused attack over a chain answer over an unreachable endpoint).
	pub(crate) fn weight(&self) -> u8 {
		match self {
			Self::Rpc { .. } | Self::Timeout(_) => 0,
			Self::NotOnChain(_) | Self::Refused(_) => 1,
			_ => 2,
		}
	}

	/// Maps a reconstruction error of `keyshards-primitives` to the refusal it stands for,
	/// naming each faulty piece's publisher from `map`.
	pub(crate) fn from_reconstruct<B>(
		error: keyshards_primitives::Error,
		map: &keyshards_primitives::v2::ShardMap<[u8; 32], B>,
	) -> Self {
		use keyshards_primitives::Error as E;
		match error {
			E::FaultyPieces(faults) => Self::FaultyPieces {
				epoch: map.epoch,
				faults: faults
					.into_iter()
					.map(|(k, fault)| {
						let publisher = map.publishers.get(k as usize).map_or_else(
							|| "an unknown account".into(),
							|a| format!("0x{}", hex::encode(a)),
						);
						(k, fault, publisher)
					})
					.collect(),
			},
			other => Self::MixAndMatch(other.to_string()),
		}
	}
}
