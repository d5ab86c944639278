//! Property tests: for any fleet root, device, epoch and shard count, honest shards reconstruct,
//! and every kind of damage is refused with its own error variant, never with a key.

use keyshards_primitives::{
	generate, payload_hash, reconstruct, verify, DeviceBundle, DeviceId, DeviceMasterKey,
	EncryptedShard, Error, FleetRootKey, OneTimeKey, ShardCount, ShardMap, ShardState, Signature,
	MAX_DEVICE_ID_LEN,
};
use proptest::prelude::*;

/// One honestly generated device epoch. (`root` is random test data, shown on failure.)
#[derive(Debug)]
struct Fixture {
	#[allow(dead_code)] // shown by `Debug` when a case fails, to reproduce it
	root: [u8; 32],
	master: DeviceMasterKey,
	device: DeviceId,
	epoch: u32,
	count: ShardCount,
	bundle: DeviceBundle<u32>,
}

impl Fixture {
	fn new(root: [u8; 32], device: Vec<u8>, epoch: u32, count: ShardCount) -> Self {
		let device = DeviceId::new(&device).unwrap();
		let master = FleetRootKey::from_slice(&root).unwrap().device_master_key(&device);
		let generated = generate(&master, &device, epoch, count);
		let map = ShardMap {
			device: device.clone(),
			epoch,
			shard_count: count,
			shard_ids: generated
				.shards
				.iter()
				.map(|s| s.id)
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
			public_key: generated.public_key,
			valid_from: 1,
			expires_at: 2,
			state: ShardState::Active,
		};
		Self {
			root,
			master,
			device,
			epoch,
			count,
			bundle: DeviceBundle { map, shards: generated.shards },
		}
	}

	fn shards(&self) -> Vec<EncryptedShard> {
		self.bundle.shards.to_vec()
	}

	/// The low-level reconstruction with the fixture's own expectations and `shards`.
	fn reconstruct(&self, shards: &[EncryptedShard]) -> Result<OneTimeKey, Error> {
		reconstruct(
			&self.master,
			&self.device,
			self.epoch,
			self.count,
			&self.bundle.map.public_key,
			shards,
		)
	}
}

fn refused(result: Result<OneTimeKey, Error>) -> Error {
	match result {
		Ok(key) => panic!("a key was yielded for damaged input: {key:?}"),
		Err(error) => error,
	}
}

fn shard_count() -> impl Strategy<Value = ShardCount> {
	prop::sample::select(ShardCount::ALL.to_vec())
}

fn device_id() -> impl Strategy<Value = Vec<u8>> {
	prop::collection::vec(any::<u8>(), 1..=MAX_DEVICE_ID_LEN as usize)
}

fn fixture() -> impl Strategy<Value = Fixture> {
	(any::<[u8; 32]>(), device_id(), any::<u32>(), shard_count())
		.prop_map(|(root, device, epoch, count)| Fixture::new(root, device, epoch, count))
}

/// A fixture with at least two shards, so one shard can be told apart from the rest.
fn multi_shard_fixture() -> impl Strategy<Value = Fixture> {
	(any::<[u8; 32]>(), device_id(), any::<u32>(), 1usize..6)
		.prop_map(|(root, device, epoch, c)| Fixture::new(root, device, epoch, ShardCount::ALL[c]))
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(128))]

	#[test]
	fn honest_shards_reconstruct_and_sign(f in fixture(), payload in any::<Vec<u8>>()) {
		let key = f.bundle.reconstruct(&f.master, &f.device).unwrap();
		prop_assert_eq!(key.public_key(), f.bundle.map.public_key);
		let hash = payload_hash(&payload);
		let signature = key.sign(&payload);
		prop_assert_eq!(verify(&key.public_key(), &f.device, f.epoch, &hash, &signature), Ok(()));
	}

	#[test]
	fn a_flipped_ciphertext_bit_names_the_tampered_shard(
		f in fixture(), which in any::<prop::sample::Index>(), bit in any::<prop::sample::Index>(),
	) {
		let mut shards = f.shards();
		let index = which.index(shards.len());
		let bit = bit.index(f.count.ciphertext_len() * 8);
		shards[index].ciphertext[bit / 8] ^= 1 << (bit % 8);
		prop_assert_eq!(refused(f.reconstruct(&shards)), Error::ShardTampered { index: index as u16 });
	}

	#[test]
	fn a_flipped_id_bit_is_an_unknown_shard(
		f in multi_shard_fixture(), which in any::<prop::sample::Index>(), bit in 0usize..256,
	) {
		let mut shards = f.shards();
		let index = which.index(shards.len());
		shards[index].id.0[bit / 8] ^= 1 << (bit % 8);
		prop_assert_eq!(refused(f.reconstruct(&shards)), Error::UnknownShardId { index: index as u16 });
	}

	#[test]
	fn swapped_shards_are_out_of_place(
		f in multi_shard_fixture(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(),
	) {
		let mut shards = f.shards();
		let (a, b) = (a.index(shards.len()), b.index(shards.len()));
		prop_assume!(a != b);
		shards.swap(a, b);
		let (first, other) = (a.min(b) as u16, a.max(b) as u16);
		prop_assert_eq!(
			refused(f.reconstruct(&shards)),
			Error::ShardOutOfPlace { index: first, belongs_at: other }
		);
		// Swapping only the ciphertexts (ids left in place) is tampering with both.
		let mut shards = f.shards();
		let (ca, cb) = (shards[a].ciphertext.clone(), shards[b].ciphertext.clone());
		shards[a].ciphertext = cb;
		shards[b].ciphertext = ca;
		prop_assert_eq!(refused(f.reconstruct(&shards)), Error::ShardTampered { index: first });
	}

	#[test]
	fn a_missing_or_extra_shard_is_a_count_mismatch(f in fixture(), which in any::<prop::sample::Index>()) {
		let n = f.count.len();
		let mut missing = f.shards();
		missing.remove(which.index(n));
		prop_assert_eq!(
			refused(f.reconstruct(&missing)),
			Error::ShardCountMismatch { expected: f.count.get(), found: n - 1 }
		);
		let mut extra = f.shards();
		extra.push(extra[which.index(n)].clone());
		prop_assert_eq!(
			refused(f.reconstruct(&extra)),
			Error::ShardCountMismatch { expected: f.count.get(), found: n + 1 }
		);
	}

	#[test]
	fn a_truncated_ciphertext_is_a_length_error(f in fixture(), which in any::<prop::sample::Index>()) {
		let mut shards = f.shards();
		let index = which.index(shards.len());
		shards[index].ciphertext.pop();
		prop_assert_eq!(
			refused(f.reconstruct(&shards)),
			Error::CiphertextLength {
				index: index as u16,
				expected: f.count.ciphertext_len(),
				found: f.count.ciphertext_len() - 1,
			}
		);
	}

	#[test]
	fn a_wrong_device_id_is_refused(f in fixture(), other in device_id()) {
		let other = DeviceId::new(&other).unwrap();
		prop_assume!(other != f.device);
		// The bundle is another device's: refused before any cryptography.
		prop_assert_eq!(
			refused(f.bundle.reconstruct(&f.master, &other)),
			Error::DeviceMismatch { expected: other.clone(), found: f.device.clone() }
		);
		// The map is relabelled with this device's id: its shards are not this device's.
		let mut relabelled = f.bundle.clone();
		relabelled.map.device = other.clone();
		prop_assert_eq!(refused(relabelled.reconstruct(&f.master, &other)), Error::ForeignShards);
	}

	#[test]
	fn a_wrong_epoch_is_refused(f in fixture(), other in any::<u32>()) {
		prop_assume!(other != f.epoch);
		let shards = f.shards();
		prop_assert_eq!(
			refused(reconstruct(&f.master, &f.device, other, f.count, &f.bundle.map.public_key, &shards)),
			Error::ForeignShards
		);
		let mut relabelled = f.bundle.clone();
		relabelled.map.epoch = other;
		prop_assert_eq!(refused(relabelled.reconstruct(&f.master, &f.device)), Error::ForeignShards);
	}

	#[test]
	fn a_wrong_shard_count_is_refused(f in fixture(), other in shard_count()) {
		prop_assume!(other != f.count);
		let shards = f.shards();
		prop_assert_eq!(
			refused(reconstruct(&f.master, &f.device, f.epoch, other, &f.bundle.map.public_key, &shards)),
			Error::ShardCountMismatch { expected: other.get(), found: f.count.len() }
		);
		let mut relabelled = f.bundle.clone();
		relabelled.map.shard_count = other;
		prop_assert_eq!(
			refused(relabelled.reconstruct(&f.master, &f.device)),
			Error::ShardCountMismatch { expected: other.get(), found: f.count.len() }
		);
	}

	#[test]
	fn a_wrong_master_key_is_refused(f in fixture(), other in any::<[u8; 32]>()) {
		let wrong = DeviceMasterKey::from_slice(&other).unwrap();
		prop_assume!(wrong.expose_secret() != f.master.expose_secret());
		prop_assert_eq!(refused(f.bundle.reconstruct(&wrong, &f.device)), Error::WrongMasterKey);
	}

	#[test]
	fn an_altered_public_key_is_refused(f in fixture(), bit in 0usize..256) {
		let mut bundle = f.bundle.clone();
		bundle.map.public_key.0[bit / 8] ^= 1 << (bit % 8);
		// The public key is bound into every shard's associated data, so nothing decrypts, and
		// the device's own derivation shows that the map, not its key, is wrong.
		prop_assert_eq!(refused(bundle.reconstruct(&f.master, &f.device)), Error::WrongMasterKey);
	}

	#[test]
	fn map_and_shard_ids_must_agree(f in fixture(), which in any::<prop::sample::Index>(), bit in 0usize..256) {
		let mut bundle = f.bundle.clone();
		let index = which.index(bundle.map.shard_ids.len());
		bundle.map.shard_ids[index].0[bit / 8] ^= 1 << (bit % 8);
		prop_assert_eq!(
			refused(bundle.reconstruct(&f.master, &f.device)),
			Error::MapShardIdMismatch { index: index as u16 }
		);
	}

	#[test]
	fn a_signature_verifies_only_for_its_device_epoch_and_payload(
		f in fixture(), payload in any::<Vec<u8>>(), other_payload in any::<Vec<u8>>(),
		other_epoch in any::<u32>(), bit in 0usize..512,
	) {
		let key = f.bundle.reconstruct(&f.master, &f.device).unwrap();
		let signature = key.sign(&payload);
		let (pk, hash) = (key.public_key(), payload_hash(&payload));
		prop_assert_eq!(verify(&pk, &f.device, f.epoch, &hash, &signature), Ok(()));
		if other_payload != payload {
			prop_assert_eq!(
				verify(&pk, &f.device, f.epoch, &payload_hash(&other_payload), &signature),
				Err(Error::BadSignature)
			);
		}
		if other_epoch != f.epoch {
			prop_assert_eq!(verify(&pk, &f.device, other_epoch, &hash, &signature), Err(Error::BadSignature));
		}
		let mut flipped = signature;
		flipped.0[bit / 8] ^= 1 << (bit % 8);
		prop_assert_eq!(verify(&pk, &f.device, f.epoch, &hash, &flipped), Err(Error::BadSignature));
	}
}

#[test]
fn invalid_inputs_are_refused_by_constructors() {
	assert_eq!(DeviceId::new(b""), Err(Error::InvalidDeviceIdLength { len: 0 }));
	assert_eq!(DeviceId::new(&[7; 65]), Err(Error::InvalidDeviceIdLength { len: 65 }));
	assert!(DeviceId::new(&[7; 64]).is_ok());
	for n in 0..=u8::MAX {
		let allowed = [1, 2, 4, 8, 16, 32].contains(&n);
		assert_eq!(ShardCount::new(n).is_ok(), allowed, "count {n}");
		if !allowed {
			assert_eq!(ShardCount::new(n), Err(Error::InvalidShardCount { count: n }));
		}
	}
	assert_eq!(FleetRootKey::from_slice(&[1; 31]).err(), Some(Error::InvalidKeyLength { len: 31 }));
	assert_eq!(
		DeviceMasterKey::from_slice(&[1; 33]).err(),
		Some(Error::InvalidKeyLength { len: 33 })
	);
	// All zeros encodes a small-order point: strict verification refuses any signature under it.
	let device = DeviceId::new(b"d").unwrap();
	let hash = payload_hash(b"x");
	assert!(verify(&[0; 32].into(), &device, 0, &hash, &Signature([0; 64])).is_err());
}

#[test]
fn scale_decoding_refuses_invalid_ids_and_counts() {
	use codec::{Decode, Encode};
	assert!(DeviceId::decode(&mut &Vec::<u8>::new().encode()[..]).is_err());
	assert!(DeviceId::decode(&mut &vec![1u8; 65].encode()[..]).is_err());
	let id = DeviceId::new(b"sensor-1").unwrap();
	assert_eq!(DeviceId::decode(&mut &id.encode()[..]).unwrap(), id);
	assert_eq!(id.encode(), b"sensor-1".to_vec().encode(), "a device id encodes as its bytes");
	assert!(ShardCount::decode(&mut &[3u8][..]).is_err());
	assert_eq!(ShardCount::decode(&mut &[16u8][..]).unwrap().get(), 16);
	assert_eq!(ShardCount::new(8).unwrap().encode(), vec![8u8], "a shard count encodes as a u8");
}

#[test]
fn secrets_never_print() {
	let root_bytes = [0xab; 32];
	let root = FleetRootKey::from_slice(&root_bytes).unwrap();
	let device = DeviceId::new(b"printer").unwrap();
	let master = root.device_master_key(&device);
	let generated = generate(&master, &device, 3, ShardCount::new(4).unwrap());
	let key = reconstruct(
		&master,
		&device,
		3,
		ShardCount::new(4).unwrap(),
		&generated.public_key,
		&generated.shards,
	)
	.unwrap();
	let printed = format!("{root:?} {master:?} {key:?} {key:#?}");
	for secret in [&root_bytes[..], &master.expose_secret()[..], &key.expose_secret()[..]] {
		let hex = hex::encode(secret);
		assert!(!printed.contains(&hex), "a secret was printed as hex: {printed}");
		assert!(!printed.contains(&format!("{:?}", secret)), "a secret was printed as bytes");
	}
	assert!(printed.contains("[REDACTED]"));
	assert!(printed.contains(&generated.public_key.to_string()), "public data stays visible");
}
