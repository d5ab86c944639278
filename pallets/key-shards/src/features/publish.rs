//! Piece publications (SPEC v2 "On chain"): the group-level checks that fail the call, then each
//! publication judged in order (point and proof checks, which epoch, duplicate or conflict), and
//! the completion of an epoch when its last piece comes in.

use crate::{
	curve_host::{chain_check_publications, chain_sum},
	*,
};
use alloc::{collections::BTreeSet, vec::Vec};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use keyshards_primitives::{
	v2::{
		check_group_signature, curve::PointFault, digest_of, proof_to_check, Completion, Context,
		EpochRecord, InvalidationReason, PiecePublication, ProofToCheck, PublicationFault,
		PublicationSignature, StoredPiece,
	},
	DeviceId, PublicKey,
};
use sp_runtime::{traits::Zero, Saturating};

/// Ed25519 as the chain verifies it: `sp_io::crypto::ed25519_verify` (ZIP-215).
pub(crate) fn chain_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
	sp_io::crypto::ed25519_verify(
		&sp_core::ed25519::Signature::from_raw(*signature),
		message,
		&sp_core::ed25519::Public::from_raw(*public_key),
	)
}

/// What a `publish_pieces` call did that its actual weight counts.
#[derive(Default)]
pub(crate) struct Counts {
	/// Epochs opened (each wrote the device's open slot).
	pub opened: u32,
	/// Epochs completed (each summed its public pieces).
	pub completed: u32,
	/// Epoch records the openings pruned.
	pub pruned: u32,
	/// Whether the checks ran one by one (a batch failed: a proof does not verify, or a point of
	/// a large group has a torsion component).
	pub one_by_one: bool,
	/// Publications whose device's epoch an earlier call opened in this block (see
	/// [`Pallet::warm_refund`]).
	pub warm: u32,
	/// Completions among them.
	pub warm_completed: u32,
	/// Conflicts recorded (each invalidated its epoch).
	pub conflicts: u32,
}

impl<T: Config> Pallet<T> {
	/// `ctx = G || u32be(f)`, `G` this chain's block 0 hash.
	pub fn context(fleet: FleetId) -> Context {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let mut bytes = [0u8; 32];
		let hash = genesis.as_ref();
		let len = hash.len().min(32);
		bytes[..len].copy_from_slice(&hash[..len]);
		Context::new(&bytes, fleet)
	}

	/// The weight `publish_pieces` declares for `publications` publications of a fleet of
	/// `pieces` pieces (the call's `piece_count`, which must be the fleet's `p`): their checks
	/// (all benchmarked), the proofs verified one by one should the batch fail, and for each the
	/// most a publication's outcome can add. With `p` of 2 or more, a publication opens an epoch
	/// (its first piece: an opening, and the pruning it may do, at most [`PRUNE_ON_OPEN`] epochs
	/// from the collector's benchmark), completes one (its last piece), records a conflict (a
	/// piece already there, so not an opening: [`Self::conflict_weight`], a completion's weight
	/// and one write), or none of these; never two. With `p` 1 it opens and completes.
	pub fn publish_pieces_weight(publications: u32, pieces: u32) -> Weight {
		let opening =
			T::WeightInfo::open_epoch().saturating_add(Self::pruning_weight(PRUNE_ON_OPEN));
		let closing = Self::conflict_weight(pieces, 1);
		let each = if pieces <= 1 { opening.saturating_add(closing) } else { opening.max(closing) };
		T::WeightInfo::publish_pieces(publications, pieces)
			.saturating_add(each.saturating_mul(publications.into()))
			.saturating_add(T::WeightInfo::check_publications_one_by_one(publications))
	}

	/// What `publish_pieces` costs for `publications` publications of a fleet of `pieces` pieces
	/// of which `opened` opened an epoch and `completed` completed one, and whose openings pruned
	/// `pruned` epochs (the proofs batched).
	pub fn publish_pieces_actual_weight(
		publications: u32,
		pieces: u32,
		opened: u32,
		completed: u32,
		pruned: u32,
	) -> Weight {
		T::WeightInfo::publish_pieces(publications, pieces)
			.saturating_add(T::WeightInfo::open_epoch().saturating_mul(opened.into()))
			.saturating_add(T::WeightInfo::complete_epoch(pieces).saturating_mul(completed.into()))
			.saturating_add(Self::pruning_weight(pruned))
	}

	/// What `warm` publications, `warm_completed` of which completed their epoch, were charged
	/// for database work they did not do. A publication is warm when its device's epoch was
	/// opened earlier in the same block (by another group's publication: a node sends the groups
	/// of a round in one block). The call charges every publication a read of the device record,
	/// a read of the epoch record and a write of it, and a completion a write of the device
	/// record. For a warm one, the records are among the block's changes (the opening wrote
	/// both): it reads them there, not from the database, and its writes replace changes the
	/// block already makes. A database weight counts a key read from, or written to, the
	/// database once a block, so those two reads and that write, and the completion's device
	/// record write, are returned. A warm publication that is refused reads less and writes
	/// nothing: it was charged the same, and is refunded the same. The declared weight does not
	/// know it; the actual weight does (`publish_pieces`), and so does the KSG's plan
	/// ([`Pallet::ksg_group_charge`]).
	pub fn warm_refund(warm: u32, warm_completed: u32) -> Weight {
		T::DbWeight::get().reads_writes(
			2 * u64::from(warm),
			u64::from(warm).saturating_add(warm_completed.into()),
		)
	}

	/// What `conflicts` recorded conflicts cost beyond their publications' checks: each writes
	/// the conflict record, and the device record with its due-index move as a completion does,
	/// so a conflict is charged a completion's weight (whose summing of the pieces it does not
	/// do) and one write more. A conflicting publication neither opens nor completes an epoch;
	/// the declared weight counts it as one of the three ([`Self::publish_pieces_weight`]).
	pub fn conflict_weight(pieces: u32, conflicts: u32) -> Weight {
		T::WeightInfo::complete_epoch(pieces)
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_mul(conflicts.into())
	}

	/// What removing `epochs` epoch records of devices already read costs: the per-epoch part
	/// of the collector's benchmarked visit.
	pub fn pruning_weight(epochs: u32) -> Weight {
		T::WeightInfo::gc_visit(epochs).saturating_sub(T::WeightInfo::gc_visit(0))
	}

	/// `publish_pieces`: returns the fleet's piece count and what the actual weight counts (the
	/// epochs opened and completed, the conflicts, the epoch records the openings pruned).
	/// `witness` is the call's `piece_count`, which its declared weight was computed for.
	pub(crate) fn do_publish_pieces(
		publisher: T::AccountId,
		fleet: FleetId,
		piece: PieceIndex,
		witness: u16,
		publications: &[PiecePublication],
		signature: &PublicationSignature,
	) -> Result<(u16, Counts), DispatchError> {
		// Group-level checks, in SPEC's order (after the weight's witness): any failure fails
		// the call, changing nothing.
		let info = Self::fleet(fleet)?;
		let piece_count = info.threshold.piece_count();
		ensure!(witness == piece_count, Error::<T>::WrongPieceCount);
		ensure!(!publications.is_empty(), Error::<T>::EmptyBatch);
		ensure!(piece < piece_count, Error::<T>::UnknownPiece);
		ensure!(
			info.holder_of(&publisher).is_some_and(|j| info.threshold.holds(j, piece)),
			Error::<T>::NotPieceHolder
		);
		let mut seen = BTreeSet::new();
		for publication in publications {
			ensure!(seen.insert(&publication.device), Error::<T>::DuplicateDeviceInGroup);
		}
		let ctx = Self::context(fleet);
		let mut devices = Vec::with_capacity(publications.len());
		let mut digests = Vec::with_capacity(publications.len());
		let now = frame_system::Pallet::<T>::block_number();
		let mut counts = Counts::default();
		for publication in publications {
			let record = Devices::<T>::get(fleet, &publication.device)
				.filter(|record| record.registered.is_some())
				.ok_or(Error::<T>::DeviceNotRegistered)?;
			if record.last_opened_at == Some(now) {
				counts.warm += 1;
			}
			let who = ctx.who(piece, &publication.device, record.registration);
			digests.push(digest_of(&who, publication));
			devices.push((record, who));
		}
		let key = &info.publication_keys[piece as usize];
		ensure!(
			check_group_signature(&ctx, piece, &digests, key, signature, chain_verify),
			Error::<T>::BadPublicationSignature
		);

		// Every publication's point check and proof of possession, the proofs in one batch. They
		// depend on no state, so checking them all before judging any changes no outcome.
		let proofs: Vec<ProofToCheck> = publications
			.iter()
			.zip(&devices)
			.map(|(publication, (_, who))| proof_to_check(who, publication))
			.collect();
		let (checks, one_by_one) = chain_check_publications(&proofs);
		counts.one_by_one = one_by_one;

		// Each publication, in order, against the state the previous ones left.
		for ((publication, (record, _)), check) in publications.iter().zip(devices).zip(checks) {
			let outcome = Self::judge(
				fleet,
				&info,
				piece,
				&publisher,
				publication,
				check,
				record,
				now,
				&mut counts,
			);
			Self::deposit_event(Event::PiecePublished {
				fleet,
				device: publication.device.clone(),
				epoch: publication.epoch,
				piece,
				publisher: publisher.clone(),
				outcome,
			});
		}
		Ok((piece_count, counts))
	}

	/// Judges one publication, given its point and proof checks' result, and applies it; returns
	/// its outcome. An opening first prunes the device's oldest expired epochs (counted), so
	/// retention never blocks rotation.
	#[allow(clippy::too_many_arguments)]
	fn judge(
		fleet: FleetId,
		info: &FleetInfo<T>,
		piece: PieceIndex,
		publisher: &T::AccountId,
		publication: &PiecePublication,
		check: Result<(), PublicationFault>,
		stored: DeviceInfoOf<T>,
		now: BlockNumberFor<T>,
		counts: &mut Counts,
	) -> PublicationOutcome {
		use RefusalReason::*;
		if let Err(fault) = check {
			return PublicationOutcome::Refused(match fault {
				PublicationFault::PublicPiece(PointFault::NotCanonical) => PublicPieceNotCanonical,
				PublicationFault::PublicPiece(PointFault::SmallOrder) => PublicPieceSmallOrder,
				PublicationFault::PublicPiece(PointFault::NotTorsionFree) => {
					PublicPieceNotTorsionFree
				}
				PublicationFault::Proof => BadProofOfPossession,
			});
		}
		let device = &publication.device;
		let epoch = publication.epoch;
		let mut record = stored.clone().settled(now, T::IncompleteTimeout::get());
		let piece_count = info.threshold.piece_count();

		let mut epoch_record = match record.open {
			Some(open) if open.epoch != epoch => {
				return PublicationOutcome::Refused(AnotherEpochOpen)
			}
			Some(_) => match Epochs::<T>::get((fleet, device, epoch)) {
				Some(epoch_record) => epoch_record,
				// Unreachable while the invariants hold.
				None => return PublicationOutcome::Refused(NotNextEpoch),
			},
			None => {
				let Some(next) = record.next_epoch() else {
					return PublicationOutcome::Refused(EpochsExhausted);
				};
				if epoch != next {
					return PublicationOutcome::Refused(NotNextEpoch);
				}
				if record.last_opened_at == Some(now) {
					return PublicationOutcome::Refused(OpenedThisBlock);
				}
				if !record.due_at(now, info.params.lead_time) {
					return PublicationOutcome::Refused(NotDue);
				}
				counts.pruned += Self::prune_device(
					fleet,
					device,
					&mut record,
					info.params.grace_period,
					now,
					None,
					PRUNE_ON_OPEN,
				);
				if record.retained() >= u64::from(T::MaxRetainedEpochs::get()) {
					return PublicationOutcome::Refused(RetentionFull);
				}
				record.open = Some(OpenSlot { epoch, opened_at: now, completed: None });
				record.next_epoch = u64::from(epoch) + 1;
				record.last_opened_at = Some(now);
				counts.opened += 1;
				EpochRecord {
					registration: record.registration,
					opened_at: now,
					pieces: BoundedVec::truncate_from(alloc::vec![None; piece_count as usize]),
					completion: None,
					invalidated: None,
					used: None,
				}
			}
		};

		let slot = &mut epoch_record.pieces[piece as usize];
		let outcome = match slot {
			Some(present)
				if present.public_piece == publication.public_piece
					&& present.ciphertext == publication.ciphertext =>
			{
				return PublicationOutcome::Duplicate;
			}
			Some(present) => {
				let conflict = Conflict {
					piece,
					first: (present.public_piece, present.ciphertext, present.publisher.clone()),
					second: (publication.public_piece, publication.ciphertext, publisher.clone()),
					at: now,
				};
				Conflicts::<T>::insert((fleet, device, epoch), conflict);
				counts.conflicts += 1;
				epoch_record.invalidated =
					Some(Invalidation { at: now, reason: InvalidationReason::Conflict });
				record.open = None;
				Self::deposit_event(Event::EpochInvalidated {
					fleet,
					device: device.clone(),
					epoch,
					reason: InvalidationReason::Conflict,
					by: None,
				});
				PublicationOutcome::Conflict
			}
			None => {
				*slot = Some(StoredPiece {
					public_piece: publication.public_piece,
					ciphertext: publication.ciphertext,
					publisher: publisher.clone(),
				});
				let present = epoch_record.pieces_present() as u16;
				if present == piece_count {
					counts.completed += 1;
					if stored.last_opened_at == Some(now) {
						counts.warm_completed += 1;
					}
					Self::complete(fleet, info, device, epoch, &mut epoch_record, &mut record, now);
				}
				PublicationOutcome::Accepted { present }
			}
		};
		Epochs::<T>::insert((fleet, device, epoch), epoch_record);
		// A piece that neither opens nor completes the epoch leaves the device record as it was.
		if record != stored {
			Self::put_device(fleet, device, Some(&stored), record);
		}
		outcome
	}

	/// Every piece is in: `P` is the sum of the public pieces; the window begins after the
	/// contest period and when the current key stops being usable.
	pub(crate) fn complete(
		fleet: FleetId,
		info: &FleetInfo<T>,
		device: &DeviceId,
		epoch: keyshards_primitives::Epoch,
		epoch_record: &mut EpochRecordOf<T>,
		record: &mut DeviceInfoOf<T>,
		now: BlockNumberFor<T>,
	) {
		// Stored pieces passed the point checks, so they decompress; a missing one would make the
		// sum wrong, so it counts as the identity case (never reached).
		let points: Option<Vec<[u8; 32]>> = epoch_record
			.pieces
			.iter()
			.map(|piece| piece.as_ref().map(|p| p.public_piece.0))
			.collect();
		let Some(public_key) = points.and_then(|points| chain_sum(&points)).map(PublicKey) else {
			epoch_record.invalidated =
				Some(Invalidation { at: now, reason: InvalidationReason::IdentityKey });
			record.open = None;
			Self::deposit_event(Event::EpochInvalidated {
				fleet,
				device: device.clone(),
				epoch,
				reason: InvalidationReason::IdentityKey,
				by: None,
			});
			return;
		};
		let current_ends = record.usable(now).map_or(now, |slot| slot.usable_until());
		let valid_from = now.saturating_add(T::ContestPeriod::get()).max(current_ends);
		let valid_to = valid_from.saturating_add(info.params.rotation_period);
		epoch_record.completion = Some(Completion { at: now, public_key, valid_from, valid_to });
		if let Some(open) = record.open.as_mut() {
			open.completed = Some((now, Slot { epoch, valid_from, valid_to, ended: None }));
		}
		Self::deposit_event(Event::EpochCompleted {
			fleet,
			device: device.clone(),
			epoch,
			public_key,
			valid_from,
			valid_to,
		});
	}
}
