//! SPEC v2 on the mock chain with the 2-of-3 test fleet: an epoch opens with its first piece,
//! completes with its last, waits out the contest period, activates, signs once; a missing
//! holder times it out; a faulty holder's different piece is a recorded conflict; `t - 1`
//! holders plus another holder's account cannot make the chain accept a key; deregistration
//! leaves a tombstone.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::DispatchClass,
	traits::{Get, Hooks},
	weights::Weight,
};
use keyshards_primitives::{
	payload_hash,
	v2::{generate_piece, EpochState, GeneratorKey, InvalidationReason, PiecePublication},
	Signature,
};

fn state(fleet: FleetId, name: &str, epoch: u32) -> EpochState {
	Epochs::<Test>::get((fleet, device(name), epoch))
		.unwrap()
		.state_at(System::block_number(), TIMEOUT)
}

fn sign_and_record(
	fleet: FleetId,
	name: &str,
	epoch: u32,
	payload: &[u8],
) -> sp_runtime::DispatchResult {
	let key = device_key(fleet, name, epoch);
	let signature = key.sign(payload).unwrap();
	KeyShards::do_record_use(fleet, device(name), epoch, payload_hash(payload), signature)
}

#[test]
fn an_epoch_opens_completes_waits_out_the_contest_period_and_signs_once() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		events();
		publish_piece(fleet, 0, "d", 0);
		assert_eq!(outcomes(), vec![PublicationOutcome::Accepted { present: 1 }]);
		assert_eq!(state(fleet, "d", 0), EpochState::Incomplete);
		publish_piece(fleet, 1, "d", 0);
		assert_eq!(state(fleet, "d", 0), EpochState::Incomplete);
		assert_eq!(
			KeyShards::active_bundle(fleet, device("d")),
			Err(keyshards_primitives::QueryError::NoActiveKey)
		);
		publish_piece(fleet, 2, "d", 0);
		let now = System::block_number();
		let completion = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().completion.unwrap();
		assert_eq!(
			(completion.valid_from, completion.valid_to),
			(now + CONTEST, now + CONTEST + PERIOD)
		);
		assert_eq!(state(fleet, "d", 0), EpochState::Pending);
		assert_noop!(sign_and_record(fleet, "d", 0, b"early"), Error::<Test>::KeyNotActive);

		jump_to_block(now + CONTEST);
		assert_eq!(state(fleet, "d", 0), EpochState::Active);
		assert_eq!(KeyShards::active_bundle(fleet, device("d")).unwrap().map.epoch, 0);
		assert_ok!(sign_and_record(fleet, "d", 0, b"firmware 1.0"));
		assert_eq!(state(fleet, "d", 0), EpochState::Used);
		assert_noop!(
			sign_and_record(fleet, "d", 0, b"another payload"),
			Error::<Test>::KeyAlreadyUsed
		);
	});
}

#[test]
fn the_next_epoch_opens_only_when_due_and_follows_the_current_window() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		publish(fleet, "d", 0);
		let first = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().completion.unwrap();
		jump_to_block(first.valid_from);
		events();
		// Not due while more than the lead time is left.
		publish_group(fleet, 0, vec![publication(fleet, 0, "d", 1)]).unwrap();
		assert_eq!(outcomes(), vec![PublicationOutcome::Refused(RefusalReason::NotDue)]);
		jump_to_block(first.valid_to - LEAD);
		publish(fleet, "d", 1);
		let second = Epochs::<Test>::get((fleet, device("d"), 1)).unwrap().completion.unwrap();
		assert_eq!(second.valid_from, first.valid_to, "the window follows the current key's");
		assert_eq!(state(fleet, "d", 1), EpochState::Pending);
		jump_to_block(first.valid_to);
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		assert_eq!(state(fleet, "d", 1), EpochState::Active);
		assert_ok!(sign_and_record(fleet, "d", 1, b"payload"));
	});
}

#[test]
fn a_use_lets_the_pending_epoch_take_over_after_its_contest_period() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		publish(fleet, "d", 0);
		let first = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().completion.unwrap();
		jump_to_block(first.valid_to - LEAD);
		publish(fleet, "d", 1);
		let completed = System::block_number();
		assert_ok!(sign_and_record(fleet, "d", 0, b"payload"));
		let second = Epochs::<Test>::get((fleet, device("d"), 1)).unwrap().completion.unwrap();
		assert_eq!(second.valid_from, completed + CONTEST, "never inside the contest period");
		assert_eq!(state(fleet, "d", 0), EpochState::Used);
		jump_to_block(second.valid_from);
		assert_eq!(state(fleet, "d", 1), EpochState::Active);
		// The lower epoch is invalid from the block the higher one became active.
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		let lower = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().invalidated.unwrap();
		assert_eq!((lower.at, lower.reason), (second.valid_from, InvalidationReason::Superseded));
	});
}

#[test]
fn an_epoch_missing_a_piece_times_out_and_the_next_one_opens() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		publish_piece(fleet, 0, "d", 0);
		publish_piece(fleet, 1, "d", 0);
		let opened = System::block_number();
		jump_to_block(opened + TIMEOUT - 1);
		assert_eq!(state(fleet, "d", 0), EpochState::Incomplete);
		events();
		publish_group(fleet, 0, vec![publication(fleet, 0, "d", 1)]).unwrap();
		assert_eq!(outcomes(), vec![PublicationOutcome::Refused(RefusalReason::AnotherEpochOpen)]);
		jump_to_block(opened + TIMEOUT);
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		// A late piece for the timed-out epoch is refused; the next epoch opens.
		publish_group(fleet, 2, vec![publication(fleet, 2, "d", 0)]).unwrap();
		assert_eq!(outcomes(), vec![PublicationOutcome::Refused(RefusalReason::NotNextEpoch)]);
		publish(fleet, "d", 1);
		jump_to_block(System::block_number() + CONTEST);
		assert_ok!(sign_and_record(fleet, "d", 1, b"payload"));
	});
}

#[test]
fn a_holder_publishing_a_different_piece_is_a_recorded_conflict_and_the_epoch_never_goes_live() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		publish(fleet, "d", 0);
		// Piece 0's other holder (holder 2) is faulty: a valid publication with its own scalar.
		let at = device_epoch(fleet, "d", 0);
		let root = piece_root(fleet, 0);
		let forged = generate_piece(
			&at,
			0,
			3,
			&GeneratorKey::from_slice(&[9; 32]).unwrap(),
			&root.device_piece_key(&at.who(0)),
		)
		.unwrap()
		.publication;
		let signature = omega(fleet, 0, core::slice::from_ref(&forged));
		events();
		assert_ok!(KeyShards::publish_pieces(
			signed(HOLDER + 2),
			fleet,
			0,
			vec![forged.clone()].try_into().unwrap(),
			signature,
			piece_count(fleet),
		));
		assert_eq!(outcomes(), vec![PublicationOutcome::Conflict]);
		let conflict = Conflicts::<Test>::get((fleet, device("d"), 0)).unwrap();
		assert_eq!(conflict.first.2, primary(fleet, 0));
		assert_eq!((conflict.second.0, conflict.second.2), (forged.public_piece, HOLDER + 2));
		let record = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap();
		assert_eq!(record.invalidated.unwrap().reason, InvalidationReason::Conflict);
		jump_to_block(System::block_number() + CONTEST);
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		assert_noop!(sign_and_record(fleet, "d", 0, b"x"), Error::<Test>::KeyNotActive);
		// The device may get its next epoch.
		publish(fleet, "d", 1);
		assert_eq!(state(fleet, "d", 1), EpochState::Pending);
	});
}

#[test]
fn a_bad_proof_in_a_group_is_named_and_only_then_are_the_proofs_charged_one_by_one() {
	test(|| {
		let fleet = fleet_with(&["a", "b", "c"]);
		let group = |k: PieceIndex| -> Vec<_> {
			["a", "b", "c"].iter().map(|d| publication(fleet, k, d, 0)).collect()
		};
		let one_by_one = <Test as Config>::WeightInfo::check_publications_one_by_one(3);
		let charged = |result: sp_runtime::DispatchResultWithInfo<_>| {
			let info: frame_support::dispatch::PostDispatchInfo = result.unwrap();
			info.actual_weight.unwrap()
		};
		use PublicationOutcome::*;
		// Honest proofs: they pass in one batch, and the call is not charged them one by one.
		events();
		assert_eq!(charged(publish_group(fleet, 0, group(0))), Weight::zero());
		assert_eq!(outcomes(), vec![Accepted { present: 1 }; 3]);
		// One damaged proof among honest ones: the batch fails, the proofs are verified one by
		// one, exactly the damaged one is refused, and that work is charged.
		let mut damaged = group(1);
		damaged[1].proof.0[40] ^= 1;
		assert_eq!(charged(publish_group(fleet, 1, damaged)), one_by_one);
		let refused = Refused(RefusalReason::BadProofOfPossession);
		assert_eq!(outcomes(), vec![Accepted { present: 2 }, refused, Accepted { present: 2 }]);
		// A bad point is refused before its proof is looked at: the others' batch passes.
		let mut small = group(2);
		small[0].public_piece.0 = [0; 32];
		small[0].public_piece.0[0] = 1; // the identity
		assert_eq!(charged(publish_group(fleet, 2, small)), Weight::zero());
		let refused = Refused(RefusalReason::PublicPieceSmallOrder);
		assert_eq!(outcomes(), vec![refused, Accepted { present: 2 }, Accepted { present: 3 }]);
		assert_eq!(state(fleet, "a", 0), EpochState::Incomplete);
		assert_eq!(state(fleet, "b", 0), EpochState::Incomplete);
		assert_eq!(state(fleet, "c", 0), EpochState::Pending);
	});
}

/// The storage refund's count: a publication is warm when its device's epoch was opened by an
/// earlier call of the same block, whose writes it then reads and rewrites; not when the opening
/// was in an earlier block, and not the opening publication itself.
#[test]
fn publications_after_an_opening_in_the_same_block_are_counted_warm() {
	test(|| {
		let fleet = fleet_with(&["a", "b", "c", "d"]);
		let send = |k: PieceIndex, names: &[&str]| {
			let publications: Vec<_> = names.iter().map(|d| publication(fleet, k, d, 0)).collect();
			let signature = omega(fleet, k, &publications);
			let (_, counts) = KeyShards::do_publish_pieces(
				primary(fleet, k),
				fleet,
				k,
				piece_count(fleet),
				&publications,
				&signature,
			)
			.unwrap();
			(counts.opened, counts.completed, counts.warm, counts.warm_completed)
		};
		// One block: piece 0 opens a, b and c; piece 1 finds them opened, and opens d.
		assert_eq!(send(0, &["a", "b", "c"]), (3, 0, 0, 0));
		assert_eq!(send(1, &["a", "b", "c", "d"]), (1, 0, 3, 0));
		// Piece 2 completes a and b, both opened in this block.
		assert_eq!(send(2, &["a", "b"]), (0, 2, 2, 2));
		// The next block: c's and d's openings are a block old, so nothing is warm.
		jump_to_block(System::block_number() + 1);
		assert_eq!(send(2, &["c"]), (0, 1, 0, 0));
		assert_eq!(send(0, &["d"]), (0, 0, 0, 0));
		assert_eq!(state(fleet, "a", 0), EpochState::Pending);
		assert_eq!(state(fleet, "d", 0), EpochState::Incomplete);
	});
}

/// `piece_count` is a witness for the declared weight: a group that names any other `p` than
/// its fleet's fails whole, before anything is judged, so it cannot be declared lighter than
/// its completions weigh.
#[test]
fn a_group_that_names_another_piece_count_is_refused_whole() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_eq!(piece_count(fleet), 3);
		let publications = vec![publication(fleet, 0, "d", 0)];
		let signature = omega(fleet, 0, &publications);
		let send = |witness: u16| {
			KeyShards::publish_pieces(
				signed(primary(fleet, 0)),
				fleet,
				0,
				publications.clone().try_into().unwrap(),
				signature,
				witness,
			)
		};
		for wrong in [0, 1, 2, 4, u16::MAX] {
			assert_noop!(send(wrong), Error::<Test>::WrongPieceCount);
		}
		// It is the first check after the fleet's: before an empty group, another holder's
		// account, or an ω that does not verify.
		let first = |publications: Vec<PiecePublication>, sender, signature| {
			KeyShards::publish_pieces(
				signed(sender),
				fleet,
				0,
				publications.try_into().unwrap(),
				signature,
				2,
			)
		};
		assert_noop!(first(vec![], primary(fleet, 0), signature), Error::<Test>::WrongPieceCount);
		assert_noop!(
			first(publications.clone(), HOLDER, signature),
			Error::<Test>::WrongPieceCount
		);
		let other = omega(fleet, 1, &publications);
		assert_noop!(
			first(publications.clone(), primary(fleet, 0), other),
			Error::<Test>::WrongPieceCount
		);
		assert_noop!(
			KeyShards::publish_pieces(
				signed(primary(fleet, 0)),
				fleet + 1,
				0,
				publications.clone().try_into().unwrap(),
				signature,
				2,
			),
			Error::<Test>::UnknownFleet
		);
		events();
		assert_ok!(send(3));
		assert_eq!(outcomes(), vec![PublicationOutcome::Accepted { present: 1 }]);
	});
}

#[test]
fn t_minus_1_holders_and_another_holders_account_cannot_publish_a_piece_they_lack() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		// Holder 0 lacks piece 0 (T_0 = {0}). Its own account is refused outright...
		let chosen = generate_piece(
			&device_epoch(fleet, "d", 0),
			0,
			3,
			&GeneratorKey::from_slice(&[7; 32]).unwrap(),
			&piece_root(fleet, 0).device_piece_key(&device_epoch(fleet, "d", 0).who(0)),
		)
		.unwrap()
		.publication;
		// ... with any ω it can make (its own pieces' seeds, or none).
		let own_seed = piece_root(fleet, 1).publisher_seed();
		let ctx = KeyShards::context(fleet);
		let digest = keyshards_primitives::v2::digest_of(&ctx.who(0, &device("d"), 0), &chosen);
		let omega_own = own_seed.sign_publications(&ctx, 0, &[digest]);
		assert_noop!(
			KeyShards::publish_pieces(
				signed(HOLDER),
				fleet,
				0,
				vec![chosen.clone()].try_into().unwrap(),
				omega_own,
				piece_count(fleet),
			),
			Error::<Test>::NotPieceHolder
		);
		// With holder 1's stolen account key (no root of piece 0), ω still fails under W_0.
		assert_noop!(
			KeyShards::publish_pieces(
				signed(HOLDER + 1),
				fleet,
				0,
				vec![chosen].try_into().unwrap(),
				omega_own,
				piece_count(fleet),
			),
			Error::<Test>::BadPublicationSignature
		);
		assert!(Epochs::<Test>::get((fleet, device("d"), 0)).is_none());
	});
}

#[test]
fn deregistration_leaves_a_tombstone_and_a_re_registered_id_never_sees_an_old_key() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		publish(fleet, "d", 0);
		jump_to_block(System::block_number() + CONTEST);
		let old_key = device_key(fleet, "d", 0);
		let payload = b"after deregistration";
		assert_ok!(KeyShards::deregister_device(signed(OWNER), fleet, device("d")));
		assert_eq!(state(fleet, "d", 0), EpochState::Invalidated);
		let record = Devices::<Test>::get(fleet, device("d")).unwrap();
		assert!(record.registered.is_none());
		assert_eq!((record.registration, record.next_epoch), (0, 1));
		let signature = old_key.sign(payload).unwrap();
		assert_noop!(
			KeyShards::do_record_use(fleet, device("d"), 0, payload_hash(payload), signature),
			Error::<Test>::UnknownDevice
		);
		// Publications for a tombstone fail the group.
		assert_noop!(
			publish_group(fleet, 0, vec![publication(fleet, 0, "d", 1)]),
			Error::<Test>::DeviceNotRegistered
		);

		assert_ok!(KeyShards::register_device(signed(OWNER), fleet, device("d")));
		let record = Devices::<Test>::get(fleet, device("d")).unwrap();
		assert_eq!((record.registration, record.next_epoch), (1, 1));
		// Epoch 0 cannot come back; epoch 1 is this registration's, under new device keys.
		events();
		publish_group(fleet, 0, vec![publication(fleet, 0, "d", 0)]).unwrap();
		assert_eq!(outcomes(), vec![PublicationOutcome::Refused(RefusalReason::NotNextEpoch)]);
		publish(fleet, "d", 1);
		jump_to_block(System::block_number() + CONTEST);
		assert_eq!(device_key(fleet, "d", 1).device_epoch().registration, 1);
		// A signature by the old registration's key does not verify for the new epoch.
		let old = Signature(old_key.sign(b"x").unwrap().0);
		assert_noop!(
			KeyShards::do_record_use(fleet, device("d"), 1, payload_hash(b"x"), old),
			Error::<Test>::BadSignature
		);
		assert_ok!(sign_and_record(fleet, "d", 1, b"new registration"));
	});
}

#[test]
fn fleets_refuse_bad_shapes_and_only_the_owner_replaces_a_holders_accounts() {
	test(|| {
		let keys = |n: u16| -> PublicationKeysOf<Test> {
			(0..n)
				.map(|k| piece_root(99, k).publication_key())
				.collect::<Vec<_>>()
				.try_into()
				.unwrap()
		};
		assert_noop!(
			KeyShards::create_fleet(signed(OWNER), 4, holders(3), keys(3), params()),
			Error::<Test>::InvalidThreshold
		);
		assert_noop!(
			KeyShards::create_fleet(signed(OWNER), 2, holders(3), keys(2), params()),
			Error::<Test>::WrongPublicationKeyCount
		);
		let mut shared = holders(3);
		shared[2] = vec![HOLDER].try_into().unwrap();
		assert_noop!(
			KeyShards::create_fleet(signed(OWNER), 2, shared, keys(3), params()),
			Error::<Test>::DuplicateHolderAccount
		);
		let fleet = create_fleet();
		let again: Vec<_> = (0..3).map(|k| piece_root(fleet, k).publication_key()).collect();
		assert_noop!(
			KeyShards::create_fleet(
				signed(OWNER),
				2,
				holders(3),
				again.try_into().unwrap(),
				params()
			),
			Error::<Test>::PublicationKeyInUse
		);
		let node_b: HolderAccountsOf<Test> = vec![HOLDER + 1, 42].try_into().unwrap();
		assert_noop!(
			KeyShards::set_holder_accounts(signed(STRANGER), fleet, 1, node_b.clone()),
			Error::<Test>::NotFleetOwner
		);
		assert_noop!(
			KeyShards::set_holder_accounts(signed(OWNER), fleet, 3, node_b.clone()),
			Error::<Test>::UnknownHolder
		);
		assert_ok!(KeyShards::set_holder_accounts(signed(OWNER), fleet, 1, node_b));
		assert_eq!(Fleets::<Test>::get(fleet).unwrap().holder_of(&42), Some(1));
	});
}

#[test]
fn expired_epochs_are_pruned_after_the_grace_period_by_on_idle_and_by_anyone() {
	test(|| {
		let fleet = fleet_with(&["d", "e"]);
		publish(fleet, "d", 0);
		publish(fleet, "e", 0);
		let first = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap().completion.unwrap();
		// The next epochs, then the first ones expire.
		jump_to_block(first.valid_to - LEAD);
		publish(fleet, "d", 1);
		publish(fleet, "e", 1);
		run_to_block(first.valid_to + GRACE - 1);
		assert!(Epochs::<Test>::contains_key((fleet, device("d"), 0)), "kept for the grace period");
		assert_noop!(
			KeyShards::prune(signed(STRANGER), fleet, device("d")),
			Error::<Test>::NothingToPrune
		);
		jump_to_block(first.valid_to + GRACE);
		// Anyone may prune (free); `on_idle` gets the rest.
		assert_ok!(KeyShards::prune(signed(STRANGER), fleet, device("d")));
		assert!(!Epochs::<Test>::contains_key((fleet, device("d"), 0)));
		run_to_block(first.valid_to + GRACE + 1);
		assert!(!Epochs::<Test>::contains_key((fleet, device("e"), 0)));
		assert!(Epochs::<Test>::contains_key((fleet, device("e"), 1)), "the live epoch stays");
		assert_eq!(Devices::<Test>::get(fleet, device("e")).unwrap().oldest, 1);
	});
}

#[test]
fn the_collector_gives_way_to_a_full_block_and_never_stops() {
	test(|| {
		let names: Vec<String> = (0..2 * GC_VISITS).map(|i| format!("d{i}")).collect();
		fleet_with(&names.iter().map(String::as_str).collect::<Vec<_>>());
		// Where the cursor stands after `n` visits from the first device.
		let after = |n: usize| {
			let key = Devices::<Test>::iter_keys().nth(n - 1).unwrap();
			Devices::<Test>::hashed_key_for(key.0, &key.1)
		};
		let weights: frame_system::limits::BlockWeights =
			<Test as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.unwrap();
		// An empty block: every visit `MaxGcVisitsPerBlock` allows.
		assert_eq!(KeyShards::gc_visits_allowed(), GC_VISITS);
		KeyShards::on_idle(1, Weight::MAX);
		assert_eq!(GcCursor::<Test>::get().unwrap().into_inner(), after(GC_VISITS as usize));
		// A block whose normal class is half full: about half as many beyond the floor.
		GcCursor::<Test>::kill();
		System::register_extra_weight_unchecked(normal / 2, DispatchClass::Normal);
		let least = GC_VISITS / 8;
		let half = KeyShards::gc_visits_allowed();
		assert!(least < half && half < GC_VISITS, "{half} visits in a half-full block");
		// A full block: an eighth, however much weight `on_idle` is offered.
		System::register_extra_weight_unchecked(normal, DispatchClass::Normal);
		assert_eq!(KeyShards::gc_visits_allowed(), least);
		KeyShards::on_idle(1, Weight::MAX);
		assert_eq!(GcCursor::<Test>::get().unwrap().into_inner(), after(least as usize));
		// ... and the sweep goes on from there, block after block, to the last device.
		let blocks = 2 * GC_VISITS / least;
		for _ in 1..blocks {
			KeyShards::on_idle(1, Weight::MAX);
		}
		assert_eq!(GcCursor::<Test>::get().unwrap().into_inner(), after(blocks as usize));
	});
}

#[test]
fn a_device_at_its_retention_limit_prunes_its_expired_epochs_when_the_next_one_opens() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		let mut long_grace = params();
		long_grace.grace_period = 20;
		assert_ok!(KeyShards::set_fleet_params(signed(OWNER), fleet, long_grace));
		// `MAX_RETAINED` epochs, each revoked at once (epoch `e` at block `e + 1`), so the next
		// one is due at once.
		for epoch in 0..MAX_RETAINED {
			jump_to_block(u64::from(epoch) + 1);
			publish(fleet, "d", epoch);
			assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, device("d"), epoch));
		}
		events();
		// Within the grace period nothing may go: the opening is refused and changes nothing.
		jump_to_block(u64::from(MAX_RETAINED) + 1);
		let before = Devices::<Test>::get(fleet, device("d"));
		publish_piece(fleet, 0, "d", MAX_RETAINED);
		assert_eq!(outcomes(), [PublicationOutcome::Refused(RefusalReason::RetentionFull)]);
		assert_eq!(Devices::<Test>::get(fleet, device("d")), before);
		// Epochs 0 and 1 are past their grace period: the opening removes the oldest itself
		// (`PRUNE_ON_OPEN`), with neither a `prune` call nor `on_idle`.
		assert_eq!(PRUNE_ON_OPEN, 1);
		jump_to_block(2 + 20);
		publish_piece(fleet, 0, "d", MAX_RETAINED);
		let events = events();
		assert!(events.contains(&Event::EpochsPruned {
			fleet,
			device: device("d"),
			from: 0,
			to: 0,
			by: None
		}));
		assert!(events.iter().any(|e| matches!(
			e,
			Event::PiecePublished { outcome: PublicationOutcome::Accepted { present: 1 }, .. }
		)));
		let record = Devices::<Test>::get(fleet, device("d")).unwrap();
		assert_eq!((record.oldest, record.next_epoch), (1, u64::from(MAX_RETAINED) + 1));
		assert!(!Epochs::<Test>::contains_key((fleet, device("d"), 0)));
		assert!(Epochs::<Test>::contains_key((fleet, device("d"), 1)), "left to the collector");
		// The rest of the epoch's pieces complete it.
		publish_piece(fleet, 1, "d", MAX_RETAINED);
		publish_piece(fleet, 2, "d", MAX_RETAINED);
		assert_eq!(state(fleet, "d", MAX_RETAINED), EpochState::Pending);
	});
}
