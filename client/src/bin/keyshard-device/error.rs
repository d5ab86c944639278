//! The binary's errors: a usage error, or a library error, each with its exit code.

use crate::exit_code;
use keyshards_client::{ClientError, FailoverError};

/// Why `keyshard-device` stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The command line asks for something that cannot be done as given.
	#[error("{0}")]
	Usage(String),
	/// A library refusal.
	#[error(transparent)]
	Client(#[from] ClientError),
	/// A refusal over several endpoints, naming the endpoint.
	#[error(transparent)]
	Failover(#[from] FailoverError),
}

impl Error {
	/// The process exit code.
	pub fn exit_code(&self) -> u8 {
		match self {
			Self::Usage(_) => exit_code::USAGE,
			Self::Client(error) => client_exit_code(error),
			Self::Failover(error) => client_exit_code(&error.error),
		}
	}
}

/// The exit code of a library refusal.
pub fn client_exit_code(error: &ClientError) -> u8 {
	use exit_code::*;
	match error {
		ClientError::KeyFile(_) | ClientError::LocalFile { .. } | ClientError::Invalid(_) => {
			LOCAL_FILE
		}
		ClientError::Rpc { .. } => RPC_UNAVAILABLE,
		ClientError::NotOnChain(_) => NOT_ON_CHAIN,
		ClientError::Rollback { .. } => ROLLBACK,
		ClientError::Frozen { .. } => FROZEN,
		ClientError::FaultyPieces { .. } => FAULTY_PIECES,
		ClientError::AlreadySigned { .. } | ClientError::KeyAlreadyUsed { .. } => KEY_ALREADY_USED,
		ClientError::MixAndMatch(_) => MIX_AND_MATCH,
		ClientError::Verify(_) => VERIFY_FAILED,
		ClientError::Refused(_) => TX_REFUSED,
		ClientError::Timeout(_) => TIMEOUT,
		ClientError::SignatureFault => SIGNATURE_FAULT,
		ClientError::Unproven(_) => UNPROVEN,
		ClientError::Stale { .. } => STALE,
		// A refusal this binary does not know yet (the library's errors are non-exhaustive).
		_ => RPC_UNAVAILABLE,
	}
}
