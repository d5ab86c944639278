//! `scripts/local-testnet.sh`: four validators on loopback produce blocks with Aura and finalise
//! them with GRANDPA, and the 2-of-3 demo fleet's three holders run the KSG on three
//! non-validating full nodes, each with only its own pieces' roots. Keys rotate; with one
//! holder's node stopped they still rotate (the other holders of its pieces publish them after
//! the backup delay); with two stopped, no epoch completes and devices keep their current key
//! until it expires; a validator down does not stop finality, and restarted on its base path it
//! catches up and votes again (finality continues with another validator down); a holder's KSG
//! node killed and restarted on its base path keeps publishing without a conflict; stopping the
//! script stops every node.

mod common;

use std::{
	process::Command,
	time::{Duration, Instant},
};

use keyshards_primitives::{dev, v2::EpochState, QueryError};
use keyshards_test_utils::{demo, *};
use pallet_key_shards::DeviceStatus;

/// Sends `signal` to `pid`.
fn signal(pid: u32, signal: &str) {
	let _ = Command::new("kill").args([signal, &pid.to_string()]).status();
}

/// Waits until every demo device has an active epoch of at least `epoch` (each bundle
/// reconstructed with the demo roots' device keys); returns the epochs.
async fn rotated_to(
	rpc: &Rpc,
	script: &mut LocalTestnet,
	epoch: u32,
	timeout: Duration,
) -> Vec<u32> {
	let start = Instant::now();
	loop {
		if let Some(status) = script.child.try_wait().unwrap() {
			panic!("the local testnet script exited early ({status}); its output is above");
		}
		if let Some(epochs) = demo::active_epochs(rpc).await {
			if epochs.iter().all(|e| e.is_some_and(|e| e >= epoch)) {
				return epochs.into_iter().map(Option::unwrap).collect();
			}
		}
		assert!(
			start.elapsed() < timeout,
			"demo devices did not reach epoch {epoch} in {timeout:?}; holder logs:\n{}\n{}\n{}",
			script.log("holder0").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
			script.log("holder1").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
			script.log("holder2").lines().rev().take(15).collect::<Vec<_>>().join("\n"),
		);
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_and_three_holders_keep_keys_rotating_with_one_holder_down() {
	let mut script = LocalTestnet::start(4);
	// Alice's node, and the validators' RPCs.
	let nodes: Vec<Rpc> = (0..4).map(|i| Rpc::new(&script.validator_url(i))).collect();
	let alice = &nodes[0];
	wait_for("the validators to finalise block 3", Duration::from_secs(240), || async {
		for node in &nodes {
			node.finalized_number().await.filter(|n| *n >= 3)?;
		}
		Some(())
	})
	.await;

	// All three holders up: every demo device gets keys, each piece from its primary holder.
	let first = rotated_to(alice, &mut script, 0, Duration::from_secs(240)).await;
	for (j, pieces) in [(0, "0/1, 0/2"), (1, "0/0, 0/2"), (2, "0/0, 0/1")] {
		let log = script.log(&format!("holder{j}"));
		assert!(log.contains(&format!("KSG serves fleet/piece {pieces}")), "holder {j}:\n{log}");
		for root in dev::DEV_PIECE_ROOTS {
			assert!(!log.to_lowercase().contains(&hex::encode(root)), "a root in holder {j}'s log");
		}
	}

	// Holder 0 (the primary of pieces 1 and 2) goes down: the pieces' other holders publish
	// them after the backup delay, and keys keep rotating.
	script.kill("holder0");
	let target = first.iter().max().unwrap() + 2;
	let after_one = rotated_to(alice, &mut script, target, Duration::from_secs(300)).await;

	// A validator goes down too: 3 of 4 still finalise.
	script.kill("dave");
	let finalized = alice.finalized_number().await.unwrap();
	wait_for("finality with one validator down", Duration::from_secs(120), || async {
		alice.finalized_number().await.filter(|n| *n >= finalized + 3)
	})
	.await;

	// It restarts on its base path (ParityDB reopens), catches up, and votes again: with
	// another validator (Charlie) down, finality needs Dave's vote, and continues.
	script.restart("dave");
	let dave = &nodes[3];
	wait_for("Dave to catch up", Duration::from_secs(120), || async {
		let target = alice.finalized_number().await?;
		dave.finalized_number().await.filter(|n| *n >= target)
	})
	.await;
	script.kill("charlie");
	let finalized = alice.finalized_number().await.unwrap();
	wait_for("finality with Dave back and Charlie down", Duration::from_secs(120), || async {
		alice.finalized_number().await.filter(|n| *n >= finalized + 3)
	})
	.await;

	// Holder 0's KSG node, killed in its rounds above, restarts on its base path: its
	// bookkeeping (nonces, in-flight notes) recovers, keys keep rotating, and nothing it
	// publishes again is a conflict.
	script.restart("holder0");
	let target = after_one.iter().max().unwrap() + 2;
	let after_restart = rotated_to(alice, &mut script, target, Duration::from_secs(300)).await;
	let head = alice.finalized_head().await.unwrap();
	for (device, highest) in demo::devices().iter().zip(&after_restart) {
		for epoch in 0..=*highest {
			let conflict: Option<pallet_key_shards::Conflict<[u8; 32], u32>> = alice
				.state_call("KeyShardsApi_conflict", (dev::DEMO_FLEET_ID, device, epoch), head)
				.await;
			assert!(conflict.is_none(), "{device:?} epoch {epoch}: a conflict after the restart");
		}
	}
	script.kill("holder0");

	// Holder 1 goes down as well: only holder 2 is left, which lacks piece 2 (T_2 = {2}). No
	// epoch completes; each device keeps its current key until its window ends, and then has
	// none.
	script.kill("holder1");
	let devices = demo::devices();
	// At most the epoch already pending or in flight may still go live.
	let stop_at = after_restart.iter().max().unwrap() + 1;
	let start = Instant::now();
	let mut saw_incomplete = false;
	loop {
		assert!(start.elapsed() < Duration::from_secs(420), "keys did not run out");
		let head = alice.finalized_head().await.unwrap();
		let mut active = 0;
		for device in &devices {
			let bundle: Result<demo::Bundle, QueryError> = alice
				.state_call("KeyShardsApi_active_bundle", (dev::DEMO_FLEET_ID, device), head)
				.await;
			match bundle {
				Ok(bundle) => {
					assert!(bundle.map.epoch <= stop_at, "a key went live without piece 2");
					active += 1;
				}
				Err(QueryError::NoActiveKey) => {}
				Err(error) => panic!("{device:?}: {error:?}"),
			}
			let status: Result<DeviceStatus<u32>, QueryError> = alice
				.state_call("KeyShardsApi_device_status", (dev::DEMO_FLEET_ID, device), head)
				.await;
			if status.unwrap().open.is_some_and(|open| open.state == EpochState::Incomplete) {
				saw_incomplete = true;
			}
		}
		// Every device kept its key until its window ended, and then had none.
		if active == 0 && saw_incomplete {
			break;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}

	// Clean shutdown: SIGTERM the script, which stops its nodes.
	signal(script.child.id(), "-TERM");
	let status = script.child.wait().unwrap();
	assert_eq!(status.code(), Some(143), "the script stops its nodes and exits as SIGTERM asks");
	for node in &nodes[..3] {
		wait_for("the node to stop answering", Duration::from_secs(30), || async {
			(!node.is_up().await).then_some(())
		})
		.await;
	}
}

/// The best block's number on `rpc`.
async fn best_number(rpc: &Rpc) -> u32 {
	let header = rpc.request("chain_getHeader", vec![]).await.unwrap();
	u32::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// The hash `rpc` has for block `number` (on its best chain, which contains its finalized one).
async fn hash_at(rpc: &Rpc, number: u32) -> String {
	rpc.request("chain_getBlockHash", vec![number.into()]).await.unwrap().as_str().unwrap().into()
}

/// Long fault run for `docs/reliability.md` (not in CI):
/// `cargo test -p keyshards-node --test local_testnet two_validators -- --ignored --nocapture`.
/// GRANDPA needs more than 2/3 of the voters: with two of four validators killed, blocks are
/// still produced (Aura, in the live validators' slots) but none is finalised; when one of them
/// restarts on its base path, finality resumes, and every node has the same finalized chain
/// (no fork was finalised).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "long fault run for docs/reliability.md"]
async fn with_two_validators_down_finality_stops_and_resumes_when_one_returns() {
	let mut script = LocalTestnet::start(4);
	let nodes: Vec<Rpc> = (0..4).map(|i| Rpc::new(&script.validator_url(i))).collect();
	let (alice, bob, dave) = (&nodes[0], &nodes[1], &nodes[3]);
	wait_for("the validators to finalise block 3", Duration::from_secs(240), || async {
		for node in &nodes {
			node.finalized_number().await.filter(|n| *n >= 3)?;
		}
		Some(())
	})
	.await;

	script.kill("charlie");
	script.kill("dave");
	// Votes already cast may still finalise a block or two; then finality stops.
	tokio::time::sleep(Duration::from_secs(10)).await;
	let (stalled, best) = (alice.finalized_number().await.unwrap(), best_number(alice).await);
	tokio::time::sleep(Duration::from_secs(45)).await;
	let (still, best_after) = (alice.finalized_number().await.unwrap(), best_number(alice).await);
	println!(
		"two of four down: finalized #{stalled} -> #{still} in 45 s; best #{best} -> #{best_after}"
	);
	assert_eq!(still, stalled, "nothing is finalised without more than 2/3 of the votes");
	assert!(best_after > best, "blocks are still produced");
	assert_eq!(bob.finalized_number().await, Some(stalled));

	// Dave returns on his base path: 3 of 4 vote again, and finality catches up.
	script.restart("dave");
	let resumed = Instant::now();
	let target = best_after;
	wait_for("finality to resume", Duration::from_secs(240), || async {
		alice.finalized_number().await.filter(|n| *n > target)
	})
	.await;
	println!("finality resumed {:.0} s after the restart", resumed.elapsed().as_secs_f64());
	wait_for("Dave to catch up", Duration::from_secs(120), || async {
		dave.finalized_number().await.filter(|n| *n > target)
	})
	.await;
	// One finalized chain: every live node has the same hash at every finalized height.
	let finalized = [alice, bob, dave];
	let mut heights = Vec::new();
	for node in finalized {
		heights.push(node.finalized_number().await.unwrap());
	}
	let common = *heights.iter().min().unwrap();
	for number in 1..=common {
		let expected = hash_at(alice, number).await;
		for node in &finalized[1..] {
			assert_eq!(hash_at(node, number).await, expected, "block #{number} differs");
		}
	}
	println!("alice, bob and dave agree on the {common} finalized blocks");
}

/// Long fault run for `docs/reliability.md` (not in CI):
/// `cargo test -p keyshards-node --test local_testnet holder_with_two -- --ignored --nocapture`
/// (`KEYSHARDS_NODE` may name a release node). Holder 0 of the demo fleet runs a second node
/// (`holder0b`: the same piece roots, another account of the holder, `//Ferdie//stash`). The
/// owner registers `KEYSHARDS_TWO_NODE_DEVICES` (default 1,500) more devices, and once holder 0's
/// first node has begun publishing their first round it is killed (SIGKILL): its other node,
/// and the pieces' other holders after the backup delay, publish every piece, and the devices
/// keep rotating. Brought back on its base path, it publishes nothing a second time: over every
/// block of the run, no piece is accepted twice and no conflict is recorded (refused copies, from
/// the two nodes and the backups racing for the same piece, are counted: `Duplicate` while the
/// epoch is open, `NotNextEpoch` once it has completed and settled).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "long fault run for docs/reliability.md"]
async fn a_holder_with_two_nodes_keeps_publishing_when_one_dies_and_nothing_is_published_twice() {
	use keyshards_primitives::DeviceId;
	use keyshards_runtime::{KeyShardsCall, RuntimeCall};
	use sp_keyring::Sr25519Keyring;

	let added: usize = std::env::var("KEYSHARDS_TWO_NODE_DEVICES")
		.ok()
		.and_then(|n| n.parse().ok())
		.unwrap_or(1_500);
	let fleet = dev::DEMO_FLEET_ID;
	let mut script = LocalTestnet::start(4);
	let alice = Rpc::new(&script.validator_url(0));
	wait_for("the validators to finalise block 3", Duration::from_secs(240), || async {
		alice.finalized_number().await.filter(|n| *n >= 3)
	})
	.await;
	rotated_to(&alice, &mut script, 0, Duration::from_secs(240)).await;

	// Holder 0's second node: its pieces' roots (1 and 2), another account of the holder.
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().join("holder0b");
	std::fs::create_dir_all(&base).unwrap();
	let inserted = Command::new(node_binary())
		.args(["key", "insert", "--chain", "local:4", "--base-path"])
		.arg(&base)
		.args(["--key-type", "ksgs", "--scheme", "sr25519", "--suri", "//Ferdie//stash"])
		.status()
		.unwrap();
	assert!(inserted.success());
	let mut args: Vec<String> =
		["--chain", "local:4", "--name", "holder0b", "--base-path"].map(String::from).to_vec();
	args.push(base.display().to_string());
	args.extend(["--bootnodes".to_string(), script.bootnode()]);
	for k in [1usize, 2] {
		let file = base.join(format!("piece-{k}.key"));
		private_file(&file, &hex::encode(dev::DEV_PIECE_ROOTS[k]));
		args.extend(["--ksg-key".to_string(), format!("{fleet}/{k}={}", file.display())]);
	}
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	let second = Node::spawn("holder0b", &args, &[]);
	let second_rpc = second.rpc();

	// The owner (Alice) adds the account to holder 0, and registers the devices.
	let owner = Sr25519Keyring::Alice;
	let genesis = alice.genesis_hash().await;
	let mut nonce = alice.next_nonce(&owner.to_account_id()).await;
	let mut send = |call: RuntimeCall| {
		let xt = signed(owner, call, nonce, genesis);
		nonce += 1;
		xt
	};
	let (ferdie, stash) =
		(Sr25519Keyring::Ferdie.to_account_id(), Sr25519Keyring::FerdieStash.to_account_id());
	let set = send(RuntimeCall::KeyShards(KeyShardsCall::set_holder_accounts {
		fleet,
		holder: 0,
		accounts: vec![ferdie.clone(), stash.clone()].try_into().unwrap(),
	}));
	alice.submit(&set).await.unwrap();
	wait_for("holder0b to sync", Duration::from_secs(240), || async {
		let target = alice.finalized_number().await?;
		second_rpc.finalized_number().await.filter(|n| *n >= target)
	})
	.await;
	let ids: Vec<DeviceId> =
		(0..added).map(|i| DeviceId::new(format!("two-node-{i:05}").as_bytes()).unwrap()).collect();
	for chunk in ids.chunks(512) {
		let register = send(RuntimeCall::KeyShards(KeyShardsCall::register_devices {
			fleet,
			devices: chunk.to_vec().try_into().unwrap(),
		}));
		alice.submit(&register).await.unwrap();
	}
	let total = added + demo::devices().len();
	let from = wait_for("the registrations", Duration::from_secs(240), || async {
		let head = alice.finalized_head().await.ok()?;
		(common::statuses(&alice, fleet, head).await.len() == total).then_some(())?;
		alice.block_number(head).await.ok()
	})
	.await;

	// Holder 0's first node begins the round, and dies in it.
	let sent = |log: &str, after: u32| -> u64 {
		log.lines()
			.filter_map(|l| l.split("KSG at block ").nth(1))
			.filter_map(|r| {
				let (block, rest) = r.split_once(&format!(", fleet {fleet}: "))?;
				(block.parse::<u32>().ok()? >= after).then_some(())?;
				rest.split(' ').next()?.parse::<u64>().ok()
			})
			.sum()
	};
	wait_for("holder 0's first node to publish", Duration::from_secs(120), || async {
		(sent(&script.log("holder0"), from.saturating_sub(1)) > 0).then_some(())
	})
	.await;
	script.kill("holder0");
	let killed_at = alice.finalized_number().await.unwrap();
	println!(
		"holder0 killed at #{killed_at} after sending {} publications of the round",
		sent(&script.log("holder0"), from.saturating_sub(1))
	);

	// Every device gets its first key and keeps rotating: two more rounds.
	let rounds = |min_epoch: u32| {
		let alice = &alice;
		async move {
			let head = alice.finalized_head().await.ok()?;
			let statuses = common::statuses(alice, fleet, head).await;
			statuses
				.iter()
				.all(|s| s.current.is_some_and(|c| c.epoch >= min_epoch))
				.then(|| statuses.iter().filter_map(|s| s.current.map(|c| c.epoch)).max())
				.flatten()
		}
	};
	wait_for("every device's first key", Duration::from_secs(600), || rounds(0)).await;
	let reached =
		wait_for("two more rounds with holder0 down", Duration::from_secs(600), || rounds(2)).await;

	// Holder 0's first node comes back on its base path; two more rounds.
	script.restart("holder0");
	let restarted_at = alice.finalized_number().await.unwrap();
	wait_for("two more rounds with holder0 back", Duration::from_secs(600), || rounds(reached + 2))
		.await;
	let end = alice.finalized_number().await.unwrap();

	let mut tally = common::Tally::default();
	tally.read_blocks(&alice, fleet, from, end).await;
	let by = |account: &keyshards_runtime::AccountId| tally.accepted_by.get(account).copied();
	println!(
		"blocks #{from}..=#{end} (holder0 down #{killed_at}..#{restarted_at}): {}; accepted from \
		 holder 0's accounts: Ferdie (holder0) {:?}, Ferdie//stash (holder0b) {:?}; from holder 1 \
		 (Eve) {:?}, holder 2 (Dave) {:?}; publications sent by holder0 {}, by holder0b {}, by \
		 holder1 {}, by holder2 {}",
		tally.summary(),
		by(&ferdie),
		by(&stash),
		by(&Sr25519Keyring::Eve.to_account_id()),
		by(&Sr25519Keyring::Dave.to_account_id()),
		sent(&script.log("holder0"), from),
		sent(&second.log_text(), from),
		sent(&script.log("holder1"), from),
		sent(&script.log("holder2"), from),
	);
	assert!(tally.accepted_twice().is_empty(), "accepted twice: {:?}", tally.accepted_twice());
	assert_eq!(tally.conflicts, 0, "a conflict was recorded");
	// Besides duplicates, only late copies: a piece sent again once its epoch was complete and
	// settled (no epoch open, and not the next one) is refused as `NotNextEpoch`. Each must be
	// a copy of a piece the chain accepted.
	for (reason, device, epoch, piece) in &tally.refused_pieces {
		assert_eq!(reason, "NotNextEpoch", "{device:?} epoch {epoch} piece {piece}");
		assert!(
			tally.accepted.contains_key(&(device.clone(), *epoch, *piece)),
			"{device:?} epoch {epoch} piece {piece}: refused, and never accepted"
		);
	}
	assert!(by(&stash).unwrap_or(0) > 0, "holder0b published nothing");
	// Every epoch of the new devices that opened in the run completed (its last may still be
	// completing at the end).
	for id in &ids {
		let pieces = tally.accepted.keys().filter(|(d, _, _)| d == id).count();
		let completed = tally.completed.keys().filter(|(d, _)| d == id).count();
		assert!(completed >= 3 && pieces >= completed * 3, "{id:?}: {completed} epochs");
	}
	drop(second);
}
