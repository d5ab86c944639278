//! # Key Shards pallet
//!
//! The chain's side of Keyshards (SPEC v2, threshold KSG): fleets of devices, and the life of
//! each device's one-time keys, whose pieces the fleet's holders publish.
//!
//! ## Overview
//!
//! - A **fleet** has an owner, `m` ordered **holders** (each with the accounts of its KSG nodes),
//!   a threshold `t`, and one publication key `W_k` per piece, `p = C(m, t-1)` pieces. `m`, `t`,
//!   the holders' order and the `W_k` are fixed at creation; a chain-wide index refuses a `W` it
//!   has seen before. The owner may replace a holder's accounts, change the rotation, grace and
//!   lead periods, and registers **devices**. Records are paid for by deposits held from the
//!   owner.
//! - Holders **publish pieces** ([`Pallet::publish_pieces`]): a group of publications of one
//!   piece with one signature `ω` by `W_k`, sent by an account of a holder of the piece. A
//!   group-level problem fails the call; otherwise each publication is judged in order and its
//!   outcome is an event ([`PublicationOutcome`]): accepted, refused with its reason, duplicate,
//!   or conflict (the epoch is invalidated and both publications are stored in [`Conflicts`]).
//! - **Epochs.** The first accepted publication of an epoch opens it (at most one open epoch per
//!   device: incomplete or pending); when all `p` pieces are in, the chain adds the public pieces
//!   into `P` and fixes the window `[b_from, b_to)` after a contest period `Δ`; an incomplete
//!   epoch times out `N` blocks after it opened. A map is active at `b` iff complete, not
//!   invalidated, not used and `b_from <= b < b_to`; everything is evaluated at the block judged
//!   or read.
//! - **One-time use.** [`Pallet::record_use`] records that a device's active key signed a payload
//!   hash; the chain builds the signed message itself. It is authorised by the signature
//!   (`#[pallet::authorize]`), so a device needs no account and pays no fee.
//! - **Extensions to SPEC:** device registration and deposits, deregistration leaving a
//!   tombstone, the owner's [`Pallet::invalidate_epoch`], [`Pallet::prune`] and `on_idle`
//!   garbage collection of invalidated epochs after the fleet's grace period.
//!
//! Every state change emits an event naming who did what: the audit trail.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod curve_host;
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

pub use features::{MAX_STATUS_PAGE, PRUNE_ON_OPEN};
pub use keyshards_primitives::v2::invalid_use;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

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
	use keyshards_primitives::{
		v2::{PiecePublication, PublicationKey, PublicationSignature, Threshold},
		DeviceId, Epoch, PayloadHash, Signature,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Deposit for a fleet record.
		FleetDeposit,
		/// Deposit for a device record and the epoch records it may keep.
		DeviceDeposit,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reason, which includes this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Deposit held from the owner per fleet.
		#[pallet::constant]
		type FleetDeposit: Get<BalanceOf<Self>>;

		/// Deposit held from the owner per registered device.
		#[pallet::constant]
		type DeviceDeposit: Get<BalanceOf<Self>>;

		/// Most holders a fleet may have (at most 64).
		#[pallet::constant]
		type MaxHolders: Get<u32>;

		/// Most accounts (KSG nodes) one holder may have.
		#[pallet::constant]
		type MaxAccountsPerHolder: Get<u32>;

		/// Most pieces `p = C(m, t-1)` a fleet may have (SPEC allows 256; a chain may set less).
		#[pallet::constant]
		type MaxPieces: Get<u32>;

		/// Most devices a fleet may register.
		#[pallet::constant]
		type MaxDevicesPerFleet: Get<u32>;

		/// Most epoch records a device may keep at once.
		#[pallet::constant]
		type MaxRetainedEpochs: Get<u32>;

		/// Most devices per `register_devices` call.
		#[pallet::constant]
		type MaxBatchSize: Get<u32>;

		/// Most publications in one `publish_pieces` group (SPEC: at most 1024).
		#[pallet::constant]
		type MaxGroupSize: Get<u32>;

		/// Shortest rotation period a fleet may choose.
		#[pallet::constant]
		type MinRotationPeriod: Get<BlockNumberFor<Self>>;

		/// `Δ`: blocks a complete epoch stays pending at least (at least 1), so that a wrong
		/// piece becomes a conflict before it can go live.
		#[pallet::constant]
		type ContestPeriod: Get<BlockNumberFor<Self>>;

		/// `N`: an epoch still incomplete `N` blocks after it opened is invalid.
		#[pallet::constant]
		type IncompleteTimeout: Get<BlockNumberFor<Self>>;

		/// Most devices `on_idle` visits in a block whose normal class is empty (fewer in a
		/// fuller one, down to an eighth of this in a full one).
		#[pallet::constant]
		type MaxGcVisitsPerBlock: Get<u32>;

		/// The crypto of KSG accounts, for the off-chain worker's signed transactions.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// How the off-chain KSG batches and paces its work.
		#[pallet::constant]
		type KsgSettings: Get<ksg::KsgSettings<BlockNumberFor<Self>>>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next fleet gets; ids are never reused. `2^32` once every id is taken.
	#[pallet::storage]
	pub type NextFleetId<T> = StorageValue<_, u64, ValueQuery>;

	/// Fleets by id.
	#[pallet::storage]
	pub type Fleets<T: Config> = StorageMap<_, Twox64Concat, FleetId, FleetInfo<T>>;

	/// Every publication key `W` the chain ever accepted, with the fleet it was accepted for;
	/// kept when the fleet is destroyed, so no `W` is accepted twice.
	#[pallet::storage]
	pub type PublicationKeys<T: Config> = StorageMap<_, Blake2_128Concat, PublicationKey, FleetId>;

	/// Device ids of each fleet: registered devices and tombstones of deregistered ones.
	#[pallet::storage]
	pub type Devices<T: Config> =
		StorageDoubleMap<_, Twox64Concat, FleetId, Blake2_128Concat, DeviceId, DeviceInfoOf<T>>;

	/// Registered devices by the block from which they need their holders' KSGs
	/// ([`DeviceInfo::attention_at`]: when the newest key stops being usable, its registration
	/// if it never had one), in block order within a fleet. A KSG walks a fleet's entries up to
	/// `now + lead_time`, so its work follows the due devices, not the fleet's size. Every write
	/// of a device record keeps its entry in step (one entry per registered device).
	#[pallet::storage]
	pub type DueIndex<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, FleetId>,
			NMapKey<Identity, DueBlock>,
			NMapKey<Blake2_128Concat, DeviceId>,
		),
		(),
	>;

	/// Epoch records (pieces, completion, invalidation, use) by fleet, device and epoch.
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

	/// Recorded conflicts (both publications of the piece), by fleet, device and epoch.
	#[pallet::storage]
	pub type Conflicts<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, FleetId>,
			NMapKey<Blake2_128Concat, DeviceId>,
			NMapKey<Twox64Concat, Epoch>,
		),
		ConflictOf<T>,
	>;

	/// Where `on_idle`'s garbage collector continues (a raw `Devices` key).
	#[pallet::storage]
	pub type GcCursor<T> = StorageValue<_, BoundedVec<u8, MaxCursorLen>>;

	/// Fleets (with their devices) created at genesis, checked as `create_fleet` checks.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The fleets, created in order (ids 0, 1, ...).
		pub fleets: alloc::vec::Vec<GenesisFleet<T::AccountId, BlockNumberFor<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for fleet in &self.fleets {
				let id = NextFleetId::<T>::get() as FleetId;
				let holders = fleet
					.holders
					.iter()
					.map(|accounts| accounts.clone().try_into())
					.collect::<Result<alloc::vec::Vec<_>, _>>()
					.ok()
					.and_then(|holders| holders.try_into().ok())
					.expect("genesis fleet: more holders or holder accounts than the bounds");
				let keys = fleet
					.publication_keys
					.iter()
					.map(|key| PublicationKey(key.0))
					.collect::<alloc::vec::Vec<_>>()
					.try_into()
					.expect("genesis fleet: more publication keys than MaxPieces");
				Pallet::<T>::do_create_fleet(
					fleet.owner.clone(),
					fleet.threshold,
					holders,
					keys,
					fleet.params,
				)
				.expect("genesis fleet: refused (see create_fleet's errors)");
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
		/// The device's bundle (Shard Map and pieces) for its active key, if it has one.
		pub fn current_bundle(
			fleet: FleetId,
			device: DeviceId,
		) -> Result<
			keyshards_primitives::v2::DeviceBundle<T::AccountId, BlockNumberFor<T>>,
			keyshards_primitives::QueryError,
		> {
			Self::active_bundle(fleet, device)
		}

		/// The device's schedule: current and open epochs with their states.
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
			threshold: Threshold,
			params: FleetParams<BlockNumberFor<T>>,
		},
		/// The owner changed the fleet's rotation, grace or lead period.
		FleetParamsChanged { fleet: FleetId, params: FleetParams<BlockNumberFor<T>> },
		/// The owner replaced the accounts acting for a holder.
		HolderAccountsSet { fleet: FleetId, holder: HolderIndex, accounts: HolderAccountsOf<T> },
		/// The owner proposed a new owner (or withdrew a proposal: `proposed` is `None`).
		FleetOwnerProposed { fleet: FleetId, owner: T::AccountId, proposed: Option<T::AccountId> },
		/// The proposed owner accepted; deposits moved with the fleet.
		FleetOwnerChanged { fleet: FleetId, from: T::AccountId, to: T::AccountId },
		/// An empty fleet was destroyed and its deposit released (its `W_k` stay recorded).
		FleetDestroyed { fleet: FleetId, owner: T::AccountId },
		/// A device was registered (`registration` is its `g`).
		DeviceRegistered { fleet: FleetId, device: DeviceId, registration: u32 },
		/// A device was deregistered; its open and active epochs are invalidated.
		DeviceDeregistered { fleet: FleetId, device: DeviceId, registration: u32 },
		/// One publication of a group was judged.
		PiecePublished {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			piece: PieceIndex,
			publisher: T::AccountId,
			outcome: PublicationOutcome,
		},
		/// Every piece of an epoch is in: its public key and window are fixed.
		EpochCompleted {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			public_key: keyshards_primitives::PublicKey,
			valid_from: BlockNumberFor<T>,
			valid_to: BlockNumberFor<T>,
		},
		/// An epoch was invalidated (`by` is the owner for a revocation).
		EpochInvalidated {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			reason: keyshards_primitives::v2::InvalidationReason,
			by: Option<T::AccountId>,
		},
		/// A pending epoch's window was moved earlier because the key before it stopped being
		/// usable (used or revoked).
		EpochActivatedEarly {
			fleet: FleetId,
			device: DeviceId,
			epoch: Epoch,
			valid_from: BlockNumberFor<T>,
			valid_to: BlockNumberFor<T>,
		},
		/// A key signed its one payload.
		KeyUsed { fleet: FleetId, device: DeviceId, epoch: Epoch, payload_hash: PayloadHash },
		/// Invalidated epochs past the grace period were removed (`by` is `None` when the chain
		/// removed them itself: `on_idle`, or the device's next epoch opening).
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
		/// No fleet has this id.
		UnknownFleet,
		/// Every fleet id has been used.
		FleetIdsExhausted,
		/// Only the fleet's owner may do this.
		NotFleetOwner,
		/// Only the proposed owner may accept the fleet.
		NotProposedOwner,
		/// A fleet with registered devices cannot be destroyed.
		FleetNotEmpty,
		/// The fleet has `MaxDevicesPerFleet` devices.
		FleetFull,
		/// The threshold is not `1 <= t <= m` (or `m` is above `MaxHolders`).
		InvalidThreshold,
		/// `C(m, t-1)` is above `MaxPieces`.
		TooManyPieces,
		/// The number of publication keys is not `p = C(m, t-1)`.
		WrongPublicationKeyCount,
		/// A publication key is not a canonical point encoding.
		PublicationKeyNotCanonical,
		/// A publication key is of small order.
		PublicationKeySmallOrder,
		/// A publication key is not torsion-free.
		PublicationKeyNotTorsionFree,
		/// Two publication keys of the fleet are equal.
		RepeatedPublicationKey,
		/// A publication key is already recorded for a fleet (current or destroyed).
		PublicationKeyInUse,
		/// A holder has no account.
		NoHolderAccounts,
		/// An account appears twice, for one holder or for two.
		DuplicateHolderAccount,
		/// No holder has this number.
		UnknownHolder,
		/// The rotation period is below `MinRotationPeriod`.
		RotationPeriodTooShort,
		/// The grace period is longer than the retention bound allows.
		GracePeriodTooLong,
		/// The lead time is not below the rotation period.
		LeadTimeTooLong,
		/// The owner cannot pay the deposit.
		InsufficientBalanceForDeposit,
		/// The device is registered in this fleet already.
		DeviceAlreadyRegistered,
		/// A device appears twice in the batch.
		DuplicateDeviceInBatch,
		/// The batch or group is empty.
		EmptyBatch,
		/// The device id is not known to this fleet.
		UnknownDevice,
		/// The device id's registrations are exhausted (`g` would pass `2^32 - 1`).
		DeviceIdRetired,
		/// The piece number is not below the fleet's `p`.
		UnknownPiece,
		/// The sender is not an account of a holder of the piece.
		NotPieceHolder,
		/// A device appears twice in the group.
		DuplicateDeviceInGroup,
		/// A device of the group is not registered.
		DeviceNotRegistered,
		/// `ω` does not verify under `W_k` over the group's digests.
		BadPublicationSignature,
		/// No such epoch is stored for this device.
		UnknownEpoch,
		/// The epoch is invalidated already.
		AlreadyInvalidated,
		/// The key is not active (incomplete, pending, invalidated or expired).
		KeyNotActive,
		/// The key has already signed its one payload.
		KeyAlreadyUsed,
		/// The signature does not verify under the map's public key.
		BadSignature,
		/// No epoch of the device may be pruned yet.
		NothingToPrune,
		/// `publish_pieces`'s `piece_count` is not the fleet's `p`.
		WrongPieceCount,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::collect_garbage(now, remaining)
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			// Each fleet that submitted something logs its own INFO line (`run_ksg`).
			match Self::run_ksg(now) {
				Ok(report) => log::debug!(target: LOG_TARGET, "KSG at block {now:?}: {report:?}"),
				Err(error) => log::debug!(target: LOG_TARGET, "KSG at block {now:?}: {error:?}"),
			}
		}

		fn integrity_test() {
			assert!(T::MaxRetainedEpochs::get() >= 4, "MaxRetainedEpochs must be at least 4");
			assert!(
				(1..=keyshards_primitives::v2::MAX_HOLDERS as u32).contains(&T::MaxHolders::get()),
				"MaxHolders must be 1 to 64"
			);
			assert!(T::MaxAccountsPerHolder::get() >= 1, "MaxAccountsPerHolder must be at least 1");
			assert!(
				(1..=keyshards_primitives::v2::MAX_PIECES as u32).contains(&T::MaxPieces::get()),
				"MaxPieces must be 1 to 256"
			);
			assert!(T::MaxBatchSize::get() >= 1, "MaxBatchSize must be at least 1");
			// A group waits in the pool up to `blocks_ahead` blocks; it must still count as in
			// flight then, or the worker would send its pieces again.
			let ksg = T::KsgSettings::get();
			assert!(
				ksg.retry_after > BlockNumberFor::<T>::from(ksg.blocks_ahead.saturating_add(1)),
				"KsgSettings::retry_after must exceed blocks_ahead + 1"
			);
			assert!(
				(1..=1024).contains(&T::MaxGroupSize::get()),
				"MaxGroupSize must be 1 to 1024 (SPEC)"
			);
			assert!(
				T::MinRotationPeriod::get() >= 1u32.into(),
				"MinRotationPeriod must be at least one block"
			);
			assert!(T::ContestPeriod::get() >= 1u32.into(), "ContestPeriod (Δ) must be >= 1");
			assert!(T::IncompleteTimeout::get() >= 1u32.into(), "IncompleteTimeout must be >= 1");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a `threshold`-of-`m` fleet owned by the caller.
		///
		/// Origin: signed (the owner; the fleet deposit is held from it).
		///
		/// - `threshold`: `t`, `1 <= t <= m`.
		/// - `holders`: the `m` holders in order (their numbers are their positions), each with
		///   the accounts of its KSG nodes; no account twice.
		/// - `publication_keys`: `W_0 .. W_{p-1}`, `p = C(m, t-1)`, each a canonical,
		///   torsion-free point of large order, no two equal, none recorded before.
		/// - `params`: rotation period, grace period and lead time.
		///
		/// Emits `FleetCreated`.
		///
		/// # Errors
		/// `InvalidThreshold`, `TooManyPieces`, `WrongPublicationKeyCount`,
		/// `PublicationKeyNotCanonical`, `PublicationKeySmallOrder`,
		/// `PublicationKeyNotTorsionFree`, `RepeatedPublicationKey`, `PublicationKeyInUse`,
		/// `NoHolderAccounts`, `DuplicateHolderAccount`, `RotationPeriodTooShort`,
		/// `GracePeriodTooLong`, `LeadTimeTooLong`, `InsufficientBalanceForDeposit`,
		/// `FleetIdsExhausted`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_fleet(publication_keys.len() as u32))]
		pub fn create_fleet(
			origin: OriginFor<T>,
			threshold: u8,
			holders: HoldersOf<T>,
			publication_keys: PublicationKeysOf<T>,
			params: FleetParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_fleet(owner, threshold, holders, publication_keys, params)
		}

		/// Changes the fleet's rotation period, grace period and lead time. Epochs already
		/// complete keep their windows.
		///
		/// Origin: signed, the fleet's owner. Emits `FleetParamsChanged`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `RotationPeriodTooShort`, `GracePeriodTooLong`,
		/// `LeadTimeTooLong`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_fleet_params())]
		pub fn set_fleet_params(
			origin: OriginFor<T>,
			fleet: FleetId,
			params: FleetParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_fleet_params(who, fleet, params)
		}

		/// Replaces the accounts acting for holder number `holder` (one per KSG node). The
		/// holder's number, its pieces and their publication keys do not change.
		///
		/// Origin: signed, the fleet's owner. Emits `HolderAccountsSet`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `UnknownHolder`, `NoHolderAccounts`,
		/// `DuplicateHolderAccount` (also with another holder's accounts).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_holder_accounts(accounts.len() as u32))]
		pub fn set_holder_accounts(
			origin: OriginFor<T>,
			fleet: FleetId,
			holder: HolderIndex,
			accounts: HolderAccountsOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_holder_accounts(who, fleet, holder, accounts)
		}

		/// Proposes `new_owner` as the fleet's owner (`None` withdraws a proposal).
		///
		/// Origin: signed, the fleet's owner. Emits `FleetOwnerProposed`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`.
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

		/// Accepts a proposed ownership; the deposits move to the new owner.
		///
		/// Origin: signed, the proposed owner. Emits `FleetOwnerChanged`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotProposedOwner`, `InsufficientBalanceForDeposit`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::accept_fleet_ownership())]
		pub fn accept_fleet_ownership(origin: OriginFor<T>, fleet: FleetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_fleet_ownership(who, fleet)
		}

		/// Destroys a fleet with no registered device and releases its deposit. Its id and its
		/// publication keys are never used again.
		///
		/// Origin: signed, the fleet's owner. Emits `FleetDestroyed`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `FleetNotEmpty`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::destroy_fleet())]
		pub fn destroy_fleet(origin: OriginFor<T>, fleet: FleetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_destroy_fleet(who, fleet)
		}

		/// Registers one device (a deregistered id comes back with the next registration `g`).
		///
		/// Origin: signed, the fleet's owner (the device deposit is held from it). Emits
		/// `DeviceRegistered`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `FleetFull`, `DeviceAlreadyRegistered`,
		/// `DeviceIdRetired`, `InsufficientBalanceForDeposit`.
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

		/// Registers up to `MaxBatchSize` devices, all or none.
		///
		/// Origin: signed, the fleet's owner. Emits `DeviceRegistered` per device.
		///
		/// # Errors
		/// As `register_device`, and `EmptyBatch`, `DuplicateDeviceInBatch`.
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

		/// Deregisters a device: its open and active epochs are invalidated, its deposit is
		/// released, and its id stays as a tombstone with its registration count and highest
		/// epoch (a re-registered id needs new device keys and never sees an old key).
		///
		/// Origin: signed, the fleet's owner. Emits `EpochInvalidated` per invalidated epoch and
		/// `DeviceDeregistered`.
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `UnknownDevice` (also for a tombstone).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deregister_device())]
		pub fn deregister_device(
			origin: OriginFor<T>,
			fleet: FleetId,
			device: DeviceId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister_device(who, fleet, device)
		}

		/// Publishes a group of publications of piece `piece` (SPEC "On chain").
		///
		/// Origin: signed, an account of a holder of the piece (recorded as the publisher of
		/// each accepted publication).
		///
		/// - `publications`: `(D, e, pt(X_k), C_k, π_k)`, at most `MaxGroupSize`, no `D` twice,
		///   every `D` registered.
		/// - `signature`: `ω` by the piece's publication key over the group's digests (made with
		///   each device's current registration), in the order sent.
		/// - `piece_count`: the fleet's `p`, a witness for the declared weight, which is
		///   computed for it (any other value fails the call; `p` is fixed at the fleet's
		///   creation).
		///
		/// A group-level problem fails the call and changes nothing. Otherwise each publication
		/// is judged in order against the state the previous ones left, and emits
		/// `PiecePublished` with its outcome (accepted, refused with its reason, duplicate,
		/// conflict); a completed epoch emits `EpochCompleted`, a conflict `EpochInvalidated`.
		/// An opening first removes the device's oldest epoch if it has expired (`EpochsPruned`),
		/// so a device at its retention limit is never refused for what the collector has not
		/// reached yet.
		/// The call pays for the checks of every publication, refused ones included, and for
		/// each opening, completion and conflict (declared for `piece_count` pieces and every
		/// publication making the costliest of them it can make, `publish_pieces_weight`;
		/// refunded to those made). The proofs of possession are verified in one batch; only if
		/// a proof does not verify are they verified one by one (to name it), and only then is
		/// that charged. A publication whose device's epoch was opened earlier in the block is
		/// not charged the database reads and write of the records that opening wrote
		/// (`warm_refund`).
		///
		/// # Errors
		/// `UnknownFleet`, `WrongPieceCount`, `EmptyBatch`, `UnknownPiece`, `NotPieceHolder`,
		/// `DuplicateDeviceInGroup`, `DeviceNotRegistered`, `BadPublicationSignature`.
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::publish_pieces_weight(
			publications.len() as u32,
			u32::from(*piece_count).min(T::MaxPieces::get()),
		))]
		pub fn publish_pieces(
			origin: OriginFor<T>,
			fleet: FleetId,
			piece: PieceIndex,
			publications: BoundedVec<PiecePublication, T::MaxGroupSize>,
			signature: PublicationSignature,
			piece_count: u16,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (pieces, counts) =
				Self::do_publish_pieces(who, fleet, piece, piece_count, &publications, &signature)?;
			// Charged for every publication's checks (for the fleet's `p`), the openings, the
			// completions, the conflicts, the epochs the openings pruned, and the points and
			// proofs one by one if a batch failed; not for the database reads and writes of
			// records this block already wrote.
			let c = publications.len() as u32;
			let mut weight = Self::publish_pieces_actual_weight(
				c,
				pieces.into(),
				counts.opened,
				counts.completed,
				counts.pruned,
			)
			.saturating_sub(Self::warm_refund(counts.warm, counts.warm_completed))
			.saturating_add(Self::conflict_weight(pieces.into(), counts.conflicts));
			if counts.one_by_one {
				weight.saturating_accrue(T::WeightInfo::check_publications_one_by_one(c));
			}
			Ok(Some(weight).into())
		}

		/// Revokes an epoch of a device (incomplete, pending, active or used). A revoked current
		/// key is replaced by the pending epoch, if any, at once.
		///
		/// Origin: signed, the fleet's owner. Emits `EpochInvalidated` (and
		/// `EpochActivatedEarly`).
		///
		/// # Errors
		/// `UnknownFleet`, `NotFleetOwner`, `UnknownDevice`, `UnknownEpoch`,
		/// `AlreadyInvalidated`.
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

		/// Removes the device's invalidated epochs past the fleet's grace period. Free when it
		/// removes something.
		///
		/// Origin: signed, anyone. Emits `EpochsPruned`.
		///
		/// # Errors
		/// `UnknownFleet`, `UnknownDevice`, `NothingToPrune`.
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

		/// Records that the device's active key of epoch `epoch` signed the payload whose hash
		/// is `payload_hash`; the chain builds the signed message from the map's `ctx, D, g, e`
		/// and `payload_hash`, and verifies `signature` under the map's `P`.
		///
		/// Origin: authorised by the signature itself (`#[pallet::authorize]`): no account, no
		/// fee. Refusals in the pool use `invalid_use` codes. Emits `KeyUsed` (and, when the
		/// next epoch is pending, `EpochInvalidated` and `EpochActivatedEarly`).
		///
		/// # Errors
		/// `UnknownDevice`, `UnknownEpoch`, `KeyNotActive`, `KeyAlreadyUsed`, `BadSignature`.
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
