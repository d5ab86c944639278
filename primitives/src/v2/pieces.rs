//! Who holds what (SPEC v2 "Pieces"): the pieces of an `m`-holder, threshold-`t` fleet are the
//! `(t-1)`-element subsets `T_k` of the holders in lexicographic order, and holder `j` holds
//! piece `k` if and only if `j ∉ T_k`.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, Input, MaxEncodedLen};
use scale_info::TypeInfo;

use super::types::{HolderIndex, PieceIndex};
use crate::Error;

/// Most holders a fleet may have (a subset is a `u64` bit set).
pub const MAX_HOLDERS: u8 = 64;
/// Most pieces a fleet may have: SPEC's `p = C(m, t-1) <= 256`. A chain may set a lower bound.
pub const MAX_PIECES: u16 = 256;

/// `C(n, r)`, saturating at `u64::MAX`.
fn binomial(n: u32, r: u32) -> u64 {
	if r > n {
		return 0;
	}
	let r = r.min(n - r);
	let mut c: u128 = 1;
	for i in 0..r {
		c = c * u128::from(n - i) / u128::from(i + 1);
		if c > u128::from(u64::MAX) {
			return u64::MAX;
		}
	}
	c as u64
}

/// A fleet's `m` holders and threshold `t`: `1 <= t <= m <= 64` and `p = C(m, t-1) <= 256`.
///
/// SCALE-encoded as `(m, t)`; decoding refuses anything [`Threshold::new`] refuses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, MaxEncodedLen, TypeInfo)]
pub struct Threshold {
	holders: u8,
	threshold: u8,
}

impl Threshold {
	/// `t`-of-`m`, checked.
	pub fn new(holders: u8, threshold: u8) -> Result<Self, Error> {
		if threshold == 0 || threshold > holders || holders > MAX_HOLDERS {
			return Err(Error::InvalidThreshold { holders, threshold });
		}
		let pieces = binomial(holders.into(), u32::from(threshold) - 1);
		if pieces > u64::from(MAX_PIECES) {
			return Err(Error::TooManyPieces { holders, threshold, pieces });
		}
		Ok(Self { holders, threshold })
	}

	/// `m`.
	pub fn holders(&self) -> u8 {
		self.holders
	}

	/// `t`.
	pub fn threshold(&self) -> u8 {
		self.threshold
	}

	/// `p = C(m, t-1)`.
	pub fn piece_count(&self) -> u16 {
		// At most MAX_PIECES, checked at construction.
		binomial(self.holders.into(), u32::from(self.threshold) - 1) as u16
	}

	/// `T_k` as a bit set (bit `j` set: holder `j` is in `T_k`, so does **not** hold piece `k`),
	/// or `None` if `k >= p`. Unranks the `k`-th combination in lexicographic order.
	pub fn subset(&self, piece: PieceIndex) -> Option<u64> {
		if piece >= self.piece_count() {
			return None;
		}
		let (m, r) = (u32::from(self.holders), u32::from(self.threshold) - 1);
		let mut rank = u64::from(piece);
		let mut set = 0u64;
		let mut next = 0u32;
		for position in 0..r {
			// Smallest element `c >= next` such that the combinations starting with it cover
			// `rank`.
			loop {
				let after = binomial(m - next - 1, r - position - 1);
				if rank < after {
					break;
				}
				rank -= after;
				next += 1;
			}
			set |= 1 << next;
			next += 1;
		}
		Some(set)
	}

	/// `T_k` as its sorted holder numbers.
	pub fn subset_members(&self, piece: PieceIndex) -> Option<Vec<HolderIndex>> {
		self.subset(piece).map(|set| (0..self.holders).filter(|j| set & (1 << j) != 0).collect())
	}

	/// Whether holder `holder` holds piece `piece` (`holder ∉ T_k`); `false` out of range.
	pub fn holds(&self, holder: HolderIndex, piece: PieceIndex) -> bool {
		holder < self.holders && self.subset(piece).is_some_and(|set| set & (1 << holder) == 0)
	}

	/// The pieces holder `holder` holds, in order.
	pub fn pieces_of(&self, holder: HolderIndex) -> Vec<PieceIndex> {
		(0..self.piece_count()).filter(|&k| self.holds(holder, k)).collect()
	}

	/// The holders of piece `piece`, in order (empty out of range).
	pub fn holders_of(&self, piece: PieceIndex) -> Vec<HolderIndex> {
		(0..self.holders).filter(|&j| self.holds(j, piece)).collect()
	}

	/// The piece's primary holder, who publishes it at once: its lowest-numbered holder.
	pub fn primary_holder(&self, piece: PieceIndex) -> Option<HolderIndex> {
		(0..self.holders).find(|&j| self.holds(j, piece))
	}
}

impl Decode for Threshold {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let (holders, threshold) = <(u8, u8)>::decode(input)?;
		Self::new(holders, threshold)
			.map_err(|_| "Threshold: not 1 <= t <= m with C(m, t-1) <= 256".into())
	}
}

impl DecodeWithMemTracking for Threshold {}

impl core::fmt::Display for Threshold {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "{}-of-{}", self.threshold, self.holders)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Python's `itertools.combinations(range(m), r)`, the reference enumeration.
	fn combinations(m: u8, r: u8) -> Vec<Vec<u8>> {
		fn go(start: u8, m: u8, r: u8, prefix: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
			if prefix.len() == r as usize {
				out.push(prefix.clone());
				return;
			}
			for c in start..m {
				prefix.push(c);
				go(c + 1, m, r, prefix, out);
				prefix.pop();
			}
		}
		let mut out = Vec::new();
		go(0, m, r, &mut Vec::new(), &mut out);
		out
	}

	#[test]
	fn pieces_are_the_lexicographic_subsets() {
		for m in 1..=9u8 {
			for t in 1..=m {
				let threshold = Threshold::new(m, t).unwrap();
				let expected = combinations(m, t - 1);
				assert_eq!(threshold.piece_count() as usize, expected.len(), "{t}-of-{m}");
				for (k, subset) in expected.iter().enumerate() {
					assert_eq!(&threshold.subset_members(k as u16).unwrap(), subset);
				}
				assert_eq!(threshold.subset(threshold.piece_count()), None);
			}
		}
	}

	#[test]
	fn the_documented_shapes() {
		let two_of_three = Threshold::new(3, 2).unwrap();
		assert_eq!(two_of_three.piece_count(), 3);
		assert_eq!(two_of_three.pieces_of(0), [1, 2]);
		assert_eq!(two_of_three.holders_of(0), [1, 2]);
		assert_eq!(two_of_three.primary_holder(0), Some(1));
		let three_of_five = Threshold::new(5, 3).unwrap();
		assert_eq!(three_of_five.piece_count(), 10);
		assert!((0..5).all(|j| three_of_five.pieces_of(j).len() == 6));
		assert!((0..10).all(|k| three_of_five.holders_of(k).len() == 3));
		assert_eq!(Threshold::new(1, 1).unwrap().pieces_of(0), [0]);
	}

	#[test]
	fn bad_shapes_are_refused() {
		assert_eq!(Threshold::new(3, 0), Err(Error::InvalidThreshold { holders: 3, threshold: 0 }));
		assert_eq!(Threshold::new(3, 4), Err(Error::InvalidThreshold { holders: 3, threshold: 4 }));
		assert_eq!(Threshold::new(0, 0), Err(Error::InvalidThreshold { holders: 0, threshold: 0 }));
		// C(10, 4) = 210 is allowed, C(11, 4) = 330 is not.
		assert!(Threshold::new(10, 5).is_ok());
		assert_eq!(
			Threshold::new(11, 5),
			Err(Error::TooManyPieces { holders: 11, threshold: 5, pieces: 330 })
		);
		assert!(Threshold::new(64, 2).is_ok());
		assert!(Threshold::new(65, 1).is_err());
		assert!(Threshold::decode(&mut &[3u8, 4][..]).is_err());
		assert_eq!(Threshold::decode(&mut &[3u8, 2][..]).unwrap(), Threshold::new(3, 2).unwrap());
	}
}
