//! **Development only.** Publicly known constants of the dev chain's demo fleet.
//!
//! The demo fleet is 2-of-3. Its three piece roots below are published in this source code:
//! anyone can derive every demo device's keys from them. They exist so that a dev chain rotates
//! keys for demo devices with no set-up (the dev node serves all three holders). Never use them,
//! or a fleet created with them, for anything real.

/// The demo fleet's holders `m`.
pub const DEMO_HOLDERS: u8 = 3;
/// The demo fleet's threshold `t`.
pub const DEMO_THRESHOLD: u8 = 2;

/// The demo fleet's piece roots `R_0, R_1, R_2`: `blake2_256("keyshards/dev/demo-piece-root/"
/// || k)` (`k` one byte). **Publicly known; dev chains only.** Not in `no_std` builds: the
/// runtime (whose code is stored on chain) needs only [`DEMO_PUBLICATION_KEYS`].
#[cfg(feature = "std")]
pub const DEV_PIECE_ROOTS: [[u8; 32]; 3] = [
	[
		0x42, 0xa0, 0xf7, 0x2a, 0x9d, 0x60, 0x43, 0x88, 0x24, 0x4e, 0xd6, 0xf3, 0x21, 0xfc, 0x57,
		0xee, 0x91, 0x72, 0xda, 0x60, 0x7d, 0x73, 0xd6, 0x43, 0x3e, 0xa2, 0x63, 0x0f, 0xcf, 0x8c,
		0x39, 0x27,
	],
	[
		0xe1, 0x7c, 0xc1, 0xa9, 0x7b, 0xc9, 0xac, 0xa5, 0x12, 0x8a, 0x77, 0x12, 0xf9, 0x82, 0x0d,
		0xc6, 0x39, 0xd7, 0xc8, 0x56, 0x74, 0x79, 0xbf, 0xe1, 0x63, 0xeb, 0x88, 0x74, 0x31, 0x19,
		0xbb, 0xe4,
	],
	[
		0x13, 0x14, 0xe6, 0xd5, 0xb8, 0xf6, 0xea, 0xd4, 0xc1, 0x84, 0x04, 0xca, 0x3e, 0x3f, 0xc3,
		0xec, 0x5d, 0xde, 0x7c, 0x1e, 0x36, 0xd1, 0xbb, 0xe0, 0x4e, 0x71, 0x40, 0x1c, 0xb3, 0x1f,
		0x4d, 0x17,
	],
];

/// Id of the demo fleet on a dev chain (the first fleet of the `development` genesis).
pub const DEMO_FLEET_ID: u32 = 0;

/// Dev seeds of the demo fleet's three holders' KSG accounts (holder `j` is
/// `DEMO_HOLDER_SEEDS[j]`), which a node started on a development chain puts in its keystore
/// by itself. **Publicly known.**
pub const DEMO_HOLDER_SEEDS: [&str; 3] = ["//Ferdie", "//Eve", "//Dave"];

/// Ids of the dev chain's demo devices.
pub const DEMO_DEVICES: [&str; 5] =
	["demo-sensor-01", "demo-sensor-02", "demo-ecu-01", "demo-gateway-01", "demo-gateway-02"];

/// Rotation period of the demo fleet, in blocks.
pub const DEMO_ROTATION_PERIOD: u32 = 10;
/// Grace period of the demo fleet, in blocks.
pub const DEMO_GRACE_PERIOD: u32 = 10;
/// Lead time of the demo fleet, in blocks.
pub const DEMO_LEAD_TIME: u32 = 5;

/// The demo fleet's publication keys `W_0, W_1, W_2`, derived from the demo piece roots
/// (checked by a test).
pub const DEMO_PUBLICATION_KEYS: [[u8; 32]; 3] = [
	[
		0x04, 0x97, 0x3d, 0x3c, 0xdf, 0x46, 0x3d, 0x76, 0x3f, 0xc4, 0xa4, 0xb1, 0xe7, 0x87, 0xca,
		0x12, 0x55, 0x6b, 0xa8, 0x43, 0xea, 0xb3, 0xed, 0x91, 0xfc, 0xc0, 0x3d, 0xc6, 0xf1, 0x90,
		0x1d, 0x57,
	],
	[
		0xc4, 0xf4, 0x86, 0x59, 0xff, 0x35, 0xbf, 0x6c, 0x45, 0xa8, 0xea, 0xe2, 0x25, 0xa2, 0x62,
		0xed, 0x12, 0x02, 0x71, 0xfa, 0x5a, 0x63, 0x4f, 0xbe, 0x33, 0x63, 0xd2, 0x73, 0x07, 0x06,
		0x45, 0xc7,
	],
	[
		0x06, 0x18, 0xb5, 0x98, 0x5b, 0xcd, 0x30, 0x30, 0x11, 0x86, 0xb6, 0x4b, 0x4f, 0x75, 0xe6,
		0x8b, 0x33, 0x1c, 0xec, 0x02, 0x1a, 0xb2, 0xe4, 0x87, 0x59, 0xd1, 0xda, 0xbf, 0xa7, 0xd9,
		0xfc, 0x62,
	],
];

/// [`DEMO_PUBLICATION_KEYS`] as publication keys.
pub fn demo_publication_keys() -> [crate::v2::PublicationKey; 3] {
	DEMO_PUBLICATION_KEYS.map(crate::v2::PublicationKey)
}

#[cfg(test)]
mod tests {
	#[test]
	fn the_dev_roots_are_the_documented_hashes() {
		for (k, root) in super::DEV_PIECE_ROOTS.iter().enumerate() {
			assert_eq!(
				*root,
				crate::kdf::blake2_256(&[b"keyshards/dev/demo-piece-root/", &[k as u8]])
			);
		}
		assert_eq!(
			crate::v2::Threshold::new(super::DEMO_HOLDERS, super::DEMO_THRESHOLD)
				.unwrap()
				.piece_count(),
			3
		);
		assert!(crate::v2::check_publication_keys(
			&super::demo_publication_keys(),
			crate::v2::curve::check_point
		)
		.is_ok());
		for (root, key) in super::DEV_PIECE_ROOTS.iter().zip(super::demo_publication_keys()) {
			assert_eq!(crate::v2::PieceRoot::from_slice(root).unwrap().publication_key(), key);
		}
	}
}
