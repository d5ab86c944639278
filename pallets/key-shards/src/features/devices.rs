//! Devices: registration (single and bulk) and deregistration.

use super::fleets::deposit_times;
use crate::*;
use alloc::collections::BTreeSet;
use frame_support::{ensure, pallet_prelude::*};
use keyshards_primitives::DeviceId;
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// The device, or `UnknownDevice`.
	pub(crate) fn device(
		fleet: FleetId,
		device: &DeviceId,
	) -> Result<DeviceInfoOf<T>, DispatchError> {
		Devices::<T>::get(fleet, device).ok_or_else(|| Error::<T>::UnknownDevice.into())
	}

	/// Registers `devices` in `fleet`, all or none.
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
		for device in devices {
			ensure!(seen.insert(device), Error::<T>::DuplicateDeviceInBatch);
			ensure!(
				!Devices::<T>::contains_key(fleet, device),
				Error::<T>::DeviceAlreadyRegistered
			);
		}

		let deposit = T::DeviceDeposit::get();
		let total = deposit_times::<T>(deposit, devices.len());
		Self::hold(HoldReason::DeviceDeposit, &who, total)?;

		let now = frame_system::Pallet::<T>::block_number();
		for device in devices {
			Devices::<T>::insert(
				fleet,
				device,
				DeviceInfo {
					deposit,
					registered_at: now,
					oldest: 0,
					next_epoch: 0,
					current: None,
					pending: None,
				},
			);
			Self::deposit_event(Event::DeviceRegistered { fleet, device: device.clone() });
		}
		info.devices.saturating_accrue(count);
		info.device_deposits.saturating_accrue(total);
		Fleets::<T>::insert(fleet, info);
		Ok(())
	}

	/// Removes a device with all its stored epochs; returns how many epochs were removed.
	pub(crate) fn do_deregister_device(
		who: T::AccountId,
		fleet: FleetId,
		device: DeviceId,
	) -> Result<u32, DispatchError> {
		let mut info = Self::ensure_owner(&who, fleet)?;
		let record = Self::device(fleet, &device)?;

		// `oldest .. next_epoch` is at most `MaxRetainedEpochs` long: publishing checks it.
		for epoch in record.oldest..record.next_epoch {
			Epochs::<T>::remove((fleet, &device, epoch as keyshards_primitives::Epoch));
		}
		let removed = record.retained() as u32;
		Devices::<T>::remove(fleet, &device);

		Self::release(HoldReason::DeviceDeposit, &who, record.deposit)?;
		info.devices.saturating_dec();
		info.device_deposits.saturating_reduce(record.deposit);
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::DeviceDeregistered { fleet, device, epochs_removed: removed });
		Ok(removed)
	}
}
