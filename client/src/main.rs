//! `keyshard-device`: the device side of Keyshards on the command line. The logic is in the
//! `keyshards_client` library; this is argument parsing and output.

use clap::{Args, Parser, Subcommand};
use keyshards_client::{
	device_text, exit_code, fetch_key, fetch_key_at_epoch, parse_device, sign, submit_use,
	verify_record, AcceptedKey, ClientError, DeviceConfig, Endpoints, FleetId, SignatureRecord,
	StateFile,
};
use keyshards_primitives::{keyfile, Epoch, FleetRootKey};
use std::{
	path::{Path, PathBuf},
	process::ExitCode,
	time::Duration,
};

/// The device side of Keyshards: rotating one-time signing keys from the chain.
///
/// A device holds one secret, its master key (`provision` writes it). Everything else it
/// fetches from a Keyshards node over RPC, at the latest finalized block: its current Shard Map
/// and encrypted shards. It decrypts them, reassembles its one-time key, checks it against the
/// public key on chain, and signs one payload with it; the chain records that use and refuses
/// any second one. The secret keys are never printed.
///
/// EXIT STATUS: 0 success; 2 usage; 3 a local file (key, state, record, payload) is unusable;
/// 4 no RPC endpoint answered well; 5 the chain has no such fleet, device, epoch or active key;
/// 6 wrong master key; 10 rollback (an epoch older than one accepted); 11 frozen (the map is
/// invalidated or outside its window); 12 tampered shard; 13 mix-and-match (another device's or
/// epoch's data, or a key that does not match the public key); 14 the key has already signed;
/// 15 a signature record does not verify; 16 the chain refused the transaction; 17 timed out.
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
		default_value = "http://127.0.0.1:9944"
	)]
	rpc: Vec<String>,

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
	#[arg(long, value_name = "ID")]
	device: String,
	/// The device master key file (64 hex digits, mode 600), as `provision` writes it.
	#[arg(long, value_name = "FILE")]
	master_key: PathBuf,
	/// The device's state file: the highest epoch accepted, against rollback. Default: the
	/// master key file's path with `.state.json` appended.
	#[arg(long, value_name = "FILE")]
	state: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Derive a device's master key from its fleet's root key, into a new file (mode 600).
	///
	/// Factory or operator side: needs the fleet root key, which a device never sees. Refuses
	/// to overwrite an existing file.
	Provision {
		/// The fleet root key file (64 hex digits, mode 600).
		#[arg(long, value_name = "FILE")]
		root_key: PathBuf,
		/// The device id (UTF-8 text, or 0x-hex).
		#[arg(long, value_name = "ID")]
		device: String,
		/// Where to write the device master key.
		#[arg(long, value_name = "FILE")]
		out: PathBuf,
	},
	/// Fetch the device's current key at the latest finalized block, check and reconstruct it,
	/// and print its device, epoch, public key and validity window (never the secret).
	///
	/// Refuses an epoch older than one accepted before (rollback), a map that is invalidated or
	/// outside its window at that block (freeze), shards that do not decrypt (tampering, naming
	/// the shard), and data of another device or a key that does not match the public key
	/// (mix-and-match).
	Key {
		#[command(flatten)]
		device: DeviceArgs,
	},
	/// Sign a payload with the current one-time key (SPEC v1) and write a signature record
	/// (JSON: fleet, device, epoch, public key, payload hash, signature).
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
		/// Sign with this epoch's key instead of the current one (no older than the last
		/// accepted epoch); the chain decides whether it may still sign.
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
	/// verify COUNT times through the library, and print the latency's p50, p99 and max.
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

/// The device, its master key and its state file.
fn open_device(args: &DeviceArgs) -> Result<(DeviceConfig, StateFile), ClientError> {
	let device = parse_device(&args.device)?;
	let config = DeviceConfig::with_key_file(args.fleet, device, &args.master_key)?;
	let state_path = args.state.clone().unwrap_or_else(|| {
		let mut path = args.master_key.clone().into_os_string();
		path.push(".state.json");
		path.into()
	});
	let state = StateFile::open(&state_path, args.fleet, &config.device_text())?;
	Ok((config, state))
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
				"state": format!("{:?}", map.state),
				"valid_from": map.valid_from,
				"expires_at": map.expires_at,
				"finalized_block": key.at.number,
				"endpoint": endpoint,
			})
		);
	} else {
		println!(
			"{event}: device {} (fleet {}), epoch {}, public key {}, {:?}, valid from block {} until block {} (exclusive); read at finalized block {} from {endpoint}",
			config.device_text(),
			config.fleet,
			map.epoch,
			map.public_key,
			map.state,
			map.valid_from,
			map.expires_at,
			key.at.number,
		);
	}
}

async fn run(cli: Cli) -> Result<(), ClientError> {
	let endpoints = || Endpoints::new(&cli.rpc, Duration::from_secs(cli.rpc_timeout));
	let fail = |(error, failures): (ClientError, Vec<(String, ClientError)>)| {
		warn_failovers(&failures);
		error
	};
	match &cli.command {
		Command::Provision { root_key, device, out } => {
			let device = parse_device(device)?;
			let root = keyfile::read_key_file(root_key)?;
			let root = FleetRootKey::from_slice(&root[..]).expect("32 bytes; qed");
			let master = root.device_master_key(&device);
			keyfile::write_key_file(out, master.expose_secret())?;
			if cli.json {
				println!("{}", serde_json::json!({ "event": "provisioned", "out": out }));
			} else {
				println!(
					"wrote the master key of device {} to {} (mode 600)",
					device_text(&device),
					out.display()
				);
			}
		}
		Command::Key { device } => {
			let (config, mut state) = open_device(device)?;
			let fetched = fetch_key(&endpoints()?, &config, &mut state).await.map_err(fail)?;
			warn_failovers(&fetched.failures);
			report_key(&config, &fetched.value, &fetched.endpoint, cli.json, "key");
		}
		Command::Sign { device, payload, out, submit, epoch, finality_timeout } => {
			let payload = read_payload(payload)?;
			let (config, mut state) = open_device(device)?;
			let endpoints = endpoints()?;
			let fetched = match epoch {
				None => fetch_key(&endpoints, &config, &mut state).await,
				Some(epoch) => fetch_key_at_epoch(&endpoints, &config, &mut state, *epoch).await,
			}
			.map_err(fail)?;
			warn_failovers(&fetched.failures);
			let record = sign(&config, &fetched.value, &payload);
			match out {
				Some(path) => record.save(path)?,
				None => println!("{}", serde_json::to_string_pretty(&record).expect("serialises")),
			}
			if *submit {
				let used = submit_use(&endpoints, &record, Duration::from_secs(*finality_timeout))
					.await
					.map_err(fail)?;
				warn_failovers(&used.failures);
				if cli.json {
					println!(
						"{}",
						serde_json::json!({ "event": "use_recorded", "epoch": record.epoch, "block": used.value })
					);
				} else {
					eprintln!(
						"use of epoch {}'s key recorded on chain in block {} (finalized)",
						record.epoch, used.value
					);
				}
			}
		}
		Command::Verify { record, payload } => {
			let record = SignatureRecord::load(record)?;
			let payload = read_payload(payload)?;
			let verified = verify_record(&endpoints()?, &record, &payload).await.map_err(fail)?;
			warn_failovers(&verified.failures);
			if cli.json {
				println!(
					"{}",
					serde_json::json!({ "event": "verified", "used_at": verified.value.used_at, "finalized_block": verified.value.at.number })
				);
			} else {
				println!(
					"valid: device {} (fleet {}) epoch {} signed this payload; the chain recorded the use in block {} (read at finalized block {})",
					record.device, record.fleet, record.epoch, verified.value.used_at, verified.value.at.number
				);
			}
		}
		Command::BenchKey { device, count } => {
			let (config, mut state) = open_device(device)?;
			let endpoints = endpoints()?;
			let mut latencies = Vec::with_capacity(*count);
			for _ in 0..*count {
				let start = std::time::Instant::now();
				let fetched = fetch_key(&endpoints, &config, &mut state).await.map_err(fail)?;
				latencies.push(start.elapsed());
				std::hint::black_box(fetched);
			}
			latencies.sort();
			let at = |q: f64| {
				latencies
					[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
			};
			let ms = |d: Duration| d.as_secs_f64() * 1e3;
			println!(
				"{}",
				serde_json::json!({
					"event": "bench_key",
					"count": latencies.len(),
					"p50_ms": ms(at(0.50)),
					"p99_ms": ms(at(0.99)),
					"max_ms": ms(at(1.0)),
				})
			);
		}
		Command::Watch { device, interval } => {
			let (config, mut state) = open_device(device)?;
			watch(&endpoints()?, &config, &mut state, Duration::from_millis(*interval), cli.json)
				.await?;
		}
	}
	Ok(())
}

async fn watch(
	endpoints: &Endpoints,
	config: &DeviceConfig,
	state: &mut StateFile,
	interval: Duration,
	json: bool,
) -> Result<(), ClientError> {
	use tokio::signal::unix::{signal, SignalKind};
	let mut terminate = signal(SignalKind::terminate())
		.map_err(|e| ClientError::Invalid(format!("cannot watch for SIGTERM: {e}")))?;
	let mut interrupt = signal(SignalKind::interrupt())
		.map_err(|e| ClientError::Invalid(format!("cannot watch for SIGINT: {e}")))?;
	let mut current: Option<Epoch> = None;
	let mut last_error: Option<String> = None;
	loop {
		match fetch_key(endpoints, config, state).await {
			Ok(fetched) => {
				warn_failovers(&fetched.failures);
				last_error = None;
				if current != Some(fetched.value.map.epoch) {
					let event = if current.is_none() { "key" } else { "new key" };
					report_key(config, &fetched.value, &fetched.endpoint, json, event);
					current = Some(fetched.value.map.epoch);
				}
			}
			Err((error, failures)) => {
				warn_failovers(&failures);
				let text = error.to_string();
				if last_error.as_ref() != Some(&text) {
					eprintln!(
						"error: {text} (exit status would be {}); still watching",
						error.exit_code()
					);
					last_error = Some(text);
				}
			}
		}
		tokio::select! {
			_ = terminate.recv() => break,
			_ = interrupt.recv() => break,
			_ = tokio::time::sleep(interval) => {},
		}
	}
	if !json {
		eprintln!("stopped");
	}
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let runtime =
		tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::from(exit_code::OK),
		Err(error) => {
			eprintln!("error: {error}");
			ExitCode::from(error.exit_code())
		}
	}
}
