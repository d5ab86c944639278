//! Exit codes of `keyshard-device`, one per kind of refusal. (Also included by the client's
//! integration tests, which check them.)

/// Success.
pub const OK: u8 = 0;
/// Command-line usage error: an unknown option, a malformed device id or RPC URL, a missing
/// trust anchor.
pub const USAGE: u8 = 2;
/// A local file (key, anchor, export, state, record, payload) is missing, unreadable or
/// malformed.
pub const LOCAL_FILE: u8 = 3;
/// No RPC endpoint answered, or an endpoint's answer was not well-formed.
pub const RPC_UNAVAILABLE: u8 = 4;
/// The chain has no such fleet, device or epoch, or the device has no active key.
pub const NOT_ON_CHAIN: u8 = 5;
/// Rollback: an epoch older than one already accepted was served.
pub const ROLLBACK: u8 = 10;
/// Freeze: the map served as current is invalidated or outside its window.
pub const FROZEN: u8 = 11;
/// Faulty pieces: pieces that do not belong to this device epoch, do not decrypt under this
/// device's keys, or decrypt to a scalar that is not their public piece (each named with the
/// account that published it).
pub const FAULTY_PIECES: u8 = 12;
/// Mix-and-match: data of another chain, device, registration or epoch, or a map whose public
/// key is not the sum of its pieces.
pub const MIX_AND_MATCH: u8 = 13;
/// The key has already signed a payload (the chain refuses the use, or this device signed
/// another payload with it).
pub const KEY_ALREADY_USED: u8 = 14;
/// A signature record does not verify (signature, chain public key or chain use record).
pub const VERIFY_FAILED: u8 = 15;
/// The chain refused a transaction for another reason.
pub const TX_REFUSED: u8 = 16;
/// Timed out waiting for finality (for a submitted use: no justified block recorded it).
pub const TIMEOUT: u8 = 17;
/// A signature failed its own check before release (a fault while signing): nothing was
/// released.
pub const SIGNATURE_FAULT: u8 = 18;
/// Unproven: an endpoint's finality proof (too few or unknown signers, a bad signature, a
/// header that is not the justified block's) or read proof does not prove its answer.
pub const UNPROVEN: u8 = 19;
/// Stale: the proven chain's time is older than `--max-age` (a valid but old view: freeze).
pub const STALE: u8 = 20;
