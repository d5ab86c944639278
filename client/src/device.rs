//! What a device does: fetch and accept its key, sign, record the use; and anyone's check of a
//! signature record.

use crate::{
	record::{device_text, SignatureRecord},
	rpc::{BlockRef, Endpoint, Endpoints, Failover},
	BlockNumber, ClientError, FleetId, StateFile,
};
use keyshards_primitives::{
	payload_hash, verify, DeviceBundle, DeviceId, DeviceMasterKey, Epoch, OneTimeKey, QueryError,
	ShardMap, ShardState, UseRecord,
};
use std::{
	fmt,
	path::Path,
	time::{Duration, Instant},
};

/// Failure of an operation over several endpoints: the most telling error, and what the other
/// endpoints did wrong.
pub type FailoverError = (ClientError, Vec<(String, ClientError)>);

/// A device: its fleet, its id and its master key.
pub struct DeviceConfig {
	/// The fleet.
	pub fleet: FleetId,
	/// The device id.
	pub device: DeviceId,
	master: DeviceMasterKey,
}

impl fmt::Debug for DeviceConfig {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("DeviceConfig")
			.field("fleet", &self.fleet)
			.field("device", &self.device)
			.field("master", &"[REDACTED]")
			.finish()
	}
}

impl DeviceConfig {
	/// A device with its master key.
	pub fn new(fleet: FleetId, device: DeviceId, master: DeviceMasterKey) -> Self {
		Self { fleet, device, master }
	}

	/// A device whose master key is in `path` (see `keyshards_primitives::keyfile`).
	pub fn with_key_file(
		fleet: FleetId,
		device: DeviceId,
		path: &Path,
	) -> Result<Self, ClientError> {
		let bytes = keyshards_primitives::keyfile::read_key_file(path)?;
		let master = DeviceMasterKey::from_slice(&bytes[..]).expect("32 bytes; qed");
		Ok(Self::new(fleet, device, master))
	}

	/// The device id as text.
	pub fn device_text(&self) -> String {
		device_text(&self.device)
	}
}

/// A key the device accepted: the chain's map, the reconstructed one-time key (secret; never
/// printed), and the finalized block it was read at.
pub struct AcceptedKey {
	/// The Shard Map as served.
	pub map: ShardMap<BlockNumber>,
	/// The one-time key; its public half equals `map.public_key`.
	pub key: OneTimeKey,
	/// The finalized block the bundle was read at.
	pub at: BlockRef,
}

impl fmt::Debug for AcceptedKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("AcceptedKey")
			.field("map", &self.map)
			.field("key", &"[REDACTED]")
			.field("at", &self.at)
			.finish()
	}
}

/// Reads, checks and reconstructs one bundle from one endpoint.
async fn fetch_from(
	endpoint: &Endpoint,
	config: &DeviceConfig,
	accepted: Option<Epoch>,
	pinned: Option<Epoch>,
) -> Result<AcceptedKey, ClientError> {
	let at = endpoint.finalized().await?;
	let bundle: Result<DeviceBundle<BlockNumber>, QueryError> = match pinned {
		None => {
			endpoint
				.state_call("KeyShardsApi_active_bundle", (config.fleet, &config.device), &at)
				.await?
		}
		Some(epoch) => {
			endpoint
				.state_call("KeyShardsApi_bundle", (config.fleet, &config.device, epoch), &at)
				.await?
		}
	};
	let bundle = bundle.map_err(ClientError::NotOnChain)?;
	check_map(config, &bundle.map, &at, accepted, pinned)?;
	let key = bundle
		.reconstruct(&config.master, &config.device)
		.map_err(ClientError::from_reconstruct)?;
	Ok(AcceptedKey { map: bundle.map, key, at })
}

/// What can be checked of a map before decrypting anything: whose it is, that it is not older
/// than what was accepted, and (for the current key) that it is live at the finalized block.
fn check_map(
	config: &DeviceConfig,
	map: &ShardMap<BlockNumber>,
	at: &BlockRef,
	accepted: Option<Epoch>,
	pinned: Option<Epoch>,
) -> Result<(), ClientError> {
	if map.device != config.device {
		return Err(ClientError::MixAndMatch(format!(
			"the map is device {}'s, not this device's ({})",
			device_text(&map.device),
			config.device_text()
		)));
	}
	if let Some(accepted) = accepted.filter(|accepted| map.epoch < *accepted) {
		return Err(ClientError::Rollback { served: map.epoch, accepted });
	}
	match pinned {
		Some(epoch) if map.epoch != epoch => {
			Err(ClientError::MixAndMatch(format!("epoch {} served for epoch {epoch}", map.epoch)))
		}
		Some(_) => Ok(()),
		None => {
			let live = matches!(map.state, ShardState::Active | ShardState::Used);
			let in_window = map.valid_from <= at.number && at.number < map.expires_at;
			if live && in_window {
				Ok(())
			} else {
				Err(ClientError::Frozen {
					epoch: map.epoch,
					why: format!(
						"{:?} with window {}..{}, at finalized block {}",
						map.state, map.valid_from, map.expires_at, at.number
					),
				})
			}
		}
	}
}

/// Fetches the device's current key at the latest finalized block, from the first endpoint
/// whose bundle passes every check, and records its epoch in the state file.
pub async fn fetch_key(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	state: &mut StateFile,
) -> Result<Failover<AcceptedKey>, FailoverError> {
	let accepted = state.highest();
	let fetched =
		endpoints.first_ok(|endpoint| fetch_from(endpoint, config, accepted, None)).await?;
	state.accept(fetched.value.map.epoch).map_err(|e| (e, Vec::new()))?;
	Ok(fetched)
}

/// Fetches the key of a given epoch (e.g. to sign with it while it is still active, or to show
/// that the chain refuses a second use). Refused if older than the last accepted epoch.
pub async fn fetch_key_at_epoch(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	state: &mut StateFile,
	epoch: Epoch,
) -> Result<Failover<AcceptedKey>, FailoverError> {
	let accepted = state.highest();
	if let Some(accepted) = accepted.filter(|accepted| epoch < *accepted) {
		return Err((ClientError::Rollback { served: epoch, accepted }, Vec::new()));
	}
	let fetched =
		endpoints.first_ok(|endpoint| fetch_from(endpoint, config, accepted, Some(epoch))).await?;
	state.accept(epoch).map_err(|e| (e, Vec::new()))?;
	Ok(fetched)
}

/// Signs `payload` with an accepted key per SPEC v1 and returns the signature record.
pub fn sign(config: &DeviceConfig, key: &AcceptedKey, payload: &[u8]) -> SignatureRecord {
	let signature = key.key.sign(payload);
	SignatureRecord::new(
		config.fleet,
		&config.device,
		key.map.epoch,
		&key.map.public_key,
		&payload_hash(payload),
		&signature,
	)
}

async fn use_record_at(
	endpoint: &Endpoint,
	fleet: FleetId,
	device: &DeviceId,
	epoch: Epoch,
	at: &BlockRef,
) -> Result<Result<Option<UseRecord<BlockNumber>>, QueryError>, ClientError> {
	endpoint.state_call("KeyShardsApi_use_record", (fleet, device, epoch), at).await
}

/// Submits the use in `record` to the chain and waits until a finalized block records it.
/// Returns the block that recorded it. A use already recorded for this very signature counts
/// as done; a key that signed something else is refused.
pub async fn submit_use(
	endpoints: &Endpoints,
	record: &SignatureRecord,
	timeout: Duration,
) -> Result<Failover<BlockNumber>, FailoverError> {
	let (device, _, hash, signature) = record.parts().map_err(|e| (e, Vec::new()))?;
	let is_this_use =
		|used: &UseRecord<BlockNumber>| used.payload_hash == hash && used.signature == signature;
	let extrinsic =
		crate::record_use_extrinsic(record.fleet, &device, record.epoch, &hash, &signature);
	let (fleet, epoch) = (record.fleet, record.epoch);
	endpoints
		.first_ok(|endpoint| {
			let (device, extrinsic) = (device.clone(), extrinsic.clone());
			async move {
				if let Err(refusal) = endpoint.submit(&extrinsic).await? {
					// Why? Ask the chain what it knows of this key's use.
					let at = endpoint.finalized().await?;
					return match use_record_at(endpoint, fleet, &device, epoch, &at).await? {
						Ok(Some(used)) if is_this_use(&used) => Ok(used.at),
						Ok(Some(_)) => Err(ClientError::KeyAlreadyUsed { epoch }),
						_ if refusal.contains("Custom error: 2") => {
							Err(ClientError::KeyAlreadyUsed { epoch })
						}
						Err(query) => Err(ClientError::NotOnChain(query)),
						Ok(None) => Err(ClientError::Refused(refusal)),
					};
				}
				let start = Instant::now();
				loop {
					let at = endpoint.finalized().await?;
					match use_record_at(endpoint, fleet, &device, epoch, &at).await? {
						Ok(Some(used)) if is_this_use(&used) => return Ok(used.at),
						Ok(Some(_)) => return Err(ClientError::KeyAlreadyUsed { epoch }),
						_ => {}
					}
					if start.elapsed() > timeout {
						return Err(ClientError::Timeout(format!(
							"the use of epoch {epoch}'s key in a finalized block ({timeout:?})"
						)));
					}
					tokio::time::sleep(Duration::from_millis(100)).await;
				}
			}
		})
		.await
}

/// What `verify_record` established.
#[derive(Clone, Debug)]
pub struct Verified {
	/// The block that recorded the use on chain.
	pub used_at: BlockNumber,
	/// The finalized block the chain was read at.
	pub at: BlockRef,
}

/// Anyone's check of a signature record over `payload`: the signature is valid, its public key
/// is the chain's for that device epoch, and the chain's use record of that key is this
/// payload.
pub async fn verify_record(
	endpoints: &Endpoints,
	record: &SignatureRecord,
	payload: &[u8],
) -> Result<Failover<Verified>, FailoverError> {
	let local = |e| (e, Vec::new());
	let (device, public_key, hash, signature) = record.parts().map_err(local)?;
	if payload_hash(payload) != hash {
		return Err(local(ClientError::Verify(
			"the payload is not the one this record signed (its hash differs)".into(),
		)));
	}
	verify(&public_key, &device, record.epoch, &hash, &signature).map_err(|_| {
		local(ClientError::Verify(
			"the signature does not verify for this device, epoch and payload".into(),
		))
	})?;
	let (fleet, epoch) = (record.fleet, record.epoch);
	endpoints
		.first_ok(|endpoint| {
			let device = device.clone();
			async move {
				let at = endpoint.finalized().await?;
				let bundle: Result<DeviceBundle<BlockNumber>, QueryError> = endpoint
					.state_call("KeyShardsApi_bundle", (fleet, &device, epoch), &at)
					.await?;
				let bundle = bundle.map_err(ClientError::NotOnChain)?;
				if bundle.map.public_key != public_key {
					return Err(ClientError::Verify(format!(
						"the record's public key is not the chain's key of epoch {epoch} ({})",
						bundle.map.public_key
					)));
				}
				match use_record_at(endpoint, fleet, &device, epoch, &at).await? {
					Ok(Some(used)) if used.payload_hash == hash => {
						Ok(Verified { used_at: used.at, at })
					}
					Ok(Some(used)) => Err(ClientError::Verify(format!(
						"the chain records this key signing a different payload (hash {})",
						used.payload_hash
					))),
					Ok(None) => Err(ClientError::Verify(
						"the chain records no use of this key: this signature was never recorded"
							.into(),
					)),
					Err(query) => Err(ClientError::NotOnChain(query)),
				}
			}
		})
		.await
}

#[cfg(test)]
mod tests {
	use super::*;
	use keyshards_primitives::{PublicKey, ShardCount};

	fn config() -> DeviceConfig {
		let device = DeviceId::new(b"d").unwrap();
		DeviceConfig::new(0, device, DeviceMasterKey::from_slice(&[1; 32]).unwrap())
	}

	fn map(epoch: Epoch, state: ShardState, window: (u32, u32)) -> ShardMap<BlockNumber> {
		ShardMap {
			device: DeviceId::new(b"d").unwrap(),
			epoch,
			shard_count: ShardCount::new(1).unwrap(),
			shard_ids: Default::default(),
			public_key: PublicKey([0; 32]),
			valid_from: window.0,
			expires_at: window.1,
			state,
		}
	}

	fn at(number: BlockNumber) -> BlockRef {
		BlockRef { hash: "0x00".into(), number }
	}

	#[test]
	fn a_current_map_must_be_live_at_the_finalized_block() {
		let config = config();
		assert!(
			check_map(&config, &map(3, ShardState::Active, (10, 20)), &at(15), None, None).is_ok()
		);
		assert!(
			check_map(&config, &map(3, ShardState::Used, (10, 20)), &at(19), Some(3), None).is_ok()
		);
		for (state, block) in [
			(ShardState::Invalidated, 15),
			(ShardState::Pending, 15),
			(ShardState::Active, 20),
			(ShardState::Active, 9),
		] {
			let error =
				check_map(&config, &map(3, state, (10, 20)), &at(block), None, None).unwrap_err();
			assert!(matches!(error, ClientError::Frozen { epoch: 3, .. }), "{state:?} at {block}");
			assert_eq!(error.exit_code(), crate::exit_code::FROZEN);
		}
	}

	#[test]
	fn an_older_epoch_another_devices_map_or_another_epoch_is_refused() {
		let config = config();
		let error =
			check_map(&config, &map(2, ShardState::Active, (10, 20)), &at(15), Some(3), None)
				.unwrap_err();
		assert!(matches!(error, ClientError::Rollback { served: 2, accepted: 3 }));
		let mut foreign = map(3, ShardState::Active, (10, 20));
		foreign.device = DeviceId::new(b"e").unwrap();
		assert!(matches!(
			check_map(&config, &foreign, &at(15), None, None),
			Err(ClientError::MixAndMatch(_))
		));
		// Pinned to an epoch: that epoch and no other, whatever its state.
		let invalid = map(4, ShardState::Invalidated, (10, 20));
		assert!(check_map(&config, &invalid, &at(30), Some(3), Some(4)).is_ok());
		assert!(matches!(
			check_map(&config, &invalid, &at(30), None, Some(5)),
			Err(ClientError::MixAndMatch(_))
		));
	}

	#[test]
	fn secrets_are_not_printed() {
		assert!(format!("{:?}", config()).contains("[REDACTED]"));
		assert!(!format!("{:?}", config()).contains("0101"));
	}
}
