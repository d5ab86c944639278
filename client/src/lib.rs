//! # Keyshards device client
//!
//! What a device does with the chain, as a library (the `keyshard-device` binary is argument
//! parsing and output around it):
//!
//! - provisioning without a station that holds roots: [`export_piece_keys`] (each holder, for
//!   its pieces) and [`assemble`] (a device's [`DeviceKeys`] from `t` holders' exports);
//! - [`fetch_key`]: read the device's active bundle (Shard Map + pieces) through the
//!   `KeyShardsApi` runtime API (`state_call`) at the latest finalized block, check it (chain,
//!   device, registration, epoch not older than the last accepted one, state and window),
//!   reconstruct the one-time key per SPEC v2 with `keyshards-primitives` (naming every faulty
//!   piece and its publisher), and check it against the map's public key;
//! - [`sign`] a payload per SPEC v2 (one payload per epoch, stored durably before the signature
//!   is released) and [`submit_use`] to record the key's one use on chain (a
//!   general transaction authorised by the signature itself: no account, no fee), waiting for
//!   finality;
//! - [`verify_record`]: anyone's check of a signature record against the chain;
//! - [`Endpoints`]: several RPC endpoints, failed over in order;
//! - [`StateFile`]: the highest epoch accepted (against rollback) and the payload signed.
//!
//! Every refusal is a [`ClientError`] with its own [`ClientError::exit_code`].

mod device;
mod error;
mod extrinsic;
mod keys;
mod record;
mod rpc;
mod state;

pub use device::{
	export_facts, fetch_key, fetch_key_at_epoch, sign, submit_use, verify_record, AcceptedKey,
	AccountId, DeviceConfig, FailoverError, Map, Verified,
};
pub use error::{exit_code, ClientError};
pub use extrinsic::{record_use_extrinsic, RECORD_USE_CALL_INDEX};
pub use keys::{assemble, export_piece_keys, DeviceKeys, FleetFacts, HolderExport};
pub use record::{device_text, parse_device, SignatureRecord};
pub use rpc::{BlockRef, Endpoint, Endpoints, Failover};
pub use state::StateFile;

/// The fleet identifier type of the chain (`pallet_key_shards::FleetId`).
pub type FleetId = u32;
/// The chain's block number type.
pub type BlockNumber = u32;
