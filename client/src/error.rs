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
	/// The shards do not decrypt under this device's master key at all.
	pub const WRONG_MASTER_KEY: u8 = 6;
	/// Rollback: an epoch older than one already accepted was served.
	pub const ROLLBACK: u8 = 10;
	/// Freeze: the map served as current is invalidated or outside its window.
	pub const FROZEN: u8 = 11;
	/// Tampering: a shard does not decrypt (its ciphertext was altered).
	pub const TAMPERED: u8 = 12;
	/// Mix-and-match: shards or map of another device or epoch, or a key that does not match
	/// the map's public key.
	pub const MIX_AND_MATCH: u8 = 13;
	/// The chain refuses the use: the key has already signed a payload.
	pub const KEY_ALREADY_USED: u8 = 14;
	/// A signature record does not verify (signature, chain public key or chain use record).
	pub const VERIFY_FAILED: u8 = 15;
	/// The chain refused a transaction for another reason.
	pub const TX_REFUSED: u8 = 16;
	/// Timed out waiting for finality.
	pub const TIMEOUT: u8 = 17;
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
	/// The shards do not decrypt under this device's master key.
	#[error(
		"the shards do not decrypt under this device's master key (wrong master key or device)"
	)]
	WrongMasterKey,
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
	/// A shard does not decrypt: its ciphertext was altered.
	#[error("tampered shard refused: shard {index} does not decrypt (its ciphertext was altered)")]
	Tampered {
		/// The shard's index.
		index: u16,
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
			Self::WrongMasterKey => WRONG_MASTER_KEY,
			Self::Rollback { .. } => ROLLBACK,
			Self::Frozen { .. } => FROZEN,
			Self::Tampered { .. } => TAMPERED,
			Self::MixAndMatch(_) => MIX_AND_MATCH,
			Self::KeyAlreadyUsed { .. } => KEY_ALREADY_USED,
			Self::Verify(_) => VERIFY_FAILED,
			Self::Refused(_) => TX_REFUSED,
			Self::Timeout(_) => TIMEOUT,
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

	/// Maps a reconstruction error of `keyshards-primitives` to the refusal it stands for.
	pub(crate) fn from_reconstruct(error: keyshards_primitives::Error) -> Self {
		use keyshards_primitives::Error as E;
		match error {
			E::ShardTampered { index } | E::CiphertextLength { index, .. } => {
				Self::Tampered { index }
			}
			E::WrongMasterKey => Self::WrongMasterKey,
			other => Self::MixAndMatch(other.to_string()),
		}
	}
}
