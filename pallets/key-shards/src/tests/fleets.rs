use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use keyshards_primitives::{FleetParams, ShardCount};
use sp_runtime::DispatchError;

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&reason.into(), &who)
}

#[test]
fn create_fleet_holds_the_deposit_and_records_the_fleet() {
	test(|| {
		let fleet = create_fleet();
		assert_eq!(fleet, 0);
		let params = FleetParams {
			rotation_period: PERIOD,
			shard_count: ShardCount::new(4).unwrap(),
			grace_period: GRACE,
		};
		assert_eq!(
			Fleets::<Test>::get(fleet).unwrap(),
			FleetInfo {
				owner: OWNER,
				pending_owner: None,
				params,
				authorities: authorities(&[KSG]),
				devices: 0,
				deposit: FLEET_DEPOSIT,
				device_deposits: 0,
			}
		);
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), FLEET_DEPOSIT);
		assert_eq!(Balances::free_balance(OWNER), FUNDS - FLEET_DEPOSIT);
		assert_eq!(events(), vec![Event::FleetCreated { fleet, owner: OWNER, params }]);
		assert_eq!(create_fleet(), 1, "ids are assigned in creation order");
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), 2 * FLEET_DEPOSIT);
	})
}

#[test]
fn create_fleet_refuses_bad_parameters_and_changes_nothing() {
	test(|| {
		let create = |who, period, count, grace, auth: &[u64]| {
			KeyShards::create_fleet(signed(who), period, count, grace, authorities(auth))
		};
		for count in [0, 3, 5, 64, 255] {
			assert_noop!(
				create(OWNER, PERIOD, count, GRACE, &[KSG]),
				Error::<Test>::InvalidShardCount
			);
		}
		assert_noop!(create(OWNER, 1, SHARDS, 0, &[KSG]), Error::<Test>::RotationPeriodTooShort);
		// MaxRetainedEpochs = 6 allows a grace of 3 rotation periods.
		assert_noop!(
			create(OWNER, PERIOD, SHARDS, 3 * PERIOD + 1, &[KSG]),
			Error::<Test>::GracePeriodTooLong
		);
		assert_noop!(create(OWNER, PERIOD, SHARDS, GRACE, &[]), Error::<Test>::NoKsgAuthorities);
		assert_noop!(
			create(OWNER, PERIOD, SHARDS, GRACE, &[KSG, STRANGER, KSG]),
			Error::<Test>::DuplicateKsgAuthority
		);
		assert_noop!(
			create(POOR, PERIOD, SHARDS, GRACE, &[KSG]),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		assert_noop!(
			KeyShards::create_fleet(
				RuntimeOrigin::none(),
				PERIOD,
				SHARDS,
				GRACE,
				authorities(&[KSG])
			),
			DispatchError::BadOrigin
		);
		// The limits themselves are accepted.
		assert_ok!(create(OWNER, 2, 32, 6, &[KSG, STRANGER]));
		assert_ok!(create(OWNER, PERIOD, 1, 3 * PERIOD, &[KSG]));
	})
}

#[test]
fn the_owner_changes_periods_and_authorities() {
	test(|| {
		let fleet = create_fleet();
		events();
		assert_ok!(KeyShards::set_fleet_params(signed(OWNER), fleet, 20, 40));
		let params = Fleets::<Test>::get(fleet).unwrap().params;
		assert_eq!(
			(params.rotation_period, params.grace_period, params.shard_count.get()),
			(20, 40, 4)
		);
		assert_ok!(KeyShards::set_ksg_authorities(
			signed(OWNER),
			fleet,
			authorities(&[STRANGER, KSG])
		));
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().authorities, authorities(&[STRANGER, KSG]));
		assert_eq!(
			events(),
			vec![
				Event::FleetParamsChanged { fleet, params },
				Event::KsgAuthoritiesSet { fleet, authorities: authorities(&[STRANGER, KSG]) },
			]
		);

		assert_noop!(
			KeyShards::set_fleet_params(signed(KSG), fleet, 20, 0),
			Error::<Test>::NotFleetOwner
		);
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), 9, 20, 0),
			Error::<Test>::UnknownFleet
		);
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), fleet, 1, 0),
			Error::<Test>::RotationPeriodTooShort
		);
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), fleet, 20, 61),
			Error::<Test>::GracePeriodTooLong
		);
		assert_noop!(
			KeyShards::set_ksg_authorities(signed(KSG), fleet, authorities(&[KSG])),
			Error::<Test>::NotFleetOwner
		);
		assert_noop!(
			KeyShards::set_ksg_authorities(signed(OWNER), fleet, authorities(&[])),
			Error::<Test>::NoKsgAuthorities
		);
		assert_noop!(
			KeyShards::set_ksg_authorities(signed(OWNER), fleet, authorities(&[KSG, KSG])),
			Error::<Test>::DuplicateKsgAuthority
		);
	})
}

#[test]
fn ownership_moves_with_every_deposit_once_accepted() {
	test(|| {
		let fleet = fleet_with(&["a", "b"]);
		let total_devices = 2 * DEVICE_DEPOSIT;
		events();
		assert_ok!(KeyShards::propose_fleet_owner(signed(OWNER), fleet, Some(STRANGER)));
		assert_noop!(
			KeyShards::accept_fleet_ownership(signed(KSG), fleet),
			Error::<Test>::NotProposedOwner
		);
		assert_noop!(
			KeyShards::propose_fleet_owner(signed(STRANGER), fleet, Some(STRANGER)),
			Error::<Test>::NotFleetOwner
		);
		assert_ok!(KeyShards::accept_fleet_ownership(signed(STRANGER), fleet));

		let info = Fleets::<Test>::get(fleet).unwrap();
		assert_eq!((info.owner, info.pending_owner), (STRANGER, None));
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), 0);
		assert_eq!(held(HoldReason::DeviceDeposit, OWNER), 0);
		assert_eq!(Balances::free_balance(OWNER), FUNDS);
		assert_eq!(held(HoldReason::FleetDeposit, STRANGER), FLEET_DEPOSIT);
		assert_eq!(held(HoldReason::DeviceDeposit, STRANGER), total_devices);
		assert_eq!(Balances::free_balance(STRANGER), FUNDS - FLEET_DEPOSIT - total_devices);
		assert_eq!(
			events(),
			vec![
				Event::FleetOwnerProposed { fleet, owner: OWNER, proposed: Some(STRANGER) },
				Event::FleetOwnerChanged { fleet, from: OWNER, to: STRANGER },
			]
		);
		assert_noop!(
			KeyShards::register_device(signed(OWNER), fleet, device("c")),
			Error::<Test>::NotFleetOwner
		);
		assert_ok!(KeyShards::register_device(signed(STRANGER), fleet, device("c")));
	})
}

#[test]
fn a_new_owner_without_funds_changes_nothing() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		assert_ok!(KeyShards::propose_fleet_owner(signed(OWNER), fleet, Some(POOR)));
		assert_noop!(
			KeyShards::accept_fleet_ownership(signed(POOR), fleet),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().owner, OWNER);
	})
}

#[test]
fn a_withdrawn_proposal_cannot_be_accepted() {
	test(|| {
		let fleet = create_fleet();
		assert_ok!(KeyShards::propose_fleet_owner(signed(OWNER), fleet, Some(STRANGER)));
		assert_ok!(KeyShards::propose_fleet_owner(signed(OWNER), fleet, None));
		assert_noop!(
			KeyShards::accept_fleet_ownership(signed(STRANGER), fleet),
			Error::<Test>::NotProposedOwner
		);
		assert_noop!(
			KeyShards::accept_fleet_ownership(signed(STRANGER), 7),
			Error::<Test>::UnknownFleet
		);
	})
}

#[test]
fn only_an_empty_fleet_is_destroyed_and_its_deposit_released() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		assert_noop!(KeyShards::destroy_fleet(signed(OWNER), fleet), Error::<Test>::FleetNotEmpty);
		assert_noop!(KeyShards::destroy_fleet(signed(KSG), fleet), Error::<Test>::NotFleetOwner);
		assert_ok!(KeyShards::deregister_device(signed(OWNER), fleet, device("a")));
		events();
		assert_ok!(KeyShards::destroy_fleet(signed(OWNER), fleet));
		assert!(Fleets::<Test>::get(fleet).is_none());
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), 0);
		assert_eq!(held(HoldReason::DeviceDeposit, OWNER), 0);
		assert_eq!(Balances::free_balance(OWNER), FUNDS);
		assert_eq!(events(), vec![Event::FleetDestroyed { fleet, owner: OWNER }]);
		assert_noop!(KeyShards::destroy_fleet(signed(OWNER), fleet), Error::<Test>::UnknownFleet);
	})
}
