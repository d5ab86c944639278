//! `KeyShardsApi`: everything an operator (or, as an insecure fallback, a device) reads, for
//! `state_call`.
//!
//! Every method evaluates the chain's state at the block it is called at: the states it reports
//! (incomplete, pending, active, used, invalidated) are those of that block.

use crate::{DeviceStatus, FleetId};
use alloc::vec::Vec;
use codec::Codec;
use keyshards_primitives::{v2::DeviceBundle, DeviceId, Epoch, QueryError, UseRecord};

sp_api::decl_runtime_apis! {
	/// Queries of the key-shards pallet.
	#[api_version(2)]
	pub trait KeyShardsApi<AccountId, BlockNumber, Fleet, Conflict>
	where
		AccountId: Codec,
		BlockNumber: Codec,
		Fleet: Codec,
		Conflict: Codec,
	{
		/// The device's bundle (Shard Map + pieces) for its active key. `NoActiveKey` if it has
		/// none at this block.
		fn active_bundle(fleet: FleetId, device: DeviceId) -> Result<DeviceBundle<AccountId, BlockNumber>, QueryError>;

		/// The bundle of one complete stored epoch of the device, in whatever state it is.
		fn bundle(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Result<DeviceBundle<AccountId, BlockNumber>, QueryError>;

		/// The device's schedule: registration, next epoch, current and open epochs.
		fn device_status(fleet: FleetId, device: DeviceId) -> Result<DeviceStatus<BlockNumber>, QueryError>;

		/// Statuses of up to `limit` (at most 1,000) devices of a fleet, in storage order,
		/// after `start_after`.
		fn device_statuses(fleet: FleetId, start_after: Option<DeviceId>, limit: u32) -> Result<Vec<DeviceStatus<BlockNumber>>, QueryError>;

		/// The fleet's record: owner, holders, threshold, publication keys, parameters.
		fn fleet(fleet: FleetId) -> Option<Fleet>;

		/// The use record of an epoch, if its key signed.
		fn use_record(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Result<Option<UseRecord<BlockNumber>>, QueryError>;

		/// The conflict recorded for an epoch, if any: both publications of the piece.
		fn conflict(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Option<Conflict>;
	}
}
