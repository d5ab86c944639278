//! `keyshards-node`: a Keyshards chain node.

// Substrate's service and CLI error types are large; their `Result`s are what the APIs return.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod key_source;
mod pkcs11;
mod rpc;
mod service;

/// jemalloc rather than the C library's allocator, as Polkadot's node (feature `jemalloc`, which
/// the release builds of `scripts/` turn on): a loaded node allocates and frees from many threads
/// at once (block building, the off-chain workers, the import and ParityDB's workers), where
/// glibc's malloc took about 7 % of the node's CPU in a million-device round
/// (`docs/benchmarks.md`, "Scale").
#[cfg(all(target_os = "linux", feature = "jemalloc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> sc_cli::Result<()> {
	command::run()
}
