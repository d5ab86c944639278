//! Publishing a device's next epoch, singly or in batches.

use crate::*;
use frame_support::{ensure, pallet_prelude::*, storage::with_storage_layer};
use keyshards_primitives::{ShardCount, ShardSubmission};
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// Checks the shape of a submission against the fleet's shard count: exactly `n`
	/// ciphertexts of `32 / n + 16` bytes each.
	pub(crate) fn check_submission(
		submission: &ShardSubmission,
		count: ShardCount,
	) -> DispatchResult {
		ensure!(submission.ciphertexts.len() == count.len(), Error::<T>::WrongShardCount);
		ensure!(
			submission.ciphertexts.iter().all(|c| c.len() == count.ciphertext_len()),
			Error::<T>::WrongCiphertextLength
		);
		Ok(())
	}

	/// The largest ciphertext count in a batch: what its weight is computed for.
	pub fn batch_shard_count(items: &[PublishItem]) -> u32 {
		items.iter().map(|item| item.submission.ciphertexts.len() as u32).max().unwrap_or(1).max(1)
	}

	/// Publishes one device epoch for `publisher`, already checked to be a KSG authority of
	/// `fleet` (whose record is `info`).
	///
	/// Writes the new epoch record and the device record; when the device's current key has
	/// been used, also marks that epoch superseded.
	pub(crate) fn do_publish(
		publisher: &T::AccountId,
		fleet: FleetId,
		info: &FleetInfo<T>,
		item: &PublishItem,
	) -> DispatchResult {
		let PublishItem { device, epoch, submission } = item;
		let epoch = *epoch;
		Self::check_submission(submission, info.params.shard_count)?;
		let now = frame_system::Pallet::<T>::block_number();

		Devices::<T>::try_mutate(fleet, device, |maybe| -> DispatchResult {
			let record = maybe.as_mut().ok_or(Error::<T>::UnknownDevice)?;
			let next = record.next_epoch().ok_or(Error::<T>::EpochsExhausted)?;
			ensure!(epoch >= next, Error::<T>::StaleEpoch);
			ensure!(epoch == next, Error::<T>::EpochGap);
			ensure!(
				record.retained() < T::MaxRetainedEpochs::get() as u64,
				Error::<T>::TooManyRetainedEpochs
			);
			let mut settled = record.clone().settled(now);
			ensure!(settled.pending.is_none(), Error::<T>::PendingEpochExists);

			// The new window begins when the current key's ends, or now if the device has no
			// usable key (none, revoked, expired or used; a used key is superseded now).
			let (valid_from, superseded) = match settled.current {
				Some(current) if !current.used => (current.expires_at, None),
				Some(current) => (now, Some(current.epoch)),
				None => (now, None),
			};
			let expires_at = valid_from.saturating_add(info.params.rotation_period);
			let slot = Slot { epoch, valid_from, expires_at, used: false };
			if valid_from > now {
				settled.pending = Some(slot);
			} else {
				settled.current = Some(slot);
			}
			settled.next_epoch.saturating_inc();

			if let Some(old) = superseded {
				Self::invalidate_record(fleet, device, old, now, InvalidationReason::Superseded)?;
				Self::deposit_event(Event::EpochInvalidated {
					fleet,
					device: device.clone(),
					epoch: old,
					reason: InvalidationReason::Superseded,
					by: None,
				});
			}
			Epochs::<T>::insert(
				(fleet, device, epoch),
				EpochRecord {
					public_key: submission.public_key,
					ciphertexts: submission.ciphertexts.clone(),
					valid_from,
					expires_at,
					invalidated: None,
					used: None,
				},
			);
			*record = settled;
			Self::deposit_event(Event::ShardsPublished {
				fleet,
				device: device.clone(),
				epoch,
				publisher: publisher.clone(),
				public_key: submission.public_key,
				valid_from,
				expires_at,
			});
			Ok(())
		})
	}

	/// Publishes each item on its own; a refused item is rolled back, reported in a
	/// `PublishRefused` event and skipped. Returns how many were published.
	pub(crate) fn do_publish_batch(
		publisher: &T::AccountId,
		fleet: FleetId,
		info: &FleetInfo<T>,
		items: &[PublishItem],
	) -> u32 {
		let mut published = 0;
		for item in items {
			match with_storage_layer(|| Self::do_publish(publisher, fleet, info, item)) {
				Ok(()) => published += 1,
				Err(error) => Self::deposit_event(Event::PublishRefused {
					fleet,
					device: item.device.clone(),
					epoch: item.epoch,
					error,
				}),
			}
		}
		published
	}
}
