//! # Keyshards device client
//!
//! What a device does with the chain, as a library (the `keyshard-device` binary is argument
//! parsing and output around it):
//!
//! - provisioning without a station that holds roots: [`export_piece_keys`] (each holder, for
//!   its pieces) and [`assemble`] (a device's [`DeviceKeys`] from `t` holders' exports);
//! - [`provision`]: a [`TrustAnchor`] (the chain's genesis hash and GRANDPA authority set) from
//!   a node the operator trusts, once; everything after is proved from it;
//! - [`fetch_key`]: the device's active bundle at the latest finalized block, **proved**
//!   ([`Trust::Proven`]): a GRANDPA justification of the block by more than 2/3 of the anchor's
//!   authority weight, the justified header, `state_getReadProof` proofs of the fleet, device
//!   and epoch records and of `Timestamp::Now` (no older than a freshness bound) against its
//!   state root; then checked (chain, device, registration, epoch not older than the last
//!   accepted one, state and window, by the chain's own rules shared through
//!   `keyshards-primitives`), reconstructed per SPEC v2 (naming every faulty piece and its
//!   publisher) and checked against the map's public key. [`Trust::InsecureStateCall`] is the
//!   explicit, off-by-default fallback that believes an endpoint's runtime API answers;
//! - [`sign`] a payload per SPEC v2 (one payload per epoch, stored durably before the signature
//!   is released) and [`submit_use`] to record the key's one use on chain (a general
//!   transaction authorised by the signature itself: no account, no fee), waiting until a
//!   justified block's proven epoch record holds it;
//! - [`verify_record`]: anyone's check of a signature record against the proven chain;
//! - [`watch`] rotations, [`bench_key`];
//! - [`Endpoints`]: several RPC endpoints, failed over in order; a [`FailoverError`] names the
//!   endpoint whose answer was refused;
//! - [`StateFile`]: the highest epoch accepted (against rollback) and the payload signed, bound
//!   to one device of one chain.
//!
//! Every refusal is a typed [`ClientError`]; the `keyshard-device` binary maps them to exit
//! codes.

mod anchor;
mod device;
mod error;
mod extrinsic;
mod keys;
pub mod proof;
mod record;
mod rpc;
mod state;
mod view;

pub use anchor::{provision, TrustAnchor};
pub use device::{
	bench_key, export_facts, fetch_key, fetch_key_at_epoch, sign, submit_use, verify_record, watch,
	AcceptedKey, DeviceConfig, Latencies, Map, Verified, WatchEvent,
};
pub use error::ClientError;
pub use extrinsic::{record_use_extrinsic, RECORD_USE_CALL_INDEX};
pub use keys::{assemble, export_piece_keys, DeviceKeys, FleetFacts, HolderExport};
pub use record::{device_text, parse_device, SignatureRecord};
pub use rpc::{BlockRef, Endpoint, Endpoints, Failover, FailoverError};
pub use state::StateFile;
pub use view::{ProofStats, Trust};

/// The fleet identifier type of the chain (`pallet_key_shards::FleetId`).
pub type FleetId = u32;
/// The chain's block number type.
pub type BlockNumber = u32;
/// The chain's balance type (deposits in the fleet and device records).
pub type Balance = u128;
/// An account on chain (a publisher of pieces), as the runtime encodes it.
pub type AccountId = [u8; 32];
