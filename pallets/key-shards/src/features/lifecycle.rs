//! The life of an epoch after it opened: revocation by the owner, the one-time use of its key,
//! and the early activation of a pending epoch these cause.

use crate::{features::publish::chain_verify, invalid_use, *};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	v2::{DeviceEpoch, EpochState},
	DeviceId, Epoch, PayloadHash, Signature, UseRecord,
};
use sp_runtime::{
	traits::Saturating,
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityWithRefund, ValidTransaction,
	},
};

impl<T: Config> Pallet<T> {
	/// Marks an epoch record invalid from `now`.
	pub(crate) fn invalidate_record(
		fleet: FleetId,
		device: &DeviceId,
		epoch: Epoch,
		now: BlockNumberFor<T>,
		reason: InvalidationReason,
	) -> DispatchResult {
		Epochs::<T>::try_mutate((fleet, device, epoch), |record| {
			let record = record.as_mut().ok_or(Error::<T>::UnknownEpoch)?;
			record.invalidated = Some(Invalidation { at: now, reason });
			Ok(())
		})
	}

	/// The current key stopped being usable at `now`: a pending epoch's window moves to begin
	/// as soon as its contest period allows (SPEC: `b_from` is the later of the completion block
	/// plus `Δ` and the block the current key stops being usable).
	fn activate_early(
		fleet: FleetId,
		device: &DeviceId,
		record: &mut DeviceInfoOf<T>,
		now: BlockNumberFor<T>,
		rotation_period: BlockNumberFor<T>,
	) -> DispatchResult {
		let Some(open) = record.open.as_mut() else { return Ok(()) };
		let Some((completed_at, slot)) = open.completed.as_mut() else { return Ok(()) };
		let valid_from = completed_at.saturating_add(T::ContestPeriod::get()).max(now);
		if valid_from >= slot.valid_from {
			return Ok(());
		}
		let valid_to = valid_from.saturating_add(rotation_period);
		slot.valid_from = valid_from;
		slot.valid_to = valid_to;
		let epoch = slot.epoch;
		Epochs::<T>::try_mutate((fleet, device, epoch), |maybe| -> DispatchResult {
			let completion = maybe
				.as_mut()
				.and_then(|record| record.completion.as_mut())
				.ok_or(Error::<T>::UnknownEpoch)?;
			completion.valid_from = valid_from;
			completion.valid_to = valid_to;
			Ok(())
		})?;
		Self::deposit_event(Event::EpochActivatedEarly {
			fleet,
			device: device.clone(),
			epoch,
			valid_from,
			valid_to,
		});
		// SPEC: when a higher epoch of the id becomes active, the lower one is invalid from that
		// block (a used key reports `Used` no longer).
		if let Some(lower) = record.current.filter(|lower| lower.epoch < epoch) {
			let superseded =
				Epochs::<T>::mutate((fleet, device, lower.epoch), |maybe| match maybe.as_mut() {
					Some(lower) if lower.invalidated.is_none() => {
						lower.invalidated = Some(Invalidation {
							at: valid_from,
							reason: InvalidationReason::Superseded,
						});
						true
					}
					_ => false,
				});
			if superseded {
				Self::deposit_event(Event::EpochInvalidated {
					fleet,
					device: device.clone(),
					epoch: lower.epoch,
					reason: InvalidationReason::Superseded,
					by: None,
				});
			}
		}
		// The window may begin now.
		*record = record.clone().settled(now, T::IncompleteTimeout::get());
		Ok(())
	}

	pub(crate) fn do_invalidate(
		who: T::AccountId,
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> DispatchResult {
		let info = Self::ensure_owner(&who, fleet)?;
		let now = frame_system::Pallet::<T>::block_number();
		let timeout = T::IncompleteTimeout::get();
		let stored = Self::device(fleet, &device)?;
		let mut record = stored.clone().settled(now, timeout);
		let state = Epochs::<T>::get((fleet, &device, epoch))
			.ok_or(Error::<T>::UnknownEpoch)?
			.state_at(now, timeout);
		ensure!(state != EpochState::Invalidated, Error::<T>::AlreadyInvalidated);
		Self::invalidate_record(fleet, &device, epoch, now, InvalidationReason::Revoked)?;
		Self::deposit_event(Event::EpochInvalidated {
			fleet,
			device: device.clone(),
			epoch,
			reason: InvalidationReason::Revoked,
			by: Some(who),
		});

		if record.open.is_some_and(|open| open.epoch == epoch) {
			// The next publication opens the following epoch.
			record.open = None;
		} else if let Some(current) = record.current.as_mut().filter(|c| c.epoch == epoch) {
			current.ended = Some(current.ended.map_or(now, |ended| ended.min(now)));
			// The device lost its key: a pending epoch takes over as soon as it may.
			Self::activate_early(fleet, &device, &mut record, now, info.params.rotation_period)?;
		}
		Self::put_device(fleet, &device, Some(&stored), record);
		Ok(())
	}

	/// The checks a use must pass at `now`, shared by the pool and the block: the device is
	/// registered, the epoch's map is active and its signature verifies over the message the
	/// chain builds from the map.
	fn check_use(
		fleet: FleetId,
		device: &DeviceId,
		epoch: Epoch,
		payload_hash: &PayloadHash,
		signature: &Signature,
		now: BlockNumberFor<T>,
	) -> Result<EpochRecordOf<T>, Error<T>> {
		let record = Devices::<T>::get(fleet, device)
			.filter(|record| record.registered.is_some())
			.ok_or(Error::<T>::UnknownDevice)?;
		let epoch_record =
			Epochs::<T>::get((fleet, device, epoch)).ok_or(Error::<T>::UnknownEpoch)?;
		match epoch_record.state_at(now, T::IncompleteTimeout::get()) {
			EpochState::Active => {}
			EpochState::Used => return Err(Error::<T>::KeyAlreadyUsed),
			_ => return Err(Error::<T>::KeyNotActive),
		}
		// Deregistration invalidates the active epoch, so an active one is this registration's.
		ensure!(epoch_record.registration == record.registration, Error::<T>::KeyNotActive);
		let public_key =
			epoch_record.completion.as_ref().ok_or(Error::<T>::KeyNotActive)?.public_key;
		let at = DeviceEpoch {
			ctx: Self::context(fleet),
			device: device.clone(),
			registration: epoch_record.registration,
			epoch,
		};
		ensure!(
			chain_verify(&public_key.0, &at.signed_message(payload_hash), &signature.0),
			Error::<T>::BadSignature
		);
		Ok(epoch_record)
	}

	pub(crate) fn do_record_use(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
		payload_hash: PayloadHash,
		signature: Signature,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let mut epoch_record =
			Self::check_use(fleet, &device, epoch, &payload_hash, &signature, now)?;
		epoch_record.used = Some(UseRecord { payload_hash, signature, at: now });
		Epochs::<T>::insert((fleet, &device, epoch), epoch_record);
		Self::deposit_event(Event::KeyUsed { fleet, device: device.clone(), epoch, payload_hash });

		let stored = Self::device(fleet, &device)?;
		let mut record = stored.clone().settled(now, T::IncompleteTimeout::get());
		if let Some(current) = record.current.as_mut().filter(|c| c.epoch == epoch) {
			current.ended = Some(now);
		}
		// The key is spent: a pending epoch takes over as soon as its contest period allows.
		let period = Self::fleet(fleet)?.params.rotation_period;
		Self::activate_early(fleet, &device, &mut record, now, period)?;
		Self::put_device(fleet, &device, Some(&stored), record);
		Ok(())
	}

	/// `record_use`'s authorisation in the pool and in the block: the same checks as the call,
	/// with [`invalid_use`] codes, valid until the key's window ends.
	pub fn authorize_record_use(
		_source: TransactionSource,
		fleet: &FleetId,
		device: &DeviceId,
		epoch: &Epoch,
		payload_hash: &PayloadHash,
		signature: &Signature,
	) -> TransactionValidityWithRefund {
		let now = frame_system::Pallet::<T>::block_number();
		let record = Self::check_use(*fleet, device, *epoch, payload_hash, signature, now)
			.map_err(|error| match error {
				Error::<T>::KeyAlreadyUsed => {
					InvalidTransaction::Custom(invalid_use::KEY_ALREADY_USED)
				}
				Error::<T>::BadSignature => InvalidTransaction::BadProof,
				Error::<T>::KeyNotActive => InvalidTransaction::Custom(invalid_use::KEY_NOT_ACTIVE),
				_ => InvalidTransaction::Custom(invalid_use::UNKNOWN_KEY),
			})?;
		let valid_to = record.completion.map_or(now, |completion| completion.valid_to);
		let remaining: u64 = valid_to.saturating_sub(now).try_into().unwrap_or(u64::MAX).max(1);
		let validity = ValidTransaction::with_tag_prefix("KeyShardsRecordUse")
			.and_provides((fleet, device, epoch))
			.longevity(remaining)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}
}
