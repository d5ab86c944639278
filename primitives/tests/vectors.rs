//! SPEC v1 test vectors (`vectors-v1.json`, copied byte for byte from the spec), reproduced by
//! every derivation of the crate: master key, key stream, public key, shard ids and ciphertexts,
//! reconstruction, signed message and signature.

use keyshards_primitives::{
	generate, payload_hash, shard_id, signed_message, verify, DeviceBundle, DeviceId,
	EncryptedShard, FleetRootKey, PublicKey, ShardCount, ShardMap, ShardState, Signature,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
	fleet_root_key: String,
	device_id_utf8: String,
	epoch: u32,
	shard_count: u8,
	device_master_key: String,
	one_time_secret_seed: String,
	public_key: String,
	shards: Vec<VectorShard>,
	payload_utf8: String,
	signed_message: String,
	signature: String,
}

#[derive(Deserialize)]
struct VectorShard {
	index: u16,
	id: String,
	ciphertext: String,
}

fn cases() -> Vec<Case> {
	let cases: Vec<Case> = serde_json::from_str(include_str!("vectors-v1.json")).unwrap();
	assert_eq!(cases.len(), 4, "the vector file has four cases");
	cases
}

fn unhex(s: &str) -> Vec<u8> {
	hex::decode(s).unwrap()
}

fn array<const N: usize>(s: &str) -> [u8; N] {
	unhex(s).try_into().unwrap()
}

#[test]
fn every_vector_is_reproduced_byte_for_byte() {
	for case in cases() {
		let name = format!("{}@{}", case.device_id_utf8, case.epoch);
		let device = DeviceId::new(case.device_id_utf8.as_bytes()).unwrap();
		let count = ShardCount::new(case.shard_count).unwrap();
		let root = FleetRootKey::from_slice(&unhex(&case.fleet_root_key)).unwrap();

		// 1. Device master key.
		let master = root.device_master_key(&device);
		assert_eq!(hex::encode(master.expose_secret()), case.device_master_key, "{name}: M");

		// 2-7. KSG side: public key, shard ids and ciphertexts.
		let generated = generate(&master, &device, case.epoch, count);
		assert_eq!(hex::encode(generated.public_key.0), case.public_key, "{name}: P");
		assert_eq!(generated.shards.len(), case.shards.len(), "{name}: shard count");
		for (shard, expected) in generated.shards.iter().zip(&case.shards) {
			let i = expected.index;
			assert_eq!(hex::encode(shard.id.0), expected.id, "{name}: id of shard {i}");
			assert_eq!(shard_id(&device, case.epoch, i), shard.id, "{name}: shard_id({i})");
			assert_eq!(
				hex::encode(&shard.ciphertext[..]),
				expected.ciphertext,
				"{name}: ciphertext of shard {i}"
			);
			assert_eq!(shard.ciphertext.len(), count.ciphertext_len(), "{name}: 32/n + 16");
		}
		let submission = generated.submission();
		assert_eq!(submission.public_key, generated.public_key);
		assert_eq!(submission.ciphertexts.len(), count.len());

		// Device side: reconstruct from the vector's own bytes, not from `generate`'s output.
		let shards: Vec<EncryptedShard> = case
			.shards
			.iter()
			.map(|s| EncryptedShard {
				id: array(&s.id).into(),
				ciphertext: unhex(&s.ciphertext).try_into().unwrap(),
			})
			.collect();
		let public_key = PublicKey(array(&case.public_key));
		let bundle = DeviceBundle {
			map: ShardMap {
				device: device.clone(),
				epoch: case.epoch,
				shard_count: count,
				shard_ids: shards.iter().map(|s| s.id).collect::<Vec<_>>().try_into().unwrap(),
				public_key,
				valid_from: 10u32,
				expires_at: 20u32,
				state: ShardState::Active,
			},
			shards: shards.try_into().unwrap(),
		};
		let key = bundle.reconstruct(&master, &device).unwrap();
		assert_eq!(hex::encode(key.expose_secret()), case.one_time_secret_seed, "{name}: S");
		assert_eq!(key.public_key(), public_key, "{name}: P'");
		assert_eq!((key.device(), key.epoch()), (&device, case.epoch));

		// Signing.
		let payload = case.payload_utf8.as_bytes();
		let hash = payload_hash(payload);
		assert_eq!(
			hex::encode(signed_message(&device, case.epoch, &hash)),
			case.signed_message,
			"{name}: signed message"
		);
		let signature = key.sign(payload);
		assert_eq!(hex::encode(signature.0), case.signature, "{name}: signature");
		assert_eq!(key.sign_hash(&hash), signature);
		let vector_signature = Signature(array(&case.signature));
		verify(&public_key, &device, case.epoch, &hash, &vector_signature).unwrap();
	}
}
