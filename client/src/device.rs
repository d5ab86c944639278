//! What a device does: fetch and accept its key, sign, record the use; and anyone's check of a
//! signature record.

use crate::{
	keys::DeviceKeys,
	record::{device_text, SignatureRecord},
	rpc::{BlockRef, Endpoint, Endpoints, Failover, FailoverError},
	view::{self, ProvenBlock, Trust},
	BlockNumber, ClientError, FleetId, StateFile,
};
use keyshards_primitives::{
	payload_hash,
	v2::{
		invalid_use, reconstruct, verify, DeviceBundle, DeviceEpoch, EpochState, OneTimeKey,
		ShardMap,
	},
	DeviceId, Epoch, QueryError, UseRecord,
};
use std::{
	fmt,
	path::Path,
	time::{Duration, Instant},
};

pub use crate::AccountId;

/// A Shard Map as this chain serves it.
pub type Map = ShardMap<AccountId, BlockNumber>;

/// A device: its key file (chain, fleet, id, registration and piece keys `M_0 .. M_{p-1}`).
pub struct DeviceConfig {
	/// The fleet.
	pub fleet: FleetId,
	/// The device id.
	pub device: DeviceId,
	keys: DeviceKeys,
}

impl fmt::Debug for DeviceConfig {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("DeviceConfig")
			.field("fleet", &self.fleet)
			.field("device", &self.device)
			.field("keys", &self.keys)
			.finish()
	}
}

impl DeviceConfig {
	/// A device with its keys.
	pub fn new(keys: DeviceKeys) -> Self {
		Self { fleet: keys.fleet, device: keys.device.clone(), keys }
	}

	/// A device whose key file is `path` (see [`DeviceKeys`]); refused if it is another
	/// device's or another fleet's (as the command line names them).
	pub fn with_key_file(
		fleet: FleetId,
		device: &DeviceId,
		path: &Path,
	) -> Result<Self, ClientError> {
		let keys = DeviceKeys::load(path)?;
		if keys.fleet != fleet || keys.device != *device {
			return Err(ClientError::LocalFile {
				path: path.display().to_string(),
				reason: format!(
					"the keys of device {} in fleet {}, not of device {} in fleet {fleet}",
					device_text(&keys.device),
					keys.fleet,
					device_text(device),
				),
			});
		}
		Ok(Self::new(keys))
	}

	/// The device id as text.
	pub fn device_text(&self) -> String {
		device_text(&self.device)
	}

	/// The chain the keys belong to.
	pub fn genesis(&self) -> [u8; 32] {
		self.keys.genesis
	}

	/// The registration the keys belong to.
	pub fn registration(&self) -> u32 {
		self.keys.registration
	}
}

/// A key the device accepted: the chain's map, the reconstructed one-time key (secret; never
/// printed), and the finalized block it was read at.
pub struct AcceptedKey {
	/// The Shard Map as served.
	pub map: Map,
	/// The one-time key; its public half equals `map.public_key`.
	pub key: OneTimeKey,
	/// The finalized block the bundle was read at.
	pub at: BlockRef,
	/// What the proofs behind it cost (`None` in the insecure fallback).
	pub proofs: Option<view::ProofStats>,
}

impl fmt::Debug for AcceptedKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("AcceptedKey")
			.field("map", &self.map)
			.field("key", &"[REDACTED]")
			.field("at", &self.at)
			.field("proofs", &self.proofs)
			.finish()
	}
}

/// Refuses an endpoint that serves another chain than the device's keys belong to.
async fn check_chain(endpoint: &Endpoint, config: &DeviceConfig) -> Result<(), ClientError> {
	let genesis = endpoint.genesis_hash().await?;
	if genesis != config.genesis() {
		return Err(ClientError::MixAndMatch(format!(
			"the endpoint serves chain 0x{}, the device's keys are for chain 0x{}",
			hex::encode(genesis),
			hex::encode(config.genesis())
		)));
	}
	Ok(())
}

/// Reads, checks and reconstructs one bundle from one endpoint.
async fn fetch_from(
	endpoint: &Endpoint,
	config: &DeviceConfig,
	trust: &Trust,
	accepted: Option<Epoch>,
	pinned: Option<Epoch>,
) -> Result<AcceptedKey, ClientError> {
	let (bundle, at, proofs) = match trust {
		Trust::Proven { anchor, max_age } => {
			let (bundle, at, proofs) =
				proven_bundle(endpoint, anchor, config, *max_age, accepted, pinned).await?;
			(bundle, at, Some(proofs))
		}
		Trust::InsecureStateCall => {
			let (bundle, at) = state_call_bundle(endpoint, config, pinned).await?;
			(bundle, at, None)
		}
	};
	check_map(config, &bundle.map, &at, accepted, pinned)?;
	let device_epoch = DeviceEpoch {
		ctx: config.keys.context(),
		device: config.device.clone(),
		registration: config.registration(),
		epoch: bundle.map.epoch,
	};
	let key = reconstruct(
		&device_epoch,
		config.keys.piece_keys(),
		&bundle.pieces,
		&bundle.map.public_key,
	)
	.map_err(|error| ClientError::from_reconstruct(error, &bundle.map))?;
	Ok(AcceptedKey { map: bundle.map, key, at, proofs })
}

/// The device's bundle (its active epoch's, or `pinned`'s) from records proved at the
/// endpoint's latest justified block, the chain's time there no older than `max_age`. Built by
/// the rules the chain's runtime API uses (`DeviceInfo::active_at`, `DeviceBundle::from_record`).
///
/// The epoch's record is read with the fleet's and device's records when it is one of the
/// likely epochs (the one asked for, or the highest accepted and the next), else afterwards.
async fn proven_bundle(
	endpoint: &Endpoint,
	anchor: &crate::TrustAnchor,
	config: &DeviceConfig,
	max_age: Duration,
	accepted: Option<Epoch>,
	pinned: Option<Epoch>,
) -> Result<(DeviceBundle<AccountId, BlockNumber>, BlockRef, view::ProofStats), ClientError> {
	use keyshards_primitives::v2::storage;
	let (fleet, device) = (config.fleet, &config.device);
	let likely: Vec<Epoch> = match (pinned, accepted) {
		(Some(epoch), _) => vec![epoch],
		(None, Some(epoch)) => vec![epoch, epoch.saturating_add(1)],
		(None, None) => Vec::new(),
	};
	let epoch_keys: Vec<Vec<u8>> =
		likely.iter().map(|epoch| storage::epoch_key(fleet, device, *epoch)).collect();
	let (fleet_key, device_key) = (storage::fleet_key(fleet), storage::device_key(fleet, device));
	let mut keys: Vec<(&str, &[u8])> =
		vec![("the fleet's record", &fleet_key), ("the device's record", &device_key)];
	keys.extend(epoch_keys.iter().map(|key| ("an epoch's record", key.as_slice())));
	let (mut block, mut values) =
		ProvenBlock::finalized_fresh(endpoint, anchor, max_age, &keys).await?;
	let now = block.number();
	let epoch_values = values.split_off(2);
	let (fleet_record, device_record) = view::fleet_and_device(now, values)?;
	fleet_record.ok_or(ClientError::NotOnChain(QueryError::UnknownFleet))?;
	let device_record = device_record
		.filter(|record| record.registered.is_some())
		.ok_or(ClientError::NotOnChain(QueryError::UnknownDevice))?;
	let epoch = match pinned {
		Some(epoch) => epoch,
		None => {
			device_record
				.active_at(now)
				.ok_or(ClientError::NotOnChain(QueryError::NoActiveKey))?
				.epoch
		}
	};
	let record: Option<view::EpochOf> = match likely.iter().position(|e| *e == epoch) {
		Some(i) => crate::proof::decode_proven(
			"an epoch's record",
			now,
			epoch_values.into_iter().nth(i).flatten(),
		)?,
		None => block.epoch(fleet, device, epoch).await?,
	};
	let record = record.ok_or(ClientError::NotOnChain(QueryError::UnknownEpoch))?;
	let bundle = DeviceBundle::from_record(&config.keys.context(), device, epoch, record, now)
		.ok_or(ClientError::NotOnChain(QueryError::UnknownEpoch))?;
	Ok((bundle, block.block_ref(), block.stats().clone()))
}

/// The insecure fallback: the bundle as the endpoint's runtime API answers it, at the head the
/// endpoint calls finalized. Nothing is proved.
async fn state_call_bundle(
	endpoint: &Endpoint,
	config: &DeviceConfig,
	pinned: Option<Epoch>,
) -> Result<(DeviceBundle<AccountId, BlockNumber>, BlockRef), ClientError> {
	check_chain(endpoint, config).await?;
	let at = endpoint.finalized().await?;
	let bundle: Result<DeviceBundle<AccountId, BlockNumber>, QueryError> = match pinned {
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
	Ok((bundle.map_err(ClientError::NotOnChain)?, at))
}

/// What can be checked of a map before decrypting anything: whose it is (device and
/// registration), that it is not older than what was accepted, that it is the epoch asked for,
/// and that it is usable at the finalized block (active or used, within its window).
fn check_map(
	config: &DeviceConfig,
	map: &Map,
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
	if map.registration != config.registration() {
		return Err(ClientError::MixAndMatch(format!(
			"the map is for registration {} of device {}, this device's keys for registration {}",
			map.registration,
			config.device_text(),
			config.registration()
		)));
	}
	if let Some(accepted) = accepted.filter(|accepted| map.epoch < *accepted) {
		return Err(ClientError::Rollback { served: map.epoch, accepted });
	}
	if let Some(epoch) = pinned.filter(|epoch| map.epoch != *epoch) {
		return Err(ClientError::MixAndMatch(format!(
			"epoch {} served for epoch {epoch}",
			map.epoch
		)));
	}
	let live = matches!(map.state, EpochState::Active | EpochState::Used);
	let in_window = map.valid_from <= at.number && at.number < map.valid_to;
	if live && in_window {
		Ok(())
	} else {
		Err(ClientError::Frozen {
			epoch: map.epoch,
			why: format!(
				"{:?} with window {}..{}, at finalized block {}",
				map.state, map.valid_from, map.valid_to, at.number
			),
		})
	}
}

/// Fetches the device's current key at the latest finalized block, from the first endpoint
/// whose bundle passes every check, and records its epoch in the state file.
pub async fn fetch_key(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	trust: &Trust,
	state: &mut StateFile,
) -> Result<Failover<AcceptedKey>, FailoverError> {
	check_anchor(config, trust)?;
	let accepted = state.highest();
	let fetched =
		endpoints.first_ok(|endpoint| fetch_from(endpoint, config, trust, accepted, None)).await?;
	state.accept(fetched.value.map.epoch)?;
	Ok(fetched)
}

/// Refuses a trust anchor of another chain than the device's keys.
fn check_anchor(config: &DeviceConfig, trust: &Trust) -> Result<(), ClientError> {
	match trust.anchor() {
		Some(anchor) if anchor.genesis != config.genesis() => {
			Err(ClientError::MixAndMatch(format!(
				"the trust anchor is for chain 0x{}, the device's keys are for chain 0x{}",
				hex::encode(anchor.genesis),
				hex::encode(config.genesis())
			)))
		}
		_ => Ok(()),
	}
}

/// Fetches the key of a given epoch, with the same checks as the current key's (it must be
/// this registration's, usable at the finalized block, and no older than the last accepted).
pub async fn fetch_key_at_epoch(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	trust: &Trust,
	state: &mut StateFile,
	epoch: Epoch,
) -> Result<Failover<AcceptedKey>, FailoverError> {
	check_anchor(config, trust)?;
	let accepted = state.highest();
	if let Some(accepted) = accepted.filter(|accepted| epoch < *accepted) {
		return Err(ClientError::Rollback { served: epoch, accepted }.into());
	}
	let fetched = endpoints
		.first_ok(|endpoint| fetch_from(endpoint, config, trust, accepted, Some(epoch)))
		.await?;
	state.accept(epoch)?;
	Ok(fetched)
}

/// Signs `payload` with an accepted key per SPEC v2 and returns the signature record.
///
/// One payload per epoch: `(e, H(Y))` is stored durably in the state file before the signature
/// is released; signing the same payload again re-releases the same signature (the signing is
/// deterministic), another payload with the same key is refused. The signature is checked
/// under the key's public key before it is released.
pub fn sign(
	config: &DeviceConfig,
	key: &AcceptedKey,
	state: &mut StateFile,
	payload: &[u8],
) -> Result<SignatureRecord, ClientError> {
	let hash = payload_hash(payload);
	// A map that recorded its use signs nothing new; only a retry of the payload this device
	// signed (its state says so) re-releases the same signature.
	if key.map.state == EpochState::Used && !state.signed(key.map.epoch, &hash) {
		state.check_signing(key.map.epoch, &hash)?;
		return Err(ClientError::KeyAlreadyUsed { epoch: key.map.epoch });
	}
	state.record_signing(key.map.epoch, hash)?;
	let signature = key.key.sign_hash(&hash).map_err(|_| ClientError::SignatureFault)?;
	Ok(SignatureRecord::new(
		config.fleet,
		&config.device,
		key.map.registration,
		key.map.epoch,
		&key.map.public_key,
		&hash,
		&signature,
	))
}

/// What the chain records of one device epoch, as a signature's checker needs it.
struct EpochFacts {
	registration: u32,
	public_key: keyshards_primitives::PublicKey,
	used: Option<UseRecord<BlockNumber>>,
}

/// The chain's records of a device epoch at the latest finalized block: proved (the epoch's
/// record under a justified state root), or in the insecure fallback as the runtime API
/// answers. `Ok(Err(_))` when the chain has no such complete epoch.
async fn epoch_facts(
	endpoint: &Endpoint,
	trust: &Trust,
	fleet: FleetId,
	device: &DeviceId,
	epoch: Epoch,
) -> Result<(Result<EpochFacts, QueryError>, BlockRef), ClientError> {
	match trust {
		Trust::Proven { anchor, .. } => {
			let key = keyshards_primitives::v2::storage::epoch_key(fleet, device, epoch);
			let what = format!("epoch {epoch}'s record");
			let (block, mut values) =
				ProvenBlock::finalized_with(endpoint, anchor, &[(&what, &key)]).await?;
			let record: Option<view::EpochOf> =
				crate::proof::decode_proven(&what, block.number(), values.pop().flatten())?;
			let facts = record.and_then(|record| {
				let completion = record.completion?;
				Some(EpochFacts {
					registration: record.registration,
					public_key: completion.public_key,
					used: record.used,
				})
			});
			Ok((facts.ok_or(QueryError::UnknownEpoch), block.block_ref()))
		}
		Trust::InsecureStateCall => {
			let at = endpoint.finalized().await?;
			let bundle: Result<DeviceBundle<AccountId, BlockNumber>, QueryError> =
				endpoint.state_call("KeyShardsApi_bundle", (fleet, device, epoch), &at).await?;
			let map = match bundle {
				Ok(bundle) => bundle.map,
				Err(query) => return Ok((Err(query), at)),
			};
			let used: Result<Option<UseRecord<BlockNumber>>, QueryError> =
				endpoint.state_call("KeyShardsApi_use_record", (fleet, device, epoch), &at).await?;
			let facts = used.map(|used| EpochFacts {
				registration: map.registration,
				public_key: map.public_key,
				used,
			});
			Ok((facts, at))
		}
	}
}

/// The use the chain records for a device epoch at the latest finalized block (see
/// [`epoch_facts`]).
async fn use_record_at(
	endpoint: &Endpoint,
	trust: &Trust,
	fleet: FleetId,
	device: &DeviceId,
	epoch: Epoch,
) -> Result<Result<Option<UseRecord<BlockNumber>>, QueryError>, ClientError> {
	let (facts, _) = epoch_facts(endpoint, trust, fleet, device, epoch).await?;
	Ok(facts.map(|facts| facts.used))
}

/// Submits the use in `record` to the chain and waits until a finalized block records it:
/// in proven mode, until the epoch's record proved at a justified block holds this very use.
/// Returns the block that recorded it. A use already recorded for this very signature counts
/// as done; a key that signed something else is refused. An endpoint that accepts the
/// transaction but never gets it finalized (or claims it did) times out and the next is tried.
pub async fn submit_use(
	endpoints: &Endpoints,
	trust: &Trust,
	record: &SignatureRecord,
	timeout: Duration,
) -> Result<Failover<BlockNumber>, FailoverError> {
	let (device, _, hash, signature) = record.parts()?;
	let already_used = format!("Custom error: {}", invalid_use::KEY_ALREADY_USED);
	let is_this_use =
		|used: &UseRecord<BlockNumber>| used.payload_hash == hash && used.signature == signature;
	let extrinsic =
		crate::record_use_extrinsic(record.fleet, &device, record.epoch, &hash, &signature);
	let (fleet, epoch) = (record.fleet, record.epoch);
	endpoints
		.first_ok(|endpoint| {
			let (device, extrinsic, already_used) =
				(device.clone(), extrinsic.clone(), already_used.clone());
			async move {
				if let Err(refusal) = endpoint.submit(&extrinsic).await? {
					// Why? Ask the chain what it knows of this key's use.
					return match use_record_at(endpoint, trust, fleet, &device, epoch).await? {
						Ok(Some(used)) if is_this_use(&used) => Ok(used.at),
						Ok(Some(_)) => Err(ClientError::KeyAlreadyUsed { epoch }),
						_ if refusal.contains(&already_used) => {
							Err(ClientError::KeyAlreadyUsed { epoch })
						}
						Err(query) => Err(ClientError::NotOnChain(query)),
						Ok(None) => Err(ClientError::Refused(refusal)),
					};
				}
				let start = Instant::now();
				loop {
					match use_record_at(endpoint, trust, fleet, &device, epoch).await {
						Ok(Ok(Some(used))) if is_this_use(&used) => return Ok(used.at),
						Ok(Ok(Some(_))) => return Err(ClientError::KeyAlreadyUsed { epoch }),
						// A proof refused is the endpoint's fault: leave it at once.
						Err(error @ (ClientError::Unproven(_) | ClientError::Stale { .. })) => {
							return Err(error)
						}
						_ => {}
					}
					if start.elapsed() > timeout {
						return Err(ClientError::Timeout(format!(
							"the use of epoch {epoch}'s key in a finalized block ({timeout:?}): \
							 the endpoint accepted the transaction but no justified block records \
							 it"
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

/// Anyone's check of a signature record over `payload`: the signature verifies under the
/// chain's public key of that device epoch over the message built from the chain's records
/// (its genesis hash, the fleet, the device, the epoch record's registration and epoch, and
/// `H(Y)`), and the chain's use record of that key is this payload. In proven mode the epoch
/// record (public key, registration and use) is proved at a justified block and the genesis hash
/// is the trust anchor's.
pub async fn verify_record(
	endpoints: &Endpoints,
	trust: &Trust,
	record: &SignatureRecord,
	payload: &[u8],
) -> Result<Failover<Verified>, FailoverError> {
	let (device, public_key, hash, signature) = record.parts()?;
	if payload_hash(payload) != hash {
		return Err(ClientError::Verify(
			"the payload is not the one this record signed (its hash differs)".into(),
		)
		.into());
	}
	let (fleet, epoch) = (record.fleet, record.epoch);
	endpoints
		.first_ok(|endpoint| {
			let device = device.clone();
			async move {
				let genesis = match trust.anchor() {
					Some(anchor) => anchor.genesis,
					None => endpoint.genesis_hash().await?,
				};
				let (facts, at) = epoch_facts(endpoint, trust, fleet, &device, epoch).await?;
				let facts = facts.map_err(ClientError::NotOnChain)?;
				if facts.public_key != public_key {
					return Err(ClientError::Verify(format!(
						"the record's public key is not the chain's key of epoch {epoch} ({})",
						facts.public_key
					)));
				}
				let signed = DeviceEpoch {
					ctx: keyshards_primitives::v2::Context::new(&genesis, fleet),
					device: device.clone(),
					registration: facts.registration,
					epoch,
				};
				verify(&facts.public_key, &signed, &hash, &signature).map_err(|_| {
					ClientError::Verify(format!(
						"the signature does not verify under the chain's key of epoch {epoch} \
						 (registration {}) for this payload",
						facts.registration
					))
				})?;
				match facts.used {
					Some(used) if used.payload_hash == hash => {
						Ok(Verified { used_at: used.at, at })
					}
					Some(used) => Err(ClientError::Verify(format!(
						"the chain records this key signing a different payload (hash {})",
						used.payload_hash
					))),
					None => Err(ClientError::Verify(format!(
						"the chain records no use of this key as of finalized block #{} ({}): \
						 this signature was not recorded by then",
						at.number, at.hash
					))),
				}
			}
		})
		.await
}

/// The head of a device's status (`KeyShardsApi_device_status`).
#[derive(codec::Decode)]
struct StatusHead {
	_device: DeviceId,
	registered: bool,
	registration: u32,
}

/// A holder's view of the chain for an export: the fleet as recorded (genesis hash,
/// threshold, publication keys) and each device's current registration (every device must be
/// registered), read at the latest finalized block of the first endpoint that answers.
pub async fn export_facts(
	endpoints: &Endpoints,
	fleet: FleetId,
	devices: &[DeviceId],
) -> Result<Failover<(crate::keys::FleetFacts, Vec<(DeviceId, u32)>)>, FailoverError> {
	endpoints
		.first_ok(|endpoint| async move {
			let genesis = endpoint.genesis_hash().await?;
			let at = endpoint.finalized().await?;
			let head: Option<view::Fleet> =
				endpoint.state_call("KeyShardsApi_fleet", fleet, &at).await?;
			let head = head.ok_or(ClientError::NotOnChain(QueryError::UnknownFleet))?;
			let mut registrations = Vec::with_capacity(devices.len());
			for device in devices {
				let status: Result<StatusHead, QueryError> =
					endpoint.state_call("KeyShardsApi_device_status", (fleet, device), &at).await?;
				match status {
					Ok(status) if status.registered => {
						registrations.push((device.clone(), status.registration))
					}
					Ok(_) | Err(QueryError::UnknownDevice) => {
						return Err(ClientError::Invalid(format!(
							"device {} is not registered in fleet {fleet}: register it first",
							device_text(device)
						)))
					}
					Err(query) => return Err(ClientError::NotOnChain(query)),
				}
			}
			let facts = crate::keys::FleetFacts {
				genesis,
				fleet,
				threshold: head.threshold,
				publication_keys: head.publication_keys.into_inner(),
			};
			Ok((facts, registrations))
		})
		.await
}

/// What [`watch`] reports.
pub enum WatchEvent<'a> {
	/// The device's first key, or a newer one (`first` tells which).
	Key {
		/// The key and the endpoint that served it.
		key: &'a Failover<AcceptedKey>,
		/// Whether it is the first key seen.
		first: bool,
	},
	/// A fetch failed (reported once until the failure changes or a key is fetched).
	Failed(&'a FailoverError),
}

/// Follows the chain: every `interval`, fetches the device's current key (with every check of
/// [`fetch_key`]) and reports each new epoch and each new failure through `report`, until
/// `stop` completes.
pub async fn watch(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	trust: &Trust,
	state: &mut StateFile,
	interval: Duration,
	stop: impl std::future::Future<Output = ()>,
	mut report: impl FnMut(WatchEvent<'_>),
) {
	let mut stop = std::pin::pin!(stop);
	let mut current: Option<Epoch> = None;
	let mut last_error: Option<String> = None;
	loop {
		match fetch_key(endpoints, config, trust, state).await {
			Ok(fetched) => {
				last_error = None;
				if current != Some(fetched.value.map.epoch) {
					report(WatchEvent::Key { key: &fetched, first: current.is_none() });
					current = Some(fetched.value.map.epoch);
				}
			}
			Err(error) => {
				let text = error.to_string();
				if last_error.as_ref() != Some(&text) {
					report(WatchEvent::Failed(&error));
					last_error = Some(text);
				}
			}
		}
		tokio::select! {
			_ = &mut stop => return,
			_ = tokio::time::sleep(interval) => {},
		}
	}
}

/// Latencies of [`bench_key`].
#[derive(Clone, Debug)]
pub struct Latencies {
	/// Each fetch's latency, sorted.
	pub sorted: Vec<Duration>,
	/// What the proofs of the last fetch cost (`None` in the insecure fallback).
	pub proofs: Option<view::ProofStats>,
}

impl Latencies {
	/// The `q`-quantile (nearest rank), `q` in `0..=1`.
	pub fn quantile(&self, q: f64) -> Duration {
		let n = self.sorted.len();
		self.sorted[((n as f64 * q).ceil() as usize).clamp(1, n) - 1]
	}
}

/// Fetches the device's key `count` times (at least once) through [`fetch_key`], with every
/// check, and returns the latencies.
pub async fn bench_key(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	trust: &Trust,
	state: &mut StateFile,
	count: usize,
) -> Result<Latencies, FailoverError> {
	let mut sorted = Vec::with_capacity(count.max(1));
	let mut proofs = None;
	for _ in 0..count.max(1) {
		let start = Instant::now();
		let fetched = fetch_key(endpoints, config, trust, state).await?;
		sorted.push(start.elapsed());
		proofs = std::hint::black_box(fetched).value.proofs;
	}
	sorted.sort();
	Ok(Latencies { sorted, proofs })
}

#[cfg(test)]
mod tests {
	use super::*;
	use keyshards_primitives::{
		v2::{Context, PieceRoot},
		PublicKey,
	};

	fn config() -> DeviceConfig {
		let dir = tempfile::tempdir().unwrap();
		let roots: Vec<PieceRoot> =
			(1..=3u8).map(|k| PieceRoot::from_slice(&[k; 32]).unwrap()).collect();
		let facts = crate::keys::FleetFacts {
			genesis: [7; 32],
			fleet: 0,
			threshold: keyshards_primitives::v2::Threshold::new(3, 2).unwrap(),
			publication_keys: roots.iter().map(|r| r.publication_key()).collect(),
		};
		let device = DeviceId::new(b"d").unwrap();
		let all: Vec<_> = (0..3u16).zip(roots).collect();
		let export = crate::keys::export_piece_keys(&facts, &all, &[(device.clone(), 1)]).unwrap();
		let keys = crate::keys::assemble(&[("all".into(), export)], &device, Some(1)).unwrap();
		let path = dir.path().join("keys.json");
		keys.save(&path).unwrap();
		let _ = Context::new(&[7; 32], 0);
		DeviceConfig::with_key_file(0, &device, &path).unwrap()
	}

	fn map(epoch: Epoch, state: EpochState, window: (u32, u32)) -> Map {
		ShardMap {
			device: DeviceId::new(b"d").unwrap(),
			registration: 1,
			epoch,
			piece_count: 3,
			shard_ids: Default::default(),
			public_key: PublicKey([0; 32]),
			publishers: Default::default(),
			valid_from: window.0,
			valid_to: window.1,
			state,
		}
	}

	fn at(number: BlockNumber) -> BlockRef {
		BlockRef { hash: "0x00".into(), number }
	}

	#[test]
	fn a_map_must_be_live_at_the_finalized_block_with_or_without_an_epoch_asked_for() {
		let config = config();
		assert!(
			check_map(&config, &map(3, EpochState::Active, (10, 20)), &at(15), None, None).is_ok()
		);
		assert!(
			check_map(&config, &map(3, EpochState::Used, (10, 20)), &at(19), Some(3), None).is_ok()
		);
		for pinned in [None, Some(3)] {
			for (state, block) in [
				(EpochState::Invalidated, 15),
				(EpochState::Pending, 15),
				(EpochState::Incomplete, 15),
				(EpochState::Active, 20),
				(EpochState::Active, 9),
			] {
				let error = check_map(&config, &map(3, state, (10, 20)), &at(block), None, pinned)
					.unwrap_err();
				assert!(
					matches!(error, ClientError::Frozen { epoch: 3, .. }),
					"{state:?} at {block}"
				);
			}
		}
	}

	#[test]
	fn an_older_epoch_another_devices_or_registrations_map_or_another_epoch_is_refused() {
		let config = config();
		let error =
			check_map(&config, &map(2, EpochState::Active, (10, 20)), &at(15), Some(3), None)
				.unwrap_err();
		assert!(matches!(error, ClientError::Rollback { served: 2, accepted: 3 }));
		let mut foreign = map(3, EpochState::Active, (10, 20));
		foreign.device = DeviceId::new(b"e").unwrap();
		assert!(matches!(
			check_map(&config, &foreign, &at(15), None, None),
			Err(ClientError::MixAndMatch(_))
		));
		let mut old_registration = map(3, EpochState::Active, (10, 20));
		old_registration.registration = 0;
		let error = check_map(&config, &old_registration, &at(15), None, None).unwrap_err();
		assert!(error.to_string().contains("registration 0"), "{error}");
		assert!(matches!(
			check_map(&config, &map(4, EpochState::Active, (10, 20)), &at(15), None, Some(5)),
			Err(ClientError::MixAndMatch(_))
		));
	}

	#[test]
	fn secrets_are_not_printed() {
		let config = config();
		let printed = format!("{config:?} {config:#?}");
		assert!(printed.contains("[REDACTED"));
		for key in config.keys.piece_keys() {
			let secret = key.expose_secret();
			assert!(!printed.contains(&hex::encode(secret)), "hex: {printed}");
			let decimal = format!("{:?}", secret.as_slice());
			assert!(!printed.contains(&decimal[1..decimal.len() - 1]), "bytes: {printed}");
		}
	}
}
