use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use keyshards_primitives::ShardState;

fn state(fleet: FleetId, name: &str, epoch: u32) -> ShardState {
	Epochs::<Test>::get((fleet, device(name), epoch)).unwrap().state_at(System::block_number())
}

fn record(fleet: FleetId, name: &str, epoch: u32) -> EpochRecordOf<Test> {
	Epochs::<Test>::get((fleet, device(name), epoch)).unwrap()
}

#[test]
fn full_life_of_an_epoch_across_blocks() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0)); // block 1: active 1..11
		run_to_block(2);
		assert_ok!(publish(fleet, "d", 1)); // pending, 11..21
		assert_eq!(state(fleet, "d", 1), ShardState::Pending);

		run_to_block(11); // epoch 0 expired, superseded by 1: both by themselves
		assert_eq!(
			(state(fleet, "d", 0), state(fleet, "d", 1)),
			(ShardState::Invalidated, ShardState::Active)
		);
		assert_eq!(record(fleet, "d", 0).invalid_from(), 11);

		run_to_block(15); // grace period (5) not over
		assert!(Epochs::<Test>::contains_key((fleet, device("d"), 0)));
		events();
		run_to_block(16); // on_idle prunes it
		assert!(!Epochs::<Test>::contains_key((fleet, device("d"), 0)));
		assert_eq!(
			events(),
			vec![Event::EpochsPruned { fleet, device: device("d"), from: 0, to: 0, by: None }]
		);
		assert_eq!(Devices::<Test>::get(fleet, device("d")).unwrap().oldest, 1);

		run_to_block(21); // epoch 1 expires with no successor: the device has no usable key
		assert_eq!(state(fleet, "d", 1), ShardState::Invalidated);
		run_to_block(23);
		assert_ok!(publish(fleet, "d", 2)); // so the next one is active at once
		assert_eq!(
			(record(fleet, "d", 2).valid_from, state(fleet, "d", 2)),
			(23, ShardState::Active)
		);
		run_to_block(26);
		assert!(!Epochs::<Test>::contains_key((fleet, device("d"), 1)));
		assert_eq!(device_key(fleet, "d", 2).epoch(), 2);
	})
}

#[test]
fn revoking_the_active_key_activates_the_pending_one_at_once() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		jump_to_block(4);
		events();
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 0));
		assert_eq!(state(fleet, "d", 0), ShardState::Invalidated);
		assert_eq!(
			record(fleet, "d", 0).invalidated,
			Some(Invalidation { at: 4, reason: InvalidationReason::Revoked })
		);
		assert_eq!(state(fleet, "d", 1), ShardState::Active);
		assert_eq!((record(fleet, "d", 1).valid_from, record(fleet, "d", 1).expires_at), (4, 14));
		assert_eq!(
			events(),
			vec![
				Event::EpochInvalidated {
					fleet,
					device: device("d"),
					epoch: 0,
					reason: InvalidationReason::Revoked,
					by: Some(OWNER)
				},
				Event::EpochActivatedEarly {
					fleet,
					device: device("d"),
					epoch: 1,
					valid_from: 4,
					expires_at: 14
				},
			]
		);
		assert_eq!(device_key(fleet, "d", 1).epoch(), 1);
	})
}

#[test]
fn revoking_the_only_key_leaves_the_device_keyless_until_the_next_publication() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		jump_to_block(3);
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 0));
		assert_eq!(Devices::<Test>::get(fleet, device("d")).unwrap().current, None);
		jump_to_block(5);
		assert_ok!(publish(fleet, "d", 1));
		assert_eq!(
			(record(fleet, "d", 1).valid_from, state(fleet, "d", 1)),
			(5, ShardState::Active)
		);
	})
}

#[test]
fn a_revoked_pending_epoch_is_replaced_in_its_place() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		jump_to_block(3);
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 1));
		assert_eq!(state(fleet, "d", 1), ShardState::Invalidated);
		assert_eq!(state(fleet, "d", 0), ShardState::Active, "the current key is untouched");
		// The KSG publishes the next epoch; it follows the current key.
		assert_ok!(publish(fleet, "d", 2));
		assert_eq!(
			(record(fleet, "d", 2).valid_from, state(fleet, "d", 2)),
			(11, ShardState::Pending)
		);
		// Revoking the current key too hands over to epoch 2 at once.
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), 0));
		assert_eq!(
			(record(fleet, "d", 2).valid_from, state(fleet, "d", 2)),
			(3, ShardState::Active)
		);
	})
}

#[test]
fn invalidation_refusals_change_nothing() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		let invalidate = |who, fleet, name: &str, epoch| {
			KeyShards::invalidate_epoch(signed(who), fleet, device(name), epoch)
		};
		assert_noop!(invalidate(KSG, fleet, "d", 0), Error::<Test>::NotFleetOwner);
		assert_noop!(invalidate(OWNER, 4, "d", 0), Error::<Test>::UnknownFleet);
		assert_noop!(invalidate(OWNER, fleet, "x", 0), Error::<Test>::UnknownDevice);
		assert_noop!(invalidate(OWNER, fleet, "d", 1), Error::<Test>::UnknownEpoch);
		assert_ok!(invalidate(OWNER, fleet, "d", 0));
		assert_noop!(invalidate(OWNER, fleet, "d", 0), Error::<Test>::AlreadyInvalidated);
		// An expired epoch is already invalid.
		assert_ok!(publish(fleet, "d", 1));
		jump_to_block(1 + PERIOD);
		assert_noop!(invalidate(OWNER, fleet, "d", 1), Error::<Test>::AlreadyInvalidated);
	})
}
