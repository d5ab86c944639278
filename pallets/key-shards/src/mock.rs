//! A mock runtime: system, balances and this pallet; and helpers that publish real SPEC v2
//! pieces (a 2-of-3 test fleet by default) and sign with the reconstructed keys.

use crate as pallet_key_shards;
use crate::*;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use keyshards_primitives::{
	v2::{
		digest_of, reconstruct, DeviceEpoch, OneTimeKey, PiecePublication, PieceRoot,
		PublicationSignature, Threshold,
	},
	DeviceId, Epoch,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		KeyShards: pallet_key_shards,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const FLEET_DEPOSIT: u64 = 100;
pub const DEVICE_DEPOSIT: u64 = 10;
pub const MAX_RETAINED: u32 = 6;
pub const MAX_BATCH: u32 = 16;
pub const MAX_DEVICES: u32 = 40;
pub const GC_VISITS: u32 = 8;
/// `Δ` of the mock.
pub const CONTEST: u64 = 2;
/// `N` of the mock.
pub const TIMEOUT: u64 = 6;

impl pallet_key_shards::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FleetDeposit = ConstU64<FLEET_DEPOSIT>;
	type DeviceDeposit = ConstU64<DEVICE_DEPOSIT>;
	type MaxHolders = ConstU32<7>;
	type MaxAccountsPerHolder = ConstU32<2>;
	type MaxPieces = ConstU32<35>;
	type MaxDevicesPerFleet = ConstU32<MAX_DEVICES>;
	type MaxRetainedEpochs = ConstU32<MAX_RETAINED>;
	type MaxBatchSize = ConstU32<MAX_BATCH>;
	type MaxGroupSize = ConstU32<MAX_BATCH>;
	type MinRotationPeriod = ConstU64<2>;
	type ContestPeriod = ConstU64<CONTEST>;
	type IncompleteTimeout = ConstU64<TIMEOUT>;
	type MaxGcVisitsPerBlock = ConstU32<GC_VISITS>;
	type AuthorityId = MockKsgCrypto;
	type KsgSettings = MockKsgSettings;
	type WeightInfo = MockWeights;
}

/// The transactions the KSG builds in the mock: signed by the sender's account, with the
/// nonce where a signature would be (the mock checks no signature) and no extension.
pub type Extrinsic = sp_runtime::generic::UncheckedExtrinsic<u64, RuntimeCall, u32, ()>;

/// A KSG's public key in the mock: an sr25519 key (from the test keystore) whose account is
/// its first 8 bytes, so the mock keeps its `u64` accounts.
#[derive(
	Clone, PartialEq, Eq, PartialOrd, Ord, Debug, codec::Encode, codec::Decode, scale_info::TypeInfo,
)]
pub struct MockPublic(pub sp_core::sr25519::Public);

impl sp_runtime::traits::IdentifyAccount for MockPublic {
	type AccountId = u64;
	fn into_account(self) -> u64 {
		ksg_account(&self.0)
	}
}

impl From<sp_core::sr25519::Public> for MockPublic {
	fn from(public: sp_core::sr25519::Public) -> Self {
		Self(public)
	}
}

impl From<MockPublic> for sp_core::sr25519::Public {
	fn from(public: MockPublic) -> Self {
		public.0
	}
}

/// The account of a KSG key in the mock.
pub fn ksg_account(public: &sp_core::sr25519::Public) -> u64 {
	u64::from_le_bytes(public.0[..8].try_into().unwrap())
}

impl frame_system::offchain::SigningTypes for Test {
	type Public = MockPublic;
	type Signature = sp_core::sr25519::Signature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<
		C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		_public: MockPublic,
		account: u64,
		nonce: u32,
	) -> Option<Extrinsic> {
		Some(Extrinsic::new_signed(call, account, nonce, ()))
	}
}

/// The KSG key binding of the mock (sr25519 under key type `ksgs`).
pub struct MockKsgCrypto;

impl frame_system::offchain::AppCrypto<MockPublic, sp_core::sr25519::Signature> for MockKsgCrypto {
	type RuntimeAppPublic = crate::ksg::crypto::Public;
	type GenericSignature = sp_core::sr25519::Signature;
	type GenericPublic = sp_core::sr25519::Public;
}

frame_support::parameter_types! {
	/// The mock's KSG settings; tests change them through this storage-backed parameter.
	pub storage MockKsgSettings: crate::ksg::KsgSettings<u64> = crate::ksg::KsgSettings {
		batch_size: 4,
		max_batches_per_block: 3,
		blocks_ahead: 1,
		block_share: sp_runtime::Perbill::from_percent(50),
		page_size: 20,
		retry_after: 4,
		backup_delay: 2,
	};
}

/// Fleet owner.
pub const OWNER: u64 = 1;
/// Holder `j`'s account is `HOLDER + j`.
pub const HOLDER: u64 = 10;
/// Anyone else.
pub const STRANGER: u64 = 3;
/// An account with too little for any deposit.
pub const POOR: u64 = 4;
/// Balance of every funded account.
pub const FUNDS: u64 = 1_000;

/// Rotation period of the test fleet.
pub const PERIOD: u64 = 10;
/// Grace period of the test fleet.
pub const GRACE: u64 = 5;
/// Lead time of the test fleet.
pub const LEAD: u64 = 3;
/// The mock chain's genesis hash (test data).
pub const GENESIS: [u8; 32] = [0x47; 32];

/// Piece `k`'s root of the test fleet `fleet` (test data).
pub fn piece_root(fleet: FleetId, k: PieceIndex) -> PieceRoot {
	PieceRoot::from_slice(&keyshards_primitives::kdf::blake2_256(&[
		b"mock piece root",
		&fleet.to_be_bytes(),
		&k.to_be_bytes(),
	]))
	.unwrap()
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances = vec![(OWNER, FUNDS), (STRANGER, FUNDS), (POOR, 50)];
	balances.extend((0..7).map(|j| (HOLDER + j, FUNDS)));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256(GENESIS));
		System::set_block_number(1)
	});
	ext
}

/// Runs `test` in a fresh externality and checks the pallet's invariants after it.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		KeyShards::do_try_state().expect("storage invariants hold after the test");
	})
}

pub fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

pub fn device(name: &str) -> DeviceId {
	DeviceId::new(name.as_bytes()).unwrap()
}

/// One account per holder: holder `j` is `HOLDER + j`.
pub fn holders(m: u8) -> HoldersOf<Test> {
	(0..m as u64)
		.map(|j| vec![HOLDER + j].try_into().unwrap())
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

pub fn params() -> FleetParams<u64> {
	FleetParams { rotation_period: PERIOD, grace_period: GRACE, lead_time: LEAD }
}

/// Creates a `t`-of-`m` test fleet owned by OWNER, with the mock's piece roots; returns its id.
pub fn create_threshold_fleet(m: u8, t: u8) -> FleetId {
	let id = NextFleetId::<Test>::get() as FleetId;
	let p = Threshold::new(m, t).unwrap().piece_count();
	let keys: Vec<_> = (0..p).map(|k| piece_root(id, k).publication_key()).collect();
	KeyShards::create_fleet(signed(OWNER), t, holders(m), keys.try_into().unwrap(), params())
		.unwrap();
	id
}

/// Creates the 2-of-3 test fleet.
pub fn create_fleet() -> FleetId {
	create_threshold_fleet(3, 2)
}

/// Creates the 2-of-3 test fleet with `devices` registered.
pub fn fleet_with(devices: &[&str]) -> FleetId {
	let fleet = create_fleet();
	let ids: Vec<DeviceId> = devices.iter().map(|d| device(d)).collect();
	KeyShards::register_devices(signed(OWNER), fleet, ids.try_into().unwrap()).unwrap();
	fleet
}

/// The device epoch of `name` at `epoch`, with its current registration.
pub fn device_epoch(fleet: FleetId, name: &str, epoch: Epoch) -> DeviceEpoch {
	let id = device(name);
	let registration = Devices::<Test>::get(fleet, &id).map_or(0, |d| d.registration);
	DeviceEpoch { ctx: KeyShards::context(fleet), device: id, registration, epoch }
}

/// The honest publication of piece `k` of `name` at `epoch`.
pub fn publication(fleet: FleetId, k: PieceIndex, name: &str, epoch: Epoch) -> PiecePublication {
	let p = Fleets::<Test>::get(fleet).unwrap().threshold.piece_count();
	piece_root(fleet, k).generate(&device_epoch(fleet, name, epoch), k, p).unwrap().publication
}

/// `ω` by piece `k`'s seed over `publications`.
pub fn omega(
	fleet: FleetId,
	k: PieceIndex,
	publications: &[PiecePublication],
) -> PublicationSignature {
	let ctx = KeyShards::context(fleet);
	let digests: Vec<_> = publications
		.iter()
		.map(|publication| {
			let registration =
				Devices::<Test>::get(fleet, &publication.device).map_or(0, |d| d.registration);
			digest_of(&ctx.who(k, &publication.device, registration), publication)
		})
		.collect();
	piece_root(fleet, k).publisher_seed().sign_publications(&ctx, k, &digests)
}

/// The primary holder's account of piece `k`.
pub fn primary(fleet: FleetId, k: PieceIndex) -> u64 {
	HOLDER + u64::from(Fleets::<Test>::get(fleet).unwrap().threshold.primary_holder(k).unwrap())
}

/// Publishes `publications` of piece `k` as its primary holder.
pub fn publish_group(
	fleet: FleetId,
	k: PieceIndex,
	publications: Vec<PiecePublication>,
) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
	let signature = omega(fleet, k, &publications);
	KeyShards::publish_pieces(
		signed(primary(fleet, k)),
		fleet,
		k,
		publications.try_into().unwrap(),
		signature,
		piece_count(fleet),
	)
}

/// Publishes piece `k` of `name`'s `epoch` honestly, as its primary holder.
pub fn publish_piece(fleet: FleetId, k: PieceIndex, name: &str, epoch: Epoch) {
	publish_group(fleet, k, vec![publication(fleet, k, name, epoch)]).unwrap();
}

/// The fleet's `p`.
pub fn piece_count(fleet: FleetId) -> u16 {
	Fleets::<Test>::get(fleet).unwrap().threshold.piece_count()
}

/// Publishes every piece of `name`'s `epoch` honestly (one group per piece).
pub fn publish(fleet: FleetId, name: &str, epoch: Epoch) {
	let p = piece_count(fleet);
	for k in 0..p {
		publish_piece(fleet, k, name, epoch);
	}
}

/// The outcomes of the `PiecePublished` events since the last call to [`events`].
pub fn outcomes() -> Vec<PublicationOutcome> {
	events()
		.into_iter()
		.filter_map(|event| match event {
			Event::PiecePublished { outcome, .. } => Some(outcome),
			_ => None,
		})
		.collect()
}

/// What the device reconstructs from the chain's bundle of `epoch` with its piece keys.
pub fn device_key(fleet: FleetId, name: &str, epoch: Epoch) -> OneTimeKey {
	let bundle = KeyShards::bundle(fleet, device(name), epoch).expect("a complete epoch");
	let at = device_epoch(fleet, name, epoch);
	let keys: Vec<_> = (0..bundle.map.piece_count)
		.map(|k| piece_root(fleet, k).device_piece_key(&at.who(k)))
		.collect();
	reconstruct(&at, &keys, &bundle.pieces, &bundle.map.public_key)
		.expect("the device reconstructs its key")
}

/// Moves to block `n`, running `on_idle` with unlimited weight at each block on the way.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		KeyShards::on_idle(next, Weight::MAX);
	}
}

/// Moves to block `n` without running any hook.
pub fn jump_to_block(n: u64) {
	System::set_block_number(n);
}

/// This pallet's events since the last call, oldest first.
pub fn events() -> Vec<Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::KeyShards(e) => Some(e),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// The mock's weights: zero, so that the KSG's group plan (which divides the block by the
/// declared weight of a group) is set by `KsgSettings` alone in these tests. The runtime's
/// generated weights are checked in `runtime/src/tests.rs`.
pub struct MockWeights;

impl crate::WeightInfo for MockWeights {
	fn create_fleet(_: u32) -> Weight {
		Weight::zero()
	}
	fn set_fleet_params() -> Weight {
		Weight::zero()
	}
	fn set_holder_accounts(_: u32) -> Weight {
		Weight::zero()
	}
	fn propose_fleet_owner() -> Weight {
		Weight::zero()
	}
	fn accept_fleet_ownership() -> Weight {
		Weight::zero()
	}
	fn destroy_fleet() -> Weight {
		Weight::zero()
	}
	fn register_devices(_: u32) -> Weight {
		Weight::zero()
	}
	fn deregister_device() -> Weight {
		Weight::zero()
	}
	fn publish_pieces(_: u32, _: u32) -> Weight {
		Weight::zero()
	}
	fn open_epoch() -> Weight {
		Weight::zero()
	}
	/// Not zero, so a test can tell whether a call was charged it.
	fn check_publications_one_by_one(c: u32) -> Weight {
		Weight::from_parts(1_000 * u64::from(c), 0)
	}
	fn complete_epoch(_: u32) -> Weight {
		Weight::zero()
	}
	fn invalidate_epoch() -> Weight {
		Weight::zero()
	}
	fn prune(_: u32) -> Weight {
		Weight::zero()
	}
	fn record_use() -> Weight {
		Weight::zero()
	}
	fn authorize_record_use() -> Weight {
		Weight::zero()
	}
	fn on_idle_base() -> Weight {
		Weight::zero()
	}
	fn gc_visit(_: u32) -> Weight {
		Weight::zero()
	}
}
