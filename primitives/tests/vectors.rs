//! SPEC v2 test vectors (`vectors-v2.json`, copied byte for byte from `../shared/spec/`, produced
//! by an independent implementation): every case reproduced byte for byte, from the piece
//! enumeration to the one-time signature, and every cryptographic negative refused for its
//! stated reason. (The negatives that carry chain state are the pallet's tests.)

use keyshards_primitives::{
	payload_hash,
	v2::{
		check_group_signature, check_publication, check_publication_keys, check_publications,
		curve::{check_point, PointFault},
		digest_of, generate_holder_pieces, kdf, proof_to_check, reconstruct, strict_verify, verify,
		Batching, BundlePiece, Context, DeviceEpoch, DevicePieceKey, KeyFault, PiecePublication,
		PieceRoot, ProofOfPossession, ProofToCheck, PublicPiece, PublicationDigest,
		PublicationFault, PublicationKey, PublicationSignature, ShardCiphertext, Threshold,
	},
	DeviceId, Error, PayloadHash, PublicKey, Signature,
};
use serde_json::Value;
use std::collections::BTreeMap;

fn vectors() -> Value {
	serde_json::from_str(include_str!("vectors-v2.json")).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
	hex::decode(v.as_str().unwrap()).unwrap()
}

fn array<const N: usize>(v: &Value) -> [u8; N] {
	unhex(v).try_into().unwrap()
}

fn device(v: &Value) -> DeviceId {
	DeviceId::new(v.as_str().unwrap().as_bytes()).unwrap()
}

fn ctx_of(case: &Value) -> Context {
	Context::new(&array(&case["genesis_hash"]), case["fleet_id"].as_u64().unwrap() as u32)
}

fn case_named(name: &str) -> Value {
	vectors()["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone()
}

fn publication(v: &Value) -> PiecePublication {
	PiecePublication {
		device: device(&v["device_id_utf8"]),
		epoch: v["epoch"].as_u64().unwrap() as u32,
		public_piece: PublicPiece(array(&v["public_piece"])),
		ciphertext: ShardCiphertext(array(&v["ciphertext"])),
		proof: ProofOfPossession(array(&v["proof_of_possession"])),
	}
}

#[test]
fn every_case_is_reproduced_byte_for_byte() {
	let cases = vectors()["cases"].as_array().unwrap().clone();
	assert_eq!(cases.len(), 4, "1-of-1, 2-of-3, 3-of-5 and 4-of-4");
	for case in cases {
		let name = case["name"].as_str().unwrap();
		let (m, t) = (case["m"].as_u64().unwrap() as u8, case["t"].as_u64().unwrap() as u8);
		let threshold = Threshold::new(m, t).unwrap();
		let p = threshold.piece_count();
		assert_eq!(u64::from(p), case["piece_count"].as_u64().unwrap(), "{name}: p");

		let ctx = ctx_of(&case);
		assert_eq!(ctx.as_bytes().to_vec(), unhex(&case["context"]), "{name}: ctx");
		let at = DeviceEpoch {
			ctx,
			device: device(&case["device_id_utf8"]),
			registration: case["registration"].as_u64().unwrap() as u32,
			epoch: case["epoch"].as_u64().unwrap() as u32,
		};

		// Who holds what.
		for (j, held) in case["holder_pieces"].as_array().unwrap().iter().enumerate() {
			let held: Vec<u16> =
				held.as_array().unwrap().iter().map(|k| k.as_u64().unwrap() as u16).collect();
			assert_eq!(threshold.pieces_of(j as u8), held, "{name}: holder {j}'s pieces");
		}

		let pieces = case["pieces"].as_array().unwrap();
		assert_eq!(pieces.len(), p as usize);
		let roots: Vec<PieceRoot> = pieces
			.iter()
			.map(|v| PieceRoot::from_slice(&unhex(&v["piece_root"])).unwrap())
			.collect();
		let mut bundle = Vec::new();
		for (k, v) in (0u16..).zip(pieces) {
			let piece = format!("{name}: piece {k}");
			assert_eq!(v["index"].as_u64().unwrap(), u64::from(k));
			let subset: Vec<u8> =
				v["subset"].as_array().unwrap().iter().map(|j| j.as_u64().unwrap() as u8).collect();
			assert_eq!(threshold.subset_members(k).unwrap(), subset, "{piece}: T_k");
			let holders: Vec<u8> = v["holders"]
				.as_array()
				.unwrap()
				.iter()
				.map(|j| j.as_u64().unwrap() as u8)
				.collect();
			assert_eq!(threshold.holders_of(k), holders, "{piece}: holders");

			let who = at.who(k);
			assert_eq!(who.as_bytes(), unhex(&v["who"]), "{piece}: who");
			let root = &roots[k as usize];
			let seed = root.publisher_seed();
			assert_eq!(seed.expose_secret().to_vec(), unhex(&v["publisher_seed"]), "{piece}: w_k");
			assert_eq!(
				root.publication_key().0.to_vec(),
				unhex(&v["publisher_key"]),
				"{piece}: W_k"
			);
			let device_key = root.device_piece_key(&who);
			assert_eq!(
				device_key.expose_secret().to_vec(),
				unhex(&v["device_piece_key"]),
				"{piece}: M_k"
			);
			let generator = root.generator_key(&who);
			assert_eq!(
				generator.expose_secret().to_vec(),
				unhex(&v["generator_key"]),
				"{piece}: Q_k"
			);

			// The same M_k and Q_k through one HMAC of SPEC's fixed input (a token's path).
			use hkdf::hmac::{Hmac, Mac};
			let hmac = |info: Vec<u8>| -> Vec<u8> {
				let mut mac = Hmac::<sha2::Sha256>::new_from_slice(root.expose_secret()).unwrap();
				mac.update(&info);
				mac.finalize().into_bytes().to_vec()
			};
			assert_eq!(
				hmac(kdf::hmac_input(kdf::label::DEVICE_KEY, who.as_bytes())),
				unhex(&v["device_piece_key"])
			);
			assert_eq!(
				hmac(kdf::hmac_input(kdf::label::GENERATOR, who.as_bytes())),
				unhex(&v["generator_key"])
			);
			assert_eq!(
				hmac(kdf::hmac_input(kdf::label::PUBLISHER, &[])),
				unhex(&v["publisher_seed"])
			);

			let generated = root.generate(&at, k, p).unwrap();
			let publication = &generated.publication;
			assert_eq!(
				publication.public_piece.0.to_vec(),
				unhex(&v["public_piece"]),
				"{piece}: X_k"
			);
			let aad = kdf::associated_data(&who, at.epoch, p, &publication.public_piece);
			assert_eq!(aad, unhex(&v["associated_data"]), "{piece}: A_k");
			assert_eq!(publication.ciphertext.0.to_vec(), unhex(&v["ciphertext"]), "{piece}: C_k");
			assert_eq!(
				kdf::proof_message(&who, at.epoch, &publication.public_piece),
				unhex(&v["pop_message"]),
				"{piece}: pi-msg_k"
			);
			assert_eq!(
				publication.proof.0.to_vec(),
				unhex(&v["proof_of_possession"]),
				"{piece}: pi_k"
			);
			assert_eq!(generated.id.0.to_vec(), unhex(&v["id"]), "{piece}: ID_k");
			assert_eq!(generated.digest.0.to_vec(), unhex(&v["publication_digest"]), "{piece}: d");
			let omega = seed.sign_publications(&ctx, k, &[generated.digest]);
			assert_eq!(omega.0.to_vec(), unhex(&v["publication_signature"]), "{piece}: omega");

			// The chain's checks accept it, with the vector's W_k.
			assert_eq!(check_publication(&who, publication, check_point, strict_verify), Ok(()));
			let proof = proof_to_check(&who, publication);
			for batching in [Batching::Proofs, Batching::ProofsAndPoints] {
				assert_eq!(
					check_publications(std::slice::from_ref(&proof), batching),
					(vec![Ok(())], false),
					"{piece}"
				);
			}
			assert!(check_group_signature(
				&ctx,
				k,
				&[digest_of(&who, publication)],
				&PublicationKey(array(&v["publisher_key"])),
				&omega,
				strict_verify,
			));
			bundle.push(BundlePiece {
				id: generated.id,
				public_piece: publication.public_piece,
				ciphertext: publication.ciphertext,
			});
		}

		// Per holder, the holder's pieces come out identical to the per-piece ones.
		for j in 0..m {
			let held: BTreeMap<u16, PieceRoot> = threshold
				.pieces_of(j)
				.into_iter()
				.map(|k| (k, PieceRoot::from_slice(roots[k as usize].expose_secret()).unwrap()))
				.collect();
			for generated in generate_holder_pieces(&threshold, j, &held, &at).unwrap() {
				assert_eq!(
					generated.publication.ciphertext,
					bundle[generated.piece as usize].ciphertext
				);
			}
		}

		// P is the sum of the public pieces.
		let public_key = PublicKey(array(&case["public_key"]));
		let points = bundle.iter().map(|piece| {
			keyshards_primitives::v2::curve::decompress(piece.public_piece.as_bytes()).unwrap()
		});
		assert_eq!(keyshards_primitives::v2::curve::sum(points), Some(public_key.0), "{name}: P");
		let encoded: Vec<[u8; 32]> = bundle.iter().map(|piece| piece.public_piece.0).collect();
		assert_eq!(
			keyshards_primitives::v2::curve::sum_encoded(&encoded),
			Some(public_key.0),
			"{name}: P as the chain sums it"
		);

		// Device side.
		let keys: Vec<DevicePieceKey> = pieces
			.iter()
			.map(|v| DevicePieceKey::from_slice(&unhex(&v["device_piece_key"])).unwrap())
			.collect();
		let key = reconstruct(&at, &keys, &bundle, &public_key).unwrap();
		assert_eq!(key.public_key(), public_key);
		assert_eq!(key.expose_secret().to_vec(), unhex(&case["secret_scalar"]), "{name}: x");
		assert_eq!(
			key.expose_nonce_prefix().to_vec(),
			unhex(&case["sign_nonce_prefix"]),
			"{name}: Z"
		);
		let payload = case["payload_utf8"].as_str().unwrap().as_bytes();
		let hash = payload_hash(payload);
		assert_eq!(at.signed_message(&hash), unhex(&case["signed_message"]), "{name}: msg");
		let signature = key.sign(payload).unwrap();
		assert_eq!(signature.0.to_vec(), unhex(&case["signature"]), "{name}: sigma");
		assert_eq!(verify(&public_key, &at, &hash, &signature), Ok(()));

		// A two-publication group, where the case has one.
		if let Some(group) = case.get("group") {
			let k = group["index"].as_u64().unwrap() as u16;
			let publications = group["publications"].as_array().unwrap();
			assert_eq!(group["count"].as_u64().unwrap() as usize, publications.len());
			let mut digests = Vec::new();
			for v in publications {
				let other = DeviceEpoch {
					ctx,
					device: device(&v["device_id_utf8"]),
					registration: v["registration"].as_u64().unwrap() as u32,
					epoch: v["epoch"].as_u64().unwrap() as u32,
				};
				let generated = roots[k as usize].generate(&other, k, p).unwrap();
				assert_eq!(generated.publication, publication(v), "{name}: group publication");
				assert_eq!(generated.digest.0.to_vec(), unhex(&v["publication_digest"]));
				assert_eq!(other.who(k).as_bytes(), unhex(&v["who"]));
				digests.push(generated.digest);
			}
			assert_eq!(
				kdf::publication_message(&ctx, k, &digests),
				unhex(&group["publication_message"])
			);
			let omega = roots[k as usize].publisher_seed().sign_publications(&ctx, k, &digests);
			assert_eq!(
				omega.0.to_vec(),
				unhex(&group["publication_signature"]),
				"{name}: group omega"
			);
		}
	}
}

/// The negatives this crate can judge: point and proof faults of a publication, `ω` faults of a
/// group, point and repetition faults of a fleet's keys, and uses whose signature does not
/// verify. Each is refused for the vector's reason; the test counts them, so a new negative of
/// these kinds cannot slip past.
#[test]
fn every_cryptographic_negative_is_refused_for_its_reason() {
	let negatives = vectors()["negative"].as_array().unwrap().clone();
	let mut judged = 0;
	for n in &negatives {
		let name = n["name"].as_str().unwrap();
		let reason = n["reason"].as_str().unwrap();
		let case = case_named(n["case"].as_str().unwrap());
		let ctx = ctx_of(&case);
		match n["kind"].as_str().unwrap() {
			"publication" => {
				let k = n["index"].as_u64().unwrap() as u16;
				let publications = n["publications"].as_array().unwrap();
				// A field of the wrong size cannot even be carried.
				if publications.iter().any(|v| {
					unhex(&v["public_piece"]).len() != 32
						|| unhex(&v["ciphertext"]).len() != 48
						|| unhex(&v["proof_of_possession"]).len() != 64
				}) {
					assert_eq!(
						reason,
						"pt(X_k), C_k or pi_k is not of its fixed size (32, 48, 64 bytes)"
					);
					assert!(ShardCiphertext::try_from_slice(&unhex(
						&publications[0]["ciphertext"]
					))
					.is_none());
					judged += 1;
					continue;
				}
				let group_ok = {
					let digests: Vec<PublicationDigest> = publications
						.iter()
						.map(|v| {
							let who = Context::who(
								&ctx,
								k,
								&device(&v["device_id_utf8"]),
								v["registration"].as_u64().unwrap() as u32,
							);
							assert_eq!(who.as_bytes(), unhex(&v["who"]), "{name}: who");
							digest_of(&who, &publication(v))
						})
						.collect();
					check_group_signature(
						&ctx,
						k,
						&digests,
						&PublicationKey(array(&n["publication_key"])),
						&PublicationSignature(array(&n["publication_signature"])),
						strict_verify,
					)
				};
				let faults: Vec<Result<(), PublicationFault>> = publications
					.iter()
					.map(|v| {
						let who = ctx.who(
							k,
							&device(&v["device_id_utf8"]),
							v["registration"].as_u64().unwrap() as u32,
						);
						check_publication(&who, &publication(v), check_point, strict_verify)
					})
					.collect();
				// The chain's group check (one decompression each, the proofs batched) judges
				// every publication the same, batched or one by one.
				let proofs: Vec<ProofToCheck> = publications
					.iter()
					.map(|v| {
						let who = ctx.who(
							k,
							&device(&v["device_id_utf8"]),
							v["registration"].as_u64().unwrap() as u32,
						);
						proof_to_check(&who, &publication(v))
					})
					.collect();
				for batching in [Batching::ProofsAndPoints, Batching::Proofs, Batching::None] {
					assert_eq!(
						check_publications(&proofs, batching).0,
						faults,
						"{name}: {batching:?}"
					);
				}
				let expected = match reason {
					"omega does not verify under W_k" => {
						assert!(!group_ok, "{name}: omega must not verify");
						judged += 1;
						continue;
					}
					"pt(X_k) is not torsion-free" => {
						PublicationFault::PublicPiece(PointFault::NotTorsionFree)
					}
					"pt(X_k) is of small order" => {
						PublicationFault::PublicPiece(PointFault::SmallOrder)
					}
					"pt(X_k) is not canonical" => {
						PublicationFault::PublicPiece(PointFault::NotCanonical)
					}
					"pi_k does not verify under pt(X_k)" => PublicationFault::Proof,
					_ => {
						// A chain-state reason: every publication passes this crate's checks.
						assert!(faults.iter().all(Result::is_ok), "{name}: {faults:?}");
						continue;
					}
				};
				assert!(group_ok, "{name}: the group's omega is honest, the fault is the piece's");
				assert_eq!(faults[0], Err(expected), "{name}");
				judged += 1;
			}
			"fleet" => {
				let keys: Vec<PublicationKey> = n["publication_keys"]
					.as_array()
					.unwrap()
					.iter()
					.map(|v| PublicationKey(array(v)))
					.collect();
				// Where a root is given, the key is its W_k.
				for (root, key) in n["piece_roots"].as_array().unwrap().iter().zip(&keys) {
					if !root.is_null() && reason != "W_k is not torsion-free" {
						assert_eq!(
							PieceRoot::from_slice(&unhex(root)).unwrap().publication_key(),
							*key
						);
					}
				}
				let result = check_publication_keys(&keys, check_point);
				let expected = match reason {
					"two W_k are equal" => KeyFault::Repeated,
					"W_k is of small order" => KeyFault::Point(PointFault::SmallOrder),
					"W_k is not torsion-free" => KeyFault::Point(PointFault::NotTorsionFree),
					"W_k is not canonical" => KeyFault::Point(PointFault::NotCanonical),
					_ => {
						// Needs the chain's index of recorded keys.
						assert_eq!(result, Ok(()), "{name}");
						continue;
					}
				};
				assert_eq!(result.map_err(|(_, fault)| fault), Err(expected), "{name}");
				judged += 1;
			}
			"use" => {
				if reason != "sigma does not verify under P" {
					continue;
				}
				let at = DeviceEpoch {
					ctx,
					device: device(&n["device_id_utf8"]),
					registration: n["chain"]["registration"].as_u64().unwrap() as u32,
					epoch: n["epoch"].as_u64().unwrap() as u32,
				};
				assert_eq!(
					at.signed_message(&PayloadHash(array(&n["payload_hash"]))),
					unhex(&n["chain_message"])
				);
				assert_eq!(
					verify(
						&PublicKey(array(&n["public_key"])),
						&at,
						&PayloadHash(array(&n["payload_hash"])),
						&Signature(array(&n["signature"])),
					),
					Err(Error::BadSignature),
					"{name}"
				);
				judged += 1;
			}
			other => panic!("unknown negative kind {other}"),
		}
	}
	assert_eq!(judged, 15, "the cryptographic negatives of vectors-v2.json");
}
