//! The one transaction a device submits: `KeyShards::record_use`, as a general (version 5)
//! transaction authorised by the one-time key's own signature (`#[pallet::authorize]`), with no
//! signer, no nonce and no fee.
//!
//! Built here from its SCALE layout so the client does not link the runtime; a test checks the
//! bytes against the runtime's own `UncheckedExtrinsic`.

use crate::FleetId;
use codec::{Compact, Encode};
use keyshards_primitives::{DeviceId, Epoch, PayloadHash, Signature};

/// Pallet index of `KeyShards` in the runtime and call index of `record_use` in the pallet.
pub const RECORD_USE_CALL_INDEX: [u8; 2] = [10, 13];

/// Extrinsic format version 5, general transaction (`0b01` in the top bits).
const GENERAL_V5: u8 = 0b0100_0000 | 5;
/// Version of the runtime's transaction extension pipeline.
const EXTENSION_VERSION: u8 = 0;
/// The explicit parts of the extensions of a general transaction: immortal era, nonce 0, tip 0
/// (every other extension has none).
const EXTENSION_EXPLICIT: [u8; 3] = [0x00, 0x00, 0x00];

/// The encoded `record_use` transaction, ready for `author_submitExtrinsic`.
pub fn record_use_extrinsic(
	fleet: FleetId,
	device: &DeviceId,
	epoch: Epoch,
	payload_hash: &PayloadHash,
	signature: &Signature,
) -> Vec<u8> {
	let mut body = vec![GENERAL_V5, EXTENSION_VERSION];
	body.extend_from_slice(&EXTENSION_EXPLICIT);
	body.extend_from_slice(&RECORD_USE_CALL_INDEX);
	(fleet, device, epoch, payload_hash, signature).encode_to(&mut body);
	let mut extrinsic = Compact(body.len() as u32).encode();
	extrinsic.extend_from_slice(&body);
	extrinsic
}
