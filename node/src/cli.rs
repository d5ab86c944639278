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

	/// Serve a piece root of a fleet as a Key Shard Generator: `<fleet>/<piece>=<source>`
	/// (SPEC v2: each holder holds the roots of its pieces). Repeat for every piece and fleet.
	///
	/// `<source>` is either a key file (the 32-byte root as 64 hexadecimal digits, readable by
	/// its owner only: `chmod 600`), read once at start into memory that is zeroized when the
	/// node stops; or an RFC 7512 PKCS#11 URI naming an HMAC key object in a token, which the
	/// node uses without ever reading it:
	/// `pkcs11:token=<label>;object=<label>?module-path=<library>&pin-source=<PIN file>`.
	///
	/// Roots never enter the node's database, the runtime's memory, a log line or an RPC
	/// answer: the off-chain worker gets public piece publications and publication signatures
	/// through host functions. A root that cannot be opened is reported at start and not
	/// served; a root that does not derive the fleet's publication key for its piece publishes
	/// nothing (and is named in the log). The worker submits from the keystore's keys of type
	/// `ksgs` (insert one with `key insert --key-type ksgs --scheme sr25519`) that act for the
	/// fleet's holders (`set_holder_accounts`); each piece from its lowest-numbered local holder
	/// that holds it. Giving a root turns the off-chain worker on and limits the RPC to safe
	/// methods, on any chain (see `--ksg-allow-unsafe-rpc`). A development chain serves its
	/// 2-of-3 demo fleet (id 0, publicly known piece roots) and holds the demo holders' keys
	/// (`//Ferdie`, `//Eve`, `//Dave`) by itself.
	#[arg(long = "ksg-key", value_name = "FLEET/PIECE=SOURCE")]
	pub ksg_keys: Vec<crate::key_source::KsgKeyArg>,

	/// Allow `--rpc-methods unsafe` on a node given KSG roots with `--ksg-key`.
	///
	/// Unsafe methods let whoever reaches the RPC port insert keys into the keystore
	/// (`author_insertKey`: the account the KSG signs with), read and write the node's off-chain
	/// storage (the KSG's bookkeeping), and stop the node from syncing. Without this flag such a
	/// node refuses `unsafe` and turns the default `auto` into `safe`.
	#[arg(long)]
	pub ksg_allow_unsafe_rpc: bool,
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

	/// Import a KSG root from a key file into a PKCS#11 token, as an HMAC key object that is
	/// sensitive, not extractable and may only sign (see `--ksg-key`).
	ImportRoot(ImportRootCmd),

	/// Runtime benchmarks (`benchmark pallet`, `benchmark storage`); needs a build with `--features
	/// runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// `import-root`: a root from a key file into a PKCS#11 token.
#[derive(Debug, clap::Args)]
pub struct ImportRootCmd {
	/// The key file holding the root (64 hexadecimal digits, readable by its owner only).
	/// Destroy it, or keep it offline, once the root is in the token.
	#[arg(long, value_name = "FILE")]
	pub key_file: std::path::PathBuf,

	/// Where to put the root:
	/// `pkcs11:token=<label>;object=<label>?module-path=<library>&pin-source=<PIN file>`.
	#[arg(long, value_name = "URI")]
	pub pkcs11: crate::pkcs11::Pkcs11Uri,
}

impl ImportRootCmd {
	/// Imports the root; the error names the file or the token and object.
	pub fn run(&self) -> Result<(), String> {
		let root = keyshards_primitives::keyfile::read_key_file(&self.key_file)
			.map_err(|error| error.to_string())?;
		crate::pkcs11::import_root(&self.pkcs11, &root).map_err(|error| error.to_string())?;
		println!("imported the root into {} (sensitive, not extractable)", self.pkcs11);
		Ok(())
	}
}
