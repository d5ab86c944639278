//! Storage invariants, checked by `try_state` and after every test.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::Get};
use keyshards_primitives::Epoch;
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks that:
	/// - every fleet id is below `NextFleetId`, its holders and publication keys match `m` and
	///   `p`, every `W_k` is indexed, every holder has accounts and none acts twice;
	/// - a fleet's device count and device-deposit sum are those of its devices;
	/// - each owner's holds are exactly the sum of its fleets' deposits;
	/// - every device belongs to a fleet, stores exactly epochs `oldest .. next_epoch`, at most
	///   `MaxRetainedEpochs` of them, each with the fleet's shard count and ciphertext length;
	/// - a device's live slots match their epoch records, and its current key is not usable after
	///   its epoch is invalid;
	/// - no epoch record is left without its device;
	/// - the due index holds exactly one entry per registered device with work ahead, at the
	///   block its record names (`attention_at`), and nothing else.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let next_fleet = NextFleetId::<T>::get();
		let mut fleet_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut device_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();

		for (fleet, info) in Fleets::<T>::iter() {
			ensure!(u64::from(fleet) < next_fleet, "fleet id not below NextFleetId");
			ensure!(
				info.holders.len() == info.threshold.holders() as usize,
				"holders differ from m"
			);
			ensure!(
				info.publication_keys.len() == info.threshold.piece_count() as usize,
				"publication keys differ from p"
			);
			for key in info.publication_keys.iter() {
				ensure!(
					PublicationKeys::<T>::get(key) == Some(fleet),
					"W_k not indexed for its fleet"
				);
			}
			let mut accounts = alloc::collections::BTreeSet::new();
			for holder in info.holders.iter() {
				ensure!(!holder.is_empty(), "holder without accounts");
				for account in holder.iter() {
					ensure!(accounts.insert(account), "account acts twice");
				}
			}
			let mut devices = 0u32;
			let mut deposits = BalanceOf::<T>::zero();
			for (device, record) in Devices::<T>::iter_prefix(fleet) {
				if let Some(registered) = record.registered {
					devices += 1;
					deposits.saturating_accrue(registered.deposit);
				}
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
		for (fleet, _, record) in Devices::<T>::iter() {
			ensure!(
				Fleets::<T>::contains_key(fleet) || record.registered.is_none(),
				"registered device of an unknown fleet"
			);
		}
		let mut entries = 0usize;
		for ((fleet, at, device), ()) in DueIndex::<T>::iter() {
			entries += 1;
			let record =
				Devices::<T>::get(fleet, &device).ok_or("due entry of an unknown device")?;
			ensure!(
				record.attention_at().map(due_block) == Some(at),
				"due entry differs from the device's record"
			);
		}
		let expected = Devices::<T>::iter_values().filter(|r| r.attention_at().is_some()).count();
		ensure!(entries == expected, "a device with work ahead has no due entry");
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
		let timeout = T::IncompleteTimeout::get();
		for epoch in record.oldest..record.next_epoch {
			let stored = Epochs::<T>::get((fleet, device, epoch as Epoch))
				.ok_or("epoch missing inside the device's window")?;
			ensure!(
				stored.pieces.len() == info.threshold.piece_count() as usize,
				"epoch piece count differs from p"
			);
			ensure!(stored.registration <= record.registration, "epoch of a later registration");
			if let Some(completion) = stored.completion {
				ensure!(stored.pieces.iter().all(Option::is_some), "complete epoch misses a piece");
				ensure!(completion.valid_from < completion.valid_to, "epoch window reversed");
				ensure!(
					completion.valid_from >= completion.at.saturating_add(T::ContestPeriod::get()),
					"epoch window begins within its contest period"
				);
			}
		}
		if let Some(open) = record.open {
			let stored = Epochs::<T>::get((fleet, device, open.epoch))
				.ok_or("open slot without its epoch")?;
			ensure!(stored.invalidated.is_none(), "open slot is invalidated");
			ensure!(open.epoch as u64 + 1 == record.next_epoch, "open epoch is not the highest");
			match (open.completed, stored.completion) {
				(None, None) => {}
				(Some((at, slot)), Some(completion)) => ensure!(
					at == completion.at
						&& slot.valid_from == completion.valid_from
						&& slot.valid_to == completion.valid_to,
					"open slot window differs from its epoch"
				),
				_ => return Err("open slot completion differs from its epoch".into()),
			}
		}
		if let Some(current) = record.current {
			let stored = Epochs::<T>::get((fleet, device, current.epoch));
			if let Some(stored) = stored {
				let completion = stored.completion.ok_or("current slot of an incomplete epoch")?;
				ensure!(
					completion.valid_from == current.valid_from
						&& completion.valid_to == current.valid_to,
					"current slot window differs from its epoch"
				);
				// The collector relies on it (`kept_by_record`): the epoch stays valid at least
				// as long as its key is usable.
				ensure!(
					current.usable_until() <= stored.invalid_from(timeout),
					"current key usable after its epoch is invalid"
				);
			}
			if let Some(open) = record.open {
				ensure!(open.epoch > current.epoch, "open epoch not after current");
				if let Some((_, slot)) = open.completed {
					ensure!(slot.valid_from >= current.valid_from, "pending begins before current");
				}
			}
		}
		Ok(())
	}
}
