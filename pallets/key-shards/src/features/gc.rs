//! Garbage collection: invalidated epochs past their fleet's grace period are removed, by the
//! `prune` call, by `on_idle` within the block's spare weight, and (at most [`PRUNE_ON_OPEN`]
//! per device) when a device's next epoch opens, so retention never waits for `on_idle`.

use crate::*;
use frame_support::{pallet_prelude::*, weights::WeightMeter};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{DeviceId, Epoch};
use sp_runtime::Saturating;

/// Most epoch records an opening publication prunes of its device: one makes room for the epoch
/// it opens, so retention never blocks rotation. (Every publication of a group declares this
/// much, since any may open an epoch; `on_idle` and `prune` catch up on the rest.)
pub const PRUNE_ON_OPEN: u32 = 1;

impl<T: Config> Pallet<T> {
	/// Removes up to `max` of `device`'s prunable epochs, oldest first, stopping at the first that is not
	/// (epochs are removed in order, so the stored ones stay `oldest .. next_epoch`). Settles
	/// the record's live window (a pruned epoch is never live) and advances `record.oldest`;
	/// the caller writes the record if anything was removed. Returns how many were.
	pub(crate) fn prune_device(
		fleet: FleetId,
		device: &DeviceId,
		record: &mut DeviceInfoOf<T>,
		grace_period: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
		by: Option<T::AccountId>,
		max: u32,
	) -> u32 {
		let timeout = T::IncompleteTimeout::get();
		*record = record.clone().settled(now, timeout);
		let first = record.oldest;
		while record.oldest < record.next_epoch && record.oldest - first < u64::from(max) {
			// `oldest < next_epoch <= 2^32`, so the epoch fits.
			let epoch = record.oldest as Epoch;
			if Self::kept_by_record(record, epoch, grace_period, now) {
				break;
			}
			let key = (fleet, device, epoch);
			match Epochs::<T>::get(key) {
				Some(epoch_record)
					if now < epoch_record.invalid_from(timeout).saturating_add(grace_period) =>
				{
					break
				}
				Some(_) => Epochs::<T>::remove(key),
				None => {
					// Unreachable while the invariants hold; step over it rather than stall.
					log::warn!(target: LOG_TARGET, "epoch {epoch} of {device} in fleet {fleet} missing");
				}
			}
			record.oldest += 1;
		}
		let pruned = (record.oldest - first) as u32;
		if pruned > 0 {
			Self::deposit_event(Event::EpochsPruned {
				fleet,
				device: device.clone(),
				from: first as Epoch,
				to: (record.oldest - 1) as Epoch,
				by,
			});
		}
		pruned
	}

	/// Whether the device record alone shows that `epoch` cannot be pruned at `now`, so that its
	/// epoch record need not be read: it is the open epoch (every invalidation of an open epoch
	/// closes it, and a settled record has closed a timed-out one), or the current key's epoch
	/// within `grace_period` of the key's end (an epoch record is valid at least until its key
	/// stops being usable: a revocation ends the key when it invalidates the epoch, a use ends
	/// it earlier, a superseding epoch invalidates it no earlier than its end). That is every
	/// device in its first round, and in fleets whose grace period is shorter than their
	/// rotation period; not where it is as long (the oldest is then an expired epoch within its
	/// grace, still read). Call on a settled record.
	fn kept_by_record(
		record: &DeviceInfoOf<T>,
		epoch: Epoch,
		grace_period: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> bool {
		record.open.is_some_and(|open| open.epoch == epoch)
			|| record.current.is_some_and(|slot| {
				slot.epoch == epoch && now < slot.usable_until().saturating_add(grace_period)
			})
	}

	/// Whether opening `record`'s next epoch finds room: it keeps fewer than
	/// `MaxRetainedEpochs` epochs, or the opening can prune its oldest one.
	pub(crate) fn has_room(
		fleet: FleetId,
		device: &DeviceId,
		record: &DeviceInfoOf<T>,
		info: &FleetInfo<T>,
		now: BlockNumberFor<T>,
	) -> bool {
		if record.retained() < u64::from(T::MaxRetainedEpochs::get()) {
			return true;
		}
		let timeout = T::IncompleteTimeout::get();
		Epochs::<T>::get((fleet, device, record.oldest as Epoch)).is_some_and(|oldest| {
			now >= oldest.invalid_from(timeout).saturating_add(info.params.grace_period)
		})
	}

	/// Removes a device id of a destroyed fleet with its stored epochs; returns how many epochs.
	fn remove_device_of_destroyed_fleet(
		fleet: FleetId,
		device: &DeviceId,
		record: &DeviceInfoOf<T>,
	) -> u32 {
		// `oldest .. next_epoch` is at most `MaxRetainedEpochs` long: opening checks it.
		for epoch in record.oldest..record.next_epoch {
			Epochs::<T>::remove((fleet, device, epoch as Epoch));
		}
		if let Some(at) = record.attention_at() {
			DueIndex::<T>::remove((fleet, due_block(at), device));
		}
		Devices::<T>::remove(fleet, device);
		record.retained() as u32
	}

	/// `prune` for `device`: returns how many epochs were removed.
	pub(crate) fn do_prune(
		by: Option<T::AccountId>,
		fleet: FleetId,
		device: &DeviceId,
	) -> Result<u32, DispatchError> {
		let grace_period = Self::fleet(fleet)?.params.grace_period;
		let now = frame_system::Pallet::<T>::block_number();
		let stored = Self::device(fleet, device)?;
		let mut record = stored.clone();
		let pruned =
			Self::prune_device(fleet, device, &mut record, grace_period, now, by, u32::MAX);
		if pruned > 0 {
			Self::put_device(fleet, device, Some(&stored), record);
		}
		Ok(pruned)
	}

	/// How many devices `on_idle`'s collector may visit in this block: `MaxGcVisitsPerBlock` in
	/// a block whose normal class is empty, fewer the fuller it is (by execution time), and at
	/// least an eighth of it in a full one. Openings prune their own devices (`PRUNE_ON_OPEN`), so
	/// the sweep only reclaims what devices that stopped rotating keep: it gives way to the
	/// rotations that fill a busy block (each visit is a walk to the next device and a read of
	/// its record, in the trie of every fleet's devices), and never stops.
	pub(crate) fn gc_visits_allowed() -> u32 {
		let most = T::MaxGcVisitsPerBlock::get();
		let least = (most / 8).max(1).min(most);
		let weights = T::BlockWeights::get();
		let normal =
			weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block).ref_time();
		let used = frame_system::Pallet::<T>::block_weight().get(DispatchClass::Normal).ref_time();
		let free = sp_runtime::Perbill::from_rational(normal.saturating_sub(used), normal.max(1));
		least + free * (most - least)
	}

	/// `on_idle`'s collector: visits devices from where it stopped last time, pruning each,
	/// while a worst-case visit still fits in `limit` and at most [`Self::gc_visits_allowed`]
	/// times. When it reaches the last device it starts over in a later block. Returns the
	/// weight used.
	pub(crate) fn collect_garbage(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		if meter.try_consume(T::WeightInfo::on_idle_base()).is_err() {
			return Weight::zero();
		}
		let worst_visit = T::WeightInfo::gc_visit(T::MaxRetainedEpochs::get());
		let mut devices = match GcCursor::<T>::get() {
			Some(cursor) => Devices::<T>::iter_from(cursor.into_inner()),
			None => Devices::<T>::iter(),
		};
		// Devices of one fleet are adjacent (the fleet is the first key), so one read each.
		let mut fleet_cache: Option<(FleetId, BlockNumberFor<T>)> = None;
		let mut visits = 0;
		let mut wrapped = false;
		let allowed = Self::gc_visits_allowed();
		while visits < allowed && meter.can_consume(worst_visit) {
			let Some((fleet, device, stored)) = devices.next() else {
				wrapped = true;
				break;
			};
			visits += 1;
			let grace_period = match fleet_cache {
				Some((cached, grace)) if cached == fleet => grace,
				_ => match Fleets::<T>::get(fleet) {
					Some(info) => {
						fleet_cache = Some((fleet, info.params.grace_period));
						info.params.grace_period
					}
					None => {
						// A destroyed fleet's leftovers (tombstones and their epochs) go at once.
						let removed =
							Self::remove_device_of_destroyed_fleet(fleet, &device, &stored);
						meter.consume(T::WeightInfo::gc_visit(removed));
						continue;
					}
				},
			};
			let mut record = stored.clone();
			let pruned =
				Self::prune_device(fleet, &device, &mut record, grace_period, now, None, u32::MAX);
			if pruned > 0 {
				Self::put_device(fleet, &device, Some(&stored), record);
			}
			meter.consume(T::WeightInfo::gc_visit(pruned));
		}
		if wrapped {
			GcCursor::<T>::kill();
		} else if visits > 0 {
			match BoundedVec::try_from(devices.last_raw_key().to_vec()) {
				Ok(cursor) => GcCursor::<T>::put(cursor),
				Err(_) => GcCursor::<T>::kill(),
			}
		}
		meter.consumed()
	}
}
