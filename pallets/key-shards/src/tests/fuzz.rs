//! Fuzz-style property tests of the pallet's call arguments (stable toolchain: `proptest` over
//! arbitrary bytes). Arbitrary bytes after each call index either decode as a call or are
//! refused; a call that decodes, dispatched by the owner, a holder, a stranger or a poor account
//! on a chain with a fleet and two devices, succeeds or fails with an error, never panics; a
//! failed call changes no storage; the pallet's invariants hold after every call.
//!
//! `PROPTEST_CASES` sets the number of cases (CI runs the default, 256).

use crate::{mock::*, *};
use codec::Decode;
use proptest::prelude::*;
use sp_runtime::traits::Dispatchable;

fn cases() -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
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
