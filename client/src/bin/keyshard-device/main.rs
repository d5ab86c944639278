//! `keyshard-device`: the device side of Keyshards on the command line. The logic is in the
//! `keyshards_client` library; this is argument parsing, output, and exit codes.

mod error;
mod exit_code;

use clap::{Args, Parser, Subcommand};
use error::{client_exit_code, Error};
use keyshards_client::{
	assemble, bench_key, device_text, export_facts, export_piece_keys, fetch_key,
	fetch_key_at_epoch, parse_device, provision, sign, submit_use, verify_record, watch,
	AcceptedKey, ClientError, DeviceConfig, Endpoint, Endpoints, FleetId, HolderExport,
	SignatureRecord, StateFile, Trust, TrustAnchor, WatchEvent,
};
use keyshards_primitives::{
	keyfile,
	v2::{PieceIndex, PieceRoot},
	DeviceId, Epoch,
};
use std::{
	path::{Path, PathBuf},
	process::ExitCode,
	time::Duration,
};

/// The device side of Keyshards: rotating one-time signing keys from the chain.
///
/// A device holds one secret, its key file: one device piece key per piece of its fleet's
/// threshold scheme (SPEC v2), assembled from `t` holders' exports (`export`, `assemble`), and
/// one public trust anchor: its chain's genesis hash and GRANDPA authority set (`provision`).
/// Everything else it reads from Keyshards nodes over RPC and proves: a GRANDPA justification of
/// the latest finalized block, read proofs of its fleet, device and epoch records and of the
/// chain's time against that block's state root. It decrypts its pieces, adds up its one-time
/// key, checks it against the public key on chain, and signs one payload with it; the chain
/// records that use and refuses any second one. An endpoint can withhold or delay answers, not
/// change them. The secret keys are never printed.
///
/// EXIT STATUS: 0 success; 2 usage (also a malformed device id or RPC URL, or no trust anchor);
/// 3 a local file (keys, anchor, export, state, record, payload) is unusable; 4 no RPC endpoint
/// answered well; 5 the chain has no such fleet, device, epoch or active key; 10 rollback (an
/// epoch older than one accepted); 11 frozen (the map is not active or outside its window);
/// 12 faulty pieces (each named with its publisher); 13 mix-and-match (another chain's,
/// device's, registration's or epoch's data, or a public key that is not the pieces' sum);
/// 14 the key has already signed; 15 a signature record does not verify; 16 the chain refused
/// the transaction; 17 timed out; 18 a signature failed its own check (nothing released);
/// 19 unproven (a finality or read proof that does not hold); 20 stale (the proven chain is
/// older than --max-age).
#[derive(Parser, Debug)]
#[command(name = "keyshard-device", version)]
struct Cli {
	/// A node's RPC endpoint (http:// or ws://). Repeat to give several: each request goes to
	/// the first that answers and passes every check, the others being tried in order.
	#[arg(
		long = "rpc",
		value_name = "URL",
		global = true,
		env = "KEYSHARDS_RPC",
		value_delimiter = ',',
		default_value = "http://127.0.0.1:9944",
		value_parser = parse_rpc
	)]
	rpc: Vec<String>,

	/// The trust anchor (JSON, as `provision` writes it): the chain's genesis hash and GRANDPA
	/// authority set every answer is proved against. Needed by key, sign, verify, watch and
	/// bench-key.
	#[arg(long, value_name = "FILE", global = true, env = "KEYSHARDS_ANCHOR")]
	anchor: Option<PathBuf>,

	/// Refuse a proven chain whose latest justified block is older than this, by this device's
	/// clock (a valid but old view: freeze).
	#[arg(long, value_name = "SECONDS", global = true, default_value_t = 60)]
	max_age: u64,

	/// INSECURE: believe the endpoints' runtime API answers (`state_call`) instead of proving
	/// finality and state. Any endpoint, or anyone on the path, can then make the device sign
	/// with a revoked or expired key. For chains that cannot prove finality only.
	#[arg(long, global = true, conflicts_with = "anchor")]
	insecure_state_call: bool,

	/// Seconds to wait for one RPC answer.
	#[arg(long, value_name = "SECONDS", global = true, default_value_t = 5)]
	rpc_timeout: u64,

	/// Print JSON (one object per line) instead of text.
	#[arg(long, global = true)]
	json: bool,

	#[command(subcommand)]
	command: Command,
}

/// Which device, and its secret.
#[derive(Args, Debug)]
struct DeviceArgs {
	/// The device's fleet.
	#[arg(long, value_name = "ID", default_value_t = 0)]
	fleet: FleetId,
	/// The device id (UTF-8 text, or 0x-hex), 1 to 64 bytes.
	#[arg(long, value_name = "ID", value_parser = parse_device_arg)]
	device: DeviceId,
	/// The device's key file (JSON, mode 600), as `assemble` writes it.
	#[arg(long, value_name = "FILE")]
	keys: PathBuf,
	/// The device's state file: the highest epoch accepted (against rollback) and the payload
	/// signed. Default: the key file's path with `.state.json` appended.
	#[arg(long, value_name = "FILE")]
	state: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Write the device's trust anchor from a node you trust (the first --rpc): the chain's
	/// genesis hash and its GRANDPA authority set at the latest finalized block, into a new file
	/// (JSON, public). Every later answer is proved against it; nothing is trusted on first
	/// contact. Run once, from a trusted node (or ship the file with the firmware).
	Provision {
		/// Where to write the anchor.
		#[arg(long, value_name = "FILE")]
		out: PathBuf,
	},
	/// Holder side: export the device piece keys of the pieces this holder holds for a list of
	/// devices, into a new file (JSON, mode 600).
	///
	/// Reads the fleet (its publication keys) and each device's current registration from the
	/// chain, and refuses a root that does not derive the fleet's publication key for its
	/// piece. Run by each holder; `assemble` combines the exports of `t` holders.
	Export {
		/// The fleet.
		#[arg(long, value_name = "ID")]
		fleet: FleetId,
		/// A piece root this holder holds: `<piece>=<key file>` (64 hex digits, mode 600).
		/// Repeat for each piece.
		#[arg(long = "root", value_name = "PIECE=FILE", required = true)]
		roots: Vec<String>,
		/// The devices (UTF-8 text or 0x-hex), comma-separated or repeated.
		#[arg(
			long = "device",
			value_name = "ID",
			value_delimiter = ',',
			required = true,
			value_parser = parse_device_arg
		)]
		devices: Vec<DeviceId>,
		/// Where to write the export.
		#[arg(long, value_name = "FILE")]
		out: PathBuf,
	},
	/// Station side: assemble a device's key file from holders' exports (any `t` holders
	/// cover every piece), into a new file (JSON, mode 600).
	///
	/// Fails, naming what is wrong, if a piece is missing, if the exports belong to different
	/// chains or fleets, or give the device another registration than `--registration`. The
	/// station sees the device's keys: it must not be run by a holder.
	Assemble {
		/// A holder's export. Repeat for each holder.
		#[arg(long = "export", value_name = "FILE", required = true)]
		exports: Vec<PathBuf>,
		/// The device id (UTF-8 text, or 0x-hex).
		#[arg(long, value_name = "ID", value_parser = parse_device_arg)]
		device: DeviceId,
		/// The registration the keys must be for (the chain's current one).
		#[arg(long, value_name = "G")]
		registration: Option<u32>,
		/// Where to write the device's key file.
		#[arg(long, value_name = "FILE")]
		out: PathBuf,
	},
	/// Fetch the device's current key at the latest finalized block, check and reconstruct it,
	/// and print its device, epoch, public key and validity window (never the secret).
	///
	/// Refuses an epoch older than one accepted before (rollback), a map that is not active or
	/// outside its window at that block (freeze), faulty pieces (naming each and its
	/// publisher), and data of another chain, device or registration, or a public key that is
	/// not the pieces' sum (mix-and-match).
	Key {
		#[command(flatten)]
		device: DeviceArgs,
	},
	/// Sign a payload with the current one-time key (SPEC v2) and write a signature record
	/// (JSON: fleet, device, registration, epoch, public key, payload hash, signature).
	///
	/// A key signs one payload: the payload's hash is stored in the state file before the
	/// signature is released; signing the same payload again releases the same signature,
	/// another payload is refused (exit status 14).
	///
	/// With --submit, record the use on chain (a transaction authorised by the signature
	/// itself: no account, no fee) and wait until a finalized block holds it. A key signs one
	/// payload only: the chain refuses a second use (exit status 14).
	Sign {
		#[command(flatten)]
		device: DeviceArgs,
		/// The payload file (`-` for standard input).
		payload: PathBuf,
		/// Where to write the signature record (default: standard output).
		#[arg(long, value_name = "FILE")]
		out: Option<PathBuf>,
		/// Record the use on chain and wait for finality.
		#[arg(long)]
		submit: bool,
		/// Sign with this epoch's key instead of the current one, with the same checks (it
		/// must be active in its window at the finalized block, and no older than the last
		/// accepted epoch).
		#[arg(long, value_name = "EPOCH")]
		epoch: Option<Epoch>,
		/// Seconds to wait for the use to be finalized.
		#[arg(long, value_name = "SECONDS", default_value_t = 60)]
		finality_timeout: u64,
	},
	/// Check a signature record against a payload and the chain: the signature is valid, its
	/// public key is the chain's for that device epoch, and the chain's use record of that key
	/// is this payload (a key recorded as signing something else is a failure). Needs no
	/// secret.
	Verify {
		/// The signature record (JSON, as `sign` writes it).
		record: PathBuf,
		/// The payload file (`-` for standard input).
		payload: PathBuf,
	},
	/// Benchmark `key` in-process: fetch at the latest finalized block, check, reconstruct and
	/// verify COUNT times through the library, and print the latency's p50, p99 and max; in
	/// proven mode also the last fetch's proof sizes and check times.
	BenchKey {
		#[command(flatten)]
		device: DeviceArgs,
		/// How many times.
		#[arg(long, default_value_t = 1_000)]
		count: usize,
	},
	/// Follow finalized blocks; whenever the device's current epoch changes, fetch, check and
	/// reconstruct the new key and report it. Stops cleanly on SIGINT or SIGTERM (status 0).
	Watch {
		#[command(flatten)]
		device: DeviceArgs,
		/// Milliseconds between two looks at the finalized head.
		#[arg(long, value_name = "MS", default_value_t = 500)]
		interval: u64,
	},
}

/// `--device`: a device id, or a usage error.
fn parse_device_arg(text: &str) -> Result<DeviceId, String> {
	parse_device(text).map_err(|e| e.to_string())
}

/// `--rpc`: a URL an endpoint can be made of, or a usage error.
fn parse_rpc(url: &str) -> Result<String, String> {
	Endpoint::new(url, Duration::from_secs(1)).map(|_| url.to_string()).map_err(|e| e.to_string())
}

/// How the device reads the chain, from the command line.
fn trust(cli: &Cli) -> Result<Trust, Error> {
	if cli.insecure_state_call {
		eprintln!(
			"warning: --insecure-state-call: the endpoints' answers are believed, not proved; any \
			 endpoint can make this device use a revoked or expired key"
		);
		return Ok(Trust::InsecureStateCall);
	}
	let path = cli.anchor.as_ref().ok_or_else(|| {
		Error::Usage(
			"a trust anchor is needed to prove the chain's answers: --anchor FILE (written by \
			 `keyshard-device provision` from a trusted node)"
				.into(),
		)
	})?;
	Ok(Trust::Proven {
		anchor: TrustAnchor::load(path)?,
		max_age: Duration::from_secs(cli.max_age),
	})
}

fn read_payload(path: &Path) -> Result<Vec<u8>, ClientError> {
	let fail = |e: std::io::Error| ClientError::LocalFile {
		path: path.display().to_string(),
		reason: e.to_string(),
	};
	if path == Path::new("-") {
		let mut payload = Vec::new();
		std::io::Read::read_to_end(&mut std::io::stdin(), &mut payload).map_err(fail)?;
		Ok(payload)
	} else {
		std::fs::read(path).map_err(fail)
	}
}

/// The device, its keys and its state file.
fn open_device(args: &DeviceArgs) -> Result<(DeviceConfig, StateFile), ClientError> {
	let config = DeviceConfig::with_key_file(args.fleet, &args.device, &args.keys)?;
	let state_path = args.state.clone().unwrap_or_else(|| {
		let mut path = args.keys.clone().into_os_string();
		path.push(".state.json");
		path.into()
	});
	let state = StateFile::open(&state_path, config.genesis(), args.fleet, &config.device_text())?;
	Ok((config, state))
}

/// `<piece>=<key file>`.
fn read_root(arg: &str) -> Result<(PieceIndex, PieceRoot), ClientError> {
	let (piece, path) = arg.split_once('=').ok_or_else(|| {
		ClientError::Invalid(format!("--root `{arg}`: expected <piece>=<key file>"))
	})?;
	let piece = piece.trim().parse().map_err(|_| {
		ClientError::Invalid(format!("--root `{arg}`: `{piece}` is not a piece number"))
	})?;
	let root = keyfile::read_key_file(Path::new(path))?;
	Ok((piece, PieceRoot::from_slice(&root[..]).expect("32 bytes; qed")))
}

fn warn_failovers(failures: &[(String, ClientError)]) {
	for (endpoint, error) in failures {
		eprintln!("warning: endpoint {endpoint} left: {error}");
	}
}

fn report_key(config: &DeviceConfig, key: &AcceptedKey, endpoint: &str, json: bool, event: &str) {
	let map = &key.map;
	if json {
		println!(
			"{}",
			serde_json::json!({
				"event": event,
				"fleet": config.fleet,
				"device": config.device_text(),
				"epoch": map.epoch,
				"public_key": map.public_key.to_string(),
				"registration": map.registration,
				"state": format!("{:?}", map.state),
				"valid_from": map.valid_from,
				"valid_to": map.valid_to,
				"publishers": map.publishers.iter().map(|a| format!("0x{}", hex::encode(a))).collect::<Vec<_>>(),
				"finalized_block": key.at.number,
				"proven": key.proofs.is_some(),
				"endpoint": endpoint,
			})
		);
	} else {
		println!(
			"{event}: device {} (fleet {}, registration {}), epoch {}, public key {}, {:?}, valid from block {} until block {} (exclusive), {} pieces; read at finalized block {} ({}) from {endpoint}",
			config.device_text(),
			config.fleet,
			map.registration,
			map.epoch,
			map.public_key,
			map.state,
			map.valid_from,
			map.valid_to,
			map.piece_count,
			key.at.number,
			if key.proofs.is_some() { "proved" } else { "UNPROVEN" },
		);
	}
}

async fn run(cli: Cli) -> Result<(), Error> {
	let endpoints = || Endpoints::new(&cli.rpc, Duration::from_secs(cli.rpc_timeout));
	match &cli.command {
		Command::Provision { out } => {
			let endpoint = endpoints()?;
			let endpoint = endpoint.iter().next().expect("at least one endpoint");
			let anchor = provision(endpoint).await?;
			anchor.save(out)?;
			if cli.json {
				println!(
					"{}",
					serde_json::json!({
						"event": "provisioned",
						"out": out,
						"genesis": format!("0x{}", hex::encode(anchor.genesis)),
						"set_id": anchor.set_id,
						"authorities": anchor.authorities.len(),
						"from": endpoint.url(),
					})
				);
			} else {
				println!(
					"wrote the trust anchor of chain 0x{} (GRANDPA authority set {}, {} authorities) read from {} to {}",
					hex::encode(anchor.genesis),
					anchor.set_id,
					anchor.authorities.len(),
					endpoint.url(),
					out.display()
				);
			}
		}
		Command::Export { fleet, roots, devices, out } => {
			let roots = roots.iter().map(|arg| read_root(arg)).collect::<Result<Vec<_>, _>>()?;
			let facts = export_facts(&endpoints()?, *fleet, devices).await?;
			warn_failovers(&facts.failures);
			let (facts, registrations) = facts.value;
			let export = export_piece_keys(&facts, &roots, &registrations)?;
			export.save(out)?;
			if cli.json {
				println!(
					"{}",
					serde_json::json!({ "event": "exported", "out": out, "pieces": export.pieces(), "devices": devices.len() })
				);
			} else {
				println!(
					"wrote the device keys of pieces {:?} for {} devices to {} (mode 600)",
					export.pieces(),
					devices.len(),
					out.display()
				);
			}
		}
		Command::Assemble { exports, device, registration, out } => {
			let exports = exports
				.iter()
				.map(|path| Ok((path.display().to_string(), HolderExport::load(path)?)))
				.collect::<Result<Vec<_>, ClientError>>()?;
			let keys = assemble(&exports, device, *registration)?;
			keys.save(out)?;
			if cli.json {
				println!(
					"{}",
					serde_json::json!({ "event": "assembled", "out": out, "pieces": keys.piece_keys().len(), "registration": keys.registration })
				);
			} else {
				println!(
					"wrote the {} piece keys of device {} (registration {}) to {} (mode 600)",
					keys.piece_keys().len(),
					device_text(device),
					keys.registration,
					out.display()
				);
			}
		}
		Command::Key { device } => {
			let trust = trust(&cli)?;
			let (config, mut state) = open_device(device)?;
			let fetched = fetch_key(&endpoints()?, &config, &trust, &mut state).await?;
			warn_failovers(&fetched.failures);
			report_key(&config, &fetched.value, &fetched.endpoint, cli.json, "key");
		}
		Command::Sign { device, payload, out, submit, epoch, finality_timeout } => {
			let trust = trust(&cli)?;
			let payload = read_payload(payload)?;
			let (config, mut state) = open_device(device)?;
			let endpoints = endpoints()?;
			let fetched = match epoch {
				None => fetch_key(&endpoints, &config, &trust, &mut state).await,
				Some(epoch) => {
					fetch_key_at_epoch(&endpoints, &config, &trust, &mut state, *epoch).await
				}
			}?;
			warn_failovers(&fetched.failures);
			let record = sign(&config, &fetched.value, &mut state, &payload)?;
			match out {
				Some(path) => record.save(path)?,
				None => println!("{}", serde_json::to_string_pretty(&record).expect("serialises")),
			}
			if *submit {
				let used =
					submit_use(&endpoints, &trust, &record, Duration::from_secs(*finality_timeout))
						.await?;
				warn_failovers(&used.failures);
				if cli.json {
					println!(
						"{}",
						serde_json::json!({ "event": "use_recorded", "epoch": record.epoch, "block": used.value, "endpoint": used.endpoint })
					);
				} else {
					eprintln!(
						"use of epoch {}'s key recorded on chain in block {} (finalized, {})",
						record.epoch,
						used.value,
						if trust.anchor().is_some() { "proved" } else { "UNPROVEN" }
					);
				}
			}
		}
		Command::Verify { record, payload } => {
			let trust = trust(&cli)?;
			let record = SignatureRecord::load(record)?;
			let payload = read_payload(payload)?;
			let verified = verify_record(&endpoints()?, &trust, &record, &payload).await?;
			warn_failovers(&verified.failures);
			if cli.json {
				println!(
					"{}",
					serde_json::json!({ "event": "verified", "used_at": verified.value.used_at, "finalized_block": verified.value.at.number, "proven": trust.anchor().is_some() })
				);
			} else {
				println!(
					"valid: device {} (fleet {}) epoch {} signed this payload; the chain recorded the use in block {} (read at finalized block {}, {})",
					record.device,
					record.fleet,
					record.epoch,
					verified.value.used_at,
					verified.value.at.number,
					if trust.anchor().is_some() { "proved" } else { "UNPROVEN" }
				);
			}
		}
		Command::BenchKey { device, count } => {
			let trust = trust(&cli)?;
			let (config, mut state) = open_device(device)?;
			let latencies = bench_key(&endpoints()?, &config, &trust, &mut state, *count).await?;
			let ms = |d: Duration| d.as_secs_f64() * 1e3;
			println!(
				"{}",
				serde_json::json!({
					"event": "bench_key",
					"count": latencies.sorted.len(),
					"proven": trust.anchor().is_some(),
					"p50_ms": ms(latencies.quantile(0.50)),
					"p99_ms": ms(latencies.quantile(0.99)),
					"max_ms": ms(latencies.quantile(1.0)),
					"proofs": latencies.proofs,
				})
			);
		}
		Command::Watch { device, interval } => {
			let trust = trust(&cli)?;
			let (config, mut state) = open_device(device)?;
			let stop = stop_signal()?;
			let json = cli.json;
			watch(
				&endpoints()?,
				&config,
				&trust,
				&mut state,
				Duration::from_millis(*interval),
				stop,
				|event| match event {
					WatchEvent::Key { key, first } => {
						warn_failovers(&key.failures);
						let event = if first { "key" } else { "new key" };
						report_key(&config, &key.value, &key.endpoint, json, event);
					}
					WatchEvent::Failed(error) => {
						warn_failovers(&error.others);
						eprintln!(
							"error: {error} (exit status would be {}); still watching",
							client_exit_code(&error.error)
						);
					}
				},
			)
			.await;
			if !json {
				eprintln!("stopped");
			}
		}
	}
	Ok(())
}

/// Completes on SIGINT or SIGTERM.
fn stop_signal() -> Result<impl std::future::Future<Output = ()>, Error> {
	use tokio::signal::unix::{signal, SignalKind};
	let mut terminate = signal(SignalKind::terminate())
		.map_err(|e| Error::Usage(format!("cannot watch for SIGTERM: {e}")))?;
	let mut interrupt = signal(SignalKind::interrupt())
		.map_err(|e| Error::Usage(format!("cannot watch for SIGINT: {e}")))?;
	Ok(async move {
		tokio::select! {
			_ = terminate.recv() => {},
			_ = interrupt.recv() => {},
		}
	})
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let runtime =
		tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::from(exit_code::OK),
		Err(error) => {
			if let Error::Failover(failover) = &error {
				warn_failovers(&failover.others);
			}
			eprintln!("error: {error}");
			ExitCode::from(error.exit_code())
		}
	}
}
