//! Fleets: creation, parameters, KSG authorities, ownership, destruction; deposits.

use crate::*;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::Precision,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{FleetParams, ShardCount};
use sp_runtime::{traits::Zero, Saturating};

impl<T: Config> Pallet<T> {
	/// The fleet, or `UnknownFleet`.
	pub(crate) fn fleet(fleet: FleetId) -> Result<FleetInfo<T>, DispatchError> {
		Fleets::<T>::get(fleet).ok_or_else(|| Error::<T>::UnknownFleet.into())
	}

	/// The fleet, if `who` owns it.
	pub(crate) fn ensure_owner(
		who: &T::AccountId,
		fleet: FleetId,
	) -> Result<FleetInfo<T>, DispatchError> {
		let info = Self::fleet(fleet)?;
		ensure!(info.owner == *who, Error::<T>::NotFleetOwner);
		Ok(info)
	}

	/// The fleet, if `who` is one of its KSG authorities.
	pub(crate) fn ensure_ksg_authority(
		who: &T::AccountId,
		fleet: FleetId,
	) -> Result<FleetInfo<T>, DispatchError> {
		let info = Self::fleet(fleet)?;
		ensure!(info.authorities.contains(who), Error::<T>::NotKsgAuthority);
		Ok(info)
	}

	fn check_periods(
		rotation_period: BlockNumberFor<T>,
		grace_period: BlockNumberFor<T>,
	) -> DispatchResult {
		ensure!(rotation_period >= T::MinRotationPeriod::get(), Error::<T>::RotationPeriodTooShort);
		// Steady state keeps the current and pending epochs, one being published, and those
		// invalidated within the grace period: one per rotation period.
		let periods = T::MaxRetainedEpochs::get().saturating_sub(3);
		ensure!(
			grace_period <= rotation_period.saturating_mul(periods.into()),
			Error::<T>::GracePeriodTooLong
		);
		Ok(())
	}

	fn check_authorities(authorities: &AuthoritiesOf<T>) -> DispatchResult {
		ensure!(!authorities.is_empty(), Error::<T>::NoKsgAuthorities);
		for (i, authority) in authorities.iter().enumerate() {
			ensure!(!authorities[..i].contains(authority), Error::<T>::DuplicateKsgAuthority);
		}
		Ok(())
	}

	/// Holds `amount` from `who` for `reason`, naming a shortfall clearly.
	pub(crate) fn hold(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&reason.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalanceForDeposit.into())
	}

	/// Releases exactly `amount` held from `who` for `reason`.
	pub(crate) fn release(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::release(&reason.into(), who, amount, Precision::Exact).map(|_| ())
	}

	pub(crate) fn do_create_fleet(
		owner: T::AccountId,
		rotation_period: BlockNumberFor<T>,
		shard_count: u8,
		grace_period: BlockNumberFor<T>,
		authorities: AuthoritiesOf<T>,
	) -> DispatchResult {
		let shard_count =
			ShardCount::new(shard_count).map_err(|_| Error::<T>::InvalidShardCount)?;
		Self::check_periods(rotation_period, grace_period)?;
		Self::check_authorities(&authorities)?;

		let deposit = T::FleetDeposit::get();
		Self::hold(HoldReason::FleetDeposit, &owner, deposit)?;

		let fleet = NextFleetId::<T>::get();
		NextFleetId::<T>::put(fleet.checked_add(1).ok_or(sp_runtime::ArithmeticError::Overflow)?);
		let params = FleetParams { rotation_period, shard_count, grace_period };
		Fleets::<T>::insert(
			fleet,
			FleetInfo {
				owner: owner.clone(),
				pending_owner: None,
				params,
				authorities,
				devices: 0,
				deposit,
				device_deposits: Zero::zero(),
			},
		);
		Self::deposit_event(Event::FleetCreated { fleet, owner, params });
		Ok(())
	}

	pub(crate) fn do_set_fleet_params(
		who: T::AccountId,
		fleet: FleetId,
		rotation_period: BlockNumberFor<T>,
		grace_period: BlockNumberFor<T>,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		Self::check_periods(rotation_period, grace_period)?;
		info.params.rotation_period = rotation_period;
		info.params.grace_period = grace_period;
		let params = info.params;
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::FleetParamsChanged { fleet, params });
		Ok(())
	}

	pub(crate) fn do_set_ksg_authorities(
		who: T::AccountId,
		fleet: FleetId,
		authorities: AuthoritiesOf<T>,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		Self::check_authorities(&authorities)?;
		info.authorities = authorities.clone();
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::KsgAuthoritiesSet { fleet, authorities });
		Ok(())
	}

	pub(crate) fn do_propose_fleet_owner(
		who: T::AccountId,
		fleet: FleetId,
		proposed: Option<T::AccountId>,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		info.pending_owner = proposed.clone();
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::FleetOwnerProposed { fleet, owner: who, proposed });
		Ok(())
	}

	pub(crate) fn do_accept_fleet_ownership(who: T::AccountId, fleet: FleetId) -> DispatchResult {
		let mut info = Self::fleet(fleet)?;
		ensure!(info.pending_owner.as_ref() == Some(&who), Error::<T>::NotProposedOwner);
		// Deposits follow the fleet: held from the new owner first, so a shortfall leaves the
		// old owner's untouched.
		Self::hold(HoldReason::FleetDeposit, &who, info.deposit)?;
		Self::hold(HoldReason::DeviceDeposit, &who, info.device_deposits)?;
		Self::release(HoldReason::FleetDeposit, &info.owner, info.deposit)?;
		Self::release(HoldReason::DeviceDeposit, &info.owner, info.device_deposits)?;
		let from = core::mem::replace(&mut info.owner, who.clone());
		info.pending_owner = None;
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::FleetOwnerChanged { fleet, from, to: who });
		Ok(())
	}

	pub(crate) fn do_destroy_fleet(who: T::AccountId, fleet: FleetId) -> DispatchResult {
		let info = Self::ensure_owner(&who, fleet)?;
		ensure!(info.devices == 0, Error::<T>::FleetNotEmpty);
		Self::release(HoldReason::FleetDeposit, &who, info.deposit)?;
		Fleets::<T>::remove(fleet);
		Self::deposit_event(Event::FleetDestroyed { fleet, owner: who });
		Ok(())
	}

	/// Total held from `who` for `reason` (for invariants and tests).
	#[allow(dead_code)]
	pub(crate) fn held(reason: HoldReason, who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&reason.into(), who)
	}
}

/// Saturating sum of a deposit over `n` items.
pub(crate) fn deposit_times<T: Config>(deposit: BalanceOf<T>, n: usize) -> BalanceOf<T> {
	deposit.saturating_mul((n as u32).into())
}
