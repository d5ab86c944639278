//! The pallet's logic, one concern per module; calls in `lib.rs` only check the origin and
//! delegate here.

mod devices;
mod fleets;
mod gc;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod lifecycle;
mod publish;
mod queries;
mod worker;

pub use gc::PRUNE_ON_OPEN;
pub use queries::MAX_STATUS_PAGE;
#[cfg(test)]
pub(crate) use worker::Watched;
