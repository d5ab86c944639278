//! Built-in chain specifications, from the runtime's genesis presets.

use keyshards_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A chain specification of this node's runtime. Its genesis is built by an executor that has
/// the runtime's host functions beyond Substrate's (the KSG key source) too.
pub type ChainSpec =
	sc_service::GenericChainSpec<sc_service::NoExtension, crate::service::KeyshardsHostFunctions>;

fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "KEYS".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime's wasm binary is missing from this build".to_string())
}

/// The dev chain's slot: its default block time (the node's `--dev-block-time`).
pub const DEV_SLOT_MILLIS: u64 = 1_000;

/// `dev`: one validator (Alice) sealing blocks on a timer and finalising them with GRANDPA, and
/// the 2-of-3 demo fleet, whose piece roots are publicly known (the dev node serves all three).
///
/// Its genesis stores a 1 s slot (the runtime's `MinimumPeriod` storage parameter, half a slot),
/// so that the chain's clock follows the wall clock at the default block time: a device's
/// freshness check means the same on the dev chain as on any other.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	let spec = ChainSpec::builder(wasm()?, None)
		.with_name("Keyshards Development")
		.with_id("keyshards_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build();
	let mut json: serde_json::Value = serde_json::from_str(&spec.as_json(true)?)
		.map_err(|e| format!("the dev chain spec: {e}"))?;
	let key = format!("0x{}", hex::encode(keyshards_runtime::configs::MinimumPeriod::key()));
	let value = format!("0x{}", hex::encode(codec::Encode::encode(&(DEV_SLOT_MILLIS / 2))));
	json["genesis"]["raw"]["top"][key] = value.into();
	ChainSpec::from_json_bytes(json.to_string().into_bytes())
}

/// `local` (4 validators) or `local:<n>` (`n` validators, 1 to 6: Alice, Bob, Charlie, Dave,
/// Eve, Ferdie) on Aura and GRANDPA, with the 2-of-3 demo fleet whose holders' KSG nodes are
/// run separately (`scripts/local-testnet.sh`). GRANDPA finalises while more than 2/3 of the
/// validators vote: 4 validators tolerate one down, 3 do not.
pub fn local_chain_spec(validators: usize) -> Result<ChainSpec, String> {
	if !(1..=6).contains(&validators) {
		return Err(format!("local:{validators}: a local testnet has 1 to 6 validators"));
	}
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Keyshards Local Testnet")
		.with_id("keyshards_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_patch(keyshards_runtime::genesis_config_presets::local_config_genesis(
			validators,
		))
		.with_properties(properties())
		.build())
}
