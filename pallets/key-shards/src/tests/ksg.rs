//! The off-chain KSG on the mock runtime: `TestOffchainExt` for node-local storage,
//! `TestTransactionPoolExt` for what it submits, `MemoryKeystore` for its signing keys.

use crate::{
	key_source::{KeySource, KeySourceError, KeySourceExt, PieceIndex},
	ksg::{self, KsgError, KsgSettings},
	mock::*,
	*,
};
use codec::Decode;
use frame_support::{assert_ok, traits::Hooks};
use keyshards_primitives::{
	payload_hash, reconstruct, shard_id, DeviceId, DeviceMasterKey, EncryptedShard, FleetRootKey,
	ShardCount,
};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use sp_runtime::{generic::Preamble, offchain::storage_lock::StorageLock, RuntimeAppPublic};
use std::sync::Arc;

type Pool = Arc<parking_lot::RwLock<PoolState>>;

/// A node: the mock chain plus off-chain storage, a transaction pool and a keystore holding
/// KSG keys for the given dev seeds. Returns the pool and the keys' accounts.
fn node(seeds: &[&str]) -> (sp_io::TestExternalities, Pool, Vec<u64>) {
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	let accounts = seeds
		.iter()
		.map(|seed| {
			let public = keystore
				.sr25519_generate_new(ksg::crypto::Public::ID, Some(&format!("//{seed}")))
				.unwrap();
			ksg_account(&public)
		})
		.collect();
	let mut ext = new_test_ext();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(Arc::new(keystore)));
	ext.register_extension(KeySourceExt::new(Arc::new(TestKeySource)));
	serve(&[]);
	FAILING.with(|failing| failing.set(false));
	(ext, pool_state, accounts)
}

/// Runs `test` on a node with KSG keys for `seeds`, then checks the pallet's invariants.
fn on_node(seeds: &[&str], test: impl FnOnce(&Pool, &[u64])) {
	let (mut ext, pool, accounts) = node(seeds);
	ext.execute_with(|| {
		test(&pool, &accounts);
		KeyShards::do_try_state().expect("storage invariants hold after the test");
	});
}

thread_local! {
	/// The roots the test node's key source holds (tests run one node per thread).
	static ROOTS: std::cell::RefCell<Vec<(FleetId, [u8; 32])>> = const { std::cell::RefCell::new(Vec::new()) };
	/// Whether the key source fails as a removed token would.
	static FAILING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The test node's key source: the roots `serve` gave it, in memory.
struct TestKeySource;

impl KeySource for TestKeySource {
	fn served(&self) -> Vec<(FleetId, PieceIndex)> {
		ROOTS.with(|roots| roots.borrow().iter().map(|(fleet, _)| (*fleet, 0)).collect())
	}

	fn device_master_key(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		device: &DeviceId,
	) -> Result<DeviceMasterKey, KeySourceError> {
		if FAILING.with(|failing| failing.get()) {
			return Err(KeySourceError::Unavailable);
		}
		let root = ROOTS.with(|roots| {
			roots.borrow().iter().find(|(served, _)| *served == fleet && piece == 0).map(|r| r.1)
		});
		let root = root.ok_or(KeySourceError::NoKey)?;
		Ok(FleetRootKey::from_slice(&root).unwrap().device_master_key(device))
	}
}

/// What the node operator does: gives the node's key source these fleet roots.
fn serve(fleets: &[(FleetId, [u8; 32])]) {
	ROOTS.with(|roots| *roots.borrow_mut() = fleets.to_vec());
}

/// A fleet (owner OWNER) published by `ksgs`, with devices `d0 .. d{count}`.
fn fleet_of(ksgs: &[u64], count: usize) -> (FleetId, Vec<DeviceId>) {
	let fleet = NextFleetId::<Test>::get();
	assert_ok!(KeyShards::create_fleet(signed(OWNER), PERIOD, SHARDS, GRACE, authorities(ksgs)));
	let devices: Vec<DeviceId> = (0..count).map(|i| device(&format!("d{i}"))).collect();
	for chunk in devices.chunks(MAX_BATCH as usize) {
		assert_ok!(KeyShards::register_devices(
			signed(OWNER),
			fleet,
			chunk.to_vec().try_into().unwrap()
		));
	}
	(fleet, devices)
}

fn settings(change: impl FnOnce(&mut KsgSettings<u64>)) {
	let mut settings = MockKsgSettings::get();
	change(&mut settings);
	MockKsgSettings::set(&settings);
}

/// A transaction the worker put in the pool.
struct Submitted {
	sender: u64,
	nonce: u32,
	fleet: FleetId,
	items: Vec<PublishItem>,
}

/// Takes every transaction out of the pool, in submission order, decoded.
fn drain(pool: &Pool) -> Vec<Submitted> {
	std::mem::take(&mut pool.write().transactions)
		.into_iter()
		.map(|bytes| {
			let xt = Extrinsic::decode(&mut &bytes[..]).expect("the worker submits extrinsics");
			let Preamble::Signed(sender, nonce, ()) = xt.preamble else {
				panic!("the worker submits signed transactions")
			};
			let RuntimeCall::KeyShards(Call::publish_shards_batch { fleet, items }) = xt.function
			else {
				panic!("the worker submits publish_shards_batch")
			};
			Submitted { sender, nonce, fleet, items: items.into_inner() }
		})
		.collect()
}

/// Dispatches a submitted batch as the chain would, moving the sender's nonce past it.
fn land(tx: &Submitted) {
	assert_ok!(KeyShards::publish_shards_batch(
		signed(tx.sender),
		tx.fleet,
		tx.items.clone().try_into().unwrap()
	));
	frame_system::Account::<Test>::mutate(tx.sender, |account| {
		account.nonce = account.nonce.max(tx.nonce + 1)
	});
}

/// The (device, epoch) pairs of a batch, sorted (the worker walks devices in storage order).
fn names(items: &[PublishItem]) -> Vec<(Vec<u8>, u32)> {
	let mut names: Vec<_> =
		items.iter().map(|item| (item.device.as_bytes().to_vec(), item.epoch)).collect();
	names.sort();
	names
}

/// The devices of some batches, sorted.
fn sent_devices(txs: &[Submitted]) -> Vec<DeviceId> {
	let mut devices: Vec<_> =
		txs.iter().flat_map(|tx| tx.items.iter().map(|item| item.device.clone())).collect();
	devices.sort();
	devices
}

/// One run of the worker at block `now`. As on a node, what the run changes in chain state (the
/// nonces its signer bumps) is thrown away afterwards; only off-chain storage and the pool keep
/// what it did.
fn run(now: u64) -> ksg::KsgReport {
	jump_to_block(now);
	frame_support::storage::with_transaction(|| {
		sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(
			KeyShards::run_ksg(now).expect("the worker runs"),
		))
	})
	.unwrap()
}

#[test]
fn submitted_shards_decrypt_with_each_devices_master_key() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, devices) = fleet_of(ksgs, 3);
		serve(&[(fleet, ROOT)]);

		KeyShards::offchain_worker(1);
		let txs = drain(pool);
		assert_eq!(txs.len(), 1);
		let tx = &txs[0];
		assert_eq!((tx.sender, tx.nonce, tx.fleet), (ksgs[0], 0, fleet));
		assert_eq!(tx.items.len(), 3);

		let root = FleetRootKey::from_slice(&ROOT).unwrap();
		let count = ShardCount::new(SHARDS).unwrap();
		assert_eq!(sent_devices(&txs), devices);
		for item in &tx.items {
			let device = &item.device;
			assert_eq!(item.epoch, 0);
			// Decrypt exactly what went into the pool, per SPEC, with the device's master key.
			let shards: Vec<EncryptedShard> = item
				.submission
				.ciphertexts
				.iter()
				.enumerate()
				.map(|(i, ciphertext)| EncryptedShard {
					id: shard_id(device, 0, i as u16),
					ciphertext: ciphertext.clone(),
				})
				.collect();
			let master = root.device_master_key(device);
			let key = reconstruct(&master, device, 0, count, &item.submission.public_key, &shards)
				.expect("the device reconstructs the key the KSG submitted");
			assert_eq!(key.public_key(), item.submission.public_key);
			// A device with another fleet's master key cannot.
			let stranger = FleetRootKey::from_slice(&[7; 32]).unwrap().device_master_key(device);
			assert!(reconstruct(&stranger, device, 0, count, &item.submission.public_key, &shards)
				.is_err());
		}

		// On chain, the bundle the device fetches reconstructs too.
		land(tx);
		for item in &tx.items {
			let name = core::str::from_utf8(item.device.as_bytes()).unwrap();
			assert_eq!(device_key(fleet, name, 0).public_key(), item.submission.public_key);
		}
	});
}

#[test]
fn nothing_is_submitted_for_a_fleet_the_node_holds_no_root_key_for() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (served, _) = fleet_of(ksgs, 2);
		let (unserved, _) = fleet_of(ksgs, 2);
		// Nothing served at all: the worker does nothing and needs no lock.
		assert_eq!(run(1), ksg::KsgReport::default());
		assert!(drain(pool).is_empty());

		serve(&[(served, ROOT)]);
		let report = run(2);
		assert_eq!(report.submitted, 2);
		let txs = drain(pool);
		assert!(txs.iter().all(|tx| tx.fleet == served));
		assert_ne!(served, unserved);
	});
}

#[test]
fn nothing_is_submitted_where_the_node_is_not_an_authority() {
	on_node(&["Ferdie"], |pool, _| {
		// The node holds the root key, but the fleet's authority is someone else's key.
		let (fleet, _) = fleet_of(&[KSG], 2);
		// And a fleet id that does not exist on chain.
		serve(&[(fleet, ROOT), (99, ROOT)]);
		let report = run(1);
		assert_eq!((report.submitted, report.fleets_skipped), (0, 2));
		assert!(drain(pool).is_empty());
	});
}

#[test]
fn a_failing_key_source_publishes_nothing_and_the_fleet_resumes_when_it_is_back() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, devices) = fleet_of(ksgs, 3);
		let (other, _) = fleet_of(ksgs, 2);
		serve(&[(fleet, ROOT), (other, [9; 32])]);
		FAILING.with(|failing| failing.set(true));
		let report = run(1);
		assert_eq!((report.submitted, report.key_source_failures), (0, 2));
		assert!(drain(pool).is_empty(), "nothing is published without a key");

		// The token is back: every device goes out at the next block.
		FAILING.with(|failing| failing.set(false));
		let report = run(2);
		assert_eq!((report.submitted, report.key_source_failures), (5, 0));
		let txs = drain(pool);
		assert_eq!(txs.iter().filter(|tx| tx.fleet == fleet).count(), 1);
		assert_eq!(
			sent_devices(&txs.into_iter().filter(|tx| tx.fleet == fleet).collect::<Vec<_>>()),
			devices
		);
	});
}

#[test]
fn without_a_key_source_the_host_functions_answer_no_key() {
	new_test_ext().execute_with(|| {
		assert!(key_source::ksg_key_source::served().is_empty());
		assert_eq!(
			key_source::device_master_key(0, 0, &device("d")).err(),
			Some(KeySourceError::NoKey)
		);
		assert_eq!(KeyShards::ksg_served_fleets(), Vec::<FleetId>::new());
	});
}

#[test]
fn without_a_signing_key_the_worker_says_so() {
	on_node(&[], |pool, _| {
		let (fleet, _) = fleet_of(&[KSG], 1);
		serve(&[(fleet, ROOT)]);
		jump_to_block(1);
		assert_eq!(KeyShards::run_ksg(1), Err(KsgError::NoSigningKey));
		assert!(drain(pool).is_empty());
	});
}

#[test]
fn nothing_is_submitted_twice_while_in_flight_and_nonces_follow_on() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, _) = fleet_of(ksgs, 3);
		serve(&[(fleet, ROOT)]);
		run(1);
		let first = drain(pool);
		assert_eq!(first.len(), 1);

		// The transaction is still in the pool: the next runs leave those devices alone.
		for now in 2..1 + 4 {
			let report = run(now);
			assert_eq!((report.submitted, report.in_flight), (0, 3), "block {now}");
			assert!(drain(pool).is_empty());
		}

		// A device that becomes due meanwhile goes out with the next nonce, not the stale
		// chain nonce that would collide with the pooled transaction.
		assert_ok!(KeyShards::register_device(signed(OWNER), fleet, device("late")));
		run(4);
		let next = drain(pool);
		assert_eq!(next.len(), 1);
		assert_eq!(names(&next[0].items), vec![(b"late".to_vec(), 0)]);
		assert_eq!(next[0].nonce, 1);

		// `retry_after` (4) blocks on, the first submission never landed: it is sent again,
		// and since the chain's nonce has not moved for `retry_after` blocks, the pooled
		// transactions are taken to be gone (a restart empties the pool) and the nonces start
		// again from the chain's, filling the gap instead of queueing behind it for ever.
		let report = run(5);
		assert_eq!(report.submitted, 3);
		let retry = drain(pool);
		assert_eq!(names(&retry[0].items), names(&first[0].items));
		assert_eq!(retry[0].nonce, 0);

		// Once it lands, `late` (whose nonce-1 transaction was lost too) is sent again with
		// the nonce after it, and then nothing more is due.
		land(&retry[0]);
		let report = run(6);
		assert_eq!((report.submitted, report.in_flight), (0, 1), "late is still in flight");
		let report = run(9);
		assert_eq!(report.submitted, 1);
		let late = drain(pool);
		assert_eq!((names(&late[0].items), late[0].nonce), (names(&next[0].items), 1));
		land(&late[0]);
		assert_eq!(run(10).submitted, 0);
		assert!(drain(pool).is_empty());
	});
}

#[test]
fn a_busy_ksg_whose_pool_was_emptied_falls_back_to_the_chain_nonce() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, _) = fleet_of(ksgs, 1);
		serve(&[(fleet, ROOT)]);
		// Every block a new device becomes due and is submitted, but nothing lands (the node
		// restarted and its pool is empty): the notes are refreshed at every run, yet the
		// chain's nonce stays at 0.
		let mut nonces = Vec::new();
		for now in 1..=6 {
			assert_ok!(KeyShards::register_device(
				signed(OWNER),
				fleet,
				device(&format!("n{now}"))
			));
			run(now);
			nonces.extend(drain(pool).iter().map(|tx| tx.nonce));
		}
		// retry_after = 4: from block 5 on, the chain nonce has not moved for 4 blocks.
		assert_eq!(nonces[..4], [0, 1, 2, 3]);
		assert_eq!(nonces[4], 0, "the gap is filled from the chain's nonce: {nonces:?}");
		assert_eq!(nonces[5], 1);
	});
}

#[test]
fn the_next_epoch_goes_out_within_the_lead_time_and_takes_over_by_itself() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, devices) = fleet_of(ksgs, 2);
		serve(&[(fleet, ROOT)]);
		run(1);
		land(&drain(pool)[0]);
		// Epoch 0 is valid in [1, 11); lead time 3: its successor is due from block 8.
		assert_eq!(run(7).submitted, 0);
		assert!(drain(pool).is_empty());
		run(8);
		let txs = drain(pool);
		assert_eq!(names(&txs[0].items), vec![(b"d0".to_vec(), 1), (b"d1".to_vec(), 1)]);
		land(&txs[0]);

		let status = KeyShards::device_status(fleet, devices[0].clone()).unwrap();
		assert_eq!(status.current.map(|e| e.epoch), Some(0));
		assert_eq!(status.pending.map(|e| e.epoch), Some(1));
		// With a pending epoch nothing is due, until the next window's lead time.
		assert_eq!(run(12).submitted, 0);
		jump_to_block(11);
		assert_eq!(KeyShards::active_bundle(fleet, devices[0].clone()).unwrap().map.epoch, 1);
		let _ = device_key(fleet, "d0", 1);
	});
}

#[test]
fn a_used_or_revoked_key_is_replaced_at_once() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, devices) = fleet_of(ksgs, 2);
		serve(&[(fleet, ROOT)]);
		run(1);
		land(&drain(pool)[0]);

		// d0's key signs its one payload; d1's is revoked by the owner.
		let key = device_key(fleet, "d0", 0);
		assert_ok!(KeyShards::record_use(
			frame_system::RawOrigin::Authorized.into(),
			fleet,
			devices[0].clone(),
			0,
			payload_hash(b"firmware"),
			key.sign(b"firmware"),
		));
		assert_ok!(KeyShards::invalidate_epoch(signed(OWNER), fleet, devices[1].clone(), 0));

		// Far from the lead time, both are due now.
		let txs = {
			run(2);
			drain(pool)
		};
		assert_eq!(names(&txs[0].items), vec![(b"d0".to_vec(), 1), (b"d1".to_vec(), 1)]);
		land(&txs[0]);
		for name in ["d0", "d1"] {
			let bundle = KeyShards::active_bundle(fleet, device(name)).unwrap();
			assert_eq!(bundle.map.epoch, 1);
			let _ = device_key(fleet, name, 1);
		}
	});
}

#[test]
fn a_large_fleet_is_walked_in_pages_and_sent_in_bounded_batches() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, devices) = fleet_of(ksgs, 30);
		serve(&[(fleet, ROOT)]);
		settings(|s| {
			s.page_size = 12;
			s.batch_size = 5;
			s.max_batches_per_block = 2;
		});

		// Block 1: the page (12) is more than two batches (10) carry: the walk stops at 10.
		let report = run(1);
		assert_eq!((report.examined, report.submitted, report.transactions), (10, 10, 2));
		let mut published: Vec<_> = drain(pool)
			.iter()
			.inspect(|tx| assert!(tx.items.len() <= 5))
			.flat_map(|tx| names(&tx.items))
			.collect();
		// Then from the cursor, 10 more, then the last 10 and the walk starts over.
		for now in 2..=3 {
			assert_eq!(run(now).submitted, 10);
			published.extend(drain(pool).iter().flat_map(|tx| names(&tx.items)));
		}
		published.sort();
		let mut expected: Vec<_> =
			devices.iter().map(|device| (device.as_bytes().to_vec(), 0)).collect();
		expected.sort();
		assert_eq!(published, expected, "every device exactly once");

		// Block 4: the walk restarted; everything is in flight.
		let report = run(4);
		assert_eq!((report.submitted, report.in_flight, report.examined), (0, 12, 12));
	});
}

#[test]
fn the_batch_size_is_capped_by_max_batch_size() {
	// The cap by benchmarked weight is checked with the real runtime's weights and limits
	// (`runtime/src/tests.rs`).
	on_node(&["Ferdie"], |_, _| {
		let count = ShardCount::new(SHARDS).unwrap();
		let mut wide = MockKsgSettings::get();
		wide.batch_size = 10_000;
		let (batch, per_block) = KeyShards::ksg_batch_plan(&wide, count);
		assert_eq!(batch, MAX_BATCH);
		assert!(per_block >= 1);
		let (batch, _) = KeyShards::ksg_batch_plan(&MockKsgSettings::get(), count);
		assert_eq!(batch, 4);
	});
}

#[test]
fn a_backup_ksg_leaves_a_device_to_its_primary_until_it_is_late() {
	on_node(&["Ferdie"], |pool, mine| {
		let (fleet, devices) = fleet_of(&[mine[0], KSG], 8);
		serve(&[(fleet, ROOT)]);
		let fleet_authorities = [mine[0], KSG];
		let (ours, theirs): (Vec<DeviceId>, Vec<DeviceId>) =
			devices.into_iter().partition(|device| {
				KeyShards::ksg_primary(fleet, device, &fleet_authorities) == Some(&mine[0])
			});
		assert!(!ours.is_empty() && !theirs.is_empty(), "8 devices split between two KSGs");

		// Block 1: only the devices this node is primary for.
		let report = run(1);
		assert_eq!(report.left_to_primary as usize, theirs.len());
		let txs = drain(pool);
		assert_eq!(sent_devices(&txs), ours);
		txs.iter().for_each(land);

		// The other KSG is down: after `backup_delay` (2) blocks this node steps in.
		assert_eq!(run(2).submitted, 0);
		drain(pool);
		let report = run(3);
		assert_eq!(report.submitted as usize, theirs.len());
		assert_eq!(sent_devices(&drain(pool)), theirs);
	});
}

#[test]
fn a_duplicate_from_another_ksg_is_refused_and_refunded_not_stalling_rotation() {
	on_node(&["Ferdie"], |pool, mine| {
		let (fleet, _) = fleet_of(&[mine[0], KSG], 2);
		serve(&[(fleet, ROOT)]);
		settings(|s| s.backup_delay = 0);
		run(1);
		let ours = drain(pool);
		// The other KSG got the same devices in first (same deterministic shards).
		assert_ok!(KeyShards::publish_shards_batch(
			signed(KSG),
			fleet,
			ours[0].items.clone().try_into().unwrap()
		));
		events();
		let info = KeyShards::publish_shards_batch(
			signed(ours[0].sender),
			fleet,
			ours[0].items.clone().try_into().unwrap(),
		)
		.unwrap();
		let refused = events()
			.into_iter()
			.filter(|e| {
				matches!(e, Event::PublishRefused { error, .. }
				if *error == Error::<Test>::StaleEpoch.into())
			})
			.count();
		assert_eq!(refused, 2);
		let actual = info.actual_weight.unwrap();
		let charged = <() as WeightInfo>::publish_shards_batch(2, SHARDS as u32);
		assert!(actual.ref_time() < charged.ref_time(), "refused items are refunded");
		assert_eq!(
			actual,
			<() as WeightInfo>::publish_shards_batch(0, SHARDS as u32)
				.saturating_add(<() as WeightInfo>::publish_refused(2))
				.saturating_sub(<() as WeightInfo>::publish_refused(0))
		);
		// Rotation goes on: nothing is due until the lead time of the next window.
		assert_eq!(run(2).submitted, 0);
	});
}

#[test]
fn a_second_run_on_the_same_node_waits_for_the_lock() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, _) = fleet_of(ksgs, 1);
		serve(&[(fleet, ROOT)]);
		jump_to_block(1);
		let mut lock = StorageLock::<
			sp_runtime::offchain::storage_lock::BlockAndTime<frame_system::Pallet<Test>>,
		>::with_block_and_time_deadline(
			ksg::LOCK_KEY,
			2,
			sp_runtime::offchain::Duration::from_millis(30_000),
		);
		let guard = lock.try_lock().unwrap();
		assert_eq!(KeyShards::run_ksg(1), Err(KsgError::Busy));
		assert!(drain(pool).is_empty());
		drop(guard);
		assert_eq!(KeyShards::run_ksg(1).unwrap().submitted, 1);
	});
}

#[test]
fn the_root_key_never_leaves_the_node() {
	on_node(&["Ferdie"], |pool, ksgs| {
		let (fleet, _) = fleet_of(ksgs, 3);
		serve(&[(fleet, ROOT)]);
		run(1);
		let txs = std::mem::take(&mut pool.write().transactions);
		let root = FleetRootKey::from_slice(&ROOT).unwrap();
		for bytes in &txs {
			assert!(!bytes.windows(32).any(|w| w == ROOT), "root key in a transaction");
			for i in 0..3 {
				let device = device(&format!("d{i}"));
				let master = root.device_master_key(&device);
				assert!(
					!bytes.windows(32).any(|w| w == master.expose_secret()),
					"master key in a transaction"
				);
			}
		}
		// Nor chain state.
		let mut key = Vec::new();
		while let Some(next) = sp_io::storage::next_key(&key) {
			let value = sp_io::storage::get(&next).unwrap();
			assert!(!value.windows(32).any(|w| w == ROOT), "root key in chain state");
			key = next;
		}
	});
}
