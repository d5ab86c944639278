//! Read-only queries behind the runtime API and the view functions.

use crate::*;
use alloc::vec::Vec;
use frame_support::BoundedVec;
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	shard_id, DeviceBundle, DeviceId, EncryptedShard, Epoch, QueryError, ShardMap, UseRecord,
};

/// Most devices one `device_statuses` page returns.
pub const MAX_STATUS_PAGE: u32 = 1_000;

impl<T: Config> Pallet<T> {
	fn query_device(
		fleet: FleetId,
		device: &DeviceId,
	) -> Result<(FleetInfo<T>, DeviceInfoOf<T>), QueryError> {
		let info = Fleets::<T>::get(fleet).ok_or(QueryError::UnknownFleet)?;
		let record = Devices::<T>::get(fleet, device).ok_or(QueryError::UnknownDevice)?;
		Ok((info, record))
	}

	/// The Shard Map and shards of a stored epoch, with the identifiers the chain derives.
	fn build_bundle(
		fleet: &FleetInfo<T>,
		device: &DeviceId,
		epoch: Epoch,
		record: EpochRecordOf<T>,
	) -> DeviceBundle<BlockNumberFor<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let ids: Vec<_> = (0..record.ciphertexts.len() as u16)
			.map(|index| shard_id(device, epoch, index))
			.collect();
		let shards: Vec<_> = ids
			.iter()
			.zip(record.ciphertexts.iter())
			.map(|(id, ciphertext)| EncryptedShard { id: *id, ciphertext: ciphertext.clone() })
			.collect();
		DeviceBundle {
			map: ShardMap {
				device: device.clone(),
				epoch,
				shard_count: fleet.params.shard_count,
				shard_ids: BoundedVec::truncate_from(ids),
				public_key: record.public_key,
				valid_from: record.valid_from,
				expires_at: record.expires_at,
				state: record.state_at(now),
			},
			shards: BoundedVec::truncate_from(shards),
		}
	}

	/// See `KeyShardsApi::bundle`.
	pub fn bundle(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> Result<DeviceBundle<BlockNumberFor<T>>, QueryError> {
		let (info, _) = Self::query_device(fleet, &device)?;
		let record = Epochs::<T>::get((fleet, &device, epoch)).ok_or(QueryError::UnknownEpoch)?;
		Ok(Self::build_bundle(&info, &device, epoch, record))
	}

	/// See `KeyShardsApi::active_bundle`.
	pub fn active_bundle(
		fleet: FleetId,
		device: DeviceId,
	) -> Result<DeviceBundle<BlockNumberFor<T>>, QueryError> {
		let (info, record) = Self::query_device(fleet, &device)?;
		let now = frame_system::Pallet::<T>::block_number();
		let current = record.settled(now).current.ok_or(QueryError::NoActiveKey)?;
		let stored =
			Epochs::<T>::get((fleet, &device, current.epoch)).ok_or(QueryError::UnknownEpoch)?;
		Ok(Self::build_bundle(&info, &device, current.epoch, stored))
	}

	fn status_of(device: DeviceId, record: DeviceInfoOf<T>) -> DeviceStatus<BlockNumberFor<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let retained = record.retained() as u32;
		let next_epoch = record.next_epoch();
		let registered_at = record.registered_at;
		let settled = record.settled(now);
		let status = |slot: Slot<BlockNumberFor<T>>| EpochStatus {
			epoch: slot.epoch,
			state: if now < slot.valid_from {
				keyshards_primitives::ShardState::Pending
			} else if slot.used {
				keyshards_primitives::ShardState::Used
			} else {
				keyshards_primitives::ShardState::Active
			},
			valid_from: slot.valid_from,
			expires_at: slot.expires_at,
		};
		DeviceStatus {
			device,
			registered_at,
			next_epoch,
			retained,
			current: settled.current.map(status),
			pending: settled.pending.map(status),
		}
	}

	/// See `KeyShardsApi::device_status`.
	pub fn device_status(
		fleet: FleetId,
		device: DeviceId,
	) -> Result<DeviceStatus<BlockNumberFor<T>>, QueryError> {
		let (_, record) = Self::query_device(fleet, &device)?;
		Ok(Self::status_of(device, record))
	}

	/// See `KeyShardsApi::device_statuses`.
	pub fn device_statuses(
		fleet: FleetId,
		start_after: Option<DeviceId>,
		limit: u32,
	) -> Result<Vec<DeviceStatus<BlockNumberFor<T>>>, QueryError> {
		if !Fleets::<T>::contains_key(fleet) {
			return Err(QueryError::UnknownFleet);
		}
		let limit = limit.min(MAX_STATUS_PAGE) as usize;
		let devices = match start_after {
			Some(after) => {
				Devices::<T>::iter_prefix_from(fleet, Devices::<T>::hashed_key_for(fleet, after))
			}
			None => Devices::<T>::iter_prefix(fleet),
		};
		Ok(devices.take(limit).map(|(device, record)| Self::status_of(device, record)).collect())
	}

	/// See `KeyShardsApi::fleet`.
	pub fn fleet_info(fleet: FleetId) -> Option<FleetInfo<T>> {
		Fleets::<T>::get(fleet)
	}

	/// See `KeyShardsApi::use_record`.
	pub fn use_record(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> Result<Option<UseRecord<BlockNumberFor<T>>>, QueryError> {
		Self::query_device(fleet, &device)?;
		let record = Epochs::<T>::get((fleet, &device, epoch)).ok_or(QueryError::UnknownEpoch)?;
		Ok(record.used)
	}
}
