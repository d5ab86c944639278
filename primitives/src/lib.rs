//! # Keyshards protocol, version 1
//!
//! The one place the protocol lives: the SCALE types that the chain stores and a device fetches,
//! and the derivations of `SPEC.md` (device master key, key stream, shard keys, associated data,
//! shard identifiers, signed message). The runtime, the off-chain KSG and the device client all
//! use this crate; none of them re-implements a derivation.
//!
//! - KSG side: [`FleetRootKey::device_master_key`], then [`generate`] for each device epoch.
//! - Device side: [`DeviceBundle::reconstruct`] (or [`reconstruct`]), then
//!   [`OneTimeKey::sign`].
//! - Anyone: [`verify`] a signature against the chain's public key.
//!
//! `no_std` (with `alloc`) unless the `std` feature is on; builds for `wasm32v1-none` and needs no
//! randomness: everything is derived.
//!
//! Secrets ([`FleetRootKey`], [`DeviceMasterKey`], [`OneTimeKey`]) are boxed, zeroized on drop,
//! never `Clone`, `Encode` or `Display`, and print `[REDACTED]` under `Debug`.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod dev;
mod error;
pub mod kdf;
#[cfg(feature = "std")]
pub mod keyfile;
mod keys;
mod shards;
mod types;
pub mod v2;

pub use error::Error;
pub use kdf::{device_master_hmac_input, label, payload_hash, shard_id, signed_message};
pub use keys::{verify, DeviceMasterKey, FleetRootKey, OneTimeKey};
pub use shards::{generate, reconstruct, GeneratedShards};
pub use types::*;

/// The protocol version this crate implements.
pub const PROTOCOL_VERSION: u32 = 1;
