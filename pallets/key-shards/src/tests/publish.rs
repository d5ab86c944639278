use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use keyshards_primitives::{shard_id, Ciphertext, ShardState};

fn state(fleet: FleetId, name: &str, epoch: u32) -> ShardState {
	Epochs::<Test>::get((fleet, device(name), epoch)).unwrap().state_at(System::block_number())
}

#[test]
fn a_first_epoch_is_active_at_once_and_reconstructs_on_the_device() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		events();
		assert_ok!(publish(fleet, "d", 0));
		let record = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap();
		assert_eq!((record.valid_from, record.expires_at), (1, 1 + PERIOD));
		assert_eq!(state(fleet, "d", 0), ShardState::Active);
		assert_eq!(
			Devices::<Test>::get(fleet, device("d")).unwrap().current,
			Some(Slot { epoch: 0, valid_from: 1, expires_at: 1 + PERIOD, used: false })
		);
		assert_eq!(
			events(),
			vec![Event::ShardsPublished {
				fleet,
				device: device("d"),
				epoch: 0,
				publisher: KSG,
				public_key: submission("d", 0).public_key,
				valid_from: 1,
				expires_at: 1 + PERIOD,
			}]
		);
		// The chain's derived ids and stored ciphertexts are what the device needs.
		let bundle = bundle(fleet, "d", 0);
		assert_eq!(bundle.map.shard_ids[2], shard_id(&device("d"), 0, 2));
		assert_eq!(device_key(fleet, "d", 0).public_key(), submission("d", 0).public_key);
	})
}

#[test]
fn the_next_epoch_waits_for_the_current_window_then_takes_over_by_itself() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		jump_to_block(4);
		assert_ok!(publish(fleet, "d", 1));
		let record = Epochs::<Test>::get((fleet, device("d"), 1)).unwrap();
		assert_eq!((record.valid_from, record.expires_at), (11, 21));
		for block in 4..11 {
			jump_to_block(block);
			assert_eq!(
				(state(fleet, "d", 0), state(fleet, "d", 1)),
				(ShardState::Active, ShardState::Pending)
			);
		}
		// No transaction and no hook: at block 11 the windows say it all.
		jump_to_block(11);
		assert_eq!(
			(state(fleet, "d", 0), state(fleet, "d", 1)),
			(ShardState::Invalidated, ShardState::Active)
		);
		assert_eq!(device_key(fleet, "d", 1).epoch(), 1);
	})
}

#[test]
fn only_one_epoch_may_be_pending() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		assert_noop!(publish(fleet, "d", 2), Error::<Test>::PendingEpochExists);
		jump_to_block(11);
		assert_ok!(publish(fleet, "d", 2));
		assert_eq!(state(fleet, "d", 2), ShardState::Pending);
	})
}

#[test]
fn epochs_are_exactly_the_next_no_rollback_no_gap() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_noop!(publish(fleet, "d", 1), Error::<Test>::EpochGap);
		assert_ok!(publish(fleet, "d", 0));
		assert_noop!(publish(fleet, "d", 0), Error::<Test>::StaleEpoch);
		assert_noop!(publish(fleet, "d", 5), Error::<Test>::EpochGap);
	})
}

#[test]
fn the_submission_shape_is_checked_against_the_fleet() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		let mut short = submission("d", 0);
		short.ciphertexts.pop();
		assert_noop!(
			KeyShards::publish_shards(signed(KSG), fleet, device("d"), 0, short),
			Error::<Test>::WrongShardCount
		);
		let mut long_ct = submission("d", 0);
		long_ct.ciphertexts[1].try_push(0).unwrap();
		assert_noop!(
			KeyShards::publish_shards(signed(KSG), fleet, device("d"), 0, long_ct),
			Error::<Test>::WrongCiphertextLength
		);
		// A well-formed submission for 8 shards is the wrong count for this 4-shard fleet.
		let eight: BoundedVec<Ciphertext, _> = (0..8)
			.map(|_| Ciphertext::truncate_from(vec![0; 20]))
			.collect::<Vec<_>>()
			.try_into()
			.unwrap();
		let mut wrong = submission("d", 0);
		wrong.ciphertexts = eight;
		assert_noop!(
			KeyShards::publish_shards(signed(KSG), fleet, device("d"), 0, wrong),
			Error::<Test>::WrongShardCount
		);
	})
}

#[test]
fn only_the_fleets_ksg_authorities_publish() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		let try_as =
			|who| KeyShards::publish_shards(signed(who), fleet, device("d"), 0, submission("d", 0));
		assert_noop!(try_as(OWNER), Error::<Test>::NotKsgAuthority);
		assert_noop!(try_as(STRANGER), Error::<Test>::NotKsgAuthority);
		assert_noop!(
			KeyShards::publish_shards(signed(KSG), 3, device("d"), 0, submission("d", 0)),
			Error::<Test>::UnknownFleet
		);
		assert_noop!(
			KeyShards::publish_shards(signed(KSG), fleet, device("nope"), 0, submission("nope", 0)),
			Error::<Test>::UnknownDevice
		);
		assert_noop!(
			KeyShards::publish_shards(
				RuntimeOrigin::none(),
				fleet,
				device("d"),
				0,
				submission("d", 0)
			),
			sp_runtime::DispatchError::BadOrigin
		);
		// A new authority set takes effect at once.
		assert_ok!(KeyShards::set_ksg_authorities(signed(OWNER), fleet, authorities(&[STRANGER])));
		assert_noop!(try_as(KSG), Error::<Test>::NotKsgAuthority);
		assert_ok!(try_as(STRANGER));
	})
}

#[test]
fn a_device_retains_a_bounded_number_of_epochs() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		// Every epoch expires without a successor, and nothing prunes (no hook runs).
		for epoch in 0..MAX_RETAINED {
			jump_to_block(1 + epoch as u64 * (PERIOD + 1));
			assert_ok!(publish(fleet, "d", epoch));
		}
		jump_to_block(1 + MAX_RETAINED as u64 * (PERIOD + 1));
		assert_noop!(publish(fleet, "d", MAX_RETAINED), Error::<Test>::TooManyRetainedEpochs);
		assert_ok!(KeyShards::prune(signed(STRANGER), fleet, device("d")));
		assert_ok!(publish(fleet, "d", MAX_RETAINED));
	})
}

#[test]
fn the_last_epoch_is_u32_max() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		Devices::<Test>::mutate(fleet, device("d"), |d| {
			let d = d.as_mut().unwrap();
			d.oldest = u32::MAX as u64;
			d.next_epoch = u32::MAX as u64;
		});
		assert_ok!(publish(fleet, "d", u32::MAX));
		assert_eq!(device_key(fleet, "d", u32::MAX).epoch(), u32::MAX);
		jump_to_block(100);
		assert_noop!(publish(fleet, "d", 0), Error::<Test>::EpochsExhausted);
	})
}

fn item(name: &str, epoch: u32) -> PublishItem {
	PublishItem { device: device(name), epoch, submission: submission(name, epoch) }
}

#[test]
fn a_batch_publishes_each_device_on_its_own_and_refunds_refusals() {
	test(|| {
		let fleet = fleet_with(&["a", "b", "c"]);
		events();
		let items: BoundedVec<_, _> =
			vec![item("a", 0), item("b", 1), item("c", 0)].try_into().unwrap();
		let info = KeyShards::publish_shards_batch(signed(KSG), fleet, items).unwrap();
		let expected = <() as WeightInfo>::publish_shards_batch(2, 4)
			.saturating_add(<() as WeightInfo>::publish_refused(1))
			.saturating_sub(<() as WeightInfo>::publish_refused(0));
		assert_eq!(info.actual_weight, Some(expected));
		assert!(expected.ref_time() < <() as WeightInfo>::publish_shards_batch(3, 4).ref_time());

		let events = events();
		assert_eq!(events.len(), 3);
		assert!(matches!(&events[0], Event::ShardsPublished { epoch: 0, .. }));
		assert_eq!(
			events[1],
			Event::PublishRefused {
				fleet,
				device: device("b"),
				epoch: 1,
				error: Error::<Test>::EpochGap.into()
			}
		);
		assert!(matches!(&events[2], Event::ShardsPublished { epoch: 0, .. }));
		assert!(Epochs::<Test>::contains_key((fleet, device("a"), 0)));
		assert!(!Epochs::<Test>::contains_key((fleet, device("b"), 1)));
		assert!(Epochs::<Test>::contains_key((fleet, device("c"), 0)));

		// A second KSG sending the same batch is refused item by item, and changes nothing.
		let again: BoundedVec<_, _> = vec![item("a", 0), item("c", 0)].try_into().unwrap();
		let info = KeyShards::publish_shards_batch(signed(KSG), fleet, again).unwrap();
		assert_eq!(
			info.actual_weight,
			Some(
				<() as WeightInfo>::publish_shards_batch(0, 4)
					.saturating_add(<() as WeightInfo>::publish_refused(2))
					.saturating_sub(<() as WeightInfo>::publish_refused(0))
			)
		);
		assert!(crate::mock::events()
			.iter()
			.all(|e| matches!(e, Event::PublishRefused { error, .. } if *error == Error::<Test>::StaleEpoch.into())));
	})
}

#[test]
fn a_batch_needs_items_and_an_authority() {
	test(|| {
		let fleet = fleet_with(&["a"]);
		assert_noop!(
			KeyShards::publish_shards_batch(signed(KSG), fleet, BoundedVec::new()),
			Error::<Test>::EmptyBatch
		);
		let items: BoundedVec<_, _> = vec![item("a", 0)].try_into().unwrap();
		assert_noop!(
			KeyShards::publish_shards_batch(signed(OWNER), fleet, items),
			Error::<Test>::NotKsgAuthority
		);
	})
}
