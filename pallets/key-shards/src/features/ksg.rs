//! The Key Shard Generator: the off-chain worker that finds devices whose next epoch is due,
//! generates their shards from device master keys that the node's key source derives (see
//! [`crate::key_source`]: the worker never sees a fleet root), and submits them in batched
//! signed transactions.
//!
//! One run (one block) of the worker, under a node-local lock:
//! 1. for each fleet whose root the node's key source holds, of which one of the node's `ksgs` keys
//!    is an authority, walk at most `page_size` devices from the fleet's cursor;
//! 2. a device is *due* when it has no pending epoch and its current key is missing, used,
//!    revoked, expired, or within `lead_time` blocks of its end;
//! 3. a due device is published by its *primary* KSG (one of the fleet's authorities, chosen
//!    from the device id) at once, and by any other KSG of the fleet once it has been due for
//!    `backup_delay` blocks: a KSG that is down delays its devices by `backup_delay`, and live
//!    KSGs do not race each other;
//! 4. a device this node submitted is not submitted again for `retry_after` blocks (the
//!    transaction is in flight), so nothing is sent twice while the first is in the pool;
//! 5. the publications go out in `publish_shards_batch` transactions sized from the
//!    benchmarked weights, with consecutive nonces across runs.
//!
//! Should two KSGs still publish the same device epoch, the chain takes the first and refuses
//! the second inside its batch (`StaleEpoch`), refunding it to the weight of a refusal.

use crate::{
	key_source::{self, PieceIndex},
	ksg::{storage_key, KsgError, KsgReport, KsgSettings, LOCK_KEY},
	*,
};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_support::{dispatch::DispatchClass, pallet_prelude::*};
use frame_system::{
	offchain::{Account, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use keyshards_primitives::{generate, DeviceId, Epoch, ShardCount};
use sp_runtime::{
	offchain::{
		storage::StorageValueRef,
		storage_lock::{BlockAndTime, StorageLock},
		Duration,
	},
	traits::Saturating,
};

/// Blocks, and at the same time milliseconds, after which a run's lock is taken to be
/// abandoned (both must have passed; a finished run releases it at once).
const LOCK_EXPIRY_BLOCKS: u32 = 2;
const LOCK_EXPIRY_MILLIS: u64 = 30_000;

/// What this node remembers of a due device: the epoch it was due with, since when, and when
/// this node submitted it.
#[derive(Encode, Decode)]
struct DeviceNote<BlockNumber> {
	epoch: Epoch,
	due_since: BlockNumber,
	sent_at: Option<BlockNumber>,
}

/// The nonce after the last transaction this node submitted from an account, and the chain's
/// nonce for that account when last seen, with the block since which it has not moved.
#[derive(Encode, Decode)]
struct NonceNote<Nonce, BlockNumber> {
	next: Nonce,
	chain: Nonce,
	chain_since: BlockNumber,
}

/// SPEC v1 has one root per fleet: piece 0.
const V1_PIECE: PieceIndex = 0;

/// What the worker does with one device.
enum Decision<BlockNumber> {
	/// Nothing is due.
	NotDue,
	/// Due, but this node submitted it less than `retry_after` blocks ago.
	InFlight,
	/// Due, but another KSG is its primary and it is not late yet.
	LeftToPrimary,
	/// Publish `epoch`; the note is stored once the transaction is in the pool.
	Publish(Epoch, DeviceNote<BlockNumber>),
}

impl<T: Config> Pallet<T> {
	/// The fleets whose root the node's key source holds.
	pub fn ksg_served_fleets() -> Vec<FleetId> {
		key_source::ksg_key_source::served()
			.into_iter()
			.filter(|(_, piece)| *piece == V1_PIECE)
			.map(|(fleet, _)| fleet)
			.collect()
	}

	/// The off-chain worker's entry point: one run of the KSG at block `now`.
	pub fn run_ksg(now: BlockNumberFor<T>) -> Result<KsgReport, KsgError> {
		let fleets = Self::ksg_served_fleets();
		if fleets.is_empty() {
			return Ok(KsgReport::default());
		}
		let accounts: Vec<Account<T>> = Signer::<T, T::AuthorityId>::keystore_accounts().collect();
		if accounts.is_empty() {
			return Err(KsgError::NoSigningKey);
		}
		let mut lock =
			StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
				LOCK_KEY,
				LOCK_EXPIRY_BLOCKS,
				Duration::from_millis(LOCK_EXPIRY_MILLIS),
			);
		let _guard = lock.try_lock().map_err(|_| KsgError::Busy)?;

		let settings = T::KsgSettings::get();
		let mut report = KsgReport::default();
		let mut batches_left = settings.max_batches_per_block;
		for fleet in fleets {
			if batches_left == 0 {
				break;
			}
			report += Self::ksg_fleet(fleet, now, &settings, &accounts, &mut batches_left);
		}
		Ok(report)
	}

	/// Devices per batch for shard count `count`: the configured size, capped by
	/// `MaxBatchSize` and by the largest batch whose benchmarked weight fits one transaction.
	/// Also returns how many such batches fit in half the normal class of a block.
	pub fn ksg_batch_plan(
		settings: &KsgSettings<BlockNumberFor<T>>,
		count: ShardCount,
	) -> (u32, u32) {
		let weights = T::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		let per_tx = normal.max_extrinsic.unwrap_or(weights.max_block);
		let n = count.get() as u32;
		let weight = |b: u32| {
			T::WeightInfo::publish_shards_batch(b, n).saturating_add(normal.base_extrinsic)
		};
		let mut batch = settings.batch_size.min(T::MaxBatchSize::get()).max(1);
		while batch > 1 && !weight(batch).all_lte(per_tx) {
			batch /= 2;
		}
		let half_block = normal.max_total.unwrap_or(weights.max_block) / 2;
		let per_block = (half_block.ref_time() / weight(batch).ref_time().max(1)).max(1);
		(batch, per_block.min(u32::MAX as u64) as u32)
	}

	/// The primary KSG of `device` among the fleet's authorities.
	pub fn ksg_primary<'a>(
		fleet: FleetId,
		device: &DeviceId,
		authorities: &'a [T::AccountId],
	) -> Option<&'a T::AccountId> {
		let hash = sp_io::hashing::blake2_256(&(fleet, device).encode());
		let pick = u64::from_le_bytes(hash[..8].try_into().expect("32 bytes hold 8; qed"));
		authorities.get((pick % authorities.len().max(1) as u64) as usize)
	}

	/// One fleet's share of a run: walk a page of devices, generate the due ones, submit.
	fn ksg_fleet(
		fleet: FleetId,
		now: BlockNumberFor<T>,
		settings: &KsgSettings<BlockNumberFor<T>>,
		accounts: &[Account<T>],
		batches_left: &mut u32,
	) -> KsgReport {
		let mut report = KsgReport::default();
		let skip = KsgReport { fleets_skipped: 1, ..Default::default() };
		let Some(info) = Fleets::<T>::get(fleet) else { return skip };
		let mine: Vec<&Account<T>> =
			accounts.iter().filter(|account| info.authorities.contains(&account.id)).collect();
		let Some(sender) = mine.first().copied() else { return skip };
		let count = info.params.shard_count;
		let (batch_size, fit_per_block) = Self::ksg_batch_plan(settings, count);
		*batches_left = (*batches_left).min(fit_per_block);
		let budget = batch_size.saturating_mul(*batches_left) as usize;

		// Walk a page from the cursor.
		let cursor_key = storage_key(b"cursor", &fleet);
		let mut cursor = StorageValueRef::persistent(&cursor_key);
		let devices = match cursor.get::<Vec<u8>>().ok().flatten() {
			Some(raw) => Devices::<T>::iter_prefix_from(fleet, raw),
			None => Devices::<T>::iter_prefix(fleet),
		};
		let mut items = Vec::new();
		let mut notes = Vec::new();
		let mut last: Option<DeviceId> = None;
		let mut walked_to_end = true;
		let mut key_source_failed = false;
		for (device, record) in devices {
			if report.examined >= settings.page_size || items.len() >= budget {
				walked_to_end = false;
				break;
			}
			report.examined += 1;
			match Self::ksg_decide(fleet, &device, record, now, settings, &info.authorities, &mine)
			{
				Decision::NotDue => {}
				Decision::InFlight => report.in_flight += 1,
				Decision::LeftToPrimary => report.left_to_primary += 1,
				Decision::Publish(epoch, note) => {
					let master = match key_source::device_master_key(fleet, V1_PIECE, &device) {
						Ok(master) => master,
						Err(error) => {
							// The node logs the cause once (naming the token and object);
							// resume here next block.
							log::debug!(
								target: LOG_TARGET,
								"KSG: fleet {fleet}: the key source gave no key ({error:?}); \
								 nothing more is published for this fleet in this block",
							);
							report.key_source_failures = 1;
							walked_to_end = false;
							key_source_failed = true;
							break;
						}
					};
					let submission = generate(&master, &device, epoch, count).submission();
					notes.push((storage_key(b"device", &(fleet, &device)), note));
					items.push(PublishItem { device: device.clone(), epoch, submission });
				}
			}
			last = Some(device);
		}
		match (walked_to_end, last) {
			(false, Some(last)) => cursor.set(&Devices::<T>::hashed_key_for(fleet, &last)),
			// The key source failed on the first device walked: resume there, not at the start.
			(false, None) if key_source_failed => {}
			_ => cursor.clear(),
		}
		if items.is_empty() {
			return report;
		}

		// Submit, continuing from the nonce of this node's previous, maybe still pooled, batch,
		// unless the chain's nonce has not moved for `retry_after` blocks: then the pool no
		// longer holds those transactions (a restart empties it) and the gap is filled from the
		// chain's nonce.
		let nonce_key = storage_key(b"nonce", &sender.id);
		let nonce_note = StorageValueRef::persistent(&nonce_key);
		let chain = frame_system::Pallet::<T>::account_nonce(&sender.id);
		let stored = nonce_note.get::<NonceNote<T::Nonce, BlockNumberFor<T>>>().ok().flatten();
		// The chain's nonce counts as stalled only while this node's transactions are ahead of it.
		let mut chain_since = match &stored {
			Some(note) if note.chain == chain && note.next > chain => note.chain_since,
			_ => now,
		};
		if let Some(NonceNote { next, .. }) = stored {
			if next > chain {
				if now < chain_since.saturating_add(settings.retry_after) {
					frame_system::Account::<T>::mutate(&sender.id, |account| account.nonce = next);
				} else {
					// Start again from the chain's nonce, and give that sequence its own time.
					chain_since = now;
				}
			}
		}
		let signer = Signer::<T, T::AuthorityId>::all_accounts();
		let mut notes = notes.into_iter();
		let mut items = items.into_iter().peekable();
		while items.peek().is_some() && *batches_left > 0 {
			let chunk: Vec<PublishItem> = items.by_ref().take(batch_size as usize).collect();
			let sent = chunk.len();
			let call =
				Call::<T>::publish_shards_batch { fleet, items: BoundedVec::truncate_from(chunk) };
			*batches_left -= 1;
			match signer.send_single_signed_transaction(sender, call) {
				Some(Ok(())) => {
					report.transactions += 1;
					report.submitted += sent as u32;
					for (key, mut note) in notes.by_ref().take(sent) {
						note.sent_at = Some(now);
						StorageValueRef::persistent(&key).set(&note);
					}
				}
				_ => {
					report.pool_refusals += 1;
					notes.by_ref().take(sent).for_each(drop);
				}
			}
		}
		nonce_note.set(&NonceNote {
			next: frame_system::Pallet::<T>::account_nonce(&sender.id),
			chain,
			chain_since,
		});
		report
	}

	/// Whether, and what, to publish for one device.
	fn ksg_decide(
		fleet: FleetId,
		device: &DeviceId,
		record: DeviceInfoOf<T>,
		now: BlockNumberFor<T>,
		settings: &KsgSettings<BlockNumberFor<T>>,
		authorities: &[T::AccountId],
		mine: &[&Account<T>],
	) -> Decision<BlockNumberFor<T>> {
		let Some(epoch) = record.next_epoch() else { return Decision::NotDue };
		// A device at its retention limit waits for the garbage collector.
		if record.retained() >= T::MaxRetainedEpochs::get() as u64 {
			return Decision::NotDue;
		}
		let live = record.settled(now);
		let due = live.pending.is_none()
			&& match live.current {
				None => true,
				Some(current) => {
					current.used || current.expires_at <= now.saturating_add(settings.lead_time)
				}
			};
		if !due {
			return Decision::NotDue;
		}

		let key = storage_key(b"device", &(fleet, device));
		let note = StorageValueRef::persistent(&key);
		let (note, seen_before) = match note.get::<DeviceNote<BlockNumberFor<T>>>() {
			Ok(Some(stored)) if stored.epoch == epoch => (stored, true),
			_ => (DeviceNote { epoch, due_since: now, sent_at: None }, false),
		};
		if note.sent_at.is_some_and(|sent| now < sent.saturating_add(settings.retry_after)) {
			return Decision::InFlight;
		}
		let primary = Self::ksg_primary(fleet, device, authorities);
		let is_primary = mine.iter().any(|account| Some(&account.id) == primary);
		if !is_primary && now < note.due_since.saturating_add(settings.backup_delay) {
			if !seen_before {
				StorageValueRef::persistent(&key).set(&note);
			}
			return Decision::LeftToPrimary;
		}
		Decision::Publish(epoch, note)
	}
}
