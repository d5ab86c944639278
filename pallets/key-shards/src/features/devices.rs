//! Devices: registration (single and bulk, re-registration of a tombstone) and deregistration.

use super::fleets::deposit_times;
use crate::*;
use alloc::collections::BTreeSet;
use frame_support::{ensure, pallet_prelude::*};
use keyshards_primitives::{v2::InvalidationReason, DeviceId};
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// The device, or `UnknownDevice`.
	pub(crate) fn device(
		fleet: FleetId,
		device: &DeviceId,
	) -> Result<DeviceInfoOf<T>, DispatchError> {
		Devices::<T>::get(fleet, device).ok_or_else(|| Error::<T>::UnknownDevice.into())
	}

	/// Writes a device's record (`before`: the record as stored, if any) and keeps the device's
	/// due-index entry in step with it. Every write of a device record goes through here.
	pub(crate) fn put_device(
		fleet: FleetId,
		device: &DeviceId,
		before: Option<&DeviceInfoOf<T>>,
		after: DeviceInfoOf<T>,
	) {
		let old = before.and_then(DeviceInfo::attention_at);
		let new = after.attention_at();
		if old != new {
			if let Some(at) = old {
				DueIndex::<T>::remove((fleet, due_block(at), device));
			}
			if let Some(at) = new {
				DueIndex::<T>::insert((fleet, due_block(at), device), ());
			}
		}
		Devices::<T>::insert(fleet, device, after);
	}

	/// Registers `devices` in `fleet`, all or none. A tombstone comes back with the next
	/// registration number and keeps its highest epoch.
	pub(crate) fn do_register_devices(
		who: T::AccountId,
		fleet: FleetId,
		devices: &[DeviceId],
	) -> DispatchResult {
		ensure!(!devices.is_empty(), Error::<T>::EmptyBatch);
		let mut info = Self::ensure_owner(&who, fleet)?;
		let count = devices.len() as u32;
		ensure!(
			info.devices.saturating_add(count) <= T::MaxDevicesPerFleet::get(),
			Error::<T>::FleetFull
		);
		let mut seen = BTreeSet::new();
		let mut records = alloc::vec::Vec::with_capacity(devices.len());
		let now = frame_system::Pallet::<T>::block_number();
		let deposit = T::DeviceDeposit::get();
		for device in devices {
			ensure!(seen.insert(device), Error::<T>::DuplicateDeviceInBatch);
			let before = Devices::<T>::get(fleet, device);
			let record = match before.clone() {
				None => DeviceInfo {
					registered: Some(Registered { deposit, at: now }),
					registration: 0,
					next_epoch: 0,
					last_opened_at: None,
					oldest: 0,
					current: None,
					open: None,
				},
				Some(record) if record.registered.is_some() => {
					return Err(Error::<T>::DeviceAlreadyRegistered.into())
				}
				Some(tombstone) => DeviceInfo {
					registered: Some(Registered { deposit, at: now }),
					registration: tombstone
						.registration
						.checked_add(1)
						.ok_or(Error::<T>::DeviceIdRetired)?,
					..tombstone
				},
			};
			records.push((before, record));
		}

		let total = deposit_times::<T>(deposit, devices.len());
		Self::hold(HoldReason::DeviceDeposit, &who, total)?;
		for (device, (before, record)) in devices.iter().zip(records) {
			let registration = record.registration;
			Self::put_device(fleet, device, before.as_ref(), record);
			Self::deposit_event(Event::DeviceRegistered {
				fleet,
				device: device.clone(),
				registration,
			});
		}
		info.devices.saturating_accrue(count);
		info.device_deposits.saturating_accrue(total);
		Fleets::<T>::insert(fleet, info);
		Ok(())
	}

	/// Deregisters a device: invalidates its open and active epochs, releases its deposit and
	/// leaves a tombstone (registration count, highest epoch, the stored epochs until pruned).
	pub(crate) fn do_deregister_device(
		who: T::AccountId,
		fleet: FleetId,
		device: DeviceId,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		let stored = Self::device(fleet, &device)?;
		let registered = stored.registered.ok_or(Error::<T>::UnknownDevice)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut record = stored.clone().settled(now, T::IncompleteTimeout::get());

		let mut ended = alloc::vec::Vec::new();
		if let Some(open) = record.open.take() {
			ended.push(open.epoch);
		}
		if let Some(current) = record.current.as_mut() {
			if current.usable_at(now) || now < current.valid_from {
				current.ended = Some(now);
				ended.push(current.epoch);
			}
		}
		for epoch in ended {
			Self::invalidate_record(fleet, &device, epoch, now, InvalidationReason::Deregistered)?;
			Self::deposit_event(Event::EpochInvalidated {
				fleet,
				device: device.clone(),
				epoch,
				reason: InvalidationReason::Deregistered,
				by: Some(who.clone()),
			});
		}
		record.registered = None;
		let registration = record.registration;
		Self::put_device(fleet, &device, Some(&stored), record);

		Self::release(HoldReason::DeviceDeposit, &who, registered.deposit)?;
		info.devices.saturating_dec();
		info.device_deposits.saturating_reduce(registered.deposit);
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::DeviceDeregistered { fleet, device, registration });
		Ok(())
	}
}
