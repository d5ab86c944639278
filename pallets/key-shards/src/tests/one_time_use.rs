use crate::{invalid_use, mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Authorize};
use keyshards_primitives::{payload_hash, verify, OneTimeKey, PayloadHash, ShardState, Signature};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

fn use_call(fleet: FleetId, epoch: u32, hash: PayloadHash, signature: Signature) -> Call<Test> {
	Call::record_use { fleet, device: device("d"), epoch, payload_hash: hash, signature }
}

fn authorize(call: &Call<Test>) -> Result<(), TransactionValidityError> {
	call.authorize(TransactionSource::External).expect("record_use authorizes itself").map(|_| ())
}

fn authorized() -> RuntimeOrigin {
	frame_system::RawOrigin::Authorized.into()
}

fn signed_use(fleet: FleetId, key: &OneTimeKey, payload: &[u8]) -> Call<Test> {
	use_call(fleet, key.epoch(), payload_hash(payload), key.sign(payload))
}

fn dispatch(call: Call<Test>) -> sp_runtime::DispatchResult {
	match call {
		Call::record_use { fleet, device, epoch, payload_hash, signature } => {
			KeyShards::record_use(authorized(), fleet, device, epoch, payload_hash, signature)
		}
		_ => unreachable!(),
	}
}

#[test]
fn a_use_is_authorised_by_the_keys_signature_and_recorded_once() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		let key = device_key(fleet, "d", 0);
		let call = signed_use(fleet, &key, b"firmware v2");

		let (validity, refund) = call.authorize(TransactionSource::External).unwrap().unwrap();
		assert_eq!(refund, frame_support::weights::Weight::zero());
		assert_eq!(validity.provides.len(), 1, "one tag per key, so the pool keeps one use");
		assert_eq!(validity.longevity, 1 + PERIOD - 1);

		jump_to_block(3);
		events();
		assert_ok!(dispatch(call.clone()));
		let record = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap();
		let used = record.used.clone().unwrap();
		assert_eq!((used.payload_hash, used.at), (payload_hash(b"firmware v2"), 3));
		assert_eq!(record.state_at(3), ShardState::Used);
		// Anyone can check the recorded signature against the chain's public key.
		assert_ok!(verify(
			&record.public_key,
			&device("d"),
			0,
			&used.payload_hash,
			&used.signature
		));
		assert_eq!(
			events(),
			vec![Event::KeyUsed {
				fleet,
				device: device("d"),
				epoch: 0,
				payload_hash: payload_hash(b"firmware v2")
			}]
		);

		// A second use, of the same or another payload, is refused in the pool and on chain.
		let again = signed_use(fleet, &key, b"firmware v3");
		for call in [call, again] {
			assert_eq!(
				authorize(&call),
				Err(InvalidTransaction::Custom(invalid_use::KEY_ALREADY_USED).into())
			);
			assert_noop!(dispatch(call), Error::<Test>::KeyAlreadyUsed);
		}
	})
}

#[test]
fn a_use_is_refused_unless_the_key_is_active_and_the_signature_its_own() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		let key0 = device_key(fleet, "d", 0);
		let key1 = device_key(fleet, "d", 1);

		// Signature over another payload than the one named.
		let mut wrong_payload = signed_use(fleet, &key0, b"a");
		if let Call::record_use { payload_hash: h, .. } = &mut wrong_payload {
			*h = payload_hash(b"b");
		}
		assert_eq!(authorize(&wrong_payload), Err(InvalidTransaction::BadProof.into()));
		// Epoch 1's key signing as epoch 0.
		let mut wrong_key = signed_use(fleet, &key1, b"a");
		if let Call::record_use { epoch, .. } = &mut wrong_key {
			*epoch = 0;
		}
		assert_eq!(authorize(&wrong_key), Err(InvalidTransaction::BadProof.into()));
		// Unknown key.
		let unknown = use_call(fleet, 7, payload_hash(b"a"), key0.sign(b"a"));
		assert_eq!(
			authorize(&unknown),
			Err(InvalidTransaction::Custom(invalid_use::UNKNOWN_KEY).into())
		);
		assert_noop!(dispatch(unknown), Error::<Test>::UnknownEpoch);
		// Pending key: not yet.
		let early = signed_use(fleet, &key1, b"a");
		assert_eq!(authorize(&early), Err(InvalidTransaction::Future.into()));
		assert_noop!(dispatch(early), Error::<Test>::KeyNotActive);
		// Expired key: too late.
		jump_to_block(1 + PERIOD);
		let late = signed_use(fleet, &key0, b"a");
		assert_eq!(authorize(&late), Err(InvalidTransaction::Stale.into()));
		assert_noop!(dispatch(late), Error::<Test>::KeyNotActive);
	})
}

#[test]
fn only_the_authorisation_pipeline_may_dispatch_a_use() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		let key = device_key(fleet, "d", 0);
		let (hash, sig) = (payload_hash(b"x"), key.sign(b"x"));
		for origin in [signed(OWNER), RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(
				KeyShards::record_use(origin, fleet, device("d"), 0, hash, sig),
				DispatchError::BadOrigin
			);
		}
	})
}

#[test]
fn using_the_key_hands_over_to_a_pending_epoch_at_once() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		assert_ok!(publish(fleet, "d", 1));
		jump_to_block(5);
		events();
		assert_ok!(dispatch(signed_use(fleet, &device_key(fleet, "d", 0), b"p")));
		let r0 = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap();
		assert_eq!(r0.state_at(5), ShardState::Invalidated);
		assert_eq!(
			r0.invalidated,
			Some(Invalidation { at: 5, reason: InvalidationReason::Superseded })
		);
		assert!(r0.used.is_some(), "the use record stays with the superseded epoch");
		let r1 = Epochs::<Test>::get((fleet, device("d"), 1)).unwrap();
		assert_eq!((r1.valid_from, r1.expires_at, r1.state_at(5)), (5, 15, ShardState::Active));
		let events = events();
		assert!(matches!(events[0], Event::KeyUsed { epoch: 0, .. }));
		assert!(matches!(
			events[1],
			Event::EpochInvalidated {
				epoch: 0,
				reason: InvalidationReason::Superseded,
				by: None,
				..
			}
		));
		assert!(matches!(events[2], Event::EpochActivatedEarly { epoch: 1, valid_from: 5, .. }));
		assert_ok!(dispatch(signed_use(fleet, &device_key(fleet, "d", 1), b"q")));
	})
}

#[test]
fn after_a_use_the_next_publication_activates_at_once() {
	test(|| {
		let fleet = fleet_with(&["d"]);
		assert_ok!(publish(fleet, "d", 0));
		jump_to_block(2);
		assert_ok!(dispatch(signed_use(fleet, &device_key(fleet, "d", 0), b"p")));
		assert!(Devices::<Test>::get(fleet, device("d")).unwrap().current.unwrap().used);
		jump_to_block(4);
		events();
		assert_ok!(publish(fleet, "d", 1));
		let r0 = Epochs::<Test>::get((fleet, device("d"), 0)).unwrap();
		assert_eq!(
			r0.invalidated,
			Some(Invalidation { at: 4, reason: InvalidationReason::Superseded })
		);
		let r1 = Epochs::<Test>::get((fleet, device("d"), 1)).unwrap();
		assert_eq!((r1.valid_from, r1.state_at(4)), (4, ShardState::Active));
		assert!(matches!(
			events()[0],
			Event::EpochInvalidated { epoch: 0, reason: InvalidationReason::Superseded, .. }
		));
	})
}
