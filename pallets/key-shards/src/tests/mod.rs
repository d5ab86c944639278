//! Mock-runtime tests. Every test runs through `mock::test`, which checks the pallet's storage
//! invariants (`do_try_state`) when the test is done.

mod devices;
mod fleets;
mod gc;
mod ksg;
mod lifecycle;
mod one_time_use;
mod publish;
mod queries;
