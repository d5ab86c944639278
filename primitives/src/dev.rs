//! **Development only.** Publicly known constants of the dev chain's demo fleet.
//!
//! The demo fleet's root key below is published in this source code: anyone can derive every
//! demo device's keys from it. It exists so that a dev chain rotates keys for demo devices with
//! no set-up. Never use it, or a fleet created with it, for anything real.

/// The dev chain demo fleet's root key: `blake2_256("keyshards/dev/demo-fleet-root")`.
/// **Publicly known; dev chains only.**
pub const DEV_FLEET_ROOT_KEY: [u8; 32] = [
	0xee, 0x4f, 0x0a, 0xb7, 0x9f, 0xe3, 0xab, 0xfb, 0x0b, 0xd4, 0x4d, 0x5f, 0x0c, 0x1f, 0x45, 0x73,
	0xe5, 0x0f, 0xcf, 0x1b, 0x7c, 0xd0, 0x8d, 0x52, 0xc6, 0xc2, 0xdc, 0xaa, 0x3c, 0x08, 0xee, 0x78,
];

/// Id of the demo fleet on a dev chain (the first fleet of the `development` genesis).
pub const DEMO_FLEET_ID: u32 = 0;

/// Dev seed of the demo fleet's KSG signing key (the well-known dev account Ferdie), which a
/// node started on a development chain puts in its keystore by itself. **Publicly known.**
pub const DEMO_KSG_SEED: &str = "//Ferdie";

/// Ids of the dev chain's demo devices.
pub const DEMO_DEVICES: [&str; 5] =
	["demo-sensor-01", "demo-sensor-02", "demo-ecu-01", "demo-gateway-01", "demo-gateway-02"];

/// Rotation period of the demo fleet, in blocks.
pub const DEMO_ROTATION_PERIOD: u32 = 10;
/// Grace period of the demo fleet, in blocks.
pub const DEMO_GRACE_PERIOD: u32 = 10;
/// Shard count of the demo fleet.
pub const DEMO_SHARD_COUNT: u8 = 4;

#[cfg(test)]
mod tests {
	#[test]
	fn the_dev_root_is_the_documented_hash() {
		assert_eq!(
			super::DEV_FLEET_ROOT_KEY,
			crate::kdf::blake2_256(&[b"keyshards/dev/demo-fleet-root"])
		);
	}
}
