//! Benchmarks of every call and of the garbage collector, each on its most expensive path.
//!
//! Publications, proofs, `ω` and signatures are real SPEC v2 material made with
//! `keyshards-primitives` (in the runtime, as the chain runs them); device ids are 64 bytes long
//! (the largest storage keys). `publish_pieces` is measured with no publication completing its
//! epoch (point checks, proof of possession, the record); `complete_epoch` is what a completion
//! adds (the sum of `p` public pieces), charged once per completion.

use super::*;
use crate::Pallet as KeyShards;
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Authorize, Get,
	},
	weights::Weight,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use keyshards_primitives::{
	payload_hash,
	v2::{
		digest_of, proof_to_check, reconstruct, DeviceEpoch, EpochRecord, OneTimeKey, PieceRoot,
		ProofToCheck, PublicPiece, PublicationKey, ShardCiphertext, StoredPiece, Threshold,
	},
	DeviceId, Epoch, UseRecord,
};
use sp_runtime::{transaction_validity::TransactionSource, Saturating};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let devices = T::MaxBatchSize::get().max(T::MaxGroupSize::get()) + 10;
	let amount = T::FleetDeposit::get()
		.saturating_mul(10u32.into())
		.saturating_add(T::DeviceDeposit::get().saturating_mul(devices.into()))
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

/// A 64-byte device id, distinct per `index`.
fn device_id(index: u32) -> DeviceId {
	let mut bytes = [b'd'; 64];
	bytes[60..].copy_from_slice(&index.to_be_bytes());
	DeviceId::new(&bytes).expect("64 bytes is a valid id")
}

/// Piece `k`'s root of benchmark fleet `fleet`.
fn root(fleet: FleetId, k: PieceIndex) -> PieceRoot {
	PieceRoot::from_slice(&sp_io::hashing::blake2_256(&(b"bench root", fleet, k).encode()))
		.expect("32 bytes")
}

fn period<T: Config>() -> BlockNumberFor<T> {
	T::MinRotationPeriod::get().saturating_mul(100u32.into())
}

/// Half the rotation period of lead time: the next epoch can be pending while a key is active.
fn params<T: Config>() -> FleetParams<BlockNumberFor<T>> {
	let lead_time = period::<T>() / 2u32.into();
	FleetParams { rotation_period: period::<T>(), grace_period: 0u32.into(), lead_time }
}

/// The smallest fleet shape with `p` pieces: `1`-of-`1`, or `2`-of-`p` (`C(p, 1) = p`).
fn shape(p: u32) -> (u8, u8) {
	if p <= 1 {
		(1, 1)
	} else {
		(p as u8, 2)
	}
}

/// The holder accounts of a benchmark fleet: one each (`holder j` is `account("holder", j)`).
fn holders<T: Config>(m: u8) -> HoldersOf<T> {
	(0..m as u32)
		.map(|j| {
			let accounts: HolderAccountsOf<T> =
				alloc::vec![account::<T::AccountId>("holder", j, 0)].try_into().unwrap();
			accounts
		})
		.collect::<Vec<_>>()
		.try_into()
		.expect("within MaxHolders")
}

/// A `t`-of-`m` fleet with the benchmark roots; returns its id and owner.
fn fleet<T: Config>(m: u8, t: u8) -> (FleetId, T::AccountId) {
	let owner = funded::<T>("owner", 0);
	let fleet = NextFleetId::<T>::get() as FleetId;
	let p = Threshold::new(m, t).unwrap().piece_count();
	let keys: Vec<PublicationKey> = (0..p).map(|k| root(fleet, k).publication_key()).collect();
	KeyShards::<T>::do_create_fleet(
		owner.clone(),
		t,
		holders::<T>(m),
		keys.try_into().expect("within MaxPieces"),
		params::<T>(),
	)
	.expect("valid fleet");
	(fleet, owner)
}

fn register<T: Config>(owner: &T::AccountId, fleet: FleetId, devices: u32) -> Vec<DeviceId> {
	let ids: Vec<DeviceId> = (0..devices).map(device_id).collect();
	for chunk in ids.chunks(T::MaxBatchSize::get() as usize) {
		KeyShards::<T>::do_register_devices(owner.clone(), fleet, chunk).expect("registers");
	}
	ids
}

fn at<T: Config>(fleet: FleetId, device: &DeviceId, epoch: Epoch) -> DeviceEpoch {
	let registration = Devices::<T>::get(fleet, device).map_or(0, |d| d.registration);
	DeviceEpoch { ctx: KeyShards::<T>::context(fleet), device: device.clone(), registration, epoch }
}

/// Publishes every piece of `device`'s `epoch` honestly, each from a holder of the piece.
fn publish<T: Config>(fleet: FleetId, device: &DeviceId, epoch: Epoch) {
	let info = Fleets::<T>::get(fleet).unwrap();
	let p = info.threshold.piece_count();
	let at = at::<T>(fleet, device, epoch);
	for k in 0..p {
		let publication = root(fleet, k).generate(&at, k, p).unwrap().publication;
		let digest = digest_of(&at.who(k), &publication);
		let omega = root(fleet, k).publisher_seed().sign_publications(&at.ctx, k, &[digest]);
		let holder = info.threshold.primary_holder(k).unwrap();
		let sender = info.holders[holder as usize][0].clone();
		KeyShards::<T>::do_publish_pieces(sender, fleet, k, p, &[publication], &omega)
			.expect("publishes");
	}
}

/// Opens epoch 0 of `device` (a fleet of `p` pieces) with the pieces in `present` in place: valid
/// points by `publisher` (their ciphertexts do not matter here), the others missing.
fn stage_open_epoch<T: Config>(
	fleet: FleetId,
	device: &DeviceId,
	p: u32,
	present: core::ops::Range<u32>,
	publisher: &T::AccountId,
) {
	let filler = root(fleet, 1).generate(&at::<T>(fleet, device, 0), 0, 1).unwrap();
	let now = frame_system::Pallet::<T>::block_number();
	let pieces: Vec<Option<StoredPiece<T::AccountId>>> = (0..p)
		.map(|k| {
			present.contains(&k).then(|| StoredPiece {
				public_piece: PublicPiece(filler.publication.public_piece.0),
				ciphertext: ShardCiphertext(filler.publication.ciphertext.0),
				publisher: publisher.clone(),
			})
		})
		.collect();
	Epochs::<T>::insert(
		(fleet, device, 0),
		EpochRecord {
			registration: 0,
			opened_at: now,
			pieces: pieces.try_into().unwrap(),
			completion: None,
			invalidated: None,
			used: None,
		},
	);
	let stored = Devices::<T>::get(fleet, device).unwrap();
	let mut record = stored.clone();
	record.open = Some(OpenSlot { epoch: 0, opened_at: now, completed: None });
	record.next_epoch = 1;
	record.last_opened_at = Some(now);
	KeyShards::<T>::put_device(fleet, device, Some(&stored), record);
}

fn key<T: Config>(fleet: FleetId, device: &DeviceId, epoch: Epoch) -> OneTimeKey {
	let bundle = KeyShards::<T>::bundle(fleet, device.clone(), epoch).expect("complete");
	let at = at::<T>(fleet, device, epoch);
	let keys: Vec<_> =
		(0..bundle.map.piece_count).map(|k| root(fleet, k).device_piece_key(&at.who(k))).collect();
	reconstruct(&at, &keys, &bundle.pieces, &bundle.map.public_key).expect("reconstructs")
}

/// From the block an epoch completed to the block its device is due for the next one.
fn until_due<T: Config>() {
	advance::<T>(T::ContestPeriod::get().saturating_add(period::<T>() / 2u32.into()));
}

fn advance<T: Config>(blocks: BlockNumberFor<T>) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks));
}

/// Gives `device` `epochs` stored epochs, invalidated (revoked) and past any grace period.
/// While they are made (one per block), the fleet's grace period is the longest allowed, so that
/// no opening prunes its predecessor (an opening prunes an epoch past its grace period); then
/// the grace period is back to the benchmarks' (none).
fn stale_epochs<T: Config>(owner: &T::AccountId, fleet: FleetId, device: &DeviceId, epochs: u32) {
	let longest =
		period::<T>().saturating_mul(T::MaxRetainedEpochs::get().saturating_sub(3).into());
	let keep = FleetParams { grace_period: longest, ..params::<T>() };
	KeyShards::<T>::do_set_fleet_params(owner.clone(), fleet, keep).expect("allowed");
	for epoch in 0..epochs {
		publish::<T>(fleet, device, epoch);
		// Revoked: the next epoch is due at once (in the next block).
		KeyShards::<T>::do_invalidate(owner.clone(), fleet, device.clone(), epoch).expect("known");
		advance::<T>(1u32.into());
	}
	KeyShards::<T>::do_set_fleet_params(owner.clone(), fleet, params::<T>()).expect("allowed");
	assert_eq!(Devices::<T>::get(fleet, device).unwrap().retained(), u64::from(epochs));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `p` publication keys checked (point checks, the index) and recorded.
	#[benchmark]
	fn create_fleet(p: Linear<1, { T::MaxPieces::get().min(T::MaxHolders::get()) }>) {
		let owner = funded::<T>("owner", 0);
		let (m, t) = shape(p);
		let keys: PublicationKeysOf<T> = (0..p as u16)
			.map(|k| root(0, k).publication_key())
			.collect::<Vec<_>>()
			.try_into()
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), t, holders::<T>(m), keys, params::<T>());
		assert!(Fleets::<T>::contains_key(0));
	}

	#[benchmark]
	fn set_fleet_params() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let mut new = params::<T>();
		new.rotation_period = period::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, new);
		assert_eq!(Fleets::<T>::get(fleet).unwrap().params, new);
	}

	#[benchmark]
	fn set_holder_accounts(a: Linear<1, { T::MaxAccountsPerHolder::get() }>) {
		let (fleet, owner) = fleet::<T>(3, 2);
		let accounts: HolderAccountsOf<T> =
			(0..a).map(|i| account("node", i, 0)).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, 1, accounts.clone());
		assert_eq!(Fleets::<T>::get(fleet).unwrap().holders[1], accounts);
	}

	#[benchmark]
	fn propose_fleet_owner() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let next = funded::<T>("next", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, Some(next.clone()));
		assert_eq!(Fleets::<T>::get(fleet).unwrap().pending_owner, Some(next));
	}

	#[benchmark]
	fn accept_fleet_ownership() {
		let (fleet, owner) = fleet::<T>(3, 2);
		register::<T>(&owner, fleet, 1);
		let next = funded::<T>("next", 0);
		KeyShards::<T>::do_propose_fleet_owner(owner, fleet, Some(next.clone())).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(next.clone()), fleet);
		assert_eq!(Fleets::<T>::get(fleet).unwrap().owner, next);
	}

	#[benchmark]
	fn destroy_fleet() {
		let (fleet, owner) = fleet::<T>(3, 2);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet);
		assert!(!Fleets::<T>::contains_key(fleet));
	}

	#[benchmark]
	fn register_devices(b: Linear<1, { T::MaxBatchSize::get() }>) {
		let (fleet, owner) = fleet::<T>(3, 2);
		let devices: BoundedVec<DeviceId, T::MaxBatchSize> =
			(0..b).map(device_id).collect::<Vec<_>>().try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, devices);
		assert_eq!(Fleets::<T>::get(fleet).unwrap().devices, b);
	}

	/// Worst case: an active key and an open (pending) epoch are both invalidated.
	#[benchmark]
	fn deregister_device() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(fleet, &device, 0);
		until_due::<T>();
		publish::<T>(fleet, &device, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, device.clone());
		assert!(Devices::<T>::get(fleet, &device).unwrap().registered.is_none());
	}

	/// `c` publications of piece 0 (real proofs, one real `ω`) into open epochs of `p` pieces
	/// that they leave one piece short: the checks, the record's read and write, the event. A
	/// completion is weighed apart (`complete_epoch`).
	#[benchmark]
	fn publish_pieces(
		c: Linear<1, { T::MaxGroupSize::get() }>,
		p: Linear<2, { T::MaxPieces::get().min(T::MaxHolders::get()) }>,
	) {
		let (m, t) = shape(p);
		let (fleet, owner) = fleet::<T>(m, t);
		let devices = register::<T>(&owner, fleet, c);
		let holder = account::<T::AccountId>("holder", 0, 0);
		let mut publications = Vec::new();
		let mut digests = Vec::new();
		for device in &devices {
			// Pieces 1 .. p-2 present, the last one missing.
			stage_open_epoch::<T>(fleet, device, p, 1..p - 1, &holder);
			let at = at::<T>(fleet, device, 0);
			let publication = root(fleet, 0).generate(&at, 0, p as u16).unwrap().publication;
			digests.push(digest_of(&at.who(0), &publication));
			publications.push(publication);
		}
		let ctx = KeyShards::<T>::context(fleet);
		let omega = root(fleet, 0).publisher_seed().sign_publications(&ctx, 0, &digests);
		let info = Fleets::<T>::get(fleet).unwrap();
		let primary = info.threshold.primary_holder(0).unwrap();
		let sender = info.holders[primary as usize][0].clone();
		let publications: BoundedVec<_, T::MaxGroupSize> = publications.try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(sender), fleet, 0, publications, omega, p as u16);
		let record = Epochs::<T>::get((fleet, &devices[0], 0)).unwrap();
		assert_eq!(record.pieces_present() as u32, p - 1);
		assert!(record.completion.is_none() && record.invalidated.is_none());
	}

	/// What a group adds when a batch of its checks fails (a proof does not verify, or a point
	/// of a large group has a torsion component): the host's checks of `c` publications with
	/// every point's torsion and every proof checked one by one, which names the ones that fail.
	/// (The batched checks are charged too: a small overcharge.)
	#[benchmark]
	fn check_publications_one_by_one(c: Linear<1, { T::MaxGroupSize::get() }>) {
		let fleet = 1;
		let proofs: Vec<ProofToCheck> = (0..c)
			.map(|i| {
				let at = at::<T>(fleet, &device_id(i), 0);
				let publication = root(fleet, 0).generate(&at, 0, 3).unwrap().publication;
				proof_to_check(&at.who(0), &publication)
			})
			.collect();
		let (checks, one_by_one);
		#[block]
		{
			(checks, one_by_one) =
				crate::curve_host::keyshards_curve::check_publications(&proofs, false);
		}
		assert!(one_by_one && checks.iter().all(Result::is_ok));
	}

	/// What the first piece of an epoch adds: the device record's open slot (an opening does not
	/// move the device in the due index). The pruning an opening may do is weighed apart, from
	/// the collector's benchmark.
	#[benchmark]
	fn open_epoch() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		let stored = Devices::<T>::get(fleet, &device).unwrap();
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			let mut record = stored.clone();
			record.open = Some(OpenSlot { epoch: 0, opened_at: now, completed: None });
			record.next_epoch = 1;
			record.last_opened_at = Some(now);
			KeyShards::<T>::put_device(fleet, &device, Some(&stored), record);
		}
		assert!(Devices::<T>::get(fleet, &device).unwrap().open.is_some());
	}

	/// What the last piece of an epoch of `p` pieces adds: the sum of the `p` public pieces
	/// (decompressed, in the host), the window, the event, the device record's due-index move.
	#[benchmark]
	fn complete_epoch(p: Linear<1, { T::MaxPieces::get().min(T::MaxHolders::get()) }>) {
		let (m, t) = shape(p);
		let (fleet, owner) = fleet::<T>(m, t);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		let holder = account::<T::AccountId>("holder", 0, 0);
		stage_open_epoch::<T>(fleet, &device, p, 0..p, &holder);
		let info = Fleets::<T>::get(fleet).unwrap();
		let stored = Devices::<T>::get(fleet, &device).unwrap();
		let mut epoch_record = Epochs::<T>::get((fleet, &device, 0)).unwrap();
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			let mut record = stored.clone();
			KeyShards::<T>::complete(fleet, &info, &device, 0, &mut epoch_record, &mut record, now);
			KeyShards::<T>::put_device(fleet, &device, Some(&stored), record);
		}
		assert!(epoch_record.completion.is_some());
	}

	/// Worst case: revoking the active key hands over to a pending epoch.
	#[benchmark]
	fn invalidate_epoch() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(fleet, &device, 0);
		until_due::<T>();
		publish::<T>(fleet, &device, 1);
		advance::<T>(T::ContestPeriod::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), fleet, device.clone(), 0);
		let current = Devices::<T>::get(fleet, &device).unwrap().current.unwrap();
		assert_eq!(current.epoch, 1);
	}

	#[benchmark]
	fn prune(e: Linear<1, { T::MaxRetainedEpochs::get() }>) {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		stale_epochs::<T>(&owner, fleet, &device, e);
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), fleet, device.clone());
		assert_eq!(Devices::<T>::get(fleet, &device).unwrap().oldest, e as u64);
	}

	/// Worst case: the use hands over to a pending epoch.
	#[benchmark]
	fn record_use() {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(fleet, &device, 0);
		until_due::<T>();
		publish::<T>(fleet, &device, 1);
		advance::<T>(T::ContestPeriod::get());
		let signature = key::<T>(fleet, &device, 0).sign(b"payload").unwrap();
		#[extrinsic_call]
		_(RawOrigin::Authorized, fleet, device.clone(), 0, payload_hash(b"payload"), signature);
		let used = Epochs::<T>::get((fleet, &device, 0)).unwrap().used;
		assert!(matches!(used, Some(UseRecord { .. })));
	}

	#[benchmark]
	fn authorize_record_use() -> Result<(), BenchmarkError> {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		publish::<T>(fleet, &device, 0);
		advance::<T>(T::ContestPeriod::get());
		let signature = key::<T>(fleet, &device, 0).sign(b"payload").unwrap();
		let call = Call::<T>::record_use {
			fleet,
			device,
			epoch: 0,
			payload_hash: payload_hash(b"payload"),
			signature,
		};
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("record_use authorizes itself")?
				.map_err(|_| "a valid use is authorised")?;
		}
		Ok(())
	}

	/// The collector's fixed cost: resuming from a cursor and finding no device after it.
	#[benchmark]
	fn on_idle_base() {
		let cursor = Devices::<T>::hashed_key_for(FleetId::MAX, device_id(u32::MAX));
		GcCursor::<T>::put(BoundedVec::try_from(cursor).unwrap());
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			KeyShards::<T>::collect_garbage(now, Weight::MAX);
		}
		assert!(GcCursor::<T>::get().is_none());
	}

	/// One device visited by the collector (its fleet read too), pruning `e` epochs.
	#[benchmark]
	fn gc_visit(e: Linear<0, { T::MaxRetainedEpochs::get() }>) {
		let (fleet, owner) = fleet::<T>(3, 2);
		let device = register::<T>(&owner, fleet, 1).remove(0);
		stale_epochs::<T>(&owner, fleet, &device, e);
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			KeyShards::<T>::collect_garbage(now, Weight::MAX);
		}
		assert_eq!(Devices::<T>::get(fleet, &device).unwrap().oldest, e as u64);
	}

	impl_benchmark_test_suite!(KeyShards, crate::mock::new_test_ext(), crate::mock::Test);
}
