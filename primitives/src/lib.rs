//! # Keyshards protocol, version 2 (threshold KSG)
//!
//! The one place the protocol lives: the SCALE types that the chain stores and a device fetches,
//! and the derivations of `SPEC-v2.md`, in [`v2`] (pieces and who holds them, the derivations,
//! per-holder generation, the chain's checks, reconstruction, signing and verification). The
//! runtime, the off-chain KSG, the node's key source and the device client all use this crate;
//! none of them re-implements a derivation. Version 1 is gone: one protocol in the code.
//!
//! The crate root keeps what any version shares: device ids, the public byte types, the use
//! record, query errors, `H` and key files.
//!
//! `no_std` (with `alloc`) unless the `std` feature is on; builds for `wasm32v1-none` and needs no
//! randomness: everything is derived.
//!
//! Secrets (piece roots, publication seeds, device piece keys, generator keys, one-time keys)
//! are boxed, zeroized on drop, never `Clone`, `Encode` or `Display`, and print `[REDACTED]`
//! under `Debug`.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod dev;
mod error;
pub mod kdf;
#[cfg(feature = "std")]
pub mod keyfile;
mod types;
pub mod v2;

pub use error::Error;
pub use kdf::payload_hash;
pub use types::*;

/// The protocol version this crate implements.
pub const PROTOCOL_VERSION: u32 = 2;
