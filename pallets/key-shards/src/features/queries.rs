//! Read-only queries behind the runtime API and the view functions. States are evaluated at the
//! block read.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	v2::{DeviceBundle, EpochState},
	DeviceId, Epoch, QueryError, UseRecord,
};

/// Most devices [`Pallet::device_statuses`] returns at once.
pub const MAX_STATUS_PAGE: u32 = 1_000;

/// A bundle of this runtime.
pub type DeviceBundleOf<T> =
	DeviceBundle<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	fn query_device(
		fleet: FleetId,
		device: &DeviceId,
	) -> Result<(FleetInfo<T>, DeviceInfoOf<T>), QueryError> {
		let info = Fleets::<T>::get(fleet).ok_or(QueryError::UnknownFleet)?;
		let record = Devices::<T>::get(fleet, device).ok_or(QueryError::UnknownDevice)?;
		Ok((info, record))
	}

	/// The bundle of a complete epoch (`None` while incomplete), as read at this block.
	fn build_bundle(
		fleet: FleetId,
		device: &DeviceId,
		epoch: Epoch,
		record: EpochRecordOf<T>,
	) -> Option<DeviceBundleOf<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		DeviceBundle::from_record(&Self::context(fleet), device, epoch, record, now)
	}

	/// The bundle of epoch `epoch` of the device, whatever its state, once complete.
	pub fn bundle(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> Result<DeviceBundleOf<T>, QueryError> {
		Self::query_device(fleet, &device)?;
		let record = Epochs::<T>::get((fleet, &device, epoch)).ok_or(QueryError::UnknownEpoch)?;
		Self::build_bundle(fleet, &device, epoch, record).ok_or(QueryError::UnknownEpoch)
	}

	/// The bundle of the device's active key.
	pub fn active_bundle(
		fleet: FleetId,
		device: DeviceId,
	) -> Result<DeviceBundleOf<T>, QueryError> {
		let (_, record) = Self::query_device(fleet, &device)?;
		if record.registered.is_none() {
			return Err(QueryError::UnknownDevice);
		}
		let now = frame_system::Pallet::<T>::block_number();
		// The rule a device's proven read applies too (`DeviceInfo::active_at`).
		let current = record.active_at(now).ok_or(QueryError::NoActiveKey)?;
		let stored =
			Epochs::<T>::get((fleet, &device, current.epoch)).ok_or(QueryError::UnknownEpoch)?;
		Self::build_bundle(fleet, &device, current.epoch, stored).ok_or(QueryError::NoActiveKey)
	}

	fn status_of(
		fleet: FleetId,
		device: DeviceId,
		record: DeviceInfoOf<T>,
	) -> DeviceStatus<BlockNumberFor<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let timeout = T::IncompleteTimeout::get();
		let retained = record.retained() as u32;
		let next_epoch = record.next_epoch();
		let registered = record.registered.is_some();
		let registration = record.registration;
		let settled = record.settled(now, timeout);
		let state_of = |epoch: Epoch| {
			Epochs::<T>::get((fleet, &device, epoch))
				.map_or(EpochState::Invalidated, |r| r.state_at(now, timeout))
		};
		DeviceStatus {
			registered,
			registration,
			next_epoch,
			retained,
			current: settled.current.map(|slot| EpochStatus {
				epoch: slot.epoch,
				state: state_of(slot.epoch),
				since: slot.valid_from,
				until: Some(slot.valid_to),
			}),
			open: settled.open.map(|open| EpochStatus {
				epoch: open.epoch,
				state: state_of(open.epoch),
				since: open.completed.map_or(open.opened_at, |(_, slot)| slot.valid_from),
				until: open.completed.map(|(_, slot)| slot.valid_to),
			}),
			device,
		}
	}

	/// The device's schedule.
	pub fn device_status(
		fleet: FleetId,
		device: DeviceId,
	) -> Result<DeviceStatus<BlockNumberFor<T>>, QueryError> {
		let (_, record) = Self::query_device(fleet, &device)?;
		Ok(Self::status_of(fleet, device, record))
	}

	/// A page of the fleet's devices (registered and tombstones), in storage order, after
	/// `start_after`, at most [`MAX_STATUS_PAGE`].
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
		Ok(devices
			.take(limit)
			.map(|(device, record)| Self::status_of(fleet, device, record))
			.collect())
	}

	/// The fleet's record.
	pub fn fleet_info(fleet: FleetId) -> Option<FleetInfo<T>> {
		Fleets::<T>::get(fleet)
	}

	/// The use record of an epoch, if its key signed.
	pub fn use_record(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> Result<Option<UseRecord<BlockNumberFor<T>>>, QueryError> {
		Self::query_device(fleet, &device)?;
		let record = Epochs::<T>::get((fleet, &device, epoch)).ok_or(QueryError::UnknownEpoch)?;
		Ok(record.used)
	}

	/// The conflict recorded for an epoch, if any.
	pub fn conflict(fleet: FleetId, device: DeviceId, epoch: Epoch) -> Option<ConflictOf<T>> {
		Conflicts::<T>::get((fleet, device, epoch))
	}
}
