//! Scripted load run (not part of the test suite: `#[ignore]`): how fast the off-chain KSG of
//! a live dev node rotates a large fleet, with nobody else publishing anything.
//!
//! ```sh
//! KEYSHARDS_LOAD_DEVICES=10000 cargo test --workspace --test ksg_load -- --ignored --nocapture
//! # a release node (built by scripts/benchmark-weights.sh), a million devices, a time box:
//! KEYSHARDS_NODE=$CARGO_TARGET_DIR/release/keyshards-node KEYSHARDS_LOAD_DEVICES=1000000 \
//!   KEYSHARDS_LOAD_WINDOW=600 cargo test --workspace --test ksg_load -- --ignored --nocapture
//! ```
//!
//! (`--workspace` reuses the test suite's build: with `-p keyshards-node` cargo resolves features
//! for the node alone and rebuilds much of its dependencies.)
//!
//! With `KEYSHARDS_LOAD_PAUSE=<seconds>` the run pauses that long once the devices are
//! registered, before the hand-over, and prints the node's RPC URL (to measure the device
//! client's `key` at that state size with `scripts/bench-device-key.sh`).
//!
//! With `KEYSHARDS_LOAD_ROTATION=<blocks>` the fleet's rotation period is that long (default
//! 100,000: no rotation during the run) and, once the first round is complete, the run follows
//! the next rotation until every device holds its epoch 1 key, checking that each new window
//! begins where the old one ends; `KEYSHARDS_LOAD_LEAD=<blocks>` sets the fleet's lead time
//! (default 20).
//!
//! With `KEYSHARDS_LOAD_PKCS11=1` the piece roots are in a SoftHSM2 token instead of key files;
//! `KEYSHARDS_NODE` runs another node binary (say a release build) without rebuilding the test;
//! `KEYSHARDS_LOAD_NODE_ARGS` adds node arguments (say `-l runtime::key-shards=debug`).
//!
//! The run writes the three piece roots of a 2-of-3 fleet to key files (or imports them into a
//! fresh SoftHSM2 token), starts `keyshards-node --dev --base-path <tmp> --ksg-key 1/k=<file or
//! URI>` for `k` = 0, 1, 2, creates fleet 1 (owner Alice) whose holders act through accounts
//! the node does not hold (Bob, Charlie, Alice), registers the devices in batches of 512 (at most
//! 256 transactions in the pool at a time), then hands the three holders to the node's dev KSG
//! keys (Ferdie, Eve, Dave) with `set_holder_accounts`. The round is followed in the node's log
//! (its `KSG at block N: … publications` lines, and the blocks it builds); when the KSG has been
//! idle for 10 blocks, every device's epoch 0 is checked through the runtime API. With
//! `KEYSHARDS_LOAD_WINDOW=<seconds>` the run stops after that long instead and reports the rate
//! over the window (for fleets whose round takes longer than one is willing to wait).
//!
//! A second run, `a_ksg_node_killed_mid_round_restarts_and_loses_nothing`, is the large-round
//! crash of `docs/reliability.md`: the same set-up (`KEYSHARDS_CRASH_DEVICES`, default 20,000,
//! an archive node so that every block's events can be read at the end), the node killed with
//! SIGKILL once the KSG has sent about 40% of the round's publications, 0.3 s after the next
//! block is built (so that the worker's run for it is most likely under way, holding its lock
//! with part of its groups submitted), restarted on the same base path, and the round followed
//! to its end. Then the chain's own events for every block of
//! the round are counted: each device's epoch 0 complete and no other epoch opened, each piece
//! accepted exactly once, refused duplicates counted and reported, no conflict, no other
//! refusal, no invalidation (an epoch timing out would be one).
//!
//! ```sh
//! KEYSHARDS_NODE=$CARGO_TARGET_DIR/release/keyshards-node KEYSHARDS_CRASH_DEVICES=100000 \
//!   cargo test --workspace --test ksg_load a_ksg_node_killed -- --ignored --nocapture
//! ```
//!
//! With `KEYSHARDS_LOAD_KEEP=1` the node is stopped at the end and its base path kept (its path
//! printed): a large state to measure the database weights on (`scripts/benchmark-db-weights.sh`).
//!
//! It prints: registration rate; device-epochs landed per second (wall clock, hand-over to the
//! import of the block carrying the last publications); blocks used; block building time
//! (mean, max) during the round; the node's memory (VmRSS, VmHWM); its database size, per
//! device.

mod common;

use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

use keyshards_primitives::{
	v2::{EpochState, PieceRoot, PublicationKey},
	DeviceId,
};
use keyshards_runtime::{KeyShardsCall, RuntimeCall, UncheckedExtrinsic};
use keyshards_test_utils::*;
use sp_keyring::Sr25519Keyring;

const FLEET: u32 = 1;

/// A number from the environment.
fn env_u32(name: &str) -> Option<u32> {
	std::env::var(name).ok().and_then(|n| n.parse().ok())
}

/// Devices with a key, or a complete epoch waiting for its window, at block `at`.
async fn published(rpc: &Rpc, at: sp_core::H256, devices: usize) -> usize {
	served_by(rpc, at, devices).await.0
}

/// [`published`], and the block the last of their first epochs completed in: a first key's
/// window begins the contest period after its completion (no key before it to wait for); an
/// epoch 0 still pending completed within that period, so by block `at`. (Read from the chain,
/// not from the sends: a run that follows the rotation sends epoch 1 pieces before the check
/// that finds every first key in.)
async fn served_by(rpc: &Rpc, at: sp_core::H256, devices: usize) -> (usize, u32) {
	use sp_core::Get;
	let contest: u32 =
		<keyshards_runtime::Runtime as pallet_key_shards::Config>::ContestPeriod::get();
	let at_number = rpc.block_number(at).await.unwrap();
	let (mut count, mut completed_by) = (0, 0);
	for status in common::statuses(rpc, FLEET, at).await {
		let pending_first = status.open.filter(|o| o.epoch == 0 && o.state == EpochState::Pending);
		if status.current.is_some() || pending_first.is_some() {
			count += 1;
		}
		match (status.current, pending_first) {
			(_, Some(_)) => completed_by = at_number,
			(Some(key), None) if key.epoch == 0 => {
				completed_by = completed_by.max(key.since.saturating_sub(contest))
			}
			_ => {}
		}
	}
	assert!(count <= devices);
	(count, completed_by)
}

/// The second of a log line (`YYYY-MM-DD HH:MM:SS …`), counted from an arbitrary origin (the
/// day of the month is enough within a run).
fn seconds(line: &str) -> Option<i64> {
	let stamp = line.get(..19)?;
	let day: i64 = stamp.get(8..10)?.parse().ok()?;
	let h: i64 = stamp.get(11..13)?.parse().ok()?;
	let m: i64 = stamp.get(14..16)?.parse().ok()?;
	let s: i64 = stamp.get(17..19)?.parse().ok()?;
	Some(((day * 24 + h) * 60 + m) * 60 + s)
}

/// What the node's log says about blocks `from..` : per `KSG at block N, fleet 1: X
/// publications` line (N, X), and per built block (number, milliseconds to build it, extrinsics, log second).
struct LogFacts {
	ksg: Vec<(u32, u64)>,
	built: Vec<(u32, u64, u64, i64)>,
	/// Milliseconds each worker run that sent something took (`… in X ms`).
	run_ms: Vec<u64>,
	/// The worker's warnings: keys lapsed, and the fleet's demand near the node's capacity.
	lapse_warnings: usize,
	demand_warnings: usize,
}

impl LogFacts {
	/// One line on the worker's runs and warnings, for blocks `blocks`.
	fn worker_summary(&self, blocks: u32) -> String {
		let mean = self.run_ms.iter().sum::<u64>() as f64 / self.run_ms.len().max(1) as f64;
		format!(
			"worker: {} runs sent something in {blocks} blocks, {mean:.0} ms mean and {} ms max a \
			 run; {} lapse warnings, {} demand warnings in the node's log so far",
			self.run_ms.len(),
			self.run_ms.iter().max().copied().unwrap_or(0),
			self.lapse_warnings,
			self.demand_warnings,
		)
	}
}

fn log_facts(log: &str, from: u32) -> LogFacts {
	let mut facts = LogFacts {
		ksg: Vec::new(),
		built: Vec::new(),
		run_ms: Vec::new(),
		lapse_warnings: 0,
		demand_warnings: 0,
	};
	for line in log.lines() {
		if line.contains("have had no usable key since it expired") {
			facts.lapse_warnings += 1;
		} else if line.contains("over half of the") && line.contains("this node can send") {
			facts.demand_warnings += 1;
		}
		if let Some(rest) = line.split("KSG at block ").nth(1) {
			// "N, fleet F: X publications …", of the load fleet only.
			let mut parts = rest.split(": ");
			let block = parts
				.next()
				.and_then(|b| b.strip_suffix(&format!(", fleet {FLEET}")))
				.and_then(|b| b.parse::<u32>().ok());
			let count =
				parts.next().and_then(|r| r.split(' ').next()).and_then(|c| c.parse::<u64>().ok());
			if let (Some(block), Some(count)) = (block, count) {
				if block >= from {
					facts.ksg.push((block, count));
					let ms =
						rest.trim_end().rsplit(" in ").next().and_then(|m| m.strip_suffix(" ms"));
					if let Some(ms) = ms.and_then(|m| m.trim().parse::<u64>().ok()) {
						facts.run_ms.push(ms);
					}
				}
			}
		} else if let Some(rest) = line.split("Prepared block for proposing at ").nth(1) {
			// "N (X ms) hash: ...; extrinsics_count: E"
			let number = rest.split(' ').next().and_then(|n| n.parse::<u32>().ok());
			let millis = rest
				.split('(')
				.nth(1)
				.and_then(|r| r.split(' ').next())
				.and_then(|m| m.parse::<u64>().ok());
			let extrinsics =
				rest.split("extrinsics_count: ").nth(1).and_then(|e| e.trim().parse::<u64>().ok());
			if let (Some(number), Some(millis), Some(extrinsics), Some(at)) =
				(number, millis, extrinsics, seconds(line))
			{
				if number >= from {
					facts.built.push((number, millis, extrinsics, at));
				}
			}
		}
	}
	facts
}

/// `VmRSS` and `VmHWM` of process `pid`, in MiB.
fn memory(pid: u32) -> (u64, u64) {
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
	let field = |name: &str| {
		status
			.lines()
			.find(|l| l.starts_with(name))
			.and_then(|l| l.split_whitespace().nth(1))
			.and_then(|kb| kb.parse::<u64>().ok())
			.map_or(0, |kb| kb / 1024)
	};
	(field("VmRSS:"), field("VmHWM:"))
}

/// Bytes under `path`.
fn disk_usage(path: &std::path::Path) -> u64 {
	let mut total = 0;
	if let Ok(entries) = std::fs::read_dir(path) {
		for entry in entries.flatten() {
			let meta = entry.metadata().unwrap();
			total += if meta.is_dir() { disk_usage(&entry.path()) } else { meta.len() };
		}
	}
	total
}

/// A dev node serving the three pieces of 2-of-3 fleet 1, with its devices registered and the
/// holders just handed to the node's KSG keys: the fleet's first round has begun.
struct Round {
	_dir: tempfile::TempDir,
	_hsm: Option<SoftHsm>,
	backend: &'static str,
	cli: Vec<String>,
	env: Vec<(String, String)>,
	base: PathBuf,
	node: Node,
	/// The block of the hand-over, and when it was seen.
	start_block: u32,
	start: Instant,
}

/// Waits until the finalized chain has taken the owner's transactions below nonce `target`
/// (`chain_nonce`). Should its nonce stand still for 20 s, sends again the registrations of `sent`
/// (by nonce) from it on: a pool that lost one would otherwise keep every later one waiting for
/// good (a million-device run once stopped so, at nonce 969 with an empty pool, cause not found).
/// A registration still pooled is refused as known, which changes nothing.
async fn land<F, Fut>(rpc: &Rpc, chain_nonce: &F, sent: &[(u32, UncheckedExtrinsic)], target: u32)
where
	F: Fn() -> Fut,
	Fut: std::future::Future<Output = Option<u32>>,
{
	let started = Instant::now();
	let (mut seen, mut since) = (0, Instant::now());
	loop {
		let nonce = chain_nonce().await.unwrap_or(seen);
		if nonce >= target {
			return;
		}
		if nonce != seen {
			(seen, since) = (nonce, Instant::now());
		} else if since.elapsed() > Duration::from_secs(20) {
			let missing: Vec<_> = sent.iter().filter(|(n, _)| (seen..target).contains(n)).collect();
			println!(
				"registrations stalled at nonce {seen} for 20 s; sending the {} from it again",
				missing.len()
			);
			for (_, xt) in missing {
				let _ = rpc.submit(xt).await;
			}
			since = Instant::now();
		}
		assert!(
			started.elapsed() < Duration::from_secs(1800),
			"timed out waiting for registrations to land (nonce {seen} of {target})"
		);
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
}

impl Round {
	/// Starts node `name` (with more `node_args`), creates the fleet, registers `devices`
	/// devices (printing the rate and the database size) and hands the holders over.
	async fn begin(name: &str, devices: usize, node_args: &[&str]) -> Round {
		let roots: [[u8; 32]; 3] = [[0x5a; 32], [0x5b; 32], [0x5c; 32]];
		let dir = tempfile::tempdir().unwrap();
		let (backend, ksg_args, env) = if std::env::var("KEYSHARDS_LOAD_PKCS11").is_ok() {
			let hsm = SoftHsm::new("keyshards-load", "5678");
			let args = (0..3)
				.map(|k| {
					hsm.import(&format!("load-{k}"), &roots[k]);
					format!("{FLEET}/{k}={}", hsm.uri(&format!("load-{k}")))
				})
				.collect::<Vec<_>>();
			let env = vec![("SOFTHSM2_CONF".to_string(), hsm.conf())];
			("SoftHSM2", args, (env, Some(hsm)))
		} else {
			let args = (0..3)
				.map(|k| {
					let key_file = dir.path().join(format!("piece-{k}.key"));
					private_file(&key_file, &hex::encode(roots[k]));
					format!("{FLEET}/{k}={}", key_file.display())
				})
				.collect::<Vec<_>>();
			("key files", args, (Vec::new(), None))
		};
		let (env, hsm) = env;
		let env_refs: Vec<(&str, &str)> =
			env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
		let base = dir.path().join("node");
		let mut cli: Vec<String> = vec!["--base-path".into(), base.display().to_string()];
		cli.extend(["--pool-limit", "4096", "--pool-kbytes", "131072"].map(String::from));
		for arg in &ksg_args {
			cli.extend(["--ksg-key".to_string(), arg.clone()]);
		}
		cli.extend(node_args.iter().map(|a| a.to_string()));
		// More node arguments, say `-l runtime::key-shards=debug`.
		let extra = std::env::var("KEYSHARDS_LOAD_NODE_ARGS").unwrap_or_default();
		cli.extend(extra.split_whitespace().map(String::from));
		let cli_refs: Vec<&str> = cli.iter().map(String::as_str).collect();
		let node = Node::dev_env(name, &cli_refs, &env_refs);
		let rpc = node.rpc();
		wait_for("the node's RPC", Duration::from_secs(180), || async {
			rpc.is_up().await.then_some(())
		})
		.await;
		let genesis = rpc.genesis_hash().await;
		let owner = Sr25519Keyring::Alice;
		let mut nonce = rpc.next_nonce(&owner.to_account_id()).await;
		let mut send = |call: RuntimeCall| {
			let xt = signed(owner, call, nonce, genesis);
			nonce += 1;
			(xt, nonce)
		};
		let fleet_devices = || async {
			let head = rpc.finalized_head().await.ok()?;
			let fleet: Option<pallet_key_shards::FleetInfo<keyshards_runtime::Runtime>> =
				rpc.state_call("KeyShardsApi_fleet", FLEET, head).await;
			Some(fleet?.devices as usize)
		};
		let chain_nonce = || async {
			let head = rpc.finalized_head().await.ok()?;
			let nonce: u32 =
				rpc.state_call("AccountNonceApi_account_nonce", owner.to_account_id(), head).await;
			Some(nonce)
		};

		// Fleet 1, 2-of-3, its holders acting through accounts the node holds no key of. A long
		// rotation period (unless `KEYSHARDS_LOAD_ROTATION` asks for a rotation): no key of the
		// round expires while the round runs.
		let keys: Vec<PublicationKey> =
			roots.iter().map(|r| PieceRoot::from_slice(r).unwrap().publication_key()).collect();
		let (create, _) = send(RuntimeCall::KeyShards(KeyShardsCall::create_fleet {
			threshold: 2,
			holders: [Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Alice]
				.iter()
				.map(|k| vec![k.to_account_id()].try_into().unwrap())
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
			publication_keys: keys.try_into().unwrap(),
			params: pallet_key_shards::FleetParams {
				rotation_period: env_u32("KEYSHARDS_LOAD_ROTATION").unwrap_or(100_000),
				grace_period: 10,
				lead_time: env_u32("KEYSHARDS_LOAD_LEAD").unwrap_or(20),
			},
		}));
		rpc.submit(&create).await.unwrap();
		let registering = Instant::now();
		let ids: Vec<DeviceId> = (0..devices)
			.map(|i| DeviceId::new(format!("load-device-{i:07}").as_bytes()).unwrap())
			.collect();
		// The registrations sent, by nonce, to send again should the chain's nonce stall.
		let mut sent = Vec::new();
		let mut next = 0;
		for (i, chunk) in ids.chunks(512).enumerate() {
			let (register, after) = send(RuntimeCall::KeyShards(KeyShardsCall::register_devices {
				fleet: FLEET,
				devices: chunk.to_vec().try_into().unwrap(),
			}));
			rpc.submit(&register).await.unwrap();
			sent.push((after - 1, register));
			next = after;
			// At most 256 registrations pooled at a time.
			if i % 256 == 255 {
				land(&rpc, &chain_nonce, &sent, next.saturating_sub(256)).await;
			}
		}
		land(&rpc, &chain_nonce, &sent, next).await;
		wait_for("the devices to be registered", Duration::from_secs(3600), || async {
			(fleet_devices().await? == devices).then_some(())
		})
		.await;
		let registration = registering.elapsed();
		let db_registered = disk_usage(&base);
		println!(
			"registered {devices} devices in {:.1} s: {:.0} devices/s; database {} MiB ({} bytes per device)",
			registration.as_secs_f64(),
			devices as f64 / registration.as_secs_f64(),
			db_registered >> 20,
			db_registered / devices as u64,
		);

		// A pause at the registered state, say to measure the device client against it
		// (`KEYSHARDS_RPC=<url> scripts/bench-device-key.sh`): the fleet's KSG has not begun.
		if let Some(pause) = std::env::var("KEYSHARDS_LOAD_PAUSE").ok().and_then(|p| p.parse().ok())
		{
			println!("pausing {pause} s before the hand-over; the node's RPC is {}", node.url());
			tokio::time::sleep(Duration::from_secs(pause)).await;
		}

		// Hand the holders to the node's KSG keys.
		let node_keys = [Sr25519Keyring::Ferdie, Sr25519Keyring::Eve, Sr25519Keyring::Dave];
		for (holder, key) in node_keys.iter().enumerate() {
			let (handover, _) = send(RuntimeCall::KeyShards(KeyShardsCall::set_holder_accounts {
				fleet: FLEET,
				holder: holder as u8,
				accounts: vec![key.to_account_id()].try_into().unwrap(),
			}));
			rpc.submit(&handover).await.unwrap();
		}
		let dave = Sr25519Keyring::Dave.to_account_id();
		let (start_block, start) = wait_for("the hand-over", Duration::from_secs(120), || async {
			let head = rpc.finalized_head().await.ok()?;
			let fleet: Option<pallet_key_shards::FleetInfo<keyshards_runtime::Runtime>> =
				rpc.state_call("KeyShardsApi_fleet", FLEET, head).await;
			(fleet?.holders[2].to_vec() == vec![dave.clone()]).then_some(())?;
			Some((rpc.block_number(head).await.ok()?, Instant::now()))
		})
		.await;
		Round { _dir: dir, _hsm: hsm, backend, cli, env, base, node, start_block, start }
	}

	/// Starts the node again on its base path, with the same arguments, as `name`.
	fn restart(&mut self, name: &str) {
		let cli: Vec<&str> = self.cli.iter().map(String::as_str).collect();
		let env: Vec<(&str, &str)> =
			self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
		self.node = Node::dev_env(name, &cli, &env);
	}
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "load run for docs/benchmarks.md; see the module docs"]
async fn ksg_rotates_a_large_fleet() {
	let env = |name: &str| std::env::var(name).ok().and_then(|n| n.parse::<u64>().ok());
	let devices = env("KEYSHARDS_LOAD_DEVICES").unwrap_or(1_000) as usize;
	let window = env("KEYSHARDS_LOAD_WINDOW").map(Duration::from_secs);
	let load = Round::begin("ksg-load", devices, &[]).await;
	let (node, rpc, start_block, start, base, backend) =
		(&load.node, load.node.rpc(), load.start_block, load.start, &load.base, load.backend);

	// Follow the round in the log, until every device is served (or the window closes).
	let mut peak = (0, 0);
	let (facts, complete) = loop {
		tokio::time::sleep(Duration::from_secs(5)).await;
		let (rss, hwm) = memory(node.pid());
		peak = (peak.0.max(rss), hwm);
		let facts = log_facts(&node.log_text(), start_block);
		let last_sent = facts.ksg.iter().filter(|(_, n)| *n > 0).map(|(b, _)| *b).max();
		let head = facts.built.last().map_or(0, |b| b.0);
		if window.is_some_and(|w| start.elapsed() >= w) {
			break (facts, None);
		}
		// Every publication sent (a round followed by a rotation never idles long), or nothing
		// sent for 10 blocks: check the devices.
		let sent: u64 = facts.ksg.iter().map(|(_, n)| n).sum();
		if last_sent.is_some_and(|last| head >= last + 10 || sent >= 3 * devices as u64) {
			let at = rpc.finalized_head().await.unwrap();
			let (count, completed_by) = served_by(&rpc, at, devices).await;
			if count == devices {
				break (facts, Some((count, completed_by)));
			}
		}
		assert!(start.elapsed() < Duration::from_secs(4 * 3600), "timed out");
	};
	let first = facts.ksg.iter().find(|(_, n)| *n > 0).map_or(start_block, |(b, _)| *b);
	let last = match complete {
		// The round's last pieces landed in the block its last epoch completed in.
		Some((_, completed_by)) => completed_by.saturating_sub(1).max(first),
		None => facts.ksg.iter().filter(|(_, n)| *n > 0).map(|(b, _)| *b).max().unwrap_or(first),
	};
	let sent: u64 = facts.ksg.iter().filter(|(b, _)| *b <= last).map(|(_, n)| n).sum();
	// The publications sent at block `last` land in the next one.
	let at = |block: u32| facts.built.iter().find(|b| b.0 == block).map(|b| b.3);
	let round: Vec<_> = facts.built.iter().filter(|b| b.0 > first && b.0 <= last + 1).collect();
	let build_ms: Vec<u64> = round.iter().map(|b| b.1).collect();
	let mean_ms = build_ms.iter().sum::<u64>() as f64 / build_ms.len().max(1) as f64;
	let handover_at = at(start_block).unwrap_or_default();
	// (When a window closed, the block after the last sent may not be built yet: the last one
	// built then.)
	let end = at(last + 1).or_else(|| facts.built.last().map(|b| b.3)).unwrap_or(handover_at);
	let seconds = (end - handover_at).max(1) as f64;
	let db = disk_usage(base);
	let (rss, hwm) = memory(node.pid());
	match complete {
		Some((count, _)) => println!(
			"KSG load ({backend}, 2-of-3, one node for all holders, {}): {count} of {devices} devices served, \
			 {sent} publications sent; round from block {start_block} (hand-over) to {}: {} blocks, {seconds:.0} s: \
			 {:.0} device-epochs/s",
			node_binary().display(),
			last + 1,
			last + 1 - start_block,
			devices as f64 / seconds,
		),
		None => println!(
			"KSG load ({backend}, 2-of-3, one node for all holders, {}): window of {:?} closed; \
			 {sent} publications sent in blocks {first}..={last} ({} blocks, {seconds:.0} s): \
			 {:.0} device-epochs/s (3 publications each)",
			node_binary().display(),
			window.unwrap(),
			last + 1 - start_block,
			sent as f64 / 3.0 / seconds,
		),
	}
	println!(
		"blocks of the round: {} built, {mean_ms:.0} ms mean and {} ms max to build; node memory \
		 {rss} MiB now, peak RSS seen {} MiB, VmHWM {hwm} MiB; database {} MiB ({} bytes per device)",
		round.len(),
		build_ms.iter().max().copied().unwrap_or(0),
		peak.0,
		db >> 20,
		db / devices as u64,
	);
	println!("{}", facts.worker_summary(last + 1 - start_block));
	if complete.is_some() && std::env::var("KEYSHARDS_LOAD_ROTATION").is_ok() {
		follow_the_rotation(&load, devices, last + 1).await;
	}
	// Keep the node's base path, say to measure the database weights on this state
	// (`scripts/benchmark-db-weights.sh`).
	if std::env::var("KEYSHARDS_LOAD_KEEP").is_ok() {
		let Round { _dir: dir, mut node, .. } = load;
		let _ =
			std::process::Command::new("kill").args(["-TERM", &node.pid().to_string()]).status();
		assert!(node.wait_exit(Duration::from_secs(120)).is_some(), "the node did not stop");
		drop(node);
		println!("base path kept: {}", dir.keep().join("node").display());
	} else {
		drop(load);
	}
}

/// After the first round (`KEYSHARDS_LOAD_ROTATION` set): follows the fleet's next rotation,
/// which the KSG begins `lead_time` blocks before each device's first key expires, until every
/// device holds its epoch 1 key. Checks that no device was left without a usable key (each
/// epoch 1 window begins exactly where epoch 0's ends) and reports the rotation's rate.
async fn follow_the_rotation(load: &Round, devices: usize, first_round_end: u32) {
	let (node, rpc) = (&load.node, load.node.rpc());
	let at = rpc.finalized_head().await.unwrap();
	let ends: std::collections::HashMap<DeviceId, u32> = common::statuses(&rpc, FLEET, at)
		.await
		.into_iter()
		.map(|s| {
			let key = s.current.or(s.open).expect("every device has its first key");
			assert_eq!(key.epoch, 0, "{:?}: only epoch 0 after the first round", s.device);
			(s.device, key.until.expect("epoch 0 is complete"))
		})
		.collect();
	assert_eq!(ends.len(), devices);
	let last_end = *ends.values().max().unwrap();
	let first_end = *ends.values().min().unwrap();
	println!(
		"rotation: first keys expire from block {first_end} to {last_end}; counting the sends \
		 from #{first_round_end}, where the last first key completed"
	);
	let started = Instant::now();
	let mut peak = 0;
	let statuses = loop {
		tokio::time::sleep(Duration::from_secs(10)).await;
		peak = peak.max(memory(node.pid()).0);
		let at = rpc.finalized_head().await.unwrap();
		let head = rpc.block_number(at).await.unwrap();
		assert!(started.elapsed() < Duration::from_secs(4 * 3600), "timed out at #{head}");
		if head <= last_end {
			continue;
		}
		let statuses = common::statuses(&rpc, FLEET, at).await;
		if statuses.iter().all(|s| s.current.is_some_and(|c| c.epoch == 1)) {
			break statuses;
		}
	};
	// Keys kept flowing: each device's epoch 1 window begins where its epoch 0 one ended.
	let gaps: Vec<_> = statuses
		.iter()
		.filter(|s| Some(s.current.unwrap().since) != ends.get(&s.device).copied())
		.map(|s| (s.device.clone(), ends.get(&s.device).copied(), s.current.unwrap().since))
		.collect();
	let facts = log_facts(&node.log_text(), first_round_end);
	let sent: u64 = facts.ksg.iter().map(|(_, n)| n).sum();
	let first = facts.ksg.iter().find(|(_, n)| *n > 0).map_or(0, |(b, _)| *b);
	let last = facts.ksg.iter().filter(|(_, n)| *n > 0).map(|(b, _)| *b).max().unwrap_or(first);
	let when = |block: u32| facts.built.iter().find(|b| b.0 == block).map(|b| b.3);
	let seconds = (when(last + 1).unwrap_or_default() - when(first).unwrap_or_default()).max(1);
	let round: Vec<_> = facts.built.iter().filter(|b| b.0 > first && b.0 <= last + 1).collect();
	let mean_ms = round.iter().map(|b| b.1).sum::<u64>() as f64 / round.len().max(1) as f64;
	let db = disk_usage(&load.base);
	println!(
		"rotation: {} devices at epoch 1, {} with a gap between keys; {sent} publications sent in \
		 blocks {first}..={last} ({} blocks, {seconds} s: {:.0} device-epochs/s, paced by the \
		 expiries); blocks built in {mean_ms:.0} ms mean, {} ms max; node memory peak {peak} MiB; \
		 database {} MiB ({} bytes per device)",
		statuses.len(),
		gaps.len(),
		last + 1 - first,
		devices as f64 / seconds as f64,
		round.iter().map(|b| b.1).max().unwrap_or(0),
		db >> 20,
		db / devices as u64,
	);
	println!("rotation {}", facts.worker_summary(last + 1 - first));
	// How long and from when: the gap of each device, its largest, and the first expiry missed.
	let lengths: Vec<u32> =
		gaps.iter().map(|(_, end, start)| start.saturating_sub(end.unwrap_or(*start))).collect();
	if let (Some(longest), Some(first)) =
		(lengths.iter().max(), gaps.iter().filter_map(|(_, end, _)| *end).min())
	{
		let mean = lengths.iter().map(|l| u64::from(*l)).sum::<u64>() / lengths.len() as u64;
		println!(
			"rotation: {} gaps, {mean} blocks mean, {longest} blocks at most; the first at the key expiring at #{first}",
			gaps.len()
		);
	}
	assert!(
		gaps.is_empty(),
		"keys with a gap (device, epoch 0 end, epoch 1 start): {:?}",
		&gaps[..gaps.len().min(10)]
	);
	assert_eq!(statuses.len(), devices);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "long fault run for docs/reliability.md; see the module docs"]
async fn a_ksg_node_killed_mid_round_restarts_and_loses_nothing() {
	let devices = std::env::var("KEYSHARDS_CRASH_DEVICES")
		.ok()
		.and_then(|n| n.parse::<usize>().ok())
		.unwrap_or(20_000);
	// An archive node: every block's events are read at the end.
	let mut round =
		Round::begin("ksg-crash", devices, &["--state-pruning", "archive-canonical"]).await;
	let start_block = round.start_block;

	// Kill the node (SIGKILL) once its KSG has sent about 40% of the round's publications.
	let target = devices as u64 * 3 * 2 / 5;
	let (sent_before, head_before) = loop {
		tokio::time::sleep(Duration::from_millis(500)).await;
		let facts = log_facts(&round.node.log_text(), start_block);
		let sent: u64 = facts.ksg.iter().map(|(_, n)| n).sum();
		if sent >= target {
			break (sent, facts.built.last().map_or(0, |b| b.0));
		}
		assert!(round.start.elapsed() < Duration::from_secs(3600), "the round did not progress");
	};
	let rpc = round.node.rpc();
	let landed_before = published(&rpc, rpc.finalized_head().await.unwrap(), devices).await;
	// Then just after the next block is built: its worker run (which starts once the block is
	// imported and takes most of a second here) is most likely under way, holding the worker's
	// lock with part of its groups submitted.
	let head_before = loop {
		tokio::time::sleep(Duration::from_millis(20)).await;
		let head = log_facts(&round.node.log_text(), start_block).built.last().map_or(0, |b| b.0);
		if head > head_before {
			break head;
		}
	};
	tokio::time::sleep(Duration::from_millis(300)).await;
	let log_before = round.node.log_text();
	round.node.kill();
	println!(
		"killed the node (SIGKILL) at block #{head_before}, {:.0} s into the round: {sent_before} \
		 publications sent, {landed_before} of {devices} devices served",
		round.start.elapsed().as_secs_f64(),
	);

	// Restart on the same base path: the database opens, the chain continues where it was.
	let restarting = Instant::now();
	round.restart("ksg-crash-restarted");
	let rpc = round.node.rpc();
	let resumed = wait_for("the restarted node to build a block", Duration::from_secs(300), || {
		let rpc = &rpc;
		async move {
			let head = rpc.finalized_number().await?;
			(head > head_before).then_some(head)
		}
	})
	.await;
	let at = rpc.finalized_head().await.unwrap();
	assert!(
		published(&rpc, at, devices).await >= landed_before,
		"a device served before the crash lost its epoch"
	);
	println!(
		"restarted: database opened, block #{resumed} built {:.1} s after the restart",
		restarting.elapsed().as_secs_f64()
	);

	// Follow the round to its end: the KSG idle for 10 blocks and every device served.
	let (facts, end) = loop {
		tokio::time::sleep(Duration::from_secs(2)).await;
		let facts = log_facts(&round.node.log_text(), start_block);
		let last_sent = facts.ksg.iter().filter(|(_, n)| *n > 0).map(|(b, _)| *b).max();
		let head = facts.built.last().map_or(0, |b| b.0);
		// Every publication sent (a round followed by a rotation never idles long), or nothing
		// sent for 10 blocks: check the devices.
		let sent: u64 = facts.ksg.iter().map(|(_, n)| n).sum();
		if last_sent.is_some_and(|last| head >= last + 10 || sent >= 3 * devices as u64) {
			let at = rpc.finalized_head().await.unwrap();
			if published(&rpc, at, devices).await == devices {
				break (facts, rpc.block_number(at).await.unwrap());
			}
		}
		assert!(
			restarting.elapsed() < Duration::from_secs(4 * 3600),
			"the round did not finish after the restart:\n{}",
			round.node.log_tail()
		);
	};
	let sent_after: u64 = facts.ksg.iter().map(|(_, n)| n).sum();
	let first_after = facts.ksg.iter().find(|(_, n)| *n > 0).map(|(b, _)| *b);
	let refused_by_pool = round
		.node
		.log_text()
		.lines()
		.chain(log_before.lines())
		.filter_map(|l| l.split(" in flight, ").nth(1))
		.filter_map(|r| r.split(" left to their primary, ").nth(1))
		.filter_map(|r| r.split(' ').next()?.parse::<u64>().ok())
		.sum::<u64>();
	println!(
		"after the restart: first publications sent at block #{}, {sent_after} sent in all; \
		 round ended at block #{end}, {:.0} s after the restart; {refused_by_pool} transactions \
		 refused by the pool in the whole round",
		first_after.map_or("-".into(), |b| b.to_string()),
		restarting.elapsed().as_secs_f64(),
	);

	// What the chain says, block by block.
	let mut tally = common::Tally::default();
	tally.read_blocks(&rpc, FLEET, start_block, end).await;
	println!("chain events of the round: {}", tally.summary());
	let statuses = common::statuses(&rpc, FLEET, rpc.finalized_head().await.unwrap()).await;
	assert_eq!(statuses.len(), devices);
	for status in &statuses {
		assert!(
			status.current.is_some_and(|c| c.epoch == 0)
				&& status.open.is_none()
				&& status.next_epoch == Some(1),
			"{status:?}: not exactly one epoch (0), complete"
		);
	}
	assert!(tally.accepted_twice().is_empty(), "accepted twice: {:?}", tally.accepted_twice());
	assert_eq!(tally.accepted.len(), devices * 3, "every piece of every device accepted once");
	assert!(tally.accepted.keys().all(|(_, epoch, _)| *epoch == 0), "an epoch other than 0");
	assert_eq!(tally.completed.len(), devices, "every device's epoch 0 completed once");
	assert!(tally.completed.values().all(|n| *n == 1));
	assert_eq!(tally.conflicts, 0, "conflicts");
	assert!(tally.refused.is_empty(), "refusals other than duplicates: {:?}", tally.refused);
	assert!(tally.invalidated.is_empty(), "invalidations: {:?}", tally.invalidated);
	drop(round);
}
