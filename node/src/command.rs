//! Parsing and running the command line.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use keyshards_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Keyshards Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/keyshards/keyshards/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec(4)?),
			id if id.starts_with("local:") => {
				let validators = id["local:".len()..]
					.parse()
					.map_err(|_| format!("`{id}`: expected local:<number of validators>"))?;
				Box::new(chain_spec::local_chain_spec(validators)?)
			}
			path => {
				Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?)
			}
		})
	}
}

/// Whether the command line asks for Substrate's shared trie cache: sets its size
/// (`--trie-cache-size N` or `--trie-cache-size=N`) or asks to warm it up
/// (`--warm-up-trie-cache`, which would walk the whole state for nothing without one).
fn trie_cache_asked(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
	args.into_iter().any(|arg| {
		let flag = arg.as_encoded_bytes().split(|byte| *byte == b'=').next().unwrap_or_default();
		flag == b"--trie-cache-size" || flag == b"--warm-up-trie-cache"
	})
}

/// Parses the command line and runs it.
pub fn run() -> sc_cli::Result<()> {
	let mut cli = Cli::from_args();
	// The node itself (not its subcommands) runs without a shared trie cache unless one is
	// asked for (`--trie-cache-size <bytes>` or `--warm-up-trie-cache`; Substrate's default is
	// 1 GiB). With it, a KSG node at a million devices built a full block in 1.25 s; without
	// it, in 0.87 s, reading ParityDB directly: the block builder spent a tenth of its time
	// merging its local cache into the shared one, and waited on the shared cache's lock,
	// which the off-chain worker's reads hold (docs/benchmarks.md).
	if !trie_cache_asked(std::env::args_os()) {
		cli.run.import_params.trie_cache_size = 0;
	}

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::ImportRoot(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, service::KeyshardsHostFunctions>(
						Some(config.chain_spec),
					),
				// The database weights (`runtime/src/configs/db_weights.rs`), measured on a
				// chain's own state: `scripts/benchmark-db-weights.sh`.
				BenchmarkCmd::Storage(cmd) => {
					let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
					let db = backend.expose_db();
					let storage = backend.expose_storage();
					let shared_trie_cache = backend.expose_shared_trie_cache();
					cmd.run(config, client, db, storage, shared_trie_cache)
				}
				_ => Err(
					"only `benchmark pallet` and `benchmark storage` are supported by this node"
						.into(),
				),
			})
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let params = &cli.keyshards;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config, params)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, params)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}

#[cfg(all(test, unix))]
mod tests {
	use super::trie_cache_asked;
	use std::{ffi::OsString, os::unix::ffi::OsStringExt};

	fn args(line: &str) -> Vec<OsString> {
		line.split(' ').map(OsString::from).collect()
	}

	#[test]
	fn the_trie_cache_stays_off_unless_asked_for() {
		assert!(!trie_cache_asked(args("keyshards-node --dev")));
		assert!(!trie_cache_asked(args("keyshards-node --dev --state-pruning 256")));
		assert!(trie_cache_asked(args("keyshards-node --dev --trie-cache-size 1073741824")));
		assert!(trie_cache_asked(args("keyshards-node --trie-cache-size=0 --dev")));
		assert!(trie_cache_asked(args("keyshards-node --dev --warm-up-trie-cache")));
		assert!(trie_cache_asked(args("keyshards-node --warm-up-trie-cache=blocking")));
		// A base path that is not UTF-8 is no reason to fail.
		let mut odd = args("keyshards-node --dev --base-path");
		odd.push(OsString::from_vec(vec![b'/', b't', 0xff, 0xfe]));
		assert!(!trie_cache_asked(odd));
	}
}
