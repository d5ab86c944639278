//! Fleets: creation (holders, threshold, publication keys), parameters, holder accounts,
//! ownership, destruction; deposits.

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
use keyshards_primitives::v2::{curve::PointFault, KeyFault, PublicationKey, Threshold};
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

	/// The owner's parameters: a rotation period of at least `MinRotationPeriod`, a grace period
	/// the retention bound allows, a lead time below the rotation period.
	fn check_params(params: &FleetParams<BlockNumberFor<T>>) -> DispatchResult {
		ensure!(
			params.rotation_period >= T::MinRotationPeriod::get(),
			Error::<T>::RotationPeriodTooShort
		);
		// Steady state keeps the current and open epochs, one being opened, and those
		// invalidated within the grace period: one per rotation period.
		let periods = T::MaxRetainedEpochs::get().saturating_sub(3);
		ensure!(
			params.grace_period <= params.rotation_period.saturating_mul(periods.into()),
			Error::<T>::GracePeriodTooLong
		);
		ensure!(params.lead_time < params.rotation_period, Error::<T>::LeadTimeTooLong);
		Ok(())
	}

	/// Every holder has an account, and no account appears twice in the fleet.
	fn check_holders(holders: &[HolderAccountsOf<T>]) -> DispatchResult {
		let mut seen = alloc::collections::BTreeSet::new();
		for accounts in holders {
			ensure!(!accounts.is_empty(), Error::<T>::NoHolderAccounts);
			for account in accounts.iter() {
				ensure!(seen.insert(account), Error::<T>::DuplicateHolderAccount);
			}
		}
		Ok(())
	}

	/// SPEC's checks of a new fleet's publication keys, in the order written: canonical,
	/// torsion-free points of large order, no two equal, none recorded before.
	fn check_publication_keys(keys: &[PublicationKey]) -> DispatchResult {
		keyshards_primitives::v2::check_publication_keys(
			keys,
			crate::curve_host::chain_check_point,
		)
		.map_err(|(_, fault)| match fault {
			KeyFault::Point(PointFault::NotCanonical) => Error::<T>::PublicationKeyNotCanonical,
			KeyFault::Point(PointFault::SmallOrder) => Error::<T>::PublicationKeySmallOrder,
			KeyFault::Point(PointFault::NotTorsionFree) => Error::<T>::PublicationKeyNotTorsionFree,
			KeyFault::Repeated => Error::<T>::RepeatedPublicationKey,
		})?;
		ensure!(
			!keys.iter().any(PublicationKeys::<T>::contains_key),
			Error::<T>::PublicationKeyInUse
		);
		Ok(())
	}

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
		threshold: u8,
		holders: HoldersOf<T>,
		publication_keys: PublicationKeysOf<T>,
		params: FleetParams<BlockNumberFor<T>>,
	) -> DispatchResult {
		let m = u8::try_from(holders.len()).map_err(|_| Error::<T>::InvalidThreshold)?;
		let threshold = Threshold::new(m, threshold).map_err(|error| match error {
			keyshards_primitives::Error::TooManyPieces { .. } => Error::<T>::TooManyPieces,
			_ => Error::<T>::InvalidThreshold,
		})?;
		ensure!(
			u32::from(threshold.piece_count()) <= T::MaxPieces::get(),
			Error::<T>::TooManyPieces
		);
		ensure!(
			publication_keys.len() == threshold.piece_count() as usize,
			Error::<T>::WrongPublicationKeyCount
		);
		Self::check_publication_keys(&publication_keys)?;
		Self::check_holders(&holders)?;
		Self::check_params(&params)?;

		let deposit = T::FleetDeposit::get();
		Self::hold(HoldReason::FleetDeposit, &owner, deposit)?;

		let fleet = FleetId::try_from(NextFleetId::<T>::get())
			.map_err(|_| Error::<T>::FleetIdsExhausted)?;
		NextFleetId::<T>::put(u64::from(fleet) + 1);
		for key in publication_keys.iter() {
			PublicationKeys::<T>::insert(key, fleet);
		}
		Fleets::<T>::insert(
			fleet,
			FleetInfo::<T> {
				owner: owner.clone(),
				pending_owner: None,
				threshold,
				holders,
				publication_keys,
				params,
				devices: 0,
				deposit,
				device_deposits: Zero::zero(),
			},
		);
		Self::deposit_event(Event::FleetCreated { fleet, owner, threshold, params });
		Ok(())
	}

	pub(crate) fn do_set_fleet_params(
		who: T::AccountId,
		fleet: FleetId,
		params: FleetParams<BlockNumberFor<T>>,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		Self::check_params(&params)?;
		info.params = params;
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::FleetParamsChanged { fleet, params });
		Ok(())
	}

	pub(crate) fn do_set_holder_accounts(
		who: T::AccountId,
		fleet: FleetId,
		holder: HolderIndex,
		accounts: HolderAccountsOf<T>,
	) -> DispatchResult {
		let mut info = Self::ensure_owner(&who, fleet)?;
		let slot = info.holders.get_mut(holder as usize).ok_or(Error::<T>::UnknownHolder)?;
		*slot = accounts.clone();
		Self::check_holders(&info.holders)?;
		Fleets::<T>::insert(fleet, info);
		Self::deposit_event(Event::HolderAccountsSet { fleet, holder, accounts });
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
