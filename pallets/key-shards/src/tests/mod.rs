//! Mock-runtime tests. Every test runs through `mock::test`, which checks the pallet's storage
//! invariants (`do_try_state`) when the test is done.

mod fuzz;
mod operations;
mod threshold;
mod vectors;
mod worker;
