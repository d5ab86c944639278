//! Errors of the device client, each with its own process exit code.

use keyshards_primitives::{Epoch, QueryError};

/// Exit codes of `keyshard-device`, one per kind of refusal.
pub mod exit_code {
	/// Success.
	pub const OK: u8 = 0;
	/// Command-line usage error (from argument parsing).
	pub const USAGE: u8 = 2;
	/// A local file (key, state, record, payload) is missing, unreadable or malformed.
	pub const LOCAL_FILE: u8 = 3;
	/// No RPC endpoint answered, or an endpoint's answer was not well-formed.
	pub const RPC_UNAVAILABLE: u8 = 4;
	/// The chain has no such fleet, device or epoch, or the device has no active key.
	pub const NOT_ON_CHAIN: u8 = 5;
	/// Rollback: an epoch older than one already accepted was served.
	pub const ROLLBACK: u8 = 10;
	/// Freeze: the map served as current is invalidated or outside its window.
	pub const FROZEN: u8 = 11;
	/// Faulty pieces: pieces that do not belong to this device epoch, do not decrypt under
	/// this device's keys, or decrypt to a scalar that is not their public piece (each named
	/// with the account that published it).
	pub const FAULTY_PIECES: u8 = 12;
	/// Mix-and-match: data of another chain, device, registration or epoch, or a map whose
	/// public key is not the sum of its pieces.
	pub const MIX_AND_MATCH: u8 = 13;
	/// The key has already signed a payload (the chain refuses the use, or this device
	/// signed another payload with it).
	pub const KEY_ALREADY_USED: u8 = 14;
	/// A signature record does not verify (signature, chain public key or chain use record).
	pub const VERIFY_FAILED: u8 = 15;
	/// The chain refused a transaction for another reason.
	pub const TX_REFUSED: u8 = 16;
	/// Timed out waiting for finality.
	pub const TIMEOUT: u8 = 17;
	/// A signature failed its own check before release (a fault while signing): nothing was
	/// released.
	pub const SIGNATURE_FAULT: u8 = 18;
}

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
	/// The process exit code for this error (see [`exit_code`]).
	pub fn exit_code(&self) -> u8 {
		use exit_code::*;
		match self {
			Self::KeyFile(_) | Self::LocalFile { .. } | Self::Invalid(_) => LOCAL_FILE,
			Self::Rpc { .. } => RPC_UNAVAILABLE,
			Self::NotOnChain(_) => NOT_ON_CHAIN,
			Self::Rollback { .. } => ROLLBACK,
			Self::Frozen { .. } => FROZEN,
			Self::FaultyPieces { .. } => FAULTY_PIECES,
			Self::AlreadySigned { .. } => KEY_ALREADY_USED,
			Self::MixAndMatch(_) => MIX_AND_MATCH,
			Self::KeyAlreadyUsed { .. } => KEY_ALREADY_USED,
			Self::Verify(_) => VERIFY_FAILED,
			Self::Refused(_) => TX_REFUSED,
			Self::Timeout(_) => TIMEOUT,
			Self::SignatureFault => SIGNATURE_FAULT,
		}
	}

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
