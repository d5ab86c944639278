//! `KeyShardsApi`: everything a device, a KSG or an operator reads, for `state_call`.
//!
//! Every method evaluates the chain's state at the block it is called at: the states it reports
//! (pending, active, used, invalidated) are those of that block. A device calls it at a
//! finalized block.

use crate::{DeviceStatus, FleetId};
use alloc::vec::Vec;
use codec::Codec;
use keyshards_primitives::{DeviceBundle, DeviceId, Epoch, QueryError, UseRecord};

sp_api::decl_runtime_apis! {
	/// Queries of the key-shards pallet.
	#[api_version(1)]
	pub trait KeyShardsApi<BlockNumber, Fleet>
	where
		BlockNumber: Codec,
		Fleet: Codec,
	{
		/// The device's current bundle (Shard Map + shards): its active key, or its used key
		/// until a successor takes over. `NoActiveKey` if it has none.
		fn active_bundle(fleet: FleetId, device: DeviceId) -> Result<DeviceBundle<BlockNumber>, QueryError>;

		/// The bundle of one stored epoch of the device, in whatever state it is.
		fn bundle(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Result<DeviceBundle<BlockNumber>, QueryError>;

		/// The device's key status: next epoch to publish, current and pending epochs.
		fn device_status(fleet: FleetId, device: DeviceId) -> Result<DeviceStatus<BlockNumber>, QueryError>;

		/// Statuses of up to `limit` (at most 1,000) devices of a fleet, in storage order,
		/// starting after `start_after`: page through a fleet with the last id of each page.
		fn device_statuses(fleet: FleetId, start_after: Option<DeviceId>, limit: u32) -> Result<Vec<DeviceStatus<BlockNumber>>, QueryError>;

		/// The fleet record: owner, parameters, KSG authorities, device count, deposits.
		fn fleet(fleet: FleetId) -> Option<Fleet>;

		/// What the key of a device epoch signed, if it has (`None`: not used).
		fn use_record(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Result<Option<UseRecord<BlockNumber>>, QueryError>;
	}
}
