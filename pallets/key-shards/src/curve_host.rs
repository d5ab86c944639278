//! SPEC v2's point checks, a group's proofs of possession and the public key sum as host functions
//! (`ext_keyshards_curve_*`): the chain's per-publication cost is a scalar multiplication (`ℓ·X`,
//! the torsion check) and a proof's verification, and a completion decompresses every piece; in
//! wasm these are several times slower (a point check with its read and write: 326 µs in wasm,
//! 56 µs through the host).
//!
//! The host runs exactly the shared primitives' code ([`curve::check_point`],
//! [`v2::check_publications`], [`curve::sum_encoded`]), so the outcome is the same as in wasm;
//! only its speed changes. The inputs are public (published points and proofs); nothing secret
//! crosses. A node must register [`keyshards_curve::HostFunctions`] in every executor that runs a
//! runtime with this pallet (the node's `KeyshardsHostFunctions` does); a runtime that imports a
//! host function the node lacks does not run on it, so a node older than its runtime's host
//! functions cannot follow the chain.

use alloc::vec::Vec;
use keyshards_primitives::v2::{
	self,
	curve::{self, PointFault},
	Batching, ProofToCheck, PublicationFault,
};
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

	/// [`v2::check_publications`]: each publication's point check and proof of possession (ZIP-215),
	/// the proofs batched if `batch` ([`Batching::Proofs`]), and whether they were verified one
	/// by one. Kept exactly so for blocks made before version 2: whether a check ran one by one
	/// is charged, so it is part of the state transition.
	fn check_publications(
		items: PassFatPointerAndDecodeSlice<&[ProofToCheck]>,
		batch: bool,
	) -> AllocateAndReturnByCodec<(Vec<Result<(), PublicationFault>>, bool)> {
		v2::check_publications(items, if batch { Batching::Proofs } else { Batching::None })
	}

	/// Version 2 (`spec_version` 102 on): with `batch`, a large group's points are checked for
	/// torsion together too ([`Batching::ProofsAndPoints`]), and a failed points' batch counts
	/// as checking one by one. The outcomes are version 1's; only the charge of a group with a
	/// torsioned point differs.
	#[version(2)]
	fn check_publications(
		items: PassFatPointerAndDecodeSlice<&[ProofToCheck]>,
		batch: bool,
	) -> AllocateAndReturnByCodec<(Vec<Result<(), PublicationFault>>, bool)> {
		v2::check_publications(
			items,
			if batch { Batching::ProofsAndPoints } else { Batching::None },
		)
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

/// A group's publication checks as the chain runs them (the host function's latest version: the
/// proofs batched, and a large group's points' torsion).
pub(crate) fn chain_check_publications(
	items: &[ProofToCheck],
) -> (Vec<Result<(), PublicationFault>>, bool) {
	keyshards_curve::check_publications(items, true)
}

/// The public pieces' sum as the chain computes it (the host function).
pub(crate) fn chain_sum(points: &[[u8; 32]]) -> Option<[u8; 32]> {
	keyshards_curve::sum(points)
}
