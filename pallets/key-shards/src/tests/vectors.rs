//! `vectors-v2.json` on chain: each negative publication, fleet and use is replayed against the
//! chain state the vector describes, with the vector's own bytes (publications, `ω`, `σ`), and
//! must be refused for its stated reason — group-level problems as the call's error, per
//! publication problems as the `PiecePublished` outcome. The honest cases' publications are
//! accepted and complete their epochs with the vector's `P`.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use keyshards_primitives::{
	v2::{
		Completion, EpochRecord, EpochState, PiecePublication, ProofOfPossession, PublicPiece,
		PublicationKey, PublicationSignature, ShardCiphertext, StoredPiece,
	},
	DeviceId, PayloadHash, PublicKey, Signature, UseRecord,
};
use serde_json::Value;

fn vectors() -> Value {
	serde_json::from_str(include_str!("../../../../primitives/tests/vectors-v2.json")).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
	hex::decode(v.as_str().unwrap()).unwrap()
}

fn array<const N: usize>(v: &Value) -> [u8; N] {
	unhex(v).try_into().unwrap()
}

fn case_named(name: &str) -> Value {
	vectors()["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone()
}

fn num(v: &Value) -> u64 {
	v.as_u64().unwrap()
}

fn device_of(v: &Value) -> DeviceId {
	DeviceId::new(v.as_str().unwrap().as_bytes()).unwrap()
}

/// The case's fleet on a chain with the case's genesis hash: its id, `t`-of-`m`, holder `j`
/// acting through `HOLDER + j`, and the case's publication keys.
fn case_fleet(case: &Value) -> FleetId {
	frame_system::BlockHash::<Test>::insert(0, sp_core::H256(array(&case["genesis_hash"])));
	let fleet = num(&case["fleet_id"]) as FleetId;
	NextFleetId::<Test>::put(u64::from(fleet));
	let keys: Vec<PublicationKey> = case["pieces"]
		.as_array()
		.unwrap()
		.iter()
		.map(|piece| PublicationKey(array(&piece["publisher_key"])))
		.collect();
	let mut params = params();
	params.lead_time = 100;
	params.rotation_period = 200;
	assert_ok!(KeyShards::create_fleet(
		signed(OWNER),
		num(&case["t"]) as u8,
		holders(num(&case["m"]) as u8),
		keys.try_into().unwrap(),
		params,
	));
	fleet
}

/// A complete epoch record (the pieces are the case's, only their presence matters).
fn complete_record(
	case: &Value,
	registration: u32,
	opened_at: u64,
	valid_to: u64,
) -> EpochRecordOf<Test> {
	let pieces: Vec<_> = case["pieces"]
		.as_array()
		.unwrap()
		.iter()
		.map(|piece| {
			Some(StoredPiece {
				public_piece: PublicPiece(array(&piece["public_piece"])),
				ciphertext: ShardCiphertext(array(&piece["ciphertext"])),
				publisher: HOLDER,
			})
		})
		.collect();
	EpochRecord {
		registration,
		opened_at,
		pieces: pieces.try_into().unwrap(),
		completion: Some(Completion {
			at: opened_at,
			public_key: PublicKey(array(&case["public_key"])),
			valid_from: opened_at + CONTEST,
			valid_to,
		}),
		invalidated: None,
		used: None,
	}
}

/// Puts one device of a negative's `chain` section in storage.
fn set_device(case: &Value, fleet: FleetId, v: &Value) {
	let id = device_of(&v["device_id_utf8"]);
	let registration = num(&v["registration"]) as u32;
	let highest = num(&v["highest_epoch"]) as u32;
	let opened_at = num(&v["highest_opened_at"]);
	let registered = v["registered"].as_bool().unwrap();
	let usable_until = v["key_usable_until"].as_u64();
	let p = case["pieces"].as_array().unwrap().len();

	// The epoch before the highest is the current key (when there is one), complete.
	let mut current = None;
	let mut oldest = u64::from(highest) + 1;
	let current_epoch = if v["open_epoch"].is_null() { highest } else { highest - 1 };
	if let Some(until) = usable_until {
		let record = complete_record(case, registration, 800, until);
		let completion = record.completion.unwrap();
		Epochs::<Test>::insert((fleet, &id, current_epoch), record);
		current = Some(Slot {
			epoch: current_epoch,
			valid_from: completion.valid_from,
			valid_to: until,
			ended: None,
		});
		oldest = u64::from(current_epoch);
	}
	// An epoch opened (and, without an open one, ended by a conflict) at `highest_opened_at`.
	let mut open = None;
	if current_epoch != highest || usable_until.is_none() || !v["open_epoch"].is_null() {
		let mut pieces: Vec<Option<StoredPiece<u64>>> = vec![None; p];
		if let Some(open_epoch) = v["open_epoch"].as_object() {
			for present in open_epoch["present"].as_array().unwrap() {
				pieces[num(&present["index"]) as usize] = Some(StoredPiece {
					public_piece: PublicPiece(array(&present["public_piece"])),
					ciphertext: ShardCiphertext(array(&present["ciphertext"])),
					publisher: HOLDER + num(&present["sender"]),
				});
			}
			open = Some(OpenSlot { epoch: highest, opened_at, completed: None });
		}
		let invalidated = open
			.is_none()
			.then_some(Invalidation { at: opened_at, reason: InvalidationReason::Conflict });
		Epochs::<Test>::insert(
			(fleet, &id, highest),
			EpochRecord {
				registration,
				opened_at,
				pieces: pieces.try_into().unwrap(),
				completion: None,
				invalidated,
				used: None,
			},
		);
		oldest = oldest.min(u64::from(highest));
	}
	let deposit =
		if registered { Some(Registered { deposit: DEVICE_DEPOSIT, at: 1 }) } else { None };
	if registered {
		Fleets::<Test>::mutate(fleet, |info| {
			let info = info.as_mut().unwrap();
			info.devices += 1;
			info.device_deposits += DEVICE_DEPOSIT;
		});
		Balances::hold(&HoldReason::DeviceDeposit.into(), &OWNER, DEVICE_DEPOSIT).unwrap();
	}
	Devices::<Test>::insert(
		fleet,
		&id,
		DeviceInfo {
			registered: deposit,
			registration,
			next_epoch: u64::from(highest) + 1,
			last_opened_at: Some(opened_at),
			oldest,
			current,
			open,
		},
	);
}

use frame_support::traits::fungible::MutateHold;

fn publications(n: &Value) -> Vec<PiecePublication> {
	n["publications"]
		.as_array()
		.unwrap()
		.iter()
		.map(|v| PiecePublication {
			device: device_of(&v["device_id_utf8"]),
			epoch: num(&v["epoch"]) as u32,
			public_piece: PublicPiece(array(&v["public_piece"])),
			ciphertext: ShardCiphertext(array(&v["ciphertext"])),
			proof: ProofOfPossession(array(&v["proof_of_possession"])),
		})
		.collect()
}

#[test]
fn every_chain_negative_is_refused_for_its_reason() {
	let mut judged = 0;
	for n in vectors()["negative"].as_array().unwrap() {
		let name = n["name"].as_str().unwrap();
		let reason = n["reason"].as_str().unwrap();
		let case = case_named(n["case"].as_str().unwrap());
		new_test_ext().execute_with(|| match n["kind"].as_str().unwrap() {
			"publication" => {
				let fleet = case_fleet(&case);
				jump_to_block(num(&n["chain"]["block"]));
				for v in n["chain"]["devices"].as_array().unwrap() {
					set_device(&case, fleet, v);
				}
				let k = num(&n["index"]) as PieceIndex;
				let sender = HOLDER + num(&n["sender"]);
				let omega = PublicationSignature(array(&n["publication_signature"]));
				if reason.contains("fixed size") {
					// The call cannot even be decoded: its fields are fixed-size arrays.
					let v = &n["publications"][0];
					let mut encoded = (fleet, k).encode();
					encoded.extend(codec::Compact(1u32).encode());
					encoded.extend(device_of(&v["device_id_utf8"]).encode());
					encoded.extend((num(&v["epoch"]) as u32).encode());
					encoded.extend(unhex(&v["public_piece"]));
					encoded.extend(unhex(&v["ciphertext"]));
					encoded.extend(unhex(&v["proof_of_possession"]));
					encoded.extend(omega.0);
					let index =
						<KeyShards as frame_support::traits::PalletInfoAccess>::index() as u8;
					let mut call = vec![index, 9];
					call.extend(encoded);
					assert!(
						<RuntimeCall as codec::DecodeAll>::decode_all(&mut &call[..]).is_err(),
						"{name}"
					);
					judged += 1;
					return;
				}
				let publications = publications(n);
				let call = |publications: Vec<PiecePublication>| {
					KeyShards::publish_pieces(
						signed(sender),
						fleet,
						k,
						publications.try_into().unwrap(),
						omega,
						piece_count(fleet),
					)
				};
				let group_error = match reason {
					"omega does not verify under W_k" => {
						Some(Error::<Test>::BadPublicationSignature)
					}
					"sender does not hold piece k" => Some(Error::<Test>::NotPieceHolder),
					"D is not registered" => Some(Error::<Test>::DeviceNotRegistered),
					"a D appears twice in the group" => Some(Error::<Test>::DuplicateDeviceInGroup),
					_ => None,
				};
				if let Some(error) = group_error {
					assert_noop!(call(publications), error);
					judged += 1;
					return;
				}
				let expected = match reason {
					"pt(X_k) is not torsion-free" => {
						PublicationOutcome::Refused(RefusalReason::PublicPieceNotTorsionFree)
					},
					"pt(X_k) is of small order" => {
						PublicationOutcome::Refused(RefusalReason::PublicPieceSmallOrder)
					},
					"pt(X_k) is not canonical" => {
						PublicationOutcome::Refused(RefusalReason::PublicPieceNotCanonical)
					},
					"pi_k does not verify under pt(X_k)" => {
						PublicationOutcome::Refused(RefusalReason::BadProofOfPossession)
					},
					"e is not acceptable: another epoch is open" => {
						PublicationOutcome::Refused(RefusalReason::AnotherEpochOpen)
					},
					"e is not acceptable: an epoch of the id was opened in this block" => {
						PublicationOutcome::Refused(RefusalReason::OpenedThisBlock)
					},
					"e is not acceptable: not one more than the highest epoch opened (0 for a new id)" => {
						PublicationOutcome::Refused(RefusalReason::NotNextEpoch)
					},
					"e is not acceptable: the device is not due" => {
						PublicationOutcome::Refused(RefusalReason::NotDue)
					},
					"duplicate (not a conflict)" => PublicationOutcome::Duplicate,
					"conflict (epoch invalidated)" => PublicationOutcome::Conflict,
					other => panic!("{name}: unknown reason {other}"),
				};
				events();
				let before = Epochs::<Test>::iter().collect::<Vec<_>>();
				assert_ok!(call(publications.clone()));
				assert_eq!(outcomes(), vec![expected], "{name}");
				let device = &publications[0].device;
				let epoch = publications[0].epoch;
				if expected == PublicationOutcome::Conflict {
					let conflict = Conflicts::<Test>::get((fleet, device, epoch)).unwrap();
					assert_eq!(conflict.second.2, sender);
					assert_eq!(conflict.second.1, publications[0].ciphertext);
					assert_ne!(conflict.first.1, conflict.second.1);
					let record = Epochs::<Test>::get((fleet, device, epoch)).unwrap();
					assert_eq!(
						record.state_at(System::block_number(), TIMEOUT),
						EpochState::Invalidated
					);
				} else {
					// Refused and duplicate publications change no epoch record.
					assert_eq!(Epochs::<Test>::iter().collect::<Vec<_>>(), before, "{name}");
				}
				judged += 1;
			}
			"fleet" => {
				frame_system::BlockHash::<Test>::insert(
					0,
					sp_core::H256(array(&case["genesis_hash"])),
				);
				// Keys already recorded (for fleet 7 of the case).
				for key in n["chain"]["recorded_keys"].as_array().unwrap() {
					PublicationKeys::<Test>::insert(PublicationKey(array(key)), 7);
				}
				let keys: Vec<PublicationKey> = n["publication_keys"]
					.as_array()
					.unwrap()
					.iter()
					.map(|key| PublicationKey(array(key)))
					.collect();
				let error = match reason {
					"two W_k are equal" => Error::<Test>::RepeatedPublicationKey,
					"W_k is already recorded for another fleet" => {
						Error::<Test>::PublicationKeyInUse
					}
					"W_k is of small order" => Error::<Test>::PublicationKeySmallOrder,
					"W_k is not torsion-free" => Error::<Test>::PublicationKeyNotTorsionFree,
					"W_k is not canonical" => Error::<Test>::PublicationKeyNotCanonical,
					other => panic!("{name}: unknown reason {other}"),
				};
				let create = || {
					KeyShards::create_fleet(
						signed(OWNER),
						num(&n["t"]) as u8,
						holders(num(&n["m"]) as u8),
						keys.clone().try_into().unwrap(),
						params(),
					)
				};
				assert_noop!(create(), error);
				judged += 1;
			}
			"use" => {
				let fleet = case_fleet(&case);
				jump_to_block(1000);
				let id = device_of(&n["device_id_utf8"]);
				let registration = num(&n["chain"]["registration"]) as u32;
				let epoch = num(&n["epoch"]) as u32;
				let mut record = complete_record(&case, registration, 900, 1100);
				let hash = PayloadHash(array(&n["payload_hash"]));
				if n["chain"]["map_state"] == "used" {
					record.used = Some(UseRecord {
						payload_hash: hash,
						signature: Signature(array(&n["signature"])),
						at: 950,
					});
				}
				let completion = record.completion.unwrap();
				Epochs::<Test>::insert((fleet, &id, epoch), record);
				Fleets::<Test>::mutate(fleet, |info| {
					let info = info.as_mut().unwrap();
					info.devices += 1;
					info.device_deposits += DEVICE_DEPOSIT;
				});
				Balances::hold(&HoldReason::DeviceDeposit.into(), &OWNER, DEVICE_DEPOSIT).unwrap();
				Devices::<Test>::insert(
					fleet,
					&id,
					DeviceInfo {
						registered: Some(Registered { deposit: DEVICE_DEPOSIT, at: 1 }),
						registration,
						next_epoch: u64::from(epoch) + 1,
						last_opened_at: Some(900),
						oldest: u64::from(epoch),
						current: Some(Slot {
							epoch,
							valid_from: completion.valid_from,
							valid_to: completion.valid_to,
							ended: None,
						}),
						open: None,
					},
				);
				// The chain builds the message the vector shows.
				let at = device_epoch(fleet, n["device_id_utf8"].as_str().unwrap(), epoch);
				assert_eq!(at.signed_message(&hash), unhex(&n["chain_message"]), "{name}");
				let error = match reason {
					"sigma does not verify under P" => Error::<Test>::BadSignature,
					"map already used" => Error::<Test>::KeyAlreadyUsed,
					other => panic!("{name}: unknown reason {other}"),
				};
				assert_noop!(
					KeyShards::do_record_use(
						fleet,
						id,
						epoch,
						hash,
						Signature(array(&n["signature"]))
					),
					error
				);
				judged += 1;
			}
			other => panic!("unknown kind {other}"),
		});
	}
	assert_eq!(judged, vectors()["negative"].as_array().unwrap().len(), "every negative judged");
}

#[test]
fn the_honest_cases_publish_complete_and_record_their_use() {
	for case in vectors()["cases"].as_array().unwrap() {
		let name = case["name"].as_str().unwrap();
		new_test_ext().execute_with(|| {
			let fleet = case_fleet(case);
			let id = device_of(&case["device_id_utf8"]);
			let registration = num(&case["registration"]) as u32;
			let epoch = num(&case["epoch"]) as u32;
			// The id's history: `registration` earlier registrations, `epoch` earlier epochs.
			Fleets::<Test>::mutate(fleet, |info| {
				let info = info.as_mut().unwrap();
				info.devices += 1;
				info.device_deposits += DEVICE_DEPOSIT;
			});
			Balances::hold(&HoldReason::DeviceDeposit.into(), &OWNER, DEVICE_DEPOSIT).unwrap();
			Devices::<Test>::insert(
				fleet,
				&id,
				DeviceInfo {
					registered: Some(Registered { deposit: DEVICE_DEPOSIT, at: 1 }),
					registration,
					next_epoch: u64::from(epoch),
					last_opened_at: None,
					oldest: u64::from(epoch),
					current: None,
					open: None,
				},
			);
			jump_to_block(10);
			let pieces = case["pieces"].as_array().unwrap();
			for (k, piece) in pieces.iter().enumerate() {
				let publication = PiecePublication {
					device: id.clone(),
					epoch,
					public_piece: PublicPiece(array(&piece["public_piece"])),
					ciphertext: ShardCiphertext(array(&piece["ciphertext"])),
					proof: ProofOfPossession(array(&piece["proof_of_possession"])),
				};
				let holder = num(&piece["holders"][0]);
				assert_ok!(KeyShards::publish_pieces(
					signed(HOLDER + holder),
					fleet,
					k as PieceIndex,
					BoundedVec::truncate_from(vec![publication]),
					PublicationSignature(array(&piece["publication_signature"])),
					piece_count(fleet),
				));
			}
			let accepted: Vec<_> = (1..=pieces.len() as u16)
				.map(|present| PublicationOutcome::Accepted { present })
				.collect();
			let all = events();
			let got: Vec<_> = all
				.iter()
				.filter_map(|e| match e {
					Event::PiecePublished { outcome, .. } => Some(*outcome),
					_ => None,
				})
				.collect();
			assert_eq!(got, accepted, "{name}");
			let record = Epochs::<Test>::get((fleet, &id, epoch)).unwrap();
			let completion = record.completion.unwrap();
			assert_eq!(completion.public_key.0.to_vec(), unhex(&case["public_key"]), "{name}: P");
			assert_eq!(completion.valid_from, 10 + CONTEST, "{name}: the contest period");

			// The map records who published each piece, and the bundle is the device's.
			let bundle = KeyShards::bundle(fleet, id.clone(), epoch).unwrap();
			let publishers: Vec<u64> =
				pieces.iter().map(|piece| HOLDER + num(&piece["holders"][0])).collect();
			assert_eq!(bundle.map.publishers.to_vec(), publishers);
			for (piece, v) in bundle.pieces.iter().zip(pieces) {
				assert_eq!(piece.id.0.to_vec(), unhex(&v["id"]), "{name}: ID_k");
			}

			// Pending through the contest period, then active; the honest use is recorded once.
			let hash = keyshards_primitives::payload_hash(
				case["payload_utf8"].as_str().unwrap().as_bytes(),
			);
			let sigma = Signature(array(&case["signature"]));
			assert_noop!(
				KeyShards::do_record_use(fleet, id.clone(), epoch, hash, sigma),
				Error::<Test>::KeyNotActive
			);
			jump_to_block(10 + CONTEST);
			assert_ok!(KeyShards::do_record_use(fleet, id.clone(), epoch, hash, sigma));
			assert_noop!(
				KeyShards::do_record_use(fleet, id.clone(), epoch, hash, sigma),
				Error::<Test>::KeyAlreadyUsed
			);
			KeyShards::do_try_state().unwrap();
		});
	}
}
