use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, dispatch::Pays, traits::Hooks, weights::Weight};

/// `n` devices in the test fleet, each with epoch 0 published at block 1 and expired at 11.
fn fleet_with_expired(n: usize) -> (FleetId, Vec<String>) {
	let names: Vec<String> = (0..n).map(|i| format!("dev-{i:02}")).collect();
	let refs: Vec<&str> = names.iter().map(String::as_str).collect();
	let fleet = fleet_with(&refs);
	for name in &names {
		assert_ok!(publish(fleet, name, 0));
	}
	(fleet, names)
}

fn stored(fleet: FleetId, names: &[String]) -> usize {
	names.iter().filter(|n| Epochs::<Test>::contains_key((fleet, device(n), 0))).count()
}

#[test]
fn anyone_prunes_after_the_grace_period_for_free() {
	test(|| {
		let (fleet, _) = fleet_with_expired(1);
		jump_to_block(11 + GRACE - 1);
		assert_noop!(
			KeyShards::prune(signed(STRANGER), fleet, device("dev-00")),
			Error::<Test>::NothingToPrune
		);
		jump_to_block(11 + GRACE);
		events();
		let info = KeyShards::prune(signed(STRANGER), fleet, device("dev-00")).unwrap();
		assert_eq!(info.pays_fee, Pays::No);
		assert_eq!(info.actual_weight, Some(<() as WeightInfo>::prune(1)));
		assert!(!Epochs::<Test>::contains_key((fleet, device("dev-00"), 0)));
		assert_eq!(
			events(),
			vec![Event::EpochsPruned {
				fleet,
				device: device("dev-00"),
				from: 0,
				to: 0,
				by: Some(STRANGER)
			}]
		);
		assert_noop!(
			KeyShards::prune(signed(STRANGER), fleet, device("dev-00")),
			Error::<Test>::NothingToPrune
		);
		assert_noop!(
			KeyShards::prune(signed(STRANGER), fleet, device("nope")),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			KeyShards::prune(signed(STRANGER), 9, device("dev-00")),
			Error::<Test>::UnknownFleet
		);
	})
}

#[test]
fn live_epochs_are_never_pruned() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		// Epoch 0 ends at 11 and epoch 1 at 21; long after 0's grace, 1 is still active.
		run_to_block(20);
		assert!(!Epochs::<Test>::contains_key((fleet, device("d"), 0)));
		assert!(Epochs::<Test>::contains_key((fleet, device("d"), 1)));
		assert_noop!(
			KeyShards::prune(signed(STRANGER), fleet, device("d")),
			Error::<Test>::NothingToPrune
		);
	})
}

#[test]
fn on_idle_stays_within_its_weight_and_resumes_where_it_stopped() {
	test(|| {
		let (fleet, names) = fleet_with_expired(5);
		jump_to_block(20);
		let base = <() as WeightInfo>::on_idle_base();
		let worst = <() as WeightInfo>::gc_visit(MAX_RETAINED);
		// Each visit prunes one epoch; a visit starts only while a worst-case one still fits:
		// room for exactly two.
		let limit = base.saturating_add(worst).saturating_add(<() as WeightInfo>::gc_visit(1));

		let used = KeyShards::on_idle(20, limit);
		assert!(used.all_lte(limit), "used {used:?} of {limit:?}");
		assert_eq!(stored(fleet, &names), 3, "two devices visited");
		assert!(GcCursor::<Test>::get().is_some());

		assert!(KeyShards::on_idle(21, limit).all_lte(limit));
		assert_eq!(stored(fleet, &names), 1, "resumed after the second device");
		assert!(KeyShards::on_idle(22, limit).all_lte(limit));
		assert_eq!(stored(fleet, &names), 0);
		assert!(GcCursor::<Test>::get().is_none(), "the walk wrapped around");
	})
}

#[test]
fn on_idle_without_room_does_nothing() {
	test(|| {
		let (fleet, names) = fleet_with_expired(2);
		jump_to_block(20);
		let base = <() as WeightInfo>::on_idle_base();
		assert_eq!(
			KeyShards::on_idle(20, base.saturating_sub(Weight::from_parts(1, 0))),
			Weight::zero()
		);
		// Room for the base but not for one worst-case visit: nothing is visited.
		assert_eq!(KeyShards::on_idle(20, base), base);
		assert_eq!(stored(fleet, &names), 2);
	})
}

#[test]
fn on_idle_visits_at_most_max_gc_visits_per_block() {
	test(|| {
		let (fleet, names) = fleet_with_expired(GC_VISITS as usize + 3);
		jump_to_block(20);
		KeyShards::on_idle(20, Weight::MAX);
		assert_eq!(stored(fleet, &names), 3);
		KeyShards::on_idle(21, Weight::MAX);
		assert_eq!(stored(fleet, &names), 0);
	})
}

#[test]
fn gc_skips_devices_whose_grace_is_not_over() {
	test(|| {
		let (fleet, names) = fleet_with_expired(3);
		jump_to_block(11 + GRACE - 1);
		KeyShards::on_idle(System::block_number(), Weight::MAX);
		assert_eq!(stored(fleet, &names), 3);
		jump_to_block(11 + GRACE);
		KeyShards::on_idle(System::block_number(), Weight::MAX);
		assert_eq!(stored(fleet, &names), 0);
	})
}
