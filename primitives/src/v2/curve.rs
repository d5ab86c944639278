//! The point and scalar checks SPEC v2 asks of public pieces `X_k`, publication keys `W_k` and
//! decrypted piece scalars, and the sum `P = X_0 + ... + X_{p-1}`.
//!
//! Needed because the chain verifies Ed25519 with ZIP-215 rules (`sp_io::crypto::ed25519_verify`:
//! cofactored, non-canonical and small-order keys accepted): under a small-order key anyone can
//! forge signatures, and a mixed-order piece would make `P` mixed-order.
//!
//! Also ZIP-215 verification itself ([`zip215_verify`], [`zip215_verify_batch`]), for the chain's
//! check of a group's proofs of possession in one multi-scalar multiplication.

use curve25519_dalek::{
	constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION},
	edwards::{CompressedEdwardsY, EdwardsPoint},
	scalar::Scalar,
	traits::{Identity, IsIdentity, VartimeMultiscalarMul},
};
use sha2::{Digest, Sha512};

/// Domain of the batch coefficients' hash ([`zip215_verify_batch`]).
const BATCH_COEFFICIENTS: &[u8] = b"keyshards/zip215-batch-coefficients";

/// Domain of the hash that picks [`torsion_free_batch`]'s combinations.
const TORSION_COMBINATIONS: &[u8] = b"keyshards/torsion-batch-combinations";

/// The subset sums [`torsion_free_batch`] checks: each lets a torsion component through with
/// probability at most 1/2, so all of them with at most `2^-128`.
const TORSION_SUMS: u32 = 128;

/// Subset sums built per pass over the points ([`torsion_free_batch`]): the points are added
/// into `2^6` buckets by their 6 coefficient bits, and each sum is then 32 bucket additions.
const SUMS_PER_PASS: u32 = 6;

/// The smallest group whose points [`torsion_free_batch`] checks faster than one by one: its 128
/// multiplications by `ℓ` cost what 128 points' own do, and its additions (about 22 per point
/// and 4,000 more) about 12 µs per point against a multiplication's 33 µs; measured, 192
/// points take 6.1 ms together and 6.4 ms one by one (`cargo bench -p keyshards-primitives
/// --bench pieces -- torsion_checks`).
pub const TORSION_BATCH_MIN: usize = 192;

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
	let point = point_of_large_order(bytes)?;
	if !torsion_free(&point) {
		return Err(PointFault::NotTorsionFree);
	}
	Ok(point)
}

/// SPEC's first two point checks: `bytes` decompress to a point, re-compress to themselves, and
/// the point is not of small order. The third, torsion-freeness, is [`torsion_free`] (one
/// point) or [`torsion_free_batch`] (many).
pub fn point_of_large_order(bytes: &[u8; 32]) -> Result<EdwardsPoint, PointFault> {
	let point = CompressedEdwardsY(*bytes).decompress().ok_or(PointFault::NotCanonical)?;
	if !canonical(bytes, &point) {
		return Err(PointFault::NotCanonical);
	}
	if point.is_small_order() {
		return Err(PointFault::SmallOrder);
	}
	Ok(point)
}

/// Whether `bytes`, which decompressed to `point`, re-compress to themselves, without the field
/// inversion re-compressing costs. Decompression reads `y` modulo `p = 2^255 - 19` and takes the
/// sign bit as `x`'s, so the encoding is canonical unless `y >= p`, or the sign bit is set where
/// `x = 0` (only at `(0, 1)`, the identity, and `(0, -1)`, the point of order 2).
fn canonical(bytes: &[u8; 32], point: &EdwardsPoint) -> bool {
	let y_at_least_p =
		bytes[0] >= 0xed && bytes[1..31].iter().all(|&b| b == 0xff) && bytes[31] & 0x7f == 0x7f;
	let x_is_zero = *point == EdwardsPoint::identity() || *point == EIGHT_TORSION[4];
	!(y_at_least_p || bytes[31] >> 7 == 1 && x_is_zero)
}

/// Whether `ℓ·X` is the identity, in variable time: the points checked are public, so the
/// constant-time multiplication of `EdwardsPoint::is_torsion_free` buys nothing here, and this
/// is the chain's largest cost per publication. `ℓ` is not a [`Scalar`] (it reduces to 0), but
/// `ℓ − 1` is: the multiplication runs over the integer's digits, whatever the point's order,
/// so `(ℓ − 1)·X = −X` exactly when `ℓ·X` is the identity.
pub fn torsion_free(point: &EdwardsPoint) -> bool {
	let l_minus_one = -Scalar::ONE;
	EdwardsPoint::vartime_double_scalar_mul_basepoint(&l_minus_one, point, &Scalar::ZERO) == -point
}

/// Whether every point is torsion-free, with 128 multiplications by `ℓ` whatever the number of
/// points (and about 22 point additions per point) instead of one per point. A `false` says
/// that some point is not, not which: check them one by one then ([`torsion_free`]).
///
/// Each point is `X_i = P_i + T_i`, `P_i` of order `ℓ` and `T_i` in the 8-torsion (the curve's
/// group is `Z/ℓ × Z/8`). For a subset sum `Y = Σ z_i·X_i` (`z_i` ∈ {0, 1}), `ℓ·Y = ℓ·Σ z_i·T_i`,
/// the identity exactly when `Σ z_i·T_i` is (`ℓ` is odd, so multiplying by it permutes the
/// 8-torsion). If some `T_i` is not the identity, let `2^j` be the largest order among them
/// (the 8-torsion is cyclic): modulo the subgroup of order `2^(j-1)`, only the points whose
/// `T_i` has order `2^j` count, each the same nonzero class, so `Σ z_i·T_i` escapes that
/// subgroup (and is not the identity) whenever the subset holds an odd number of them, with
/// probability 1/2. A random subset sum lets the torsion through with probability at most 1/2
/// (one combination with large coefficients is no better: `z_i` matters only modulo 8). 128
/// independent sums let it through with probability at most `2^-128`. The coefficients are the
/// bits of a SHA-512 hash of every point's encoding, fixed only once every point is, so a sender
/// cannot pick them; the outcome is deterministic, as the chain needs.
///
/// `points` are the points with the bytes each was decompressed from (which the hash takes).
pub fn torsion_free_batch(points: &[(&[u8; 32], EdwardsPoint)]) -> bool {
	subset_sums(points, &coefficient_bits(points)).iter().all(torsion_free)
}

/// Each point's 128 coefficient bits ([`torsion_free_batch`]): 16 bytes of
/// `SHA-512(seed || i / 4)`, where the seed hashes the domain, the number of points and every
/// point's encoding.
fn coefficient_bits(points: &[(&[u8; 32], EdwardsPoint)]) -> alloc::vec::Vec<u128> {
	let seed = points
		.iter()
		.fold(
			Sha512::new()
				.chain_update(TORSION_COMBINATIONS)
				.chain_update((points.len() as u64).to_be_bytes()),
			|hash, (bytes, _)| hash.chain_update(bytes),
		)
		.finalize();
	let mut bits: alloc::vec::Vec<u128> = alloc::vec::Vec::with_capacity(points.len());
	for quarter in 0..points.len().div_ceil(4) {
		let hash = Sha512::new()
			.chain_update(seed)
			.chain_update((quarter as u64).to_be_bytes())
			.finalize();
		for chunk in hash.chunks_exact(16).take(points.len() - 4 * quarter) {
			bits.push(u128::from_le_bytes(chunk.try_into().expect("16 bytes; qed")));
		}
	}
	bits
}

/// The 128 subset sums `Y_j = Σ {X_i : bit j of bits[i]}`, six at a time: the points go into 64
/// buckets by their six bits, and each sum is then 32 bucket additions.
fn subset_sums(
	points: &[(&[u8; 32], EdwardsPoint)],
	bits: &[u128],
) -> alloc::vec::Vec<EdwardsPoint> {
	let mut sums = alloc::vec::Vec::with_capacity(TORSION_SUMS as usize);
	let mut first = 0;
	while first < TORSION_SUMS {
		let count = SUMS_PER_PASS.min(TORSION_SUMS - first);
		let mask = (1u128 << count) - 1;
		// `buckets[b]`: the sum of the points whose bits `first..first + count` read `b`.
		let mut buckets = [EdwardsPoint::identity(); 1 << SUMS_PER_PASS];
		for ((_, point), bits) in points.iter().zip(bits) {
			let b = ((bits >> first) & mask) as usize;
			if b != 0 {
				buckets[b] += point;
			}
		}
		for sum in 0..count {
			sums.push(
				buckets
					.iter()
					.enumerate()
					.filter(|(b, _)| b >> sum & 1 == 1)
					.map(|(_, bucket)| bucket)
					.sum(),
			);
		}
		first += count;
	}
	sums
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

/// One Ed25519 signature to check under ZIP-215's rules: its key `A`, already decompressed (the
/// chain's keys here passed [`prime_order_point`], so `A` is decompressed once for both checks),
/// `A`'s bytes as received, the message and the signature `pt(R) || enc(s)`.
pub struct Zip215<'a> {
	/// `A`.
	pub key: EdwardsPoint,
	/// The bytes `A` was decompressed from (they enter the challenge `k`).
	pub key_bytes: &'a [u8; 32],
	/// The signed message.
	pub message: &'a [u8],
	/// `pt(R) || enc(s)`.
	pub signature: &'a [u8; 64],
}

/// A signature read as ZIP-215 reads it: `s` canonical (`< ℓ`), `R` any encoding of a curve point
/// (non-canonical ones accepted), `k = SHA-512(pt(R) || pt(A) || M) mod ℓ`.
struct Zip215Parts {
	r: EdwardsPoint,
	s: Scalar,
	k: Scalar,
}

impl Zip215<'_> {
	/// The signature's parts, `None` if `s` is not canonical or `R` is not a point.
	fn parts(&self) -> Option<Zip215Parts> {
		let mut r_bytes = [0u8; 32];
		r_bytes.copy_from_slice(&self.signature[..32]);
		let mut s_bytes = [0u8; 32];
		s_bytes.copy_from_slice(&self.signature[32..]);
		let s = canonical_scalar(&s_bytes)?;
		let r = CompressedEdwardsY(r_bytes).decompress()?;
		let hash = Sha512::new()
			.chain_update(r_bytes)
			.chain_update(self.key_bytes)
			.chain_update(self.message)
			.finalize();
		let k = Scalar::from_bytes_mod_order_wide(&hash.into());
		Some(Zip215Parts { r, s, k })
	}
}

/// ZIP-215 verification, the rule of the chain's `sp_io::crypto::ed25519_verify` (ed25519-zebra):
/// `s` canonical, `R` a point, and the cofactored equation `[8]([s]B − R − [k]A)` is the identity.
pub fn zip215_verify(item: &Zip215) -> bool {
	item.parts().is_some_and(|parts| {
		let r_prime =
			EdwardsPoint::vartime_double_scalar_mul_basepoint(&parts.k, &-item.key, &parts.s);
		(parts.r - r_prime).mul_by_cofactor().is_identity()
	})
}

/// Whether every signature verifies under ZIP-215 ([`zip215_verify`]), in one multi-scalar
/// multiplication: `[8]([Σ z_i·s_i]B − Σ [z_i]R_i − Σ [z_i·k_i]A_i)` is the identity, with
/// 128-bit coefficients `z_i` taken from SHA-512 of the whole batch (so deterministic, as the chain
/// needs, and fixed only once every signature is). The equation is cofactored like ZIP-215's own:
/// a batch of signatures that each verify always passes, and a batch with one that does not
/// passes with probability at most `2^-128` per batch tried. The empty batch passes.
pub fn zip215_verify_batch(items: &[Zip215]) -> bool {
	let Some(parts) = items.iter().map(Zip215::parts).collect::<Option<alloc::vec::Vec<_>>>()
	else {
		return false;
	};
	let mut seed = Sha512::new().chain_update(BATCH_COEFFICIENTS);
	for (item, parts) in items.iter().zip(&parts) {
		seed.update(item.key_bytes);
		seed.update(item.signature);
		seed.update(parts.k.as_bytes());
	}
	let seed = seed.finalize();
	let coefficient = |i: usize| {
		let hash =
			Sha512::new().chain_update(seed).chain_update((i as u64).to_be_bytes()).finalize();
		let mut bytes = [0u8; 32];
		bytes[..16].copy_from_slice(&hash[..16]);
		Scalar::from_bytes_mod_order(bytes)
	};
	let z: alloc::vec::Vec<Scalar> = (0..items.len()).map(coefficient).collect();
	let base = z.iter().zip(&parts).map(|(z, parts)| z * parts.s).sum::<Scalar>();
	let scalars = core::iter::once(base)
		.chain(z.iter().map(|z| -z))
		.chain(z.iter().zip(&parts).map(|(z, parts)| -(z * parts.k)));
	let points = core::iter::once(ED25519_BASEPOINT_POINT)
		.chain(parts.iter().map(|parts| parts.r))
		.chain(items.iter().map(|item| item.key));
	EdwardsPoint::vartime_multiscalar_mul(scalars, points).mul_by_cofactor().is_identity()
}

#[cfg(test)]
mod tests {
	use super::*;

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
	fn the_canonical_check_agrees_with_re_compression() {
		let mut encodings = alloc::vec::Vec::new();
		// Every point of small order, prime-order and mixed points.
		for i in 0u64..32 {
			let prime = ED25519_BASEPOINT_POINT * Scalar::from(i * 7919 + 1);
			for t in EIGHT_TORSION {
				encodings.push(t.compress().0);
				encodings.push((prime + t).compress().0);
			}
		}
		// Every y from p to 2^255 - 1.
		for low in 0xedu8..=0xff {
			let mut y = [0xffu8; 32];
			y[0] = low;
			y[31] = 0x7f;
			encodings.push(y);
		}
		let mut points = 0;
		for mut bytes in encodings {
			for sign in [0, 0x80] {
				bytes[31] = bytes[31] & 0x7f | sign;
				let Some(point) = decompress(&bytes) else { continue };
				assert_eq!(canonical(&bytes, &point), point.compress().0 == bytes, "{bytes:?}");
				points += 1;
			}
		}
		// Both signs of every point, and some of the 19 large y values decode.
		assert!(points > 2 * 8 * 33, "{points}");
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

	/// `n` distinct prime-order points with their encodings.
	fn prime_points(n: u64) -> alloc::vec::Vec<([u8; 32], EdwardsPoint)> {
		(0..n)
			.map(|i| {
				let point = ED25519_BASEPOINT_POINT * Scalar::from(i * 7919 + 5);
				(point.compress().0, point)
			})
			.collect()
	}

	/// [`torsion_free_batch`] of `points`, each with its own encoding.
	fn batch(points: &[([u8; 32], EdwardsPoint)]) -> bool {
		torsion_free_batch(
			&points.iter().map(|(bytes, point)| (bytes, *point)).collect::<alloc::vec::Vec<_>>(),
		)
	}

	/// `points[at]` moved by the torsion point `t` (its encoding too).
	fn moved(points: &mut [([u8; 32], EdwardsPoint)], at: usize, t: EdwardsPoint) {
		let point = points[at].1 + t;
		points[at] = (point.compress().0, point);
	}

	#[test]
	fn the_batched_torsion_check_passes_prime_order_points_and_nothing_else() {
		assert!(torsion_free_batch(&[]));
		for n in [1, 2, 7, 64, 200] {
			assert!(batch(&prime_points(n)), "{n} prime-order points");
		}
		// Any one point moved by any torsion point, first, in the middle, last, in a large group
		// and in a small one (where a subset sum often misses it).
		for n in [1, 3, 200] {
			for at in [0, n as usize / 2, n as usize - 1] {
				for t in &EIGHT_TORSION[1..] {
					let mut points = prime_points(n);
					moved(&mut points, at, *t);
					assert!(!batch(&points), "{n} points, the one at {at} moved");
				}
			}
		}
		// Torsion that cancels in a plain sum: `T` and `−T`, or two points of order 2 (`T + T`
		// is the identity), or eight of one torsion point (`8·T` is the identity).
		let mut points = prime_points(50);
		moved(&mut points, 3, EIGHT_TORSION[1]);
		moved(&mut points, 40, -EIGHT_TORSION[1]);
		assert!(!batch(&points));
		let mut points = prime_points(50);
		moved(&mut points, 10, EIGHT_TORSION[4]);
		moved(&mut points, 11, EIGHT_TORSION[4]);
		assert!(!batch(&points));
		let mut points = prime_points(50);
		for at in 0..8 {
			moved(&mut points, at * 6, EIGHT_TORSION[1]);
		}
		assert!(!batch(&points));
		// Every point moved.
		let mut points = prime_points(200);
		for at in 0..200 {
			moved(&mut points, at, EIGHT_TORSION[1 + at % 7]);
		}
		assert!(!batch(&points));
	}

	#[test]
	fn the_subset_sums_are_the_128_the_coefficient_bits_name() {
		// Against the sums taken bit by bit, for group sizes across the four-points-a-hash
		// boundary (every pass of the bits, the last partial one included).
		for n in [1u64, 5, 37] {
			let points = prime_points(n);
			let refs: alloc::vec::Vec<_> =
				points.iter().map(|(bytes, point)| (bytes, *point)).collect();
			let bits = coefficient_bits(&refs);
			assert_eq!(bits.len(), n as usize);
			let sums = subset_sums(&refs, &bits);
			assert_eq!(sums.len(), 128);
			for (j, sum) in sums.iter().enumerate() {
				let naive: EdwardsPoint = points
					.iter()
					.zip(&bits)
					.filter(|(_, bits)| *bits >> j & 1 == 1)
					.map(|((_, point), _)| point)
					.sum();
				assert_eq!(*sum, naive, "{n} points, sum {j}");
			}
		}
		// The bits depend on every encoding and on the order: another point, or two swapped,
		// and every point's bits change.
		let points = prime_points(9);
		let refs: alloc::vec::Vec<_> =
			points.iter().map(|(bytes, point)| (bytes, *point)).collect();
		let bits = coefficient_bits(&refs);
		let mut swapped = refs.clone();
		swapped.swap(2, 7);
		let other = ED25519_BASEPOINT_POINT * Scalar::from(99_991u64);
		let other_bytes = other.compress().0;
		let mut replaced = refs.clone();
		replaced[8] = (&other_bytes, other);
		for changed in [coefficient_bits(&swapped), coefficient_bits(&replaced)] {
			assert!(changed.iter().zip(&bits).all(|(a, b)| a != b));
		}
	}

	#[test]
	fn the_batched_torsion_check_agrees_with_each_point_alone() {
		// Groups of every size up to 24, each point moved or not by a torsion point picked by a
		// counter: the batch passes exactly when every point passes alone.
		let mut state = 0x9e37_79b9_7f4a_7c15u64;
		let mut next = || {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state
		};
		for n in 1..=24u64 {
			for _ in 0..8 {
				let mut points = prime_points(n);
				for at in 0..n as usize {
					if next() % 4 == 0 {
						moved(&mut points, at, EIGHT_TORSION[(next() % 8) as usize]);
					}
				}
				let alone = points.iter().all(|(_, point)| torsion_free(point));
				assert_eq!(batch(&points), alone, "{n} points");
			}
		}
	}

	/// A signature by `x` with nonce `r`, its `R` moved by the torsion point `t` (and `s` made to
	/// match): what a signer may do under ZIP-215, which RFC 8032's strict rules refuse.
	fn signed(x: &Scalar, r: &Scalar, t: &EdwardsPoint, message: &[u8]) -> ([u8; 32], [u8; 64]) {
		let key = (ED25519_BASEPOINT_POINT * x).compress().0;
		let big_r = (ED25519_BASEPOINT_POINT * r + t).compress().0;
		let hash = Sha512::new().chain_update(big_r).chain_update(key).chain_update(message);
		let k = Scalar::from_bytes_mod_order_wide(&hash.finalize().into());
		let mut signature = [0u8; 64];
		signature[..32].copy_from_slice(&big_r);
		signature[32..].copy_from_slice((r + k * x).as_bytes());
		(key, signature)
	}

	/// ed25519-zebra's verdict: the chain's `sp_io::crypto::ed25519_verify`.
	fn zebra(key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
		ed25519_zebra::VerificationKey::try_from(*key).is_ok_and(|key| {
			key.verify(&ed25519_zebra::Signature::from_bytes(signature), message).is_ok()
		})
	}

	/// Signatures good and bad in every way ZIP-215 distinguishes: `(key, message, signature)`.
	fn cases() -> alloc::vec::Vec<([u8; 32], alloc::vec::Vec<u8>, [u8; 64])> {
		let mut cases = alloc::vec::Vec::new();
		for i in 0u64..24 {
			let x = Scalar::from(i * 7919 + 3);
			let r = Scalar::from(i * 104_729 + 11);
			let message = alloc::format!("keyshards/v2/pop test message {i}").into_bytes();
			let t = EIGHT_TORSION[(i % 8) as usize];
			let (key, signature) = signed(&x, &r, &t, &message);
			cases.push((key, message.clone(), signature));
			// Another message.
			cases.push((key, b"another".to_vec(), signature));
			// `s + ℓ`: not canonical.
			let mut high_s = signature;
			high_s[32..].copy_from_slice(&plus_l(signature[32..].try_into().unwrap()));
			cases.push((key, message.clone(), high_s));
			// `R` not a point.
			let mut no_r = signature;
			no_r[..32].copy_from_slice(&not_a_point());
			cases.push((key, message.clone(), no_r));
			// A flipped bit of `s`.
			let mut flipped = signature;
			flipped[40] ^= 1 << (i % 8);
			cases.push((key, message, flipped));
		}
		cases
	}

	/// The first small `y` that is no point's coordinate.
	fn not_a_point() -> [u8; 32] {
		(2u8..)
			.map(|y| {
				let mut bytes = [0u8; 32];
				bytes[0] = y;
				bytes
			})
			.find(|bytes| decompress(bytes).is_none())
			.unwrap()
	}

	/// `s + ℓ` of a canonical `s` (less than `2^253`, so the sum fits 32 bytes), little-endian.
	fn plus_l(s: &[u8; 32]) -> [u8; 32] {
		let mut l = [0u8; 32];
		l[..16].copy_from_slice(&[
			0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
			0xde, 0x14,
		]);
		l[31] = 0x10;
		let mut out = [0u8; 32];
		let mut carry = 0u16;
		for ((out, a), b) in out.iter_mut().zip(s).zip(&l) {
			let sum = u16::from(*a) + u16::from(*b) + carry;
			*out = sum as u8;
			carry = sum >> 8;
		}
		out
	}

	fn item<'a>(case: &'a ([u8; 32], alloc::vec::Vec<u8>, [u8; 64])) -> Zip215<'a> {
		Zip215 {
			key: decompress(&case.0).unwrap(),
			key_bytes: &case.0,
			message: &case.1,
			signature: &case.2,
		}
	}

	#[test]
	fn zip215_verification_agrees_with_ed25519_zebra() {
		let cases = cases();
		let mut accepted = 0;
		for (n, case) in cases.iter().enumerate() {
			let verdict = zip215_verify(&item(case));
			assert_eq!(verdict, zebra(&case.0, &case.1, &case.2), "case {n}");
			accepted += verdict as usize;
		}
		// The honest signatures (`R` moved by a torsion point included), nothing else.
		assert_eq!(accepted, 24);
	}

	#[test]
	fn a_batch_passes_exactly_when_every_signature_verifies() {
		let cases = cases();
		let good: alloc::vec::Vec<_> =
			cases.iter().filter(|case| zebra(&case.0, &case.1, &case.2)).collect();
		let bad: alloc::vec::Vec<_> =
			cases.iter().filter(|case| !zebra(&case.0, &case.1, &case.2)).collect();
		assert!(zip215_verify_batch(&[]));
		assert!(zip215_verify_batch(
			&good.iter().map(|case| item(case)).collect::<alloc::vec::Vec<_>>()
		));
		for (n, wrong) in bad.iter().enumerate() {
			// One bad signature anywhere in a batch of good ones fails it; alone too.
			let at = n % (good.len() + 1);
			let mut batch: alloc::vec::Vec<_> = good.iter().map(|case| item(case)).collect();
			batch.insert(at, item(wrong));
			assert!(!zip215_verify_batch(&batch), "bad case {n} at {at}");
			assert!(!zip215_verify_batch(&[item(wrong)]), "bad case {n} alone");
		}
		// Two bad signatures whose errors cancel in a plain sum (`s + 1` and `s - 1`): the
		// coefficients keep them apart.
		let nudge = |case: &([u8; 32], alloc::vec::Vec<u8>, [u8; 64]), by: Scalar| {
			let mut case = case.clone();
			let s = canonical_scalar(&case.2[32..].try_into().unwrap()).unwrap();
			case.2[32..].copy_from_slice((s + by).as_bytes());
			case
		};
		let (up, down) = (nudge(good[2], Scalar::ONE), nudge(good[3], -Scalar::ONE));
		assert!(!zip215_verify_batch(&[item(&up), item(&down)]));
		// Two signatures swapped between keys: each fails, so does the batch.
		let mut swapped = (*good[0]).clone();
		swapped.2 = good[1].2;
		assert!(!zip215_verify_batch(&[item(&swapped), item(good[1])]));
	}
}
