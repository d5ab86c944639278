//! The off-chain KSG (SPEC v2) on the mock runtime: `TestOffchainExt` for node-local storage,
//! `TestTransactionPoolExt` for what it submits, `MemoryKeystore` for its account, and a test
//! key source holding the mock fleet's piece roots. The node under test acts for one holder of
//! the 2-of-3 test fleet; the other holders are played by the test.

use crate::{
	key_source::{GeneratedPublication, KeySource, KeySourceError, KeySourceExt, PieceRequest},
	ksg,
	mock::*,
	*,
};
use codec::Decode;
use frame_support::{assert_ok, traits::Hooks};
use keyshards_primitives::{
	v2::{
		generate_piece, DeviceEpoch, EpochState, GeneratorKey, PiecePublication, PublicationDigest,
		PublicationKey, PublicationSignature, Threshold,
	},
	DeviceId,
};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use sp_runtime::{generic::Preamble, RuntimeAppPublic};
use std::sync::Arc;

type Pool = Arc<parking_lot::RwLock<PoolState>>;

thread_local! {
	/// The `(fleet, piece)` roots the test node's key source holds (one node per thread).
	static SERVED: std::cell::RefCell<Vec<(FleetId, PieceIndex)>> = const { std::cell::RefCell::new(Vec::new()) };
	/// Whether the key source fails as a removed token would.
	static FAILING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
	/// A root that is not the fleet's (a typo, another fleet's file) for this piece.
	static WRONG: std::cell::Cell<Option<PieceIndex>> = const { std::cell::Cell::new(None) };
}

/// The test node's key source: the mock's piece roots for what `serve` named, with the mock
/// chain's genesis hash as its `ctx`.
struct TestKeySource;

impl TestKeySource {
	fn root(
		fleet: FleetId,
		piece: PieceIndex,
		key: &PublicationKey,
	) -> Result<keyshards_primitives::v2::PieceRoot, KeySourceError> {
		if FAILING.with(|f| f.get()) {
			return Err(KeySourceError::Unavailable);
		}
		if !SERVED.with(|s| s.borrow().contains(&(fleet, piece))) {
			return Err(KeySourceError::NoKey);
		}
		let root = if WRONG.with(|w| w.get()) == Some(piece) {
			piece_root(fleet + 1000, piece)
		} else {
			piece_root(fleet, piece)
		};
		if root.publication_key() != *key {
			return Err(KeySourceError::WrongRoot);
		}
		Ok(root)
	}
}

impl KeySource for TestKeySource {
	fn served(&self) -> Vec<(FleetId, PieceIndex)> {
		SERVED.with(|s| s.borrow().clone())
	}

	fn generate_piece(
		&self,
		request: &PieceRequest,
	) -> Result<GeneratedPublication, KeySourceError> {
		let root = Self::root(request.fleet, request.piece, &request.publication_key)?;
		let at = DeviceEpoch {
			ctx: keyshards_primitives::v2::Context::new(&GENESIS, request.fleet),
			device: request.device.clone(),
			registration: request.registration,
			epoch: request.epoch,
		};
		let generated = root
			.generate(&at, request.piece, request.piece_count)
			.map_err(|_| KeySourceError::ZeroScalar)?;
		let p = generated.publication;
		Ok(GeneratedPublication {
			public_piece: p.public_piece,
			ciphertext: p.ciphertext,
			proof: p.proof,
		})
	}

	fn sign_publications(
		&self,
		fleet: FleetId,
		piece: PieceIndex,
		publication_key: &PublicationKey,
		digests: &[PublicationDigest],
	) -> Result<PublicationSignature, KeySourceError> {
		let root = Self::root(fleet, piece, publication_key)?;
		let ctx = keyshards_primitives::v2::Context::new(&GENESIS, fleet);
		Ok(root.publisher_seed().sign_publications(&ctx, piece, digests))
	}
}

/// What the node operator does: gives the node's key source these piece roots.
fn serve(roots: &[(FleetId, PieceIndex)]) {
	SERVED.with(|s| *s.borrow_mut() = roots.to_vec());
}

/// A node with a KSG account for `seed`; returns it with its pool and account.
fn on_node(seed: &str, test: impl FnOnce(&Pool, u64)) {
	on_node_with(&[seed], |pool, accounts| test(pool, accounts[0]))
}

/// A node with KSG accounts for `seeds`.
fn on_node_with(seeds: &[&str], test: impl FnOnce(&Pool, &[u64])) {
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	let accounts: Vec<u64> = seeds
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
	FAILING.with(|f| f.set(false));
	WRONG.with(|w| w.set(None));
	ext.execute_with(|| {
		for account in &accounts {
			<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(account, FUNDS);
		}
		test(&pool_state, &accounts);
		KeyShards::do_try_state().expect("storage invariants hold after the test");
	});
}

/// A 2-of-3 test fleet of `holders` (the mock's piece roots), devices `d0..`.
fn fleet_of(holders: HoldersOf<Test>, count: usize) -> (FleetId, Vec<DeviceId>) {
	let fleet = NextFleetId::<Test>::get() as FleetId;
	let keys: Vec<_> = (0..3).map(|k| piece_root(fleet, k).publication_key()).collect();
	assert_ok!(KeyShards::create_fleet(
		signed(OWNER),
		2,
		holders,
		keys.try_into().unwrap(),
		params()
	));
	let devices: Vec<DeviceId> = (0..count).map(|i| device(&format!("d{i}"))).collect();
	assert_ok!(KeyShards::register_devices(
		signed(OWNER),
		fleet,
		devices.clone().try_into().unwrap()
	));
	(fleet, devices)
}

/// The 2-of-3 test fleet with the node's account acting for holder `me`, devices `d0..`.
fn fleet_for(me: HolderIndex, account: u64, count: usize) -> (FleetId, Vec<DeviceId>) {
	let mut holders = holders(3);
	holders[me as usize] = vec![account].try_into().unwrap();
	let (fleet, devices) = fleet_of(holders, count);
	serve(
		&Threshold::new(3, 2)
			.unwrap()
			.pieces_of(me)
			.into_iter()
			.map(|k| (fleet, k))
			.collect::<Vec<_>>(),
	);
	(fleet, devices)
}

/// A transaction the worker put in the pool.
#[derive(Debug)]
struct Submitted {
	sender: u64,
	nonce: u32,
	fleet: FleetId,
	piece: PieceIndex,
	publications: Vec<PiecePublication>,
	signature: PublicationSignature,
	piece_count: u16,
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
			let RuntimeCall::KeyShards(Call::publish_pieces {
				fleet,
				piece,
				publications,
				signature,
				piece_count,
			}) = xt.function
			else {
				panic!("the worker submits publish_pieces")
			};
			Submitted {
				sender,
				nonce,
				fleet,
				piece,
				publications: publications.into_inner(),
				signature,
				piece_count,
			}
		})
		.collect()
}

/// Dispatches a submitted group as the chain would, moving the sender's nonce past it.
fn land(tx: &Submitted) {
	assert_ok!(KeyShards::publish_pieces(
		signed(tx.sender),
		tx.fleet,
		tx.piece,
		tx.publications.clone().try_into().unwrap(),
		tx.signature,
		tx.piece_count,
	));
	frame_system::Account::<Test>::mutate(tx.sender, |account| {
		account.nonce = account.nonce.max(tx.nonce + 1)
	});
}

/// One run of the worker at block `now`. As on a node, what the run changes in chain state
/// (the nonces its signer bumps) is thrown away; only off-chain storage and the pool keep it.
fn run(now: u64) -> ksg::KsgReport {
	jump_to_block(now);
	frame_support::storage::with_transaction(|| {
		sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(
			KeyShards::run_ksg(now).expect("the worker runs"),
		))
	})
	.unwrap()
}

fn state(fleet: FleetId, name: &str, epoch: u32) -> EpochState {
	Epochs::<Test>::get((fleet, device(name), epoch))
		.map(|r| r.state_at(System::block_number(), TIMEOUT))
		.unwrap_or(EpochState::Invalidated)
}

#[test]
fn a_primary_holder_publishes_its_pieces_at_once_and_the_device_reconstructs() {
	on_node("Alice", |pool, me| {
		// Holder 0 holds pieces 1 and 2 and is the primary holder of both.
		let (fleet, devices) = fleet_for(0, me, 3);
		KeyShards::offchain_worker(1);
		let txs = drain(pool);
		assert_eq!(
			txs.iter().map(|tx| (tx.sender, tx.nonce, tx.piece)).collect::<Vec<_>>(),
			[(me, 0, 1), (me, 1, 2)]
		);
		for tx in &txs {
			assert_eq!(tx.publications.len(), devices.len());
			land(tx);
		}
		// Piece 0 (holder 1's, played by the test) completes every epoch.
		for name in ["d0", "d1", "d2"] {
			assert_eq!(state(fleet, name, 0), EpochState::Incomplete);
			publish_piece(fleet, 0, name, 0);
		}
		jump_to_block(1 + CONTEST);
		for name in ["d0", "d1", "d2"] {
			assert_eq!(state(fleet, name, 0), EpochState::Active);
			let key = device_key(fleet, name, 0);
			let signature = key.sign(b"payload").unwrap();
			assert_ok!(KeyShards::do_record_use(
				fleet,
				device(name),
				0,
				keyshards_primitives::payload_hash(b"payload"),
				signature
			));
		}
	});
}

#[test]
fn a_backup_holder_publishes_only_after_the_backup_delay() {
	on_node("Bob", |pool, me| {
		// Holder 2 holds pieces 0 and 1; their primary holders are 1 and 0.
		let (fleet, _) = fleet_for(2, me, 2);
		let delay = MockKsgSettings::get().backup_delay;
		let report = run(1);
		assert!(drain(pool).is_empty());
		assert_eq!(report.left_to_primary, 4);
		// The primary of piece 1 (holder 0) opens d0's epoch; holder 2 backs piece 0 up later.
		publish_piece(fleet, 1, "d0", 0);
		let report = run(2);
		assert!(drain(pool).is_empty(), "piece 0 of d0 is still its primary's, d1 not late yet");
		assert_eq!(report.checked, 1, "the present piece 1 of d0 is compared at once");
		let report = run(1 + delay);
		let txs = drain(pool);
		assert_eq!(report.checked, 0, "and only once");
		// d0: piece 0 (late since the epoch opened at 1); d1: both pieces (due since 1).
		let mut sent: Vec<_> = txs
			.iter()
			.flat_map(|tx| tx.publications.iter().map(move |p| (tx.piece, p.device.clone())))
			.collect();
		sent.sort();
		assert_eq!(sent, [(0, device("d0")), (0, device("d1")), (1, device("d1"))]);
		txs.iter().for_each(land);
		// Piece 2 is held by holders 0 and 1 only: with it, d0's epoch is complete.
		assert_eq!(state(fleet, "d0", 0), EpochState::Incomplete);
		publish_piece(fleet, 2, "d0", 0);
		assert_eq!(state(fleet, "d0", 0), EpochState::Pending);
	});
}

#[test]
fn nothing_is_sent_twice_while_in_flight() {
	on_node("Alice", |pool, me| {
		fleet_for(0, me, 2);
		run(1);
		assert_eq!(drain(pool).len(), 2);
		let report = run(2);
		assert!(drain(pool).is_empty());
		assert_eq!(report.in_flight, 4);
		let retry = MockKsgSettings::get().retry_after;
		run(1 + retry);
		assert_eq!(drain(pool).len(), 2, "resent once the first submission is presumed lost");
	});
}

/// A submitted transaction's sender, nonce and piece.
type SenderNoncePiece = (u64, u32, PieceIndex);

/// The dev node's setting: one node acting for every holder of a 2-of-3 fleet (piece 0 from
/// holder 1's account, pieces 1 and 2 from holder 0's), devices `d0..d{count}`.
fn fleet_of_every_holder(accounts: &[u64], count: usize) -> FleetId {
	let holders: HoldersOf<Test> = accounts
		.iter()
		.map(|a| vec![*a].try_into().unwrap())
		.collect::<Vec<_>>()
		.try_into()
		.unwrap();
	let (fleet, _) = fleet_of(holders, count);
	serve(&[(fleet, 0), (fleet, 1), (fleet, 2)]);
	fleet
}

/// A node acting for every holder of a fleet of 12 devices, whose round is one group (of 2)
/// per piece, a block taking one round, and which keeps two blocks' worth in its pool: the
/// fleet, and holders 0 and 1's accounts.
fn deep_pool_fleet(accounts: &[u64]) -> (FleetId, u64, u64) {
	MockKsgSettings::set(&ksg::KsgSettings {
		batch_size: 2,
		max_batches_per_block: 3,
		blocks_ahead: 2,
		..MockKsgSettings::get()
	});
	(fleet_of_every_holder(accounts, 12), accounts[0], accounts[1])
}

#[test]
fn a_node_acting_for_every_holder_keeps_blocks_ahead_in_its_pool_in_whole_rounds() {
	on_node_with(&["Ferdie", "Eve", "Dave"], |pool, accounts| {
		let (fleet, h0, h1) = deep_pool_fleet(accounts);
		// (sender, nonce, piece) of each transaction, and the devices of each round (every
		// piece of the same two devices, next to each other; no device in two rounds).
		let sent = |txs: &[Submitted]| -> (Vec<SenderNoncePiece>, Vec<Vec<DeviceId>>) {
			let order = txs.iter().map(|tx| (tx.sender, tx.nonce, tx.piece)).collect();
			let rounds = txs
				.chunks(3)
				.map(|round| {
					assert_eq!(round.iter().map(|tx| tx.piece).collect::<Vec<_>>(), [0, 1, 2]);
					let devices: Vec<DeviceId> =
						round[0].publications.iter().map(|p| p.device.clone()).collect();
					assert_eq!(devices.len(), 2);
					for tx in round {
						assert_eq!(tx.fleet, fleet);
						let these: Vec<_> = tx.publications.iter().map(|p| &p.device).collect();
						assert_eq!(these, devices.iter().collect::<Vec<_>>());
					}
					devices
				})
				.collect();
			(order, rounds)
		};

		// An empty pool: two blocks' worth, round by round.
		run(1);
		let first = drain(pool);
		let (order, rounds) = sent(&first);
		assert_eq!(order, [(h1, 0, 0), (h0, 0, 1), (h0, 1, 2), (h1, 1, 0), (h0, 2, 1), (h0, 3, 2)]);
		let mut devices: Vec<DeviceId> = rounds.concat();

		// Nothing landed: the pool holds two blocks' worth, so nothing more is sent.
		let report = run(2);
		assert_eq!((report.transactions, report.submitted), (0, 0), "{report:?}");
		assert!(drain(pool).is_empty());

		// A block took the first round: one round is sent, after the pooled nonces, to devices
		// not sent to before.
		first[..3].iter().for_each(land);
		run(3);
		let (order, rounds) = sent(&drain(pool));
		assert_eq!(order, [(h1, 2, 0), (h0, 4, 1), (h0, 5, 2)]);
		devices.extend(rounds.concat());
		let distinct: std::collections::BTreeSet<_> = devices.iter().collect();
		assert_eq!(distinct.len(), 6, "{devices:?}");

		// The chain's nonces have not moved for `retry_after` blocks: the pool is taken to be
		// empty (as after a restart), and the node fills it again from the chain's nonces.
		let retry = MockKsgSettings::get().retry_after;
		run(3 + retry);
		let (order, _) = sent(&drain(pool));
		assert_eq!(order, [(h1, 1, 0), (h0, 2, 1), (h0, 3, 2), (h1, 2, 0), (h0, 4, 1), (h0, 5, 2)]);
	});
}

#[test]
fn a_deep_pool_examines_the_devices_it_sent_to_once_their_groups_may_have_landed() {
	on_node_with(&["Ferdie", "Eve", "Dave"], |pool, accounts| {
		deep_pool_fleet(accounts);
		let devices = |txs: &[Submitted]| -> std::collections::BTreeSet<DeviceId> {
			txs.iter().flat_map(|tx| tx.publications.iter().map(|p| p.device.clone())).collect()
		};
		// Two rounds pooled (two devices each, three pieces); a block takes the first.
		run(1);
		let first = drain(pool);
		first[..3].iter().for_each(land);

		// The pool is two blocks deep: the four devices sent at block 1 may all still be in it,
		// so their records are not read (every piece in flight); the due walk sends one new
		// round.
		let report = run(2);
		assert_eq!((report.examined, report.in_flight, report.submitted), (2, 12, 6), "{report:?}");
		let second = drain(pool);
		assert!(devices(&second).is_disjoint(&devices(&first)), "nothing is sent twice");

		// A block takes the second round of block 1. At block 3 the devices sent at block 1
		// are examined (all four complete: no longer watched); those sent at block 2 are not.
		first[3..].iter().for_each(land);
		let report = run(3);
		assert_eq!((report.examined, report.in_flight, report.submitted), (6, 6, 6), "{report:?}");
		let third = drain(pool);
		assert!(devices(&third).is_disjoint(&devices(&first)), "{third:?}");
		assert!(devices(&third).is_disjoint(&devices(&second)), "{third:?}");
	});
}

/// The fleet's watch list in off-chain storage: each device, and whether the list carries its
/// note.
fn watch_list(fleet: FleetId) -> Vec<(DeviceId, bool)> {
	sp_runtime::offchain::storage::StorageValueRef::persistent(&ksg::storage_key(
		b"watched", &fleet,
	))
	.get::<crate::features::Watched<u64>>()
	.unwrap()
	.unwrap_or_default()
	.into_iter()
	.map(|(device, note)| (device, note.is_some()))
	.collect()
}

/// Whether a note of `device` is stored under its own key.
fn own_note(fleet: FleetId, device: &DeviceId) -> Option<Vec<u8>> {
	sp_runtime::offchain::storage::StorageValueRef::persistent(&ksg::storage_key(
		b"device",
		&(fleet, device),
	))
	.get::<Vec<u8>>()
	.ok()
	.flatten()
}

#[test]
fn the_notes_of_devices_in_flight_live_in_the_watch_list_and_finished_devices_leave_none() {
	on_node_with(&["Ferdie", "Eve", "Dave"], |pool, accounts| {
		let fleet = fleet_of_every_holder(accounts, 2);
		let devices = [device("d0"), device("d1")];
		let report = run(1);
		assert_eq!(report.submitted, 6, "{report:?}");
		let sent = drain(pool);
		// Both devices are watched, their notes in the list (one write), none under its own key.
		assert_eq!(
			watch_list(fleet),
			devices.iter().map(|d| (d.clone(), true)).collect::<Vec<_>>()
		);
		assert!(devices.iter().all(|d| own_note(fleet, d).is_none()));
		// Landed, complete, every piece this node's own: nothing more to do for these epochs,
		// so the devices leave the list and their notes go with them.
		sent.iter().for_each(land);
		let report = run(2);
		assert_eq!((report.examined, report.submitted), (2, 0), "{report:?}");
		assert!(drain(pool).is_empty());
		assert_eq!(watch_list(fleet), []);
		assert!(devices.iter().all(|d| own_note(fleet, d).is_none()));
		// ... and the next run examines nothing of theirs (their keys are far from due).
		assert_eq!(run(3).examined, 0);
	});
}

#[test]
fn a_device_the_full_watch_list_cannot_keep_has_its_note_under_its_own_key() {
	on_node("Alice", |pool, me| {
		// A watch list of one device (half a page of two, one block's worth in the pool).
		MockKsgSettings::set(&ksg::KsgSettings { page_size: 2, ..MockKsgSettings::get() });
		let (fleet, devices) = fleet_for(0, me, 2);
		run(1);
		assert_eq!(drain(pool).len(), 2);
		// One device is watched with its note; the other's note is under its own key, and says
		// its pieces are in flight: nothing is sent twice.
		let listed = watch_list(fleet);
		assert_eq!(listed.len(), 1);
		assert!(listed[0].1);
		let unlisted: Vec<_> = devices.iter().filter(|d| **d != listed[0].0).collect();
		assert!(own_note(fleet, unlisted[0]).is_some());
		assert!(own_note(fleet, &listed[0].0).is_none());
		let report = run(2);
		assert_eq!(report.submitted, 0, "{report:?}");
		assert!(drain(pool).is_empty());
	});
}

#[test]
fn a_watch_list_an_earlier_version_kept_is_taken_over() {
	on_node("Alice", |pool, me| {
		let (fleet, devices) = fleet_for(0, me, 2);
		run(1);
		assert_eq!(drain(pool).len(), 2);
		// As an earlier version left it: the ids under `watch/<fleet>`, each note under its own
		// key.
		let key = ksg::storage_key(b"watched", &fleet);
		let mut list = sp_runtime::offchain::storage::StorageValueRef::persistent(&key);
		let watched = list.get::<crate::features::Watched<u64>>().unwrap().unwrap();
		list.clear();
		let ids: Vec<DeviceId> = watched.iter().map(|(d, _)| d.clone()).collect();
		assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>(), devices.iter().collect());
		let legacy_key = ksg::storage_key(b"watch", &fleet);
		sp_runtime::offchain::storage::StorageValueRef::persistent(&legacy_key).set(&ids);
		for (device, note) in watched {
			sp_runtime::offchain::storage::StorageValueRef::persistent(&ksg::storage_key(
				b"device",
				&(fleet, &device),
			))
			.set(&note.unwrap());
		}
		// The next run watches the same devices, knows their pieces are in flight from their
		// own notes, sends nothing twice, and moves the list to its new place.
		let report = run(2);
		assert_eq!((report.in_flight, report.submitted), (4, 0), "{report:?}");
		assert!(drain(pool).is_empty());
		assert_eq!(watch_list(fleet).len(), 2);
		let legacy = sp_runtime::offchain::storage::StorageValueRef::persistent(&legacy_key);
		assert_eq!(legacy.get::<Vec<DeviceId>>().unwrap(), None);
	});
}

/// What the node does at every start: sets a new node-start mark.
fn node_starts(mark: u64) {
	sp_runtime::offchain::storage::StorageValueRef::persistent(ksg::NODE_START_KEY).set(&mark);
}

#[test]
fn a_restarted_node_starts_every_accounts_nonces_again_together_and_resends_at_once() {
	on_node_with(&["Ferdie", "Eve", "Dave"], |pool, accounts| {
		let (fleet, h0, h1) = deep_pool_fleet(accounts);
		let order = |txs: &[Submitted]| -> Vec<SenderNoncePiece> {
			txs.iter().map(|tx| (tx.sender, tx.nonce, tx.piece)).collect()
		};
		let devices = |txs: &[Submitted]| -> Vec<DeviceId> {
			let mut devices: Vec<DeviceId> = txs
				.iter()
				.flat_map(|tx| tx.publications.iter().map(|p| p.device.clone()))
				.collect();
			devices.sort();
			devices.dedup();
			devices
		};
		node_starts(1);
		// Two blocks' worth pooled; a block takes the first round (both accounts' nonces move).
		run(1);
		let first = drain(pool);
		assert_eq!(
			order(&first),
			[(h1, 0, 0), (h0, 0, 1), (h0, 1, 2), (h1, 1, 0), (h0, 2, 1), (h0, 3, 2)]
		);
		first[..3].iter().for_each(land);
		let lost = devices(&first[3..]);
		assert_eq!(lost.len(), 2);

		// Killed and restarted: the pool is empty, and the node marks its start.
		node_starts(2);
		// The next run fills the pool again at once (nothing counts as pooled), both accounts
		// from their chain nonces in the same run (no gap), the lost round's devices first,
		// sent again without waiting `retry_after` blocks.
		let report = run(2);
		let again = drain(pool);
		assert_eq!(
			order(&again),
			[(h1, 1, 0), (h0, 2, 1), (h0, 3, 2), (h1, 2, 0), (h0, 4, 1), (h0, 5, 2)],
			"{report:?}"
		);
		assert_eq!(devices(&again[..3]), lost);
		assert!(devices(&again[3..]).iter().all(|d| !lost.contains(d)));
		assert_eq!(report.in_flight, 0);
		// Under the new mark the pool's contents count again: nothing landed, nothing is sent.
		let report = run(3);
		assert_eq!((report.transactions, report.in_flight), (0, 0), "{report:?}");
		assert!(drain(pool).is_empty());
		// Everything lands: each lost device's epoch completes (awaiting its window).
		again.iter().for_each(land);
		for device in &lost {
			assert_eq!(state(fleet, &device.to_string(), 0), EpochState::Pending);
		}
	});
}

#[test]
fn two_fleets_on_one_account_share_its_nonces_and_recover_a_lost_pool_together() {
	on_node("Alice", |pool, me| {
		let (a, _) = fleet_for(0, me, 2);
		let (b, _) = fleet_for(0, me, 2);
		let pieces = Threshold::new(3, 2).unwrap().pieces_of(0);
		serve(
			&[a, b].iter().flat_map(|f| pieces.iter().map(move |k| (*f, *k))).collect::<Vec<_>>(),
		);
		let order = |txs: &[Submitted]| -> Vec<(FleetId, u32)> {
			txs.iter().map(|tx| (tx.fleet, tx.nonce)).collect()
		};
		// One run sends both fleets' groups with consecutive nonces.
		run(1);
		let sent = order(&drain(pool));
		assert_eq!(sent, [(a, 0), (a, 1), (b, 2)], "three transactions a block");
		// The pool is lost without a restart mark (nothing lands). Once the chain's nonce has
		// stood still for `retry_after` blocks, the node starts again from it: the second
		// fleet's sends did not make the node take a nonce the chain never had for its own.
		let retry = MockKsgSettings::get().retry_after;
		for block in 2..1 + retry {
			run(block);
			assert!(drain(pool).iter().all(|tx| tx.nonce >= 3), "block {block}");
		}
		run(1 + retry);
		let again = order(&drain(pool));
		assert_eq!(again.first(), Some(&(a, 0)), "{again:?}");
	});
}

#[test]
fn a_node_acting_for_one_holder_sends_a_blocks_worth_every_run_whatever_it_has_pooled() {
	on_node("Alice", |pool, me| {
		// Other holders check this node's pieces, and it theirs: a conflict it sends must not
		// wait behind a deep queue, so `blocks_ahead` does not apply to it.
		MockKsgSettings::set(&ksg::KsgSettings {
			batch_size: 2,
			max_batches_per_block: 3,
			blocks_ahead: 2,
			..MockKsgSettings::get()
		});
		fleet_for(0, me, 8);
		let order = |txs: &[Submitted]| -> Vec<(u32, PieceIndex)> {
			txs.iter().map(|tx| (tx.nonce, tx.piece)).collect()
		};
		run(1);
		assert_eq!(order(&drain(pool)), [(0, 1), (1, 2)], "one block's worth, not two");
		// Nothing landed, and the run sends the next block's worth all the same.
		run(2);
		assert_eq!(order(&drain(pool)), [(2, 1), (3, 2)]);
		// The node restarts: its copies gossiped to the other holders' nodes may still land, so
		// it goes on from its own nonces (it starts again from the chain's only once they stand
		// still for `retry_after` blocks), and its pieces stay in flight.
		node_starts(7);
		let report = run(3);
		assert_eq!(order(&drain(pool)), [(4, 1), (5, 2)]);
		// (the four devices sent to at blocks 1 and 2, pieces 1 and 2 of each)
		assert_eq!(report.in_flight, 8, "the pieces sent before the restart are still in flight");
	});
}

#[test]
fn a_piece_lost_from_the_pool_is_sent_again_after_retry_after_however_far_the_walk_has_moved() {
	on_node("Alice", |pool, me| {
		// 40 devices due at once; the node sends four a block (a group of four per piece).
		let (fleet, _) = fleet_for(0, me, 16);
		for batch in [16..32, 32..40] {
			let more: Vec<DeviceId> = batch.map(|i| device(&format!("d{i}"))).collect();
			assert_ok!(KeyShards::register_devices(signed(OWNER), fleet, more.try_into().unwrap()));
		}
		let retry = MockKsgSettings::get().retry_after;
		run(1);
		let first = drain(pool);
		// Piece 1's group lands and opens the four epochs; piece 2's is lost (a restart
		// empties the pool).
		let lost: Vec<DeviceId> = first
			.iter()
			.filter(|tx| tx.piece == 2)
			.flat_map(|tx| tx.publications.iter().map(|p| p.device.clone()))
			.collect();
		assert_eq!(lost.len(), 4, "{first:?}");
		first.iter().filter(|tx| tx.piece == 1).for_each(land);
		// The walk moves on (four devices a block, everything it sends lands); the lost pieces
		// go out again once presumed lost, not when the walk comes round (ten blocks).
		let mut resent = Vec::new();
		let mut checked = 0;
		for block in 2..=1 + retry {
			let report = run(block);
			checked += report.checked;
			for tx in drain(pool) {
				land(&tx);
				for publication in tx.publications.iter().filter(|p| lost.contains(&p.device)) {
					resent.push((block, tx.piece, publication.device.clone()));
				}
			}
		}
		let mut expected: Vec<_> = lost.iter().map(|d| (1 + retry, 2, d.clone())).collect();
		expected.sort();
		resent.sort();
		assert_eq!(resent, expected);
		// The node never compares its own pieces with themselves.
		assert_eq!(checked, 0);
		// Holder 1 (played by the test) adds piece 0: each epoch completes within the timeout.
		for device in &lost {
			let name = device.to_string();
			publish_piece(fleet, 0, &name, 0);
			assert_eq!(state(fleet, &name, 0), EpochState::Pending, "{name}");
		}
		assert!(1 + retry < 1 + TIMEOUT);
	});
}

#[test]
fn a_wrong_piece_on_chain_is_contested_at_once() {
	on_node("Alice", |pool, me| {
		let (fleet, _) = fleet_for(0, me, 1);
		// Holder 2, also a holder of piece 1, is faulty: it opens the epoch with a wrong piece.
		let at = device_epoch(fleet, "d0", 0);
		let forged = generate_piece(
			&at,
			1,
			3,
			&GeneratorKey::from_slice(&[5; 32]).unwrap(),
			&piece_root(fleet, 1).device_piece_key(&at.who(1)),
		)
		.unwrap()
		.publication;
		let omega = omega(fleet, 1, core::slice::from_ref(&forged));
		assert_ok!(KeyShards::publish_pieces(
			signed(HOLDER + 2),
			fleet,
			1,
			vec![forged].try_into().unwrap(),
			omega,
			piece_count(fleet),
		));
		let report = run(2);
		assert_eq!((report.checked, report.contested), (1, 1));
		let txs = drain(pool);
		events();
		txs.iter().for_each(land);
		assert!(outcomes().contains(&PublicationOutcome::Conflict));
		assert!(Conflicts::<Test>::get((fleet, device("d0"), 0)).is_some());
		assert_eq!(state(fleet, "d0", 0), EpochState::Invalidated);
	});
}

#[test]
fn a_root_that_is_not_the_fleets_publishes_nothing_of_its_piece_and_a_failing_token_stops_the_walk()
{
	on_node("Alice", |pool, me| {
		fleet_for(0, me, 2);
		// Piece 1's root is another fleet's: nothing of piece 1, piece 2 goes on.
		WRONG.with(|w| w.set(Some(1)));
		let report = run(1);
		assert_eq!(report.key_source_failures, 1);
		let txs = drain(pool);
		assert_eq!(txs.iter().map(|tx| tx.piece).collect::<Vec<_>>(), [2]);
		// A token that fails stops the fleet's walk for the block; it resumes after.
		FAILING.with(|f| f.set(true));
		WRONG.with(|w| w.set(None));
		let retry = MockKsgSettings::get().retry_after;
		assert_eq!(run(1 + retry).key_source_failures, 1);
		assert!(drain(pool).is_empty());
		FAILING.with(|f| f.set(false));
		run(2 + retry);
		let pieces: Vec<_> = drain(pool).iter().map(|tx| tx.piece).collect();
		assert!(pieces.contains(&1), "the walk resumes where the key source failed: {pieces:?}");
	});
}

#[test]
fn a_node_whose_account_is_no_holder_skips_the_fleet() {
	on_node("Charlie", |pool, _| {
		let fleet = create_fleet();
		KeyShards::register_device(signed(OWNER), fleet, device("d0")).unwrap();
		serve(&[(fleet, 1)]);
		let report = run(1);
		assert_eq!(report.fleets_skipped, 1);
		assert!(drain(pool).is_empty());
	});
}

#[test]
fn a_node_acting_for_every_holder_publishes_every_piece_from_its_holders_accounts() {
	// The dev node: one node, the accounts of all three holders, every piece root.
	on_node_with(&["Ferdie", "Eve", "Dave"], |pool, accounts| {
		let fleet = fleet_of_every_holder(accounts, 1);
		run(1);
		let txs = drain(pool);
		// Piece 0 from holder 1 (its primary), pieces 1 and 2 from holder 0.
		let senders: Vec<_> = txs.iter().map(|tx| (tx.piece, tx.sender, tx.nonce)).collect();
		assert_eq!(senders, [(0, accounts[1], 0), (1, accounts[0], 0), (2, accounts[0], 1)]);
		txs.iter().for_each(land);
		assert_eq!(state(fleet, "d0", 0), EpochState::Pending);
	});
}

/// The off-chain clock, in milliseconds.
fn clock() -> u64 {
	sp_io::offchain::timestamp().unix_millis()
}

/// The block whose run is noted as waiting for the worker's lock.
fn noted_waiting() -> Option<u64> {
	sp_runtime::offchain::storage::StorageValueRef::persistent(ksg::WAITING_KEY)
		.get::<(Vec<u8>, u64)>()
		.unwrap()
		.map(|(_, block)| block)
}

#[test]
fn one_run_at_a_time_under_the_workers_lock() {
	on_node("Alice", |pool, me| {
		fleet_for(0, me, 1);
		let mut lock = KeyShards::ksg_lock();
		let guard = lock.try_lock().expect("the lock is free");
		// A run finding the lock held waits for it, noted as its waiter, at most
		// `WAIT_FOR_LOCK_MILLIS`, then does nothing.
		let before = clock();
		assert_eq!(KeyShards::run_ksg(1), Err(ksg::KsgError::Busy));
		assert!(clock() - before >= ksg::WAIT_FOR_LOCK_MILLIS, "it waited");
		assert!(clock() - before < ksg::WAIT_FOR_LOCK_MILLIS + 100, "not much longer");
		assert_eq!(noted_waiting(), Some(1));
		assert!(drain(pool).is_empty());
		// While a run waits for this holding (noted with the lock's value), a second run does
		// nothing, at once.
		let held = sp_io::offchain::local_storage_get(
			sp_core::offchain::StorageKind::PERSISTENT,
			ksg::LOCK_KEY,
		)
		.expect("held");
		sp_runtime::offchain::storage::StorageValueRef::persistent(ksg::WAITING_KEY)
			.set(&(held, 1u64));
		let before = clock();
		assert_eq!(KeyShards::run_ksg(2), Err(ksg::KsgError::Busy));
		assert_eq!(clock(), before, "it did not wait");
		assert_eq!(noted_waiting(), Some(1));
		drop(guard);
		// A run finding the lock free neither waits nor notes itself.
		let before = clock();
		assert!(KeyShards::run_ksg(2).is_ok());
		assert_eq!(clock(), before);
		assert_eq!(noted_waiting(), Some(1));
		assert_eq!(drain(pool).len(), 2);
		// A new holding is waited for again; a waiter that gave up leaves it to the next run,
		// which waits in turn.
		let guard = lock.try_lock().expect("the lock is free");
		assert_eq!(KeyShards::run_ksg(3), Err(ksg::KsgError::Busy));
		assert_eq!(noted_waiting(), Some(3));
		let before = clock();
		assert_eq!(KeyShards::run_ksg(4), Err(ksg::KsgError::Busy));
		assert!(clock() - before >= ksg::WAIT_FOR_LOCK_MILLIS, "it waited");
		assert_eq!(noted_waiting(), Some(4));
		drop(guard);
	});
}

#[test]
fn a_run_of_an_older_block_than_the_last_run_does_nothing() {
	on_node("Alice", |pool, me| {
		fleet_for(0, me, 1);
		assert!(KeyShards::run_ksg(5).is_ok());
		assert_eq!(drain(pool).len(), 2);
		// Block 4's run, which waited while block 5's took the lock first: its state is older.
		let before = clock();
		assert_eq!(KeyShards::run_ksg(4), Err(ksg::KsgError::Busy));
		assert_eq!(clock(), before, "it did not wait");
		// Nor does it wait for a held lock, nor note itself as waiting.
		let mut lock = KeyShards::ksg_lock();
		let guard = lock.try_lock().expect("the lock is free");
		let before = clock();
		assert_eq!(KeyShards::run_ksg(4), Err(ksg::KsgError::Busy));
		assert_eq!(clock(), before, "it did not wait");
		assert_eq!(noted_waiting(), None);
		drop(guard);
		// The same block, or a later one, runs.
		assert!(KeyShards::run_ksg(5).is_ok());
		assert!(KeyShards::run_ksg(6).is_ok());
	});
}

#[test]
fn a_run_takes_an_abandoned_lock_once_it_expired() {
	on_node("Alice", |pool, me| {
		fleet_for(0, me, 1);
		// A run killed while holding the lock: it is never released.
		KeyShards::ksg_lock().try_lock().expect("the lock is free").forget();
		assert_eq!(KeyShards::run_ksg(1), Err(ksg::KsgError::Busy));
		assert!(drain(pool).is_empty());
		// Two blocks and 30 s later it has expired: the next run takes it, although a run waited
		// for that holding before (which would have the others return at once).
		assert_eq!(noted_waiting(), Some(1));
		System::set_block_number(4);
		sp_io::offchain::sleep_until(
			sp_io::offchain::timestamp().add(sp_runtime::offchain::Duration::from_millis(30_001)),
		);
		assert!(KeyShards::run_ksg(4).is_ok());
		assert_eq!(drain(pool).len(), 2);
	});
}

#[test]
fn the_worker_walks_only_the_due_devices_and_finds_a_spent_key_in_the_next_block() {
	on_node("Alice", |pool, me| {
		// 40 devices, each with a key (published by the test at block 1).
		let (fleet, mut devices) = fleet_for(0, me, 16);
		for batch in [16..32, 32..40] {
			let more: Vec<DeviceId> = batch.map(|i| device(&format!("d{i}"))).collect();
			assert_ok!(KeyShards::register_devices(
				signed(OWNER),
				fleet,
				more.clone().try_into().unwrap()
			));
			devices.extend(more);
		}
		let names: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
		// Pieces 1 and 2 from this node's account (holder 0), piece 0 from holder 1.
		for name in &names {
			for k in [1, 2] {
				let publications = vec![publication(fleet, k, name, 0)];
				let signature = omega(fleet, k, &publications);
				assert_ok!(KeyShards::publish_pieces(
					signed(me),
					fleet,
					k,
					publications.try_into().unwrap(),
					signature,
					piece_count(fleet),
				));
			}
			publish_piece(fleet, 0, name, 0);
		}
		let valid_to =
			Epochs::<Test>::get((fleet, device("d0"), 0)).unwrap().completion.unwrap().valid_to;
		// No key is near its end: the worker examines no device at all (a page-by-page walk
		// would examine `page_size` of them every block).
		let report = run(1 + CONTEST);
		assert_eq!(report.examined, 0, "{report:?}");
		assert!(drain(pool).is_empty());

		// A spent key: its device is due at once and is the only one examined.
		let signature = device_key(fleet, "d33", 0).sign(b"payload").unwrap();
		assert_ok!(KeyShards::do_record_use(
			fleet,
			device("d33"),
			0,
			keyshards_primitives::payload_hash(b"payload"),
			signature
		));
		let report = run(2 + CONTEST);
		assert_eq!(report.examined, 1, "{report:?}");
		let txs = drain(pool);
		let sent: Vec<_> = txs
			.iter()
			.flat_map(|tx| tx.publications.iter().map(|p| (tx.piece, p.device.clone(), p.epoch)))
			.collect();
		assert_eq!(sent, [(1, device("d33"), 1), (2, device("d33"), 1)]);
		txs.iter().for_each(land);
		publish_piece(fleet, 0, "d33", 1);

		// Every other key nears its end together: the worker walks the due devices a page at a
		// time from its cursor, and each gets its pieces once (groups of 16, 4 per block).
		MockKsgSettings::set(&ksg::KsgSettings {
			batch_size: 16,
			max_batches_per_block: 4,
			..MockKsgSettings::get()
		});
		let mut block = valid_to - LEAD;
		let mut sent: Vec<DeviceId> = Vec::new();
		while sent.len() < 39 * 2 {
			assert!(block < valid_to, "every due device is served before its key expires");
			let report = run(block);
			let page = MockKsgSettings::get().page_size;
			assert!(report.examined <= page + page / 2, "{report:?}");
			for tx in drain(pool) {
				land(&tx);
				for publication in &tx.publications {
					assert_eq!(publication.epoch, 1);
					sent.push(publication.device.clone());
				}
			}
			// Holder 1 (played by the test) completes each epoch opened.
			for name in &names {
				let id = device(name);
				if Epochs::<Test>::get((fleet, &id, 1))
					.is_some_and(|r| r.pieces.iter().filter(|p| p.is_some()).count() == 2)
				{
					publish_piece(fleet, 0, name, 1);
				}
			}
			block += 1;
		}
		sent.sort();
		let mut expected: Vec<DeviceId> = devices
			.iter()
			.filter(|d| **d != device("d33"))
			.flat_map(|d| [d.clone(), d.clone()])
			.collect();
		expected.sort();
		assert_eq!(sent, expected, "each due device's two pieces, each sent once");
		for name in &names {
			// d33's took over from its spent key already.
			let expected = if name == "d33" { EpochState::Active } else { EpochState::Pending };
			assert_eq!(state(fleet, name, 1), expected, "{name}");
		}
	});
}

#[test]
fn a_backup_holder_checks_the_pieces_of_an_epoch_that_completed_in_one_block() {
	on_node("Bob", |pool, me| {
		// Holder 2 holds pieces 0 and 1; it leaves them to their primaries (holders 1 and 0).
		let (fleet, _) = fleet_for(2, me, 1);
		let report = run(1);
		assert_eq!((report.examined, report.left_to_primary), (1, 2));
		// The primaries publish every piece in one block: the epoch is complete (pending) and
		// d0 leaves the due range at once.
		publish(fleet, "d0", 0);
		assert_eq!(state(fleet, "d0", 0), EpochState::Pending);
		// The backup still compares both of its pieces with the ones on chain, once.
		let report = run(2);
		assert_eq!((report.examined, report.checked, report.contested), (1, 2, 0));
		assert!(drain(pool).is_empty());
		let report = run(3);
		assert_eq!((report.examined, report.checked), (0, 0), "{report:?}");
	});
}

#[test]
fn a_key_that_expired_before_its_successor_is_reported_lapsed_and_a_spent_one_is_not() {
	on_node("Alice", |pool, me| {
		let (fleet, _) = fleet_for(0, me, 3);
		// This node publishes its pieces of every first epoch; holder 1 (played by the test)
		// completes d0's and d1's only: d2 never gets a key.
		run(1);
		drain(pool).iter().for_each(land);
		publish_piece(fleet, 0, "d0", 0);
		publish_piece(fleet, 0, "d1", 0);
		jump_to_block(1 + CONTEST);
		let key = device_key(fleet, "d1", 0);
		let signature = key.sign(b"payload").unwrap();
		assert_ok!(KeyShards::do_record_use(
			fleet,
			device("d1"),
			0,
			keyshards_primitives::payload_hash(b"payload"),
			signature
		));
		let valid_to = Epochs::<Test>::get((fleet, device("d0"), 0))
			.and_then(|record| record.completion)
			.unwrap()
			.valid_to;
		let d0 = Devices::<Test>::get(fleet, device("d0")).unwrap();
		assert_eq!(KeyShards::lapsed_since(&d0, valid_to - 1), None, "usable until valid_to");
		assert_eq!(KeyShards::lapsed_since(&d0, valid_to), Some(valid_to));
		let d1 = Devices::<Test>::get(fleet, device("d1")).unwrap();
		assert_eq!(KeyShards::lapsed_since(&d1, valid_to), None, "a spent key did not lapse");
		let d2 = Devices::<Test>::get(fleet, device("d2")).unwrap();
		assert_eq!(KeyShards::lapsed_since(&d2, valid_to), None, "no key yet is not a lapse");

		// The node is down until after d0's key expired: back, it says so, and publishes every
		// due device's next epoch (d2's first one timed out).
		let report = run(valid_to + 1);
		assert_eq!(report.lapsed, 1);
		assert_eq!(report.examined, 3);
		let mut sent: Vec<_> = drain(pool)
			.iter()
			.flat_map(|tx| tx.publications.iter().map(|p| (p.device.clone(), p.epoch)))
			.collect();
		sent.sort();
		sent.dedup();
		assert_eq!(sent, [(device("d0"), 1), (device("d1"), 1), (device("d2"), 1)]);
	});
}

#[test]
fn a_fleet_whose_rotation_asks_over_half_of_what_the_node_sends_is_warned_of_once() {
	let warned = |fleet: FleetId| {
		sp_runtime::offchain::storage::StorageValueRef::persistent(&ksg::storage_key(
			b"demand-warned",
			&fleet,
		))
		.get::<(u32, u64)>()
		.unwrap()
	};
	// The mock node sends at most one group of four a block per piece: 4 devices a block.
	on_node("Alice", |_, me| {
		// 4 devices every 10 blocks: well under.
		let (fleet, _) = fleet_for(0, me, 4);
		run(1);
		assert_eq!(warned(fleet), None);
	});
	on_node("Alice", |_, me| {
		// 40 devices every 10 blocks: 4 a block, all the node can send.
		let (fleet, _) = fleet_for(0, me, 16);
		for batch in [16..32, 32..40] {
			let more: Vec<DeviceId> = batch.map(|i| device(&format!("d{i}"))).collect();
			assert_ok!(KeyShards::register_devices(signed(OWNER), fleet, more.try_into().unwrap()));
		}
		run(1);
		assert_eq!(warned(fleet), Some((40, PERIOD)), "warned, and remembered as said");
	});
}
