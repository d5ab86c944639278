//! The Key Shard Generator's interface: its signing key type, its settings, and the layout of
//! the node-local (off-chain, `PERSISTENT`) storage of its bookkeeping.
//!
//! The piece roots are not here: the worker gets publications and publication signatures only
//! through the node's key source ([`crate::key_source`]), which keeps the roots in the node's
//! memory or in a PKCS#11 token.
//! Off-chain storage holds only the worker's bookkeeping (cursor, in-flight notes, nonces),
//! under [`KSG_STORAGE_PREFIX`]: nothing secret, since any local process with the node's unsafe
//! RPC, or a copy of its database, can read and write it.

use crate::FleetId;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::crypto::KeyTypeId;
use sp_runtime::Perbill;

/// Key type of a KSG's signing account in the node keystore.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"ksgs");

/// Prefix of every off-chain storage key the KSG uses.
pub const KSG_STORAGE_PREFIX: &[u8] = b"keyshards/ksg/";

/// Off-chain storage key of the worker's mutual-exclusion lock. The node removes it at start
/// (a lock found then is a killed run's).
pub const LOCK_KEY: &[u8] = b"keyshards/ksg/lock";

/// The run waiting for the worker's lock (off-chain storage): the lock's value it waits for
/// (one holding) and its block. One run waits per holding; the others do nothing.
pub const WAITING_KEY: &[u8] = b"keyshards/ksg/waiting";

/// The latest block whose run took the worker's lock (off-chain storage): a run of an earlier
/// block does nothing (its state is older than what the node last acted on).
pub const LAST_RUN_KEY: &[u8] = b"keyshards/ksg/last-run";

/// Longest a run of the worker waits for the run before it to let go of the lock: about a
/// block of the dev chain. The node runs the worker on as many threads as it has cores (two
/// here), so a run that waits holds one of them, and the next blocks' runs queue behind it.
pub const WAIT_FOR_LOCK_MILLIS: u64 = 1_000;

/// Off-chain storage key of the node-start mark (SCALE `u64`): the node sets a new value each
/// time it starts, before its off-chain workers run. Its transaction pool starts empty, so the
/// worker takes what it submitted under another mark to be gone: every account's nonce starts
/// again from the chain's, together, and the pieces it had in flight are sent again at once.
/// (A node that does not set it leaves the worker to find lost transactions by their
/// accounts' nonces standing still for `retry_after` blocks.)
pub const NODE_START_KEY: &[u8] = b"keyshards/ksg/node-start";

/// Off-chain storage key where the worker notes the start mark it last ran under and the block
/// of its first run under it.
pub const START_SEEN_KEY: &[u8] = b"keyshards/ksg/node-start-seen";

/// Off-chain storage keys where nodes before the sealed key source kept the served fleets and
/// their roots in plaintext. A node erases them at start.
pub mod legacy {
	use super::*;

	/// SCALE `Vec<FleetId>` of the fleets served.
	pub const SERVED_FLEETS_KEY: &[u8] = b"keyshards/ksg/served-fleets";

	/// A fleet's root key (32 raw bytes).
	pub fn root_key_storage_key(fleet: FleetId) -> Vec<u8> {
		storage_key(b"root", &fleet)
	}
}

/// An off-chain storage key under [`KSG_STORAGE_PREFIX`]: `prefix || what || "/" || SCALE(id)`.
pub fn storage_key(what: &[u8], id: &impl Encode) -> Vec<u8> {
	let mut key = Vec::with_capacity(KSG_STORAGE_PREFIX.len() + what.len() + 1 + id.size_hint());
	key.extend_from_slice(KSG_STORAGE_PREFIX);
	key.extend_from_slice(what);
	key.push(b'/');
	id.encode_to(&mut key);
	key
}

/// The KSG's settings: when it publishes, how much it sends at once, how far it looks.
///
/// All of them are the runtime's (so every KSG node of a chain behaves alike, which the
/// primary/backup split between several KSGs of one fleet relies on).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct KsgSettings<BlockNumber> {
	/// Publications per `publish_pieces` group (capped by `MaxGroupSize` and by what the
	/// benchmarked weight lets one transaction carry).
	pub batch_size: u32,
	/// Most `publish_pieces` transactions one node plans per block (a block's worth; a run may
	/// send up to `blocks_ahead` times as many).
	pub max_batches_per_block: u32,
	/// Blocks' worth of groups a node that acts for **every** holder of every fleet it serves
	/// keeps in its pool: a run tops the pool up to this many (its accounts' transactions not
	/// yet in a block, counted by their nonces ahead of the chain's), so the next blocks find
	/// their groups there even when a run outlasts a block. Any other node sends a block's worth
	/// every run: its checks, and the conflicts they may send, must not wait behind a deeper
	/// queue (past the contest period), nor its primary pieces behind other holders' backups
	/// (`backup_delay`). 0 counts as 1. `retry_after` must exceed it by more than a block
	/// (asserted by the pallet's `integrity_test`, which the runtime's tests run).
	pub blocks_ahead: u32,
	/// Share of a block's normal class one node plans its `publish_pieces` transactions to be
	/// charged: a block's worth (a block with room left may take more of the pooled groups).
	/// Lighter transactions (uses, registrations, operators' calls) are not crowded out by it:
	/// untipped, a transaction's priority is how many like it fit a block, so the block takes
	/// them before a KSG's heavy groups.
	pub block_share: Perbill,
	/// Due devices of one fleet the worker examines per block, from the due index, most urgent
	/// first, after the ones it watches (at most half as many more, times `blocks_ahead` on a node
	/// that keeps a deep pool); a cursor resumes the due
	/// walk at the next block. The due devices are walked in `due / page_size` blocks, which should
	/// be well under every fleet's lead time for every key to be replaced before it expires.
	pub page_size: u32,
	/// Blocks a submitted publication counts as in flight: it is not sent again before.
	pub retry_after: BlockNumber,
	/// Blocks a piece must have been absent from an open epoch (or its device due with no epoch
	/// open) before a node that is not the piece's primary holder publishes it.
	pub backup_delay: BlockNumber,
}

/// Why a run of the worker did nothing or stopped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum KsgError {
	/// Another run of the worker on this node holds the lock (and did not let go of it within
	/// [`WAIT_FOR_LOCK_MILLIS`], or another run waits for it already), or a run of a later
	/// block took it before.
	Busy,
	/// The node has no key of type [`KEY_TYPE`] in its keystore.
	NoSigningKey,
}

/// What one run of the worker did, per fleet or in total.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct KsgReport {
	/// Devices examined.
	pub examined: u32,
	/// Piece publications generated and submitted.
	pub submitted: u32,
	/// Transactions submitted.
	pub transactions: u32,
	/// Pieces left to their primary holder (this node is a backup and they are not late yet).
	pub left_to_primary: u32,
	/// Pieces whose earlier submission is still in flight.
	pub in_flight: u32,
	/// Pieces present on chain that this node compared with its own.
	pub checked: u32,
	/// Of those, pieces that differed: this node published its own, making a conflict.
	pub contested: u32,
	/// Fleets skipped: unknown on chain, none of the node's keys acts for one of the fleet's
	/// holders, or the node's roots are not that holder's pieces.
	pub fleets_skipped: u32,
	/// Fleets whose run stopped because the key source could not derive (a failing token);
	/// the node's log names the token and object.
	pub key_source_failures: u32,
	/// Transactions the pool refused.
	pub pool_refusals: u32,
	/// Devices examined whose key had expired (not used, not revoked) with no next key usable
	/// yet: the fleet's KSGs are behind its rotation, and those devices cannot sign meanwhile.
	pub lapsed: u32,
}

impl core::ops::AddAssign for KsgReport {
	fn add_assign(&mut self, other: Self) {
		self.examined += other.examined;
		self.submitted += other.submitted;
		self.transactions += other.transactions;
		self.left_to_primary += other.left_to_primary;
		self.in_flight += other.in_flight;
		self.checked += other.checked;
		self.contested += other.contested;
		self.fleets_skipped += other.fleets_skipped;
		self.key_source_failures += other.key_source_failures;
		self.pool_refusals += other.pool_refusals;
		self.lapsed += other.lapsed;
	}
}

/// The KSG's signing key: sr25519 under [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		MultiSignature, MultiSigner,
	};
	app_crypto!(sr25519, KEY_TYPE);

	/// Binds the KSG key to a runtime whose accounts are `MultiSigner`s and whose
	/// signatures are `MultiSignature`s.
	pub struct KsgAuthority;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for KsgAuthority {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}
