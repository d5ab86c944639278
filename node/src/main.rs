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

fn main() -> sc_cli::Result<()> {
	command::run()
}
