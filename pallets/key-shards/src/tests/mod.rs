//! Mock-runtime tests. Every test runs through `mock::test`, which checks the pallet's storage
//! invariants (`do_try_state`) when the test is done.

// WORK IN PROGRESS (threshold branch): the v1 test modules (devices, fleets, gc, ksg,
// lifecycle, one_time_use, publish, queries) are being ported to SPEC v2.
mod threshold;
mod vectors;
mod worker;
