//! The life of a published epoch after publication: revocation by the owner, the one-time use
//! of its key, and the early activation of a pending epoch these cause.

use crate::{invalid_use, *};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	signed_message, DeviceId, Epoch, PayloadHash, ShardState, Signature, UseRecord,
};
use sp_runtime::{
	traits::Saturating,
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityWithRefund, ValidTransaction,
	},
};

impl<T: Config> Pallet<T> {
	/// Marks an epoch record invalid from `now` for `reason`.
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

	/// Moves a pending epoch's window to begin at `now`; returns its new slot.
	fn activate_early(
		fleet: FleetId,
		device: &DeviceId,
		pending: Slot<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
		rotation_period: BlockNumberFor<T>,
	) -> Result<Slot<BlockNumberFor<T>>, DispatchError> {
		let expires_at = now.saturating_add(rotation_period);
		Epochs::<T>::try_mutate((fleet, device, pending.epoch), |record| -> DispatchResult {
			let record = record.as_mut().ok_or(Error::<T>::UnknownEpoch)?;
			record.valid_from = now;
			record.expires_at = expires_at;
			Ok(())
		})?;
		Self::deposit_event(Event::EpochActivatedEarly {
			fleet,
			device: device.clone(),
			epoch: pending.epoch,
			valid_from: now,
			expires_at,
		});
		Ok(Slot { epoch: pending.epoch, valid_from: now, expires_at, used: false })
	}

	pub(crate) fn do_invalidate(
		who: T::AccountId,
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
	) -> DispatchResult {
		let info = Self::ensure_owner(&who, fleet)?;
		let now = frame_system::Pallet::<T>::block_number();
		Devices::<T>::try_mutate(fleet, &device, |maybe| -> DispatchResult {
			let record = maybe.as_mut().ok_or(Error::<T>::UnknownDevice)?;
			let mut settled = record.clone().settled(now);

			let state = Epochs::<T>::get((fleet, &device, epoch))
				.ok_or(Error::<T>::UnknownEpoch)?
				.state_at(now);
			ensure!(state != ShardState::Invalidated, Error::<T>::AlreadyInvalidated);
			Self::invalidate_record(fleet, &device, epoch, now, InvalidationReason::Revoked)?;
			Self::deposit_event(Event::EpochInvalidated {
				fleet,
				device: device.clone(),
				epoch,
				reason: InvalidationReason::Revoked,
				by: Some(who),
			});

			if settled.current.is_some_and(|current| current.epoch == epoch) {
				// The device lost its key: the pending epoch, if any, takes over now.
				settled.current = match settled.pending.take() {
					Some(pending) => Some(Self::activate_early(
						fleet,
						&device,
						pending,
						now,
						info.params.rotation_period,
					)?),
					None => None,
				};
			} else if settled.pending.is_some_and(|pending| pending.epoch == epoch) {
				// The next publication takes the revoked epoch's place after the current key.
				settled.pending = None;
			}
			*record = settled;
			Ok(())
		})
	}

	pub(crate) fn do_record_use(
		fleet: FleetId,
		device: DeviceId,
		epoch: Epoch,
		payload_hash: PayloadHash,
		signature: Signature,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Devices::<T>::try_mutate(fleet, &device, |maybe| -> DispatchResult {
			let record = maybe.as_mut().ok_or(Error::<T>::UnknownDevice)?;
			let mut settled = record.clone().settled(now);
			// An active key is always the device's current one; anything else is not active.
			let current = settled.current.filter(|current| current.epoch == epoch);
			let pending = settled.pending.take();

			Epochs::<T>::try_mutate((fleet, &device, epoch), |maybe| -> DispatchResult {
				let epoch_record = maybe.as_mut().ok_or(Error::<T>::UnknownEpoch)?;
				match epoch_record.state_at(now) {
					ShardState::Active => {}
					ShardState::Used => return Err(Error::<T>::KeyAlreadyUsed.into()),
					ShardState::Pending | ShardState::Invalidated => {
						return Err(Error::<T>::KeyNotActive.into())
					}
				}
				epoch_record.used = Some(UseRecord { payload_hash, signature, at: now });
				if pending.is_some() {
					epoch_record.invalidated =
						Some(Invalidation { at: now, reason: InvalidationReason::Superseded });
				}
				ensure!(current.is_some(), Error::<T>::KeyNotActive);
				Ok(())
			})?;
			Self::deposit_event(Event::KeyUsed {
				fleet,
				device: device.clone(),
				epoch,
				payload_hash,
			});

			settled.current = match pending {
				// The key is spent: the pending epoch takes over now.
				Some(pending) => {
					Self::deposit_event(Event::EpochInvalidated {
						fleet,
						device: device.clone(),
						epoch,
						reason: InvalidationReason::Superseded,
						by: None,
					});
					let period = Self::fleet(fleet)?.params.rotation_period;
					Some(Self::activate_early(fleet, &device, pending, now, period)?)
				}
				// Spent, with no successor yet: the next publication activates at once.
				None => current.map(|current| Slot { used: true, ..current }),
			};
			*record = settled;
			Ok(())
		})
	}

	/// Authorises `record_use` as a general transaction: the key must be active and unused at
	/// this block, and `signature` must be its Ed25519 signature over SPEC's signed message.
	///
	/// The transaction provides the tag (fleet, device, epoch), so the pool keeps one use per
	/// key; it lives until the key expires.
	pub fn authorize_record_use(
		_source: TransactionSource,
		fleet: &FleetId,
		device: &DeviceId,
		epoch: &Epoch,
		payload_hash: &PayloadHash,
		signature: &Signature,
	) -> TransactionValidityWithRefund {
		let now = frame_system::Pallet::<T>::block_number();
		let record = Epochs::<T>::get((fleet, device, epoch))
			.ok_or(InvalidTransaction::Custom(invalid_use::UNKNOWN_KEY))?;
		match record.state_at(now) {
			ShardState::Active => {}
			ShardState::Used => Err(InvalidTransaction::Custom(invalid_use::KEY_ALREADY_USED))?,
			ShardState::Pending => Err(InvalidTransaction::Future)?,
			ShardState::Invalidated => Err(InvalidTransaction::Stale)?,
		}
		let message = signed_message(device, *epoch, payload_hash);
		let valid = sp_io::crypto::ed25519_verify(
			&sp_core::ed25519::Signature::from_raw(signature.0),
			&message,
			&sp_core::ed25519::Public::from_raw(record.public_key.0),
		);
		ensure!(valid, InvalidTransaction::BadProof);

		let remaining: u64 =
			record.expires_at.saturating_sub(now).try_into().unwrap_or(u64::MAX).max(1);
		let validity = ValidTransaction::with_tag_prefix("KeyShardsRecordUse")
			.and_provides((fleet, device, epoch))
			.longevity(remaining)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}
}
