//! The point and scalar checks SPEC v2 asks of public pieces `X_k`, publication keys `W_k` and
//! decrypted piece scalars, and the sum `P = X_0 + ... + X_{p-1}`.
//!
//! Needed because the chain verifies Ed25519 with ZIP-215 rules (`sp_io::crypto::ed25519_verify`:
//! cofactored, non-canonical and small-order keys accepted): under a small-order key anyone can
//! forge signatures, and a mixed-order piece would make `P` mixed-order.

use curve25519_dalek::{
	edwards::{CompressedEdwardsY, EdwardsPoint},
	scalar::Scalar,
	traits::Identity,
};

/// Why 32 bytes are not an acceptable point (in the order SPEC checks).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum PointFault {
	/// The bytes are not the canonical encoding of a curve point (no such point, or a point whose
	/// canonical encoding differs).
	NotCanonical,
	/// The point is of small order (its order divides 8; the identity included).
	SmallOrder,
	/// The point has a torsion component (`ℓ·X` is not the identity).
	NotTorsionFree,
}

impl PointFault {
	/// The reason in words.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::NotCanonical => "is not a canonical point encoding",
			Self::SmallOrder => "is of small order",
			Self::NotTorsionFree => "is not torsion-free",
		}
	}
}

impl core::fmt::Display for PointFault {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// Decompresses `bytes` and accepts the point only if it re-compresses to the same bytes, is not
/// of small order, and lies in the prime-order subgroup.
pub fn prime_order_point(bytes: &[u8; 32]) -> Result<EdwardsPoint, PointFault> {
	let point = CompressedEdwardsY(*bytes).decompress().ok_or(PointFault::NotCanonical)?;
	if point.compress().0 != *bytes {
		return Err(PointFault::NotCanonical);
	}
	if point.is_small_order() {
		return Err(PointFault::SmallOrder);
	}
	if !torsion_free(&point) {
		return Err(PointFault::NotTorsionFree);
	}
	Ok(point)
}

/// Whether `ℓ·X` is the identity, in variable time: the points checked are public, so the
/// constant-time multiplication of `EdwardsPoint::is_torsion_free` buys nothing here, and this
/// is the chain's largest cost per publication. `ℓ` is not a [`Scalar`] (it reduces to 0), but
/// `ℓ − 1` is: the multiplication runs over the integer's digits, whatever the point's order,
/// so `(ℓ − 1)·X = −X` exactly when `ℓ·X` is the identity.
fn torsion_free(point: &EdwardsPoint) -> bool {
	let l_minus_one = -Scalar::ONE;
	EdwardsPoint::vartime_double_scalar_mul_basepoint(&l_minus_one, point, &Scalar::ZERO) == -point
}

/// SPEC's point check as a function of the bytes: the chain passes a host function that runs
/// [`check_point`] natively (the checks cost a scalar multiplication, several times slower in
/// wasm); off chain, [`check_point`] itself.
pub trait PointCheck: Fn(&[u8; 32]) -> Result<(), PointFault> {}
impl<F: Fn(&[u8; 32]) -> Result<(), PointFault>> PointCheck for F {}

/// [`prime_order_point`] without the point: whether the bytes pass SPEC's checks.
pub fn check_point(bytes: &[u8; 32]) -> Result<(), PointFault> {
	prime_order_point(bytes).map(|_| ())
}

/// Decompresses bytes that were checked before (a stored public piece); `None` if they are not a
/// point at all.
pub fn decompress(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
	CompressedEdwardsY(*bytes).decompress()
}

/// `pt(X_0 + ... + X_{p-1})`, or `None` if the sum is the identity (the epoch is then invalid).
pub fn sum(points: impl IntoIterator<Item = EdwardsPoint>) -> Option<[u8; 32]> {
	let total = points.into_iter().fold(EdwardsPoint::identity(), |acc, x| acc + x);
	(total != EdwardsPoint::identity()).then(|| total.compress().0)
}

/// `pt(X_0 + ... + X_{p-1})` of encoded points that were checked before (stored public pieces):
/// `None` if one of them is not a point, or if the sum is the identity.
pub fn sum_encoded(points: &[[u8; 32]]) -> Option<[u8; 32]> {
	points.iter().map(decompress).collect::<Option<alloc::vec::Vec<_>>>().and_then(sum)
}

/// `enc(x)` read back: the scalar if `bytes` is canonical (`< ℓ`).
pub fn canonical_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
	Option::from(Scalar::from_canonical_bytes(*bytes))
}

/// `pt(x·B)`.
pub fn public_point(scalar: &Scalar) -> [u8; 32] {
	EdwardsPoint::mul_base(scalar).compress().0
}

#[cfg(test)]
mod tests {
	use super::*;
	use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};

	#[test]
	fn the_checks_refuse_what_spec_names() {
		let good = (ED25519_BASEPOINT_POINT * Scalar::from(7u8)).compress().0;
		assert!(prime_order_point(&good).is_ok());
		for t in EIGHT_TORSION {
			assert_eq!(prime_order_point(&t.compress().0), Err(PointFault::SmallOrder));
		}
		let mixed = (ED25519_BASEPOINT_POINT + EIGHT_TORSION[1]).compress().0;
		assert_eq!(prime_order_point(&mixed), Err(PointFault::NotTorsionFree));
		// The identity with y = 1 + q (q = 2^255 - 19): y reduces to 1, the encoding is not
		// canonical.
		let mut y = [0u8; 32];
		y[0] = 0xee;
		y[1..31].fill(0xff);
		y[31] = 0x7f;
		assert_eq!(prime_order_point(&y), Err(PointFault::NotCanonical));
		// The first small y that is no point's coordinate.
		let off_curve = (2u8..)
			.map(|y| {
				let mut bytes = [0u8; 32];
				bytes[0] = y;
				bytes
			})
			.find(|bytes| decompress(bytes).is_none())
			.unwrap();
		assert_eq!(prime_order_point(&off_curve), Err(PointFault::NotCanonical));
		assert_eq!(sum([ED25519_BASEPOINT_POINT, -ED25519_BASEPOINT_POINT]), None);
		assert_eq!(check_point(&good), Ok(()));
		assert_eq!(check_point(&mixed), Err(PointFault::NotTorsionFree));
		let base = ED25519_BASEPOINT_POINT.compress().0;
		let three = (ED25519_BASEPOINT_POINT * Scalar::from(3u8)).compress().0;
		assert_eq!(
			sum_encoded(&[base, good, three]),
			sum([ED25519_BASEPOINT_POINT * Scalar::from(11u8)])
		);
		assert_eq!(sum_encoded(&[base, (-ED25519_BASEPOINT_POINT).compress().0]), None);
		assert_eq!(sum_encoded(&[base, off_curve]), None);
	}

	#[test]
	fn the_variable_time_torsion_check_agrees_with_dalek() {
		// Points of every order 8ℓ allows: prime-order ones plus each 8-torsion point.
		for i in 0u64..64 {
			let prime = ED25519_BASEPOINT_POINT * Scalar::from(i * 7919 + 1);
			for t in EIGHT_TORSION {
				let point = prime + t;
				assert_eq!(torsion_free(&point), point.is_torsion_free(), "{i}");
			}
		}
		assert!(torsion_free(&EdwardsPoint::identity()));
	}
}
