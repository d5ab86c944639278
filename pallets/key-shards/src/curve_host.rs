//! SPEC v2's point checks and the public key sum as host functions (`ext_keyshards_curve_*`):
//! the chain's per-publication cost is a scalar multiplication (`ℓ·X`, the torsion check) and a
//! completion decompresses every piece; in wasm these are several times slower (a point check
//! with its read and write: 326 µs in wasm, 56 µs through the host).
//!
//! The host runs exactly the shared primitives' code ([`curve::check_point`],
//! [`curve::sum_encoded`]), so the outcome is the same as in wasm; only its speed changes. The
//! inputs are public (published points); nothing secret crosses. A node must register
//! [`keyshards_curve::HostFunctions`] in every executor that runs a runtime with this pallet
//! (the node's `KeyshardsHostFunctions` does).

use keyshards_primitives::v2::curve::{self, PointFault};
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecodeSlice, PassPointerAndRead},
	runtime_interface,
};

/// The curve's host functions.
#[runtime_interface]
pub trait KeyshardsCurve {
	/// [`curve::check_point`]: canonical, not of small order, torsion-free.
	fn check_point(
		bytes: PassPointerAndRead<&[u8; 32], 32>,
	) -> AllocateAndReturnByCodec<Result<(), PointFault>> {
		curve::check_point(bytes)
	}

	/// [`curve::sum_encoded`]: the sum of checked points, `None` if one is not a point or the
	/// sum is the identity.
	fn sum(
		points: PassFatPointerAndDecodeSlice<&[[u8; 32]]>,
	) -> AllocateAndReturnByCodec<Option<[u8; 32]>> {
		curve::sum_encoded(points)
	}
}

/// The point check the chain passes to the shared checks (the host function).
pub(crate) fn chain_check_point(bytes: &[u8; 32]) -> Result<(), PointFault> {
	keyshards_curve::check_point(bytes)
}

/// The public pieces' sum as the chain computes it (the host function).
pub(crate) fn chain_sum(points: &[[u8; 32]]) -> Option<[u8; 32]> {
	keyshards_curve::sum(points)
}
