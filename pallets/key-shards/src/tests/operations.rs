//! The owner's side (extensions to SPEC): deposits, ownership, destruction, parameters,
//! revocation, and the operators' queries.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use keyshards_primitives::{v2::EpochState, DeviceId, QueryError};

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn state(fleet: FleetId, name: &str, epoch: u32) -> EpochState {
	Epochs::<Test>::get((fleet, device(name), epoch))
		.unwrap()
		.state_at(System::block_number(), TIMEOUT)
}

#[test]
fn deposits_are_held_for_fleets_and_registered_devices_and_follow_the_owner() {
	test(|| {
		let fleet = fleet_with(&["a", "b"]);
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), FLEET_DEPOSIT);
		assert_eq!(held(HoldReason::DeviceDeposit, OWNER), 2 * DEVICE_DEPOSIT);
		assert_noop!(
			KeyShards::register_device(signed(OWNER), fleet, device("a")),
			Error::<Test>::DeviceAlreadyRegistered
		);
		assert_noop!(
			KeyShards::register_device(signed(STRANGER), fleet, device("c")),
			Error::<Test>::NotFleetOwner
		);
		// Deregistration releases the deposit; the tombstone costs the owner nothing.
		assert_ok!(KeyShards::deregister_device(signed(OWNER), fleet, device("b")));
		assert_eq!(held(HoldReason::DeviceDeposit, OWNER), DEVICE_DEPOSIT);
		assert_noop!(
			KeyShards::deregister_device(signed(OWNER), fleet, device("b")),
			Error::<Test>::UnknownDevice
		);
		// The fleet and its deposits move to a new owner who accepts.
		assert_ok!(KeyShards::propose_fleet_owner(signed(OWNER), fleet, Some(STRANGER)));
		assert_noop!(
			KeyShards::accept_fleet_ownership(signed(POOR), fleet),
			Error::<Test>::NotProposedOwner
		);
		assert_ok!(KeyShards::accept_fleet_ownership(signed(STRANGER), fleet));
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), 0);
		assert_eq!(held(HoldReason::DeviceDeposit, STRANGER), DEVICE_DEPOSIT);
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().owner, STRANGER);
	});
}

#[test]
fn a_fleet_is_destroyed_only_empty_and_its_id_and_keys_are_never_reused() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		assert_noop!(KeyShards::destroy_fleet(signed(OWNER), fleet), Error::<Test>::FleetNotEmpty);
		assert_ok!(KeyShards::deregister_device(signed(OWNER), fleet, device("a")));
		assert_ok!(KeyShards::destroy_fleet(signed(OWNER), fleet));
		assert_eq!(held(HoldReason::FleetDeposit, OWNER), 0);
		// Its publication keys stay recorded: a fleet with the same roots is refused.
		let keys: Vec<_> = (0..3).map(|k| piece_root(fleet, k).publication_key()).collect();
		assert_noop!(
			KeyShards::create_fleet(
				signed(OWNER),
				2,
				holders(3),
				keys.try_into().unwrap(),
				params()
			),
			Error::<Test>::PublicationKeyInUse
		);
		// The next fleet gets the next id.
		assert_eq!(create_fleet(), fleet + 1);
		// `on_idle` removes the destroyed fleet's tombstone.
		run_to_block(3);
		assert!(Devices::<Test>::iter_prefix(fleet).next().is_none());
	});
}

#[test]
fn parameters_are_checked() {
	test(|| {
		let fleet = create_fleet();
		let mut bad = params();
		bad.lead_time = PERIOD;
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), fleet, bad),
			Error::<Test>::LeadTimeTooLong
		);
		bad = params();
		bad.rotation_period = 1;
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), fleet, bad),
			Error::<Test>::RotationPeriodTooShort
		);
		bad = params();
		bad.grace_period = PERIOD * 100;
		assert_noop!(
			KeyShards::set_fleet_params(signed(OWNER), fleet, bad),
			Error::<Test>::GracePeriodTooLong
		);
		assert_noop!(
			KeyShards::set_fleet_params(signed(STRANGER), fleet, params()),
			Error::<Test>::NotFleetOwner
		);
		let mut longer = params();
		longer.rotation_period = 2 * PERIOD;
		assert_ok!(KeyShards::set_fleet_params(signed(OWNER), fleet, longer));
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().params, longer);
	});
}

#[test]
fn revoking_the_current_key_hands_over_to_the_pending_epoch_and_revoking_an_open_one_frees_the_next(
) {
	test(|| {
		let fleet = fleet_with(&["d", "e"]);
		publish(fleet, "d", 0);
		let first = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().completion.unwrap();
		jump_to_block(first.valid_to - LEAD);
		publish(fleet, "d", 1);
		jump_to_block(System::block_number() + CONTEST);
		assert_eq!(state(fleet, "d", 1), EpochState::Pending);
		assert_noop!(
			KeyShards::invalidate_epoch(signed(STRANGER), fleet, device("d"), 0),
			Error::<Test>::NotFleetOwner
		);
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 0));
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		assert_eq!(state(fleet, "d", 1), EpochState::Active, "the pending epoch took over");
		assert_noop!(
			KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 0),
			Error::<Test>::AlreadyInvalidated
		);
		// An incomplete epoch revoked: the next one may open (in a later block).
		publish_piece(fleet, 0, "e", 0);
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("e"), 0));
		jump_to_block(System::block_number() + 1);
		publish(fleet, "e", 1);
		assert_eq!(state(fleet, "e", 1), EpochState::Pending);
		assert_noop!(
			KeyShards::invalidate_epoch(signed(OWNER), fleet, device("e"), 9),
			Error::<Test>::UnknownEpoch
		);
	});
}

#[test]
fn operators_read_statuses_pages_bundles_and_conflicts() {
	test(|| {
		let names: Vec<String> = (0..7).map(|i| format!("dev-{i}")).collect();
		let fleet = fleet_with(&names.iter().map(String::as_str).collect::<Vec<_>>());
		publish(fleet, "dev-0", 0);
		let status = KeyShards::device_status(fleet, device("dev-0")).unwrap();
		assert_eq!(status.open.map(|o| o.state), Some(EpochState::Pending));
		assert_eq!(status.next_epoch, Some(1));
		jump_to_block(System::block_number() + CONTEST);
		let status = KeyShards::device_status(fleet, device("dev-0")).unwrap();
		assert_eq!(status.current.map(|c| (c.epoch, c.state)), Some((0, EpochState::Active)));
		// Paging: every device once, in storage order.
		let mut seen = Vec::new();
		let mut after: Option<DeviceId> = None;
		loop {
			let page = KeyShards::device_statuses(fleet, after.clone(), 3).unwrap();
			if page.is_empty() {
				break;
			}
			after = page.last().map(|s| s.device.clone());
			seen.extend(page.into_iter().map(|s| s.device));
		}
		assert_eq!(seen.len(), 7);
		assert_eq!(KeyShards::device_statuses(99, None, 3), Err(QueryError::UnknownFleet));
		assert_eq!(KeyShards::active_bundle(fleet, device("dev-1")), Err(QueryError::NoActiveKey));
		assert_eq!(KeyShards::bundle(fleet, device("dev-0"), 5), Err(QueryError::UnknownEpoch));
		assert_eq!(
			KeyShards::device_status(fleet, device("nobody")),
			Err(QueryError::UnknownDevice)
		);
		assert!(KeyShards::conflict(fleet, device("dev-0"), 0).is_none());
		assert_eq!(KeyShards::use_record(fleet, device("dev-0"), 0), Ok(None));
	});
}
