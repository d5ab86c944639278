//! The chain's Aura slot duration, chosen per chain in its genesis (the `development` preset
//! runs one-second slots, `local_testnet` six-second ones) instead of a constant compiled into
//! the runtime: one runtime serves both, and both run Aura + GRANDPA on the same node code path.
//!
//! Aura reads it as `MinimumPeriodTimesTwo` of the timestamp pallet's `MinimumPeriod`, which
//! [`MinimumPeriod`] takes from here.

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;

	/// The slot duration's configuration: nothing beyond `frame_system`.
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Milliseconds per Aura slot (one block per slot), as set at genesis.
	#[pallet::storage]
	pub type SlotDuration<T> = StorageValue<_, u64, ValueQuery, DefaultSlotDuration>;

	/// Six seconds, for a chain whose genesis says nothing.
	#[pallet::type_value]
	pub fn DefaultSlotDuration() -> u64 {
		crate::MILLISECS_PER_BLOCK
	}

	/// The slot duration a chain starts with.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Milliseconds per slot: even, at least 200.
		pub slot_duration: u64,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { slot_duration: DefaultSlotDuration::get(), _config: Default::default() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				self.slot_duration >= 200 && self.slot_duration.is_multiple_of(2),
				"the slot duration is an even number of milliseconds, at least 200"
			);
			SlotDuration::<T>::put(self.slot_duration);
		}
	}
}

/// Half the slot duration: the timestamp pallet's least period between blocks.
pub struct MinimumPeriod;

impl frame_support::traits::Get<u64> for MinimumPeriod {
	fn get() -> u64 {
		SlotDuration::<crate::Runtime>::get() / 2
	}
}
