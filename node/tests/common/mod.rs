//! Shared by the node's long fault runs: what the chain's own events say a round did.

#![allow(dead_code)]

use std::collections::BTreeMap;

use codec::Decode;
use keyshards_primitives::{
	v2::{FleetId, PieceIndex},
	DeviceId, Epoch,
};
use keyshards_runtime::{AccountId, Runtime, RuntimeEvent};
use keyshards_test_utils::Rpc;
use pallet_key_shards::{Event, PublicationOutcome};
use sp_core::H256;

/// The publications, completions and invalidations of one fleet in a range of blocks, from the
/// blocks' `System::Events`.
#[derive(Default, Debug)]
pub struct Tally {
	/// Blocks read.
	pub blocks: u32,
	/// Accepted publications per `(device, epoch, piece)`: each should be 1.
	pub accepted: BTreeMap<(DeviceId, Epoch, PieceIndex), u32>,
	/// Accepted publications per publishing account.
	pub accepted_by: BTreeMap<AccountId, u64>,
	/// Publications refused because the same piece was already in (a second copy, harmless).
	pub duplicates: u64,
	/// Publications that differed from a piece already in (each invalidates its epoch).
	pub conflicts: u64,
	/// Other refusals, with their reason (`Debug`), counted.
	pub refused: BTreeMap<String, u64>,
	/// Each of those refusals: reason, device, epoch, piece.
	pub refused_pieces: Vec<(String, DeviceId, Epoch, PieceIndex)>,
	/// Epochs completed, per `(device, epoch)`.
	pub completed: BTreeMap<(DeviceId, Epoch), u32>,
	/// Epoch invalidations, with their reason (`Debug`), counted.
	pub invalidated: BTreeMap<String, u64>,
}

impl Tally {
	/// `(device, epoch, piece)` accepted more than once.
	pub fn accepted_twice(&self) -> Vec<&(DeviceId, Epoch, PieceIndex)> {
		self.accepted.iter().filter(|(_, n)| **n > 1).map(|(k, _)| k).collect()
	}

	/// Adds what block `number`'s events say about `fleet`.
	pub async fn read_block(&mut self, rpc: &Rpc, fleet: FleetId, number: u32) {
		let hash = rpc
			.request("chain_getBlockHash", vec![number.into()])
			.await
			.unwrap_or_else(|e| panic!("block {number}'s hash: {e}"));
		// `System::Events`: twox128("System") ++ twox128("Events").
		let key = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7";
		let events = rpc
			.request("state_getStorage", vec![key.into(), hash])
			.await
			.unwrap_or_else(|e| panic!("block {number}'s events: {e}"));
		let bytes = hex::decode(events.as_str().unwrap_or("0x").trim_start_matches("0x")).unwrap();
		// No events at all (`null`): an empty list.
		let records: Vec<frame_system::EventRecord<RuntimeEvent, H256>> = if bytes.is_empty() {
			Vec::new()
		} else {
			Decode::decode(&mut &bytes[..]).expect("the block's events decode")
		};
		self.blocks += 1;
		for record in records {
			let RuntimeEvent::KeyShards(event) = record.event else { continue };
			match event {
				Event::<Runtime>::PiecePublished {
					fleet: f,
					device,
					epoch,
					piece,
					outcome,
					publisher,
				} if f == fleet => match outcome {
					PublicationOutcome::Accepted { .. } => {
						*self.accepted.entry((device, epoch, piece)).or_default() += 1;
						*self.accepted_by.entry(publisher).or_default() += 1;
					}
					PublicationOutcome::Duplicate => self.duplicates += 1,
					PublicationOutcome::Conflict => self.conflicts += 1,
					PublicationOutcome::Refused(reason) => {
						*self.refused.entry(format!("{reason:?}")).or_default() += 1;
						self.refused_pieces.push((format!("{reason:?}"), device, epoch, piece));
					}
				},
				Event::<Runtime>::EpochCompleted { fleet: f, device, epoch, .. } if f == fleet => {
					*self.completed.entry((device, epoch)).or_default() += 1
				}
				Event::<Runtime>::EpochInvalidated { fleet: f, reason, .. } if f == fleet => {
					*self.invalidated.entry(format!("{reason:?}")).or_default() += 1
				}
				_ => {}
			}
		}
	}

	/// Adds blocks `from..=to`.
	pub async fn read_blocks(&mut self, rpc: &Rpc, fleet: FleetId, from: u32, to: u32) {
		for number in from..=to {
			self.read_block(rpc, fleet, number).await;
		}
	}

	/// One line for a report.
	pub fn summary(&self) -> String {
		let pieces: u64 = self.accepted.values().map(|n| u64::from(*n)).sum();
		format!(
			"{} blocks: {pieces} publications accepted ({} accepted twice), {} duplicates refused, \
			 {} conflicts, other refusals {:?}, {} epochs completed, invalidations {:?}",
			self.blocks,
			self.accepted_twice().len(),
			self.duplicates,
			self.conflicts,
			self.refused,
			self.completed.len(),
			self.invalidated,
		)
	}
}

/// Every device of `fleet`'s status at block `at`, page by page.
pub async fn statuses(
	rpc: &Rpc,
	fleet: FleetId,
	at: H256,
) -> Vec<pallet_key_shards::DeviceStatus<u32>> {
	let mut all = Vec::new();
	let mut start: Option<DeviceId> = None;
	loop {
		let page: Result<
			Vec<pallet_key_shards::DeviceStatus<u32>>,
			keyshards_primitives::QueryError,
		> = rpc.state_call("KeyShardsApi_device_statuses", (fleet, &start, 1000u32), at).await;
		let page = page.expect("the fleet exists");
		let full = page.len() == 1000;
		start = page.last().map(|last| last.device.clone());
		all.extend(page);
		if !full {
			return all;
		}
	}
}
