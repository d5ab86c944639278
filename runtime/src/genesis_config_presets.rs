//! Genesis presets built into the runtime: `development` (one validator, the demo fleet) and
//! `local_testnet` (four validators, the demo fleet served by separate holder nodes).

use crate::{AccountId, BalancesConfig, KeyShardsConfig, RuntimeGenesisConfig, SudoConfig, UNIT};
use alloc::{string::ToString, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use keyshards_primitives::dev;
use pallet_key_shards::GenesisFleet;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Balance of every endowed dev account.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// The dev chain demo fleet's holders' KSG accounts, holder 0 to 2 (their keys: the dev seeds
/// `dev::DEMO_HOLDER_SEEDS`, which the node puts in its keystore under the KSG key type when
/// started with `--dev`).
pub fn demo_holder_accounts() -> [AccountId; 3] {
	[
		Sr25519Keyring::Ferdie.to_account_id(),
		Sr25519Keyring::Eve.to_account_id(),
		Sr25519Keyring::Dave.to_account_id(),
	]
}

/// The dev chain demo fleet's owner.
pub fn demo_fleet_owner() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}

fn genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	endowed: Vec<AccountId>,
	root: AccountId,
	fleets: Vec<GenesisFleet<AccountId, u32>>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		key_shards: KeyShardsConfig { fleets },
	})
}

fn validator(name: Sr25519Keyring, finality: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(name.public().into(), finality.public().into())
}

/// The dev chain's demo fleet: 2-of-3, owned by Alice, its holders Ferdie, Eve and Dave,
/// rotating every `DEMO_ROTATION_PERIOD` blocks. Its piece roots are the **publicly known**
/// `keyshards_primitives::dev::DEV_PIECE_ROOTS`: dev chains only.
pub fn demo_fleet() -> GenesisFleet<AccountId, u32> {
	GenesisFleet {
		owner: demo_fleet_owner(),
		threshold: dev::DEMO_THRESHOLD,
		holders: demo_holder_accounts().into_iter().map(|account| vec![account]).collect(),
		publication_keys: dev::demo_publication_keys()
			.into_iter()
			.map(|key| sp_core::H256(key.0))
			.collect(),
		params: pallet_key_shards::FleetParams {
			rotation_period: dev::DEMO_ROTATION_PERIOD,
			grace_period: dev::DEMO_GRACE_PERIOD,
			lead_time: dev::DEMO_LEAD_TIME,
		},
		devices: dev::DEMO_DEVICES.iter().map(|d| d.to_string()).collect(),
	}
}

/// One validator (Alice), the well-known dev accounts endowed, Alice as sudo, and the demo
/// fleet.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![demo_fleet()],
	)
}

/// `validators` validators (the first of Alice, Bob, Charlie, Dave, Eve, Ferdie), the
/// well-known dev accounts endowed, Alice as sudo, and the 2-of-3 demo fleet (its holders' KSG
/// nodes are started separately, each with its own pieces' roots).
pub fn local_config_genesis(validators: usize) -> Value {
	let keys = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		(Sr25519Keyring::Eve, Ed25519Keyring::Eve),
		(Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie),
	];
	genesis(
		keys.iter().take(validators.clamp(1, keys.len())).map(|(a, g)| validator(*a, *g)).collect(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![demo_fleet()],
	)
}

/// The preset `id`'s JSON patch, if the runtime knows it.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(4),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The presets this runtime knows.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
