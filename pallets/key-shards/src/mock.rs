//! A mock runtime: system, balances and this pallet; and helpers that publish real SPEC v1
//! shards and sign with the reconstructed keys.

use crate as pallet_key_shards;
use crate::*;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use keyshards_primitives::{
	generate, DeviceBundle, DeviceId, Epoch, FleetRootKey, OneTimeKey, ShardCount, ShardMap,
	ShardSubmission,
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

impl pallet_key_shards::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FleetDeposit = ConstU64<FLEET_DEPOSIT>;
	type DeviceDeposit = ConstU64<DEVICE_DEPOSIT>;
	type MaxAuthorities = ConstU32<4>;
	type MaxDevicesPerFleet = ConstU32<MAX_DEVICES>;
	type MaxRetainedEpochs = ConstU32<MAX_RETAINED>;
	type MaxBatchSize = ConstU32<MAX_BATCH>;
	type MinRotationPeriod = ConstU64<2>;
	type MaxGcVisitsPerBlock = ConstU32<GC_VISITS>;
	type AuthorityId = MockKsgCrypto;
	type KsgSettings = MockKsgSettings;
	type WeightInfo = ();
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
		lead_time: 3,
		batch_size: 4,
		max_batches_per_block: 3,
		page_size: 20,
		retry_after: 4,
		backup_delay: 2,
	};
}

/// Fleet owner.
pub const OWNER: u64 = 1;
/// A KSG authority of the test fleet.
pub const KSG: u64 = 2;
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
/// Shard count of the test fleet.
pub const SHARDS: u8 = 4;

/// The test fleet's root key (test data).
pub const ROOT: [u8; 32] = [0x42; 32];

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(OWNER, FUNDS), (KSG, FUNDS), (STRANGER, FUNDS), (POOR, 50)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
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

pub fn authorities(accounts: &[u64]) -> AuthoritiesOf<Test> {
	accounts.to_vec().try_into().unwrap()
}

pub fn device(name: &str) -> DeviceId {
	DeviceId::new(name.as_bytes()).unwrap()
}

/// Creates the test fleet (id 0: owner OWNER, authority KSG) and returns its id.
pub fn create_fleet() -> FleetId {
	let id = NextFleetId::<Test>::get();
	KeyShards::create_fleet(signed(OWNER), PERIOD, SHARDS, GRACE, authorities(&[KSG])).unwrap();
	id
}

/// Creates the test fleet with `devices` registered.
pub fn fleet_with(devices: &[&str]) -> FleetId {
	let fleet = create_fleet();
	let ids: Vec<DeviceId> = devices.iter().map(|d| device(d)).collect();
	KeyShards::register_devices(signed(OWNER), fleet, ids.try_into().unwrap()).unwrap();
	fleet
}

/// The honest KSG's submission for `name` at `epoch` (SPEC v1 with the test root).
pub fn submission(name: &str, epoch: Epoch) -> ShardSubmission {
	let id = device(name);
	let master = FleetRootKey::from_slice(&ROOT).unwrap().device_master_key(&id);
	generate(&master, &id, epoch, ShardCount::new(SHARDS).unwrap()).submission()
}

/// Publishes `name`'s `epoch` as the KSG.
pub fn publish(fleet: FleetId, name: &str, epoch: Epoch) -> sp_runtime::DispatchResult {
	KeyShards::publish_shards(signed(KSG), fleet, device(name), epoch, submission(name, epoch))
}

/// The device's bundle for `epoch` as the chain stores it, with the ids the chain derives.
pub fn bundle(fleet: FleetId, name: &str, epoch: Epoch) -> DeviceBundle<u64> {
	let id = device(name);
	let record = Epochs::<Test>::get((fleet, &id, epoch)).expect("epoch stored");
	let count = ShardCount::new(SHARDS).unwrap();
	let ids: Vec<_> =
		(0..SHARDS as u16).map(|i| keyshards_primitives::shard_id(&id, epoch, i)).collect();
	DeviceBundle {
		map: ShardMap {
			device: id,
			epoch,
			shard_count: count,
			shard_ids: ids.clone().try_into().unwrap(),
			public_key: record.public_key,
			valid_from: record.valid_from,
			expires_at: record.expires_at,
			state: record.state_at(System::block_number()),
		},
		shards: ids
			.into_iter()
			.zip(record.ciphertexts)
			.map(|(id, ciphertext)| keyshards_primitives::EncryptedShard { id, ciphertext })
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
	}
}

/// What the device reconstructs from the chain's bundle with its master key.
pub fn device_key(fleet: FleetId, name: &str, epoch: Epoch) -> OneTimeKey {
	let id = device(name);
	let master = FleetRootKey::from_slice(&ROOT).unwrap().device_master_key(&id);
	bundle(fleet, name, epoch).reconstruct(&master, &id).expect("the device reconstructs its key")
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
