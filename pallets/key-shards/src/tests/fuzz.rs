//! Fuzz-style property tests of the pallet's call arguments (stable toolchain: `proptest`).
//!
//! - Arbitrary bytes after each call index either decode as a call or are refused; a call that
//!   decodes, dispatched by the owner, a holder, a stranger or a poor account on a chain with a
//!   fleet and two devices, succeeds or fails with an error, never panics; a failed call changes
//!   no storage; the pallet's invariants hold after every call. (Few random byte strings decode,
//!   and those that do mostly fail early, so:)
//! - Sequences of well-formed calls with random arguments (fleets, devices, epochs, parameters,
//!   accounts, most of them existing) from random origins, with blocks passing between them,
//!   reach the success paths too: every call succeeds or fails with an error, a failed call
//!   changes no storage, and the invariants hold after every step.
//!
//! `PROPTEST_CASES` sets the number of cases (CI runs the default, 256).

use crate::{mock::*, *};
use codec::Decode;
use proptest::prelude::*;
use sp_runtime::traits::Dispatchable;

fn cases() -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// A device id: mostly one of the test's, sometimes another.
fn any_device() -> impl Strategy<Value = keyshards_primitives::DeviceId> {
	prop_oneof![
		3 => prop::sample::select(vec!["a", "b", "c"]).prop_map(device),
		1 => proptest::collection::vec(any::<u8>(), 1..=64)
			.prop_map(|id| keyshards_primitives::DeviceId::new(&id).unwrap()),
	]
}

/// What a step does.
#[derive(Clone, Debug)]
enum Action {
	/// A call with random arguments.
	Call(Call<Test>),
	/// Piece `piece` of `device`'s `epoch`, published honestly (built when the step runs),
	/// naming the fleet's `p`, or sometimes that plus `wrong` (another count: refused whole).
	Publish {
		piece: PieceIndex,
		device: &'static str,
		epoch: keyshards_primitives::Epoch,
		wrong: Option<u16>,
	},
}

/// One step: an origin, an action, and blocks to pass first.
fn step() -> impl Strategy<Value = (u64, Action, u64)> {
	let who = prop::sample::select(vec![OWNER, OWNER, HOLDER, STRANGER, POOR]);
	let fleet = prop_oneof![3 => Just(0u32), 1 => 1u32..3];
	let epoch = 0u32..4;
	let call = prop_oneof![
		any_device().prop_map(|device| Call::register_device { fleet: 0, device }),
		(fleet.clone(), any_device())
			.prop_map(|(fleet, device)| Call::register_device { fleet, device }),
		(fleet.clone(), any_device())
			.prop_map(|(fleet, device)| Call::deregister_device { fleet, device }),
		(fleet.clone(), any_device(), epoch)
			.prop_map(|(fleet, device, epoch)| Call::invalidate_epoch { fleet, device, epoch }),
		(fleet.clone(), any_device()).prop_map(|(fleet, device)| Call::prune { fleet, device }),
		(fleet.clone(), 0u64..30, 0u64..30, 0u64..30).prop_map(|(fleet, r, g, l)| {
			Call::set_fleet_params {
				fleet,
				params: FleetParams { rotation_period: r, grace_period: g, lead_time: l },
			}
		}),
		(fleet.clone(), prop::option::of(prop::sample::select(vec![OWNER, STRANGER, POOR])))
			.prop_map(|(fleet, new_owner)| Call::propose_fleet_owner { fleet, new_owner }),
		fleet.clone().prop_map(|fleet| Call::accept_fleet_ownership { fleet }),
		fleet.prop_map(|fleet| Call::destroy_fleet { fleet }),
	];
	let action = prop_oneof![
		1 => call.prop_map(Action::Call),
		1 => (
			0u16..3,
			prop::sample::select(vec!["a", "b", "c"]),
			0u32..4,
			prop_oneof![7 => Just(None), 1 => (1u16..=u16::MAX).prop_map(Some)],
		)
			.prop_map(|(piece, device, epoch, wrong)| Action::Publish { piece, device, epoch, wrong }),
	];
	(who, action, 0u64..12)
}

fn root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(cases()))]

	#[test]
	fn arbitrary_call_arguments_decode_or_are_refused_and_never_panic_or_leave_a_trace(
		index in 0u8..24,
		args in proptest::collection::vec(any::<u8>(), 0..600),
		who in prop::sample::select(vec![OWNER, HOLDER, HOLDER + 1, STRANGER, POOR]),
	) {
		let mut bytes = vec![index];
		bytes.extend_from_slice(&args);
		let Ok(call) = Call::<Test>::decode(&mut &bytes[..]) else { return Ok(()) };
		new_test_ext().execute_with(|| {
			fleet_with(&["a", "b"]);
			let before = root();
			let result = RuntimeCall::KeyShards(call.clone()).dispatch(signed(who));
			if result.is_err() {
				assert_eq!(before, root(), "a failed {call:?} changed storage");
			}
			KeyShards::do_try_state().expect("the invariants hold after any call");
		});
	}

	#[test]
	fn sequences_of_well_formed_calls_with_random_arguments_keep_the_invariants(
		steps in proptest::collection::vec(step(), 1..24),
	) {
		new_test_ext().execute_with(|| {
			fleet_with(&["a", "b"]);
			let mut block = System::block_number();
			for (who, action, blocks) in steps {
				block += blocks;
				run_to_block(block);
				let (who, call) = match action {
					Action::Call(call) => (who, call),
					// An honest publication of a piece, by its primary holder, while fleet 0
					// exists (it may still be refused: not due, another epoch open, ...).
					Action::Publish { piece, device, epoch, wrong } => {
						if !Fleets::<Test>::contains_key(0) {
							continue;
						}
						let publications = vec![publication(0, piece, device, epoch)];
						let signature = omega(0, piece, &publications);
						let call = Call::publish_pieces {
							fleet: 0,
							piece,
							publications: publications.try_into().unwrap(),
							signature,
							piece_count: piece_count(0).wrapping_add(wrong.unwrap_or(0)),
						};
						(primary(0, piece), call)
					}
				};
				let before = root();
				let result = RuntimeCall::KeyShards(call.clone()).dispatch(signed(who));
				if result.is_err() {
					assert_eq!(before, root(), "a failed {call:?} changed storage");
				}
				KeyShards::do_try_state().expect("the invariants hold after every call");
			}
		});
	}

	#[test]
	fn arbitrary_bytes_never_decode_as_a_call_with_trailing_garbage_accepted(
		bytes in proptest::collection::vec(any::<u8>(), 0..600),
	) {
		// Decoding takes what a call needs; `decode_all` (what the chain uses for an extrinsic's
		// call) refuses bytes left over.
		if let Ok(call) = <Call<Test> as codec::DecodeAll>::decode_all(&mut &bytes[..]) {
			prop_assert_eq!(codec::Encode::encode(&call), bytes);
		}
	}
}
