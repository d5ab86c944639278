//! The KSG's key source: host functions through which the off-chain worker gets exactly the
//! derivations SPEC allows from the fleet roots its node holds, without ever seeing a root.
//!
//! The roots stay in the node process (zeroized memory, read once from a key file) or inside a
//! PKCS#11 token; the node hands a [`KeySource`] to off-chain worker calls only, as the
//! [`KeySourceExt`] externalities extension. Block import, block authoring, runtime API calls
//! and RPCs run without it, so there the host functions answer [`KeySourceError::NoKey`].
//!
//! A root is named by `(fleet, piece)`. SPEC v1 has one root per fleet: piece 0. SPEC v2 splits a
//! fleet's key generation into pieces, each with a root of its own; the node's command-line
//! syntax and these functions already name the piece, so neither changes with v2.
//!
//! What crosses into wasm is what the worker needs to build a publication and nothing more: the
//! list of `(fleet, piece)` pairs served, and a device's master key `M` (SPEC v1 derivation 1),
//! written into a buffer the caller owns and zeroizes. Never a root, never an HMAC of
//! caller-chosen bytes: the device id is the only input, and the derivation's label is fixed.

use crate::FleetId;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use keyshards_primitives::{DeviceId, DeviceMasterKey};
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead, PassPointerAndWrite},
	runtime_interface,
};

/// A root's number within its fleet (SPEC v2's piece `k`; always 0 under SPEC v1).
pub type PieceIndex = u16;

/// Why the key source gave no key. What went wrong in detail (which token, which object, which
/// file) is in the node's log: the runtime only learns that it has nothing to publish with.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug)]
pub enum KeySourceError {
	/// The node holds no root for this fleet and piece (or this call has no key source: it is
	/// not an off-chain worker call, or the node serves no fleet).
	NoKey,
	/// The root is configured but its holder cannot derive now (a PKCS#11 token that fails,
	/// is removed, or does not answer in time).
	Unavailable,
	/// The device id is not a SPEC device id (1 to 64 bytes).
	BadDeviceId,
}

/// What the node provides behind the host functions: its roots, by `(fleet, piece)`.
#[cfg(not(substrate_runtime))]
pub trait KeySource: Send + Sync {
	/// The `(fleet, piece)` pairs this node holds a root for, sorted, without repeats.
	fn served(&self) -> Vec<(FleetId, PieceIndex)>;

	/// `M = Expand(R, "keyshards/v1/device-master" || lp(D), 32)` under the root of
	/// `(fleet, piece)`.
	fn device_master_key(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		device: &DeviceId,
	) -> Result<DeviceMasterKey, KeySourceError>;
}

#[cfg(not(substrate_runtime))]
sp_externalities::decl_extension! {
	/// The node's [`KeySource`], registered for off-chain worker calls only.
	pub struct KeySourceExt(alloc::sync::Arc<dyn KeySource>);
}

#[cfg(not(substrate_runtime))]
impl KeySourceExt {
	/// Wraps a key source.
	pub fn new(source: alloc::sync::Arc<dyn KeySource>) -> Self {
		Self(source)
	}
}

/// The key source's host functions (`ext_ksg_key_source_*`). A node must register
/// [`ksg_key_source::HostFunctions`] in every executor that runs a runtime with this pallet.
#[runtime_interface]
pub trait KsgKeySource {
	/// The `(fleet, piece)` pairs whose roots this node holds; empty without a key source.
	fn served(&mut self) -> AllocateAndReturnByCodec<Vec<(FleetId, PieceIndex)>> {
		use sp_externalities::ExternalitiesExt;
		self.extension::<KeySourceExt>().map(|source| source.served()).unwrap_or_default()
	}

	/// Writes device `device`'s master key under the root of `(fleet, piece)` into `out`.
	/// On an error `out` is all zeros.
	fn device_master_key(
		&mut self,
		fleet: FleetId,
		piece: PieceIndex,
		device: PassFatPointerAndRead<&[u8]>,
		out: PassPointerAndWrite<&mut [u8; 32], 32>,
	) -> AllocateAndReturnByCodec<Result<(), KeySourceError>> {
		use sp_externalities::ExternalitiesExt;
		let device = DeviceId::new(device).map_err(|_| KeySourceError::BadDeviceId)?;
		let source = self.extension::<KeySourceExt>().ok_or(KeySourceError::NoKey)?;
		let master = source.device_master_key(fleet, piece, &device)?;
		out.copy_from_slice(master.expose_secret());
		Ok(())
	}
}

/// The worker's side: device `device`'s master key under the root of `(fleet, piece)`. The
/// buffer the host writes into is zeroized once the key is copied into its `SecretBox`.
pub fn device_master_key(
	fleet: FleetId,
	piece: PieceIndex,
	device: &DeviceId,
) -> Result<DeviceMasterKey, KeySourceError> {
	let mut out = zeroize::Zeroizing::new([0u8; 32]);
	ksg_key_source::device_master_key(fleet, piece, device.as_bytes(), &mut out)?;
	Ok(DeviceMasterKey::from_slice(&out[..]).expect("32 bytes; qed"))
}
