//! Splitting a one-time key into encrypted shards (KSG) and putting it back together (device).

use aes_gcm::{
	aead::{AeadInPlace, KeyInit},
	Aes256Gcm, Nonce, Tag,
};
use alloc::vec::Vec;
use bounded_collections::BoundedVec;
use zeroize::{Zeroize, Zeroizing};

use crate::{
	kdf::{self, AssociatedData, Expander},
	keys::{DeviceMasterKey, OneTimeKey},
	types::{
		Ciphertext, DeviceBundle, DeviceId, EncryptedShard, Epoch, PublicKey, ShardCount,
		ShardSubmission, Shards, KEY_STREAM_LEN, MAX_CIPHERTEXT_LEN, TAG_LEN,
	},
	Error,
};

/// The public output of [`generate`] for one device epoch: its public key and its encrypted
/// shards (with their identifiers), in index order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GeneratedShards {
	/// `P`.
	pub public_key: PublicKey,
	/// The shards, in index order.
	pub shards: Shards,
}

impl GeneratedShards {
	/// What a KSG submits: the public key and the ciphertexts (the chain derives the ids).
	pub fn submission(&self) -> ShardSubmission {
		ShardSubmission {
			public_key: self.public_key,
			ciphertexts: BoundedVec::truncate_from(
				self.shards.iter().map(|shard| shard.ciphertext.clone()).collect(),
			),
		}
	}
}

/// The AEAD of shard `index`, with its nonce, keyed per SPEC.
fn shard_cipher(
	expander: &Expander,
	device: &DeviceId,
	epoch: Epoch,
	index: u16,
	count: ShardCount,
) -> (Aes256Gcm, Nonce<aes_gcm::aead::consts::U12>) {
	let key_nonce = expander.shard_key_nonce(device, epoch, index, count);
	let cipher = Aes256Gcm::new_from_slice(&key_nonce[..32]).expect("AES-256 takes 32 bytes; qed");
	(cipher, *Nonce::from_slice(&key_nonce[32..]))
}

/// KSG side: derives device `D`'s key for epoch `e` from its master key, splits the key stream
/// into `n` segments and encrypts each (SPEC derivations 2 to 7).
///
/// Deterministic: any KSG holding the fleet root produces the same bytes.
pub fn generate(
	master: &DeviceMasterKey,
	device: &DeviceId,
	epoch: Epoch,
	count: ShardCount,
) -> GeneratedShards {
	let expander = master.expander();
	let mut stream = Zeroizing::new([0u8; KEY_STREAM_LEN]);
	expander.key_stream(device, epoch, &mut stream);
	let public_key = OneTimeKey::from_stream(device.clone(), epoch, &stream).public_key();

	let segment_len = count.segment_len();
	let mut buf = Zeroizing::new([0u8; MAX_CIPHERTEXT_LEN as usize]);
	let shards = (0..count.get() as u16)
		.map(|index| {
			let (cipher, nonce) = shard_cipher(&expander, device, epoch, index, count);
			let aad = AssociatedData::new(device, epoch, index, count, &public_key);
			let start = index as usize * segment_len;
			let (body, tag) = buf.split_at_mut(segment_len);
			body.copy_from_slice(&stream[start..start + segment_len]);
			let computed = cipher
				.encrypt_in_place_detached(&nonce, aad.as_bytes(), body)
				.expect("a segment is far below GCM's length limit; qed");
			tag[..TAG_LEN].copy_from_slice(&computed);
			EncryptedShard {
				id: kdf::shard_id(device, epoch, index),
				ciphertext: Ciphertext::truncate_from(buf[..segment_len + TAG_LEN].to_vec()),
			}
		})
		.collect();
	GeneratedShards { public_key, shards: BoundedVec::truncate_from(shards) }
}

/// Device side: checks every shard's identifier, decrypts each shard, concatenates the segments
/// and accepts the key only if it derives `public_key` (SPEC "Reconstruction").
///
/// `device`, `epoch` and `count` are what the device expects; the shards must be in index order.
/// Nothing but a key whose public half is `public_key` is ever returned. On a decryption
/// failure, the device's own derivation of `P` tells a tampered shard ([`Error::ShardTampered`],
/// naming it) from a master key that is not this map's ([`Error::WrongMasterKey`]).
pub fn reconstruct(
	master: &DeviceMasterKey,
	device: &DeviceId,
	epoch: Epoch,
	count: ShardCount,
	public_key: &PublicKey,
	shards: &[EncryptedShard],
) -> Result<OneTimeKey, Error> {
	if shards.len() != count.len() {
		return Err(Error::ShardCountMismatch { expected: count.get(), found: shards.len() });
	}
	check_shard_ids(device, epoch, count, shards)?;

	let expander = master.expander();
	let segment_len = count.segment_len();
	let mut stream = Zeroizing::new([0u8; KEY_STREAM_LEN]);
	let mut first_failure = None;
	for (index, shard) in (0u16..).zip(shards) {
		let (body, tag) = shard.ciphertext.split_at(segment_len);
		let (cipher, nonce) = shard_cipher(&expander, device, epoch, index, count);
		let aad = AssociatedData::new(device, epoch, index, count, public_key);
		let start = index as usize * segment_len;
		let segment = &mut stream[start..start + segment_len];
		segment.copy_from_slice(body);
		if cipher
			.decrypt_in_place_detached(&nonce, aad.as_bytes(), segment, Tag::from_slice(tag))
			.is_err()
		{
			segment.zeroize();
			first_failure.get_or_insert(index);
		}
	}

	if let Some(index) = first_failure {
		// Which is it: a shard altered on the way, or a key that is not this map's? The device
		// can tell, because it derives the same stream the KSG encrypted. No shard is trusted.
		let mut own = Zeroizing::new([0u8; KEY_STREAM_LEN]);
		expander.key_stream(device, epoch, &mut own);
		let own_public = OneTimeKey::from_stream(device.clone(), epoch, &own).public_key();
		return Err(if own_public == *public_key {
			Error::ShardTampered { index }
		} else {
			Error::WrongMasterKey
		});
	}

	let key = OneTimeKey::from_stream(device.clone(), epoch, &stream);
	if key.public_key() != *public_key {
		return Err(Error::PublicKeyMismatch);
	}
	Ok(key)
}

/// Checks lengths and identifiers of `shards` against (device, epoch, index) before any
/// decryption.
fn check_shard_ids(
	device: &DeviceId,
	epoch: Epoch,
	count: ShardCount,
	shards: &[EncryptedShard],
) -> Result<(), Error> {
	let expected_ids: Vec<_> =
		(0..count.get() as u16).map(|i| kdf::shard_id(device, epoch, i)).collect();
	let positions: Vec<Option<usize>> =
		shards.iter().map(|shard| expected_ids.iter().position(|id| *id == shard.id)).collect();
	if positions.iter().all(Option::is_none) {
		return Err(Error::ForeignShards);
	}
	for (index, (shard, position)) in (0u16..).zip(shards.iter().zip(positions)) {
		match position {
			Some(at) if at == index as usize => {}
			Some(at) => return Err(Error::ShardOutOfPlace { index, belongs_at: at as u16 }),
			None => return Err(Error::UnknownShardId { index }),
		}
		if shard.ciphertext.len() != count.ciphertext_len() {
			return Err(Error::CiphertextLength {
				index,
				expected: count.ciphertext_len(),
				found: shard.ciphertext.len(),
			});
		}
	}
	Ok(())
}

impl<BlockNumber> DeviceBundle<BlockNumber> {
	/// Device side: reconstructs this bundle's key for `device`.
	///
	/// Checks that the bundle is this device's and that the map's shard ids are the shards'
	/// ids, then [`reconstruct`]s with the map's epoch, shard count and public key. Whether the
	/// map's state and epoch are acceptable (not invalidated, not expired, not older than an
	/// epoch accepted before) is the caller's decision; this checks the cryptography.
	pub fn reconstruct(
		&self,
		master: &DeviceMasterKey,
		device: &DeviceId,
	) -> Result<OneTimeKey, Error> {
		let map = &self.map;
		if map.device != *device {
			return Err(Error::DeviceMismatch {
				expected: device.clone(),
				found: map.device.clone(),
			});
		}
		if map.shard_ids.len() != map.shard_count.len() {
			return Err(Error::ShardCountMismatch {
				expected: map.shard_count.get(),
				found: map.shard_ids.len(),
			});
		}
		if let Some(index) =
			map.shard_ids.iter().zip(self.shards.iter()).position(|(id, shard)| *id != shard.id)
		{
			return Err(Error::MapShardIdMismatch { index: index as u16 });
		}
		reconstruct(master, device, map.epoch, map.shard_count, &map.public_key, &self.shards)
	}
}
