//! Storage invariants, checked by `try_state` and after every test.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::Get};
use keyshards_primitives::Epoch;
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks that:
	/// - every fleet id is below `NextFleetId`, has at least one KSG authority and none twice;
	/// - a fleet's device count and device-deposit sum are those of its devices;
	/// - each owner's holds are exactly the sum of its fleets' deposits;
	/// - every device belongs to a fleet, stores exactly epochs `oldest .. next_epoch`, at most
	///   `MaxRetainedEpochs` of them, each with the fleet's shard count and ciphertext length;
	/// - a device's live slots match their epoch records;
	/// - no epoch record is left without its device.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let next_fleet = NextFleetId::<T>::get();
		let mut fleet_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut device_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();

		for (fleet, info) in Fleets::<T>::iter() {
			ensure!(fleet < next_fleet, "fleet id not below NextFleetId");
			ensure!(!info.authorities.is_empty(), "fleet without KSG authorities");
			for (i, a) in info.authorities.iter().enumerate() {
				ensure!(!info.authorities[..i].contains(a), "duplicate KSG authority");
			}
			let mut devices = 0u32;
			let mut deposits = BalanceOf::<T>::zero();
			for (device, record) in Devices::<T>::iter_prefix(fleet) {
				devices += 1;
				deposits.saturating_accrue(record.deposit);
				Self::check_device(fleet, &info, &device, &record)?;
			}
			ensure!(devices == info.devices, "fleet device count differs from its devices");
			ensure!(devices <= T::MaxDevicesPerFleet::get(), "fleet over MaxDevicesPerFleet");
			ensure!(deposits == info.device_deposits, "fleet device deposits differ");
			fleet_holds.entry(info.owner.clone()).or_default().saturating_accrue(info.deposit);
			device_holds.entry(info.owner).or_default().saturating_accrue(deposits);
		}
		for (owner, total) in fleet_holds {
			ensure!(Self::held(HoldReason::FleetDeposit, &owner) == total, "fleet holds differ");
		}
		for (owner, total) in device_holds {
			ensure!(Self::held(HoldReason::DeviceDeposit, &owner) == total, "device holds differ");
		}
		for (fleet, _, _) in Devices::<T>::iter() {
			ensure!(Fleets::<T>::contains_key(fleet), "device of an unknown fleet");
		}
		for ((fleet, device, epoch), _) in Epochs::<T>::iter() {
			let record = Devices::<T>::get(fleet, &device).ok_or("epoch of an unknown device")?;
			let epoch = epoch as u64;
			ensure!(record.oldest <= epoch && epoch < record.next_epoch, "epoch outside window");
		}
		Ok(())
	}

	fn check_device(
		fleet: FleetId,
		info: &FleetInfo<T>,
		device: &keyshards_primitives::DeviceId,
		record: &DeviceInfoOf<T>,
	) -> Result<(), TryRuntimeError> {
		ensure!(record.oldest <= record.next_epoch, "device window reversed");
		ensure!(record.next_epoch <= 1u64 << 32, "device next epoch beyond u32");
		ensure!(
			record.retained() <= T::MaxRetainedEpochs::get() as u64,
			"device retains more than MaxRetainedEpochs"
		);
		let count = info.params.shard_count;
		for epoch in record.oldest..record.next_epoch {
			let stored = Epochs::<T>::get((fleet, device, epoch as Epoch))
				.ok_or("epoch missing inside the device's window")?;
			ensure!(stored.ciphertexts.len() == count.len(), "epoch shard count differs");
			ensure!(
				stored.ciphertexts.iter().all(|c| c.len() == count.ciphertext_len()),
				"epoch ciphertext length differs"
			);
			ensure!(stored.valid_from <= stored.expires_at, "epoch window reversed");
		}
		for slot in record.current.iter().chain(record.pending.iter()) {
			let stored = Epochs::<T>::get((fleet, device, slot.epoch))
				.ok_or("live slot without its epoch")?;
			ensure!(
				stored.valid_from == slot.valid_from && stored.expires_at == slot.expires_at,
				"live slot window differs from its epoch"
			);
			ensure!(stored.used.is_some() == slot.used, "live slot use flag differs");
			ensure!(stored.invalidated.is_none(), "live slot is invalidated");
		}
		if let (Some(current), Some(pending)) = (record.current, record.pending) {
			ensure!(pending.epoch > current.epoch, "pending epoch not after current");
			ensure!(pending.valid_from >= current.expires_at, "pending overlaps current");
		}
		Ok(())
	}
}
