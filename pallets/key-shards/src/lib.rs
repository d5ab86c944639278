//! # Key Shards pallet
//!
//! The chain's side of Keyshards: fleets of devices, and the life of each device's one-time
//! keys, published as encrypted shards by the fleet's Key Shard Generators (KSGs).
//!
//! ## Overview
//!
//! - A **fleet** has an owner, protocol parameters (rotation period, shard count, grace period)
//!   and the KSG accounts allowed to publish for it. Its owner registers **devices**. Fleet and
//!   device records are paid for by deposits held from the owner and released when they go.
//! - A KSG **publishes** a device's next epoch: the public key and `n` ciphertexts of SPEC v1.
//!   The epoch must be exactly the device's next one (no rollback, no gap); the chain checks the
//!   shape and derives the shard identifiers itself.
//! - **Lifecycle.** An epoch is *pending* until its window begins, then *active*; once its key
//!   has signed, *used*; when its window ends, when its successor takes over, or when the owner
//!   revokes it, *invalidated*. A newly published epoch's window begins when the current key's
//!   window ends, or at once if the device has no usable key (none yet, used, revoked or
//!   expired). The window is fixed in the epoch's record when it is published (and moved only
//!   when the key before it is used or revoked), so activation and expiry take effect at their
//!   block by themselves, without a transaction or per-block work that could fall behind.
//! - **Garbage collection.** An invalidated epoch is kept for the fleet's grace period, then
//!   removed: by `on_idle`, which walks devices with a cursor within the block's spare weight,
//!   and by [`Pallet::prune`], which anyone may call.
//! - **One-time use.** [`Pallet::record_use`] records that a device's active key signed a
//!   payload hash. It is authorised by the Ed25519 signature itself (`#[pallet::authorize]`), so
//!   a device needs no account and pays no fee. The first use is stored; any second use of the
//!   key is refused.
//!
//! Every state change emits an event naming who did what: the audit trail.
//!
//! Storage is laid out for cheap rotation: publishing one device epoch writes two items (the
//! epoch record and the device record).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod features;
pub mod key_source;
pub mod ksg;
pub mod runtime_api;
mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use features::MAX_STATUS_PAGE;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// `InvalidTransaction::Custom` codes of `record_use`'s authorisation.
pub mod invalid_use {
	/// No such fleet, device or epoch.
	pub const UNKNOWN_KEY: u8 = 1;
	/// The key has already signed its one payload.
	pub const KEY_ALREADY_USED: u8 = 2;
}

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::key-shards";

/// Balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use keyshards_primitives::{DeviceId, Epoch, PayloadHash, ShardSubmission, Signature};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Deposit for a fleet record.
		FleetDeposit,
		/// Deposits for device records and the epochs they retain.
		DeviceDeposit,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reason, which includes this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Deposit held from a fleet's owner for the fleet record.
		#[pallet::constant]
		type FleetDeposit: Get<BalanceOf<Self>>;

		/// Deposit held from a fleet's owner per device: the device record and the
		/// `MaxRetainedEpochs` epoch records it may keep.
		#[pallet::constant]
		type DeviceDeposit: Get<BalanceOf<Self>>;

		/// Most KSG authorities a fleet may name.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Most devices a fleet may register.
		#[pallet::constant]
		type MaxDevicesPerFleet: Get<u32>;

		/// Most epochs a device keeps in storage at once: its current and pending epochs plus
		/// invalidated ones within their grace period. At least 4.
		#[pallet::constant]
		type MaxRetainedEpochs: Get<u32>;

		/// Most devices in one batch call (`register_devices`, `publish_shards_batch`).
		#[pallet::constant]
		type MaxBatchSize: Get<u32>;

		/// Shortest rotation period a fleet may set, in blocks. At least 1.
		#[pallet::constant]
		type MinRotationPeriod: Get<BlockNumberFor<Self>>;

		/// Most devices the garbage collector visits in one block's `on_idle`.
		#[pallet::constant]
		type MaxGcVisitsPerBlock: Get<u32>;

		/// The KSG's signing key in the node keystore (key type `ksgs`), e.g.
		/// [`ksg::crypto::KsgAuthority`].
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// The off-chain KSG's lead time, batch size, paging and retry settings.
		#[pallet::constant]
		type KsgSettings: Get<ksg::KsgSettings<BlockNumberFor<Self>>>;

		/// Weights of this pallet's calls and hooks, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The identifier the next created fleet gets.
	#[pallet::storage]
	pub type NextFleetId<T> = StorageValue<_, FleetId, ValueQuery>;

	/// Fleets by identifier.
	#[pallet::storage]
	pub type Fleets<T: Config> = StorageMap<_, Twox64Concat, FleetId, FleetInfo<T>>;

	/// Registered devices of each fleet.
	#[pallet::storage]
	pub type Devices<T: Config> =
		StorageDoubleMap<_, Twox64Concat, FleetId, Blake2_128Concat, DeviceId, DeviceInfoOf<T>>;

	/// Published epochs of each device: key material, schedule, invalidation and use.
	#[pallet::storage]
	pub type Epochs<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, FleetId>,
			NMapKey<Blake2_128Concat, DeviceId>,
			NMapKey<Twox64Concat, Epoch>,
		),
		EpochRecordOf<T>,
	>;

	/// Where the garbage collector resumes: the raw storage key of the last device it visited.
	#[pallet::storage]
	pub type GcCursor<T> = StorageValue<_, BoundedVec<u8, MaxCursorLen>>;

	/// Fleets (with their devices) created at genesis, e.g. a dev chain's demo fleet.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The fleets, created in order (ids from 0).
		pub fleets: alloc::vec::Vec<GenesisFleet<T::AccountId, BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for fleet in &self.fleets {
				let id = NextFleetId::<T>::get();
				let authorities = fleet
					.authorities
					.clone()
					.try_into()
					.expect("genesis fleet: more KSG authorities than MaxAuthorities");
				Pallet::<T>::do_create_fleet(
					fleet.owner.clone(),
					fleet.rotation_period,
					fleet.shard_count,
					fleet.grace_period,
					authorities,
				)
				.expect("genesis fleet: invalid parameters or unfunded owner");
				let devices: alloc::vec::Vec<DeviceId> = fleet
					.devices
					.iter()
					.map(|d| DeviceId::new(d.as_bytes()).expect("genesis device: 1 to 64 bytes"))
					.collect();
				for chunk in devices.chunks(T::MaxBatchSize::get() as usize) {
					Pallet::<T>::do_register_devices(fleet.owner.clone(), id, chunk)
						.expect("genesis devices: duplicate, too many, or unfunded owner");
				}
			}
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The device's current bundle (Shard Map + shards) at this block.
		pub fn current_bundle(
			fleet: FleetId,
			device: DeviceId,
		) -> Result<
			keyshards_primitives::DeviceBundle<BlockNumberFor<T>>,
			keyshards_primitives::QueryError,
		> {
			Self::active_bundle(fleet, device)
		}

		/// The device's key status at this block.
		pub fn status(
			fleet: FleetId,
			device: DeviceId,
		) -> Result<DeviceStatus<BlockNumberFor<T>>, keyshards_primitives::QueryError> {
			Self::device_status(fleet, device)
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A fleet was created.
		FleetCreated {
			fleet: FleetId,
			owner: T::AccountId,
			params: keyshards_primitives::FleetParams<BlockNumberFor<T>>,
		},
		/// A fleet's rotation and grace periods were changed by its owner.
		FleetParamsChanged {
			fleet: FleetId,
			params: keyshards_primitives::FleetParams<BlockNumberFor<T>>,
		},
		/// A fleet's KSG authorities were replaced by its owner.
		KsgAuthoritiesSet { fleet: FleetId, authorities: AuthoritiesOf<T> },
		/// A fleet's owner proposed a new owner (`None`: withdrew the proposal).
		FleetOwnerProposed { fleet: FleetId, owner: T::AccountId, proposed: Option<T::AccountId> },
		/// A fleet changed owner; its deposits moved with it.
		FleetOwnerChanged { fleet: FleetId, from: T::AccountId, to: T::AccountId },
		/// An empty fleet was destroyed and its deposit released.
		FleetDestroyed { fleet: FleetId, owner: T::AccountId },
		/// A device was registered in a fleet.
		DeviceRegistered { fleet: FleetId, device: DeviceId },
		/// A device was removed with all its epochs; its deposit was released.
		DeviceDeregistered { fleet: FleetId, device: DeviceId, epochs_removed: u32 },
		/// A KSG published a device epoch's shards; the window is when its key is valid.
		ShardsPublished {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			publisher: T::AccountId,
			public_key: keyshards_primitives::PublicKey,
			valid_from: BlockNumberFor<T>,
			expires_at: BlockNumberFor<T>,
		},
		/// One device of a batch publication was refused; the rest of the batch went ahead.
		PublishRefused { fleet: FleetId, device: DeviceId, epoch: Epoch, error: DispatchError },
		/// A device epoch was invalidated before its window ended.
		EpochInvalidated {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			reason: InvalidationReason,
			by: Option<T::AccountId>,
		},
		/// A pending epoch's window was moved to begin now, because the key before it was used
		/// or revoked.
		EpochActivatedEarly {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			valid_from: BlockNumberFor<T>,
			expires_at: BlockNumberFor<T>,
		},
		/// A device's one-time key signed a payload; the use is recorded and final.
		KeyUsed { fleet: FleetId, device: DeviceId, epoch: Epoch, payload_hash: PayloadHash },
		/// Invalidated epochs `from ..= to` of a device were removed after their grace period
		/// (`by`: the caller of `prune`, or `None` for the garbage collector).
		EpochsPruned {
			fleet: FleetId,
			device: DeviceId,
			from: Epoch,
			to: Epoch,
			by: Option<T::AccountId>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No fleet has this identifier.
		UnknownFleet,
		/// Only the fleet's owner may do this.
		NotFleetOwner,
		/// Only one of the fleet's KSG authorities may publish for it.
		NotKsgAuthority,
		/// Only the proposed owner may accept a fleet.
		NotProposedOwner,
		/// A fleet with registered devices cannot be destroyed.
		FleetNotEmpty,
		/// The fleet has as many devices as `MaxDevicesPerFleet` allows.
		FleetFull,
		/// The shard count is not one of 1, 2, 4, 8, 16, 32.
		InvalidShardCount,
		/// The rotation period is shorter than `MinRotationPeriod`.
		RotationPeriodTooShort,
		/// The grace period would keep more epochs than `MaxRetainedEpochs` allows: at most
		/// `MaxRetainedEpochs - 3` rotation periods.
		GracePeriodTooLong,
		/// A fleet needs at least one KSG authority.
		NoKsgAuthorities,
		/// The same KSG authority is named twice.
		DuplicateKsgAuthority,
		/// The owner lacks the free balance for the deposit.
		InsufficientBalanceForDeposit,
		/// The device is already registered in this fleet.
		DeviceAlreadyRegistered,
		/// The same device appears twice in one batch.
		DuplicateDeviceInBatch,
		/// The batch is empty.
		EmptyBatch,
		/// No such device in this fleet.
		UnknownDevice,
		/// The epoch was already published (a stale or rolled-back epoch).
		StaleEpoch,
		/// The epoch is beyond the device's next epoch; epochs may not be skipped.
		EpochGap,
		/// All 2^32 epochs of the device have been published.
		EpochsExhausted,
		/// The device already has a pending epoch; publish the next one after it activates.
		PendingEpochExists,
		/// The submission does not have exactly the fleet's shard count of ciphertexts.
		WrongShardCount,
		/// A ciphertext is not `32 / n + 16` bytes long.
		WrongCiphertextLength,
		/// The device keeps `MaxRetainedEpochs` epochs; older ones must be pruned first.
		TooManyRetainedEpochs,
		/// No such epoch is stored for this device.
		UnknownEpoch,
		/// The epoch is already invalidated.
		AlreadyInvalidated,
		/// The key is not the device's active key (pending, or invalidated).
		KeyNotActive,
		/// The key has already signed its one payload.
		KeyAlreadyUsed,
		/// The signature does not verify for this device, epoch and payload hash.
		BadSignature,
		/// None of the device's epochs is past its grace period.
		NothingToPrune,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::collect_garbage(now, remaining)
		}

		/// The Key Shard Generator: on a node that holds fleet root keys, publishes the next
		/// epoch of every due device of those fleets (see [`ksg`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			match Self::run_ksg(now) {
				Ok(report) if report.submitted > 0 || report.pool_refusals > 0 => log::info!(
					target: LOG_TARGET,
					"KSG at block {now:?}: {} device epochs in {} transactions ({} examined, {} in flight, {} left to their primary, {} refused by the pool)",
					report.submitted, report.transactions, report.examined, report.in_flight,
					report.left_to_primary, report.pool_refusals,
				),
				Ok(report) => log::debug!(target: LOG_TARGET, "KSG at block {now:?}: {report:?}"),
				Err(error) => log::debug!(target: LOG_TARGET, "KSG at block {now:?}: {error:?}"),
			}
		}

		fn integrity_test() {
			assert!(T::MaxRetainedEpochs::get() >= 4, "MaxRetainedEpochs must be at least 4");
			assert!(T::MaxAuthorities::get() >= 1, "MaxAuthorities must be at least 1");
			assert!(T::MaxBatchSize::get() >= 1, "MaxBatchSize must be at least 1");
			assert!(
				T::MinRotationPeriod::get() >= 1u32.into(),
				"MinRotationPeriod must be at least one block"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a fleet owned by the caller and holds `FleetDeposit` from it.
		///
		/// - Origin: signed; the caller becomes the owner.
		/// - `rotation_period`: blocks each key stays active (at least `MinRotationPeriod`).
		/// - `shard_count`: shards per key, one of 1, 2, 4, 8, 16, 32; fixed for the fleet.
		/// - `grace_period`: blocks an invalidated epoch is kept before it is pruned.
		/// - `authorities`: the KSG accounts that may publish for the fleet (at least one).
		///
		/// Emits `FleetCreated`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_fleet(authorities.len() as u32))]
		pub fn create_fleet(
			origin: OriginFor<T>,
			rotation_period: BlockNumberFor<T>,
			shard_count: u8,
			grace_period: BlockNumberFor<T>,
			authorities: AuthoritiesOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_fleet(owner, rotation_period, shard_count, grace_period, authorities)
		}

		/// Changes a fleet's rotation and grace periods. Epochs already published keep their
		/// windows; the shard count cannot change.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `FleetParamsChanged`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_fleet_params())]
		pub fn set_fleet_params(
			origin: OriginFor<T>,
			fleet: FleetId,
			rotation_period: BlockNumberFor<T>,
			grace_period: BlockNumberFor<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_fleet_params(who, fleet, rotation_period, grace_period)
		}

		/// Replaces a fleet's KSG authorities.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `KsgAuthoritiesSet`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_ksg_authorities(authorities.len() as u32))]
		pub fn set_ksg_authorities(
			origin: OriginFor<T>,
			fleet: FleetId,
			authorities: AuthoritiesOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_ksg_authorities(who, fleet, authorities)
		}

		/// Proposes `new_owner` as the fleet's next owner, who must accept; `None` withdraws a
		/// proposal.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `FleetOwnerProposed`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::propose_fleet_owner())]
		pub fn propose_fleet_owner(
			origin: OriginFor<T>,
			fleet: FleetId,
			new_owner: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_propose_fleet_owner(who, fleet, new_owner)
		}

		/// Accepts a proposed ownership: the fleet's and its devices' deposits are released
		/// from the old owner and held from the caller.
		///
		/// - Origin: signed by the proposed owner.
		///
		/// Emits `FleetOwnerChanged`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::accept_fleet_ownership())]
		pub fn accept_fleet_ownership(origin: OriginFor<T>, fleet: FleetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_fleet_ownership(who, fleet)
		}

		/// Destroys a fleet that has no devices and releases its deposit.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `FleetDestroyed`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::destroy_fleet())]
		pub fn destroy_fleet(origin: OriginFor<T>, fleet: FleetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_destroy_fleet(who, fleet)
		}

		/// Registers a device in a fleet and holds `DeviceDeposit` from the owner.
		///
		/// - Origin: signed by the fleet's owner.
		/// - `device`: the device id, 1 to 64 bytes, unique within the fleet.
		///
		/// Emits `DeviceRegistered`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::register_devices(1))]
		pub fn register_device(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_devices(who, fleet, core::slice::from_ref(&device))
		}

		/// Registers up to `MaxBatchSize` devices at once; all or none.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `DeviceRegistered` per device.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::register_devices(devices.len() as u32))]
		pub fn register_devices(
			origin: OriginFor<T>,
			fleet: FleetId,
			devices: BoundedVec<DeviceId, T::MaxBatchSize>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_devices(who, fleet, &devices)
		}

		/// Removes a device, all its stored epochs and shards, and releases its deposit.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `DeviceDeregistered`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deregister_device(T::MaxRetainedEpochs::get()))]
		pub fn deregister_device(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let removed = Self::do_deregister_device(who, fleet, device)?;
			Ok(Some(T::WeightInfo::deregister_device(removed)).into())
		}

		/// Publishes a device's next epoch: its public key and encrypted shards.
		///
		/// The epoch must be exactly the device's next one, and the device must have no
		/// pending epoch. The epoch's window begins when the current key's ends, or at once if
		/// the device has no usable key. The chain derives the shard identifiers.
		///
		/// - Origin: signed by one of the fleet's KSG authorities.
		///
		/// Emits `ShardsPublished`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::publish_shards(submission.ciphertexts.len() as u32))]
		pub fn publish_shards(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			submission: ShardSubmission,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Self::ensure_ksg_authority(&who, fleet)?;
			Self::do_publish(&who, fleet, &info, &PublishItem { device, epoch, submission })
		}

		/// Publishes the next epoch of up to `MaxBatchSize` devices of one fleet.
		///
		/// Each device is checked and published on its own: one that is refused (for example
		/// because another KSG published it first) is skipped with a `PublishRefused` event
		/// naming the error, and the rest go ahead. Weight of refused items is refunded.
		///
		/// - Origin: signed by one of the fleet's KSG authorities.
		///
		/// Emits `ShardsPublished` or `PublishRefused` per device.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::publish_shards_batch(
			items.len() as u32,
			Pallet::<T>::batch_shard_count(items),
		))]
		pub fn publish_shards_batch(
			origin: OriginFor<T>,
			fleet: FleetId,
			items: BoundedVec<PublishItem, T::MaxBatchSize>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!items.is_empty(), Error::<T>::EmptyBatch);
			let info = Self::ensure_ksg_authority(&who, fleet)?;
			let published = Self::do_publish_batch(&who, fleet, &info, &items);
			let refused = items.len() as u32 - published;
			// Refused items cost what a refusal costs; the call's base is counted once.
			let actual = T::WeightInfo::publish_shards_batch(
				published,
				Pallet::<T>::batch_shard_count(&items),
			)
			.saturating_add(T::WeightInfo::publish_refused(refused))
			.saturating_sub(T::WeightInfo::publish_refused(0));
			Ok(Some(actual).into())
		}

		/// Invalidates a device epoch (compromise, revocation). If it was the device's current
		/// key and a pending epoch exists, the pending epoch becomes active at once.
		///
		/// - Origin: signed by the fleet's owner.
		///
		/// Emits `EpochInvalidated`, and `EpochActivatedEarly` if a pending epoch took over.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::invalidate_epoch())]
		pub fn invalidate_epoch(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_invalidate(who, fleet, device, epoch)
		}

		/// Removes a device's invalidated epochs whose grace period is over, oldest first.
		/// Anyone may call it; a call that prunes something pays no fee.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits `EpochsPruned`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::prune(T::MaxRetainedEpochs::get()))]
		pub fn prune(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let pruned = Self::do_prune(Some(who), fleet, &device)?;
			ensure!(pruned > 0, Error::<T>::NothingToPrune);
			Ok(PostDispatchInfo {
				actual_weight: Some(T::WeightInfo::prune(pruned)),
				pays_fee: Pays::No,
			})
		}

		/// Records that a device's active one-time key signed `payload_hash`.
		///
		/// Authorised by `signature`, the key's Ed25519 signature over SPEC's signed message
		/// (`"keyshards/v1/sign" || lp(D) || u32be(e) || payload_hash`): submitted as a general
		/// transaction with no signer and no fee. Refused in the pool and on chain unless the
		/// key is active and unused. If a pending epoch exists, it becomes active at once.
		///
		/// - Origin: `Authorized` (by the `AuthorizeCall` transaction extension).
		///
		/// Emits `KeyUsed`, then `EpochInvalidated` (superseded) and `EpochActivatedEarly` if a
		/// pending epoch took over.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::record_use())]
		#[pallet::authorize(Pallet::<T>::authorize_record_use)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_record_use())]
		pub fn record_use(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			payload_hash: PayloadHash,
			signature: Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			Self::do_record_use(fleet, device, epoch, payload_hash, signature)
		}
	}
}
