//! Command-line interface: Substrate's standard `run` options and subcommands, plus Keyshards'.

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub keyshards: KeyshardsParams,
}

/// Options of this node beyond Substrate's.
#[derive(Debug, clap::Args)]
pub struct KeyshardsParams {
	/// Block time of a development chain (`--dev`, `--chain dev`, or any chain spec of type
	/// Development), in milliseconds. Such a chain seals a block on this timer and finalises it
	/// at once, so rotations take seconds; other chains run Aura and GRANDPA at the runtime's
	/// 6-second slots.
	#[arg(
		long,
		value_name = "MS",
		default_value_t = 1000,
		value_parser = clap::value_parser!(u64).range(50..=60_000)
	)]
	pub dev_block_time: u64,

	/// Serve a fleet as its Key Shard Generator: `<fleet>=<file>`, the fleet id and a file
	/// holding the fleet's 32-byte root key as 64 hexadecimal digits, readable by its owner only
	/// (`chmod 600`). Repeat for several fleets.
	///
	/// The node keeps the keys in its off-chain local storage, where only the off-chain worker
	/// reads them; the served set is exactly the keys given at each start. The worker signs its
	/// transactions with the node keystore's key of type `ksgs` (insert it with `key insert
	/// --key-type ksgs --scheme sr25519`), which must be one of the fleet's KSG authorities.
	/// Giving a key turns the off-chain worker on. A development chain serves its demo fleet
	/// (id 0, publicly known root key) and holds the demo KSG's key (`//Ferdie`) by itself.
	#[arg(long = "ksg-key", value_name = "FLEET=FILE")]
	pub ksg_keys: Vec<crate::ksg::KsgKeyArg>,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management utilities.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Runtime benchmarks (`benchmark pallet`); needs a build with `--features
	/// runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
