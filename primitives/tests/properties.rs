//! SPEC v2 property tests: for random `t <= m <= 7`, any `t - 1` holders miss a piece and any `t`
//! hold them all; honest pieces reconstruct and sign; every kind of damage (tampered, swapped,
//! foreign, rogue pieces, bad points, wrong publication keys) is refused and the faulty piece
//! named, never a key yielded.

use curve25519_dalek::{
	constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION},
	edwards::{CompressedEdwardsY, EdwardsPoint},
	scalar::Scalar,
};
use keyshards_primitives::{
	payload_hash,
	v2::{
		check_group_signature, check_publication, check_publications,
		curve::{check_point, PointFault},
		digest_of, proof_to_check, reconstruct, strict_verify, verify, Batching, BundlePiece,
		Context, DeviceEpoch, DevicePieceKey, GeneratedPiece, OneTimeKey, PieceFault,
		PiecePublication, PieceRoot, ProofOfPossession, PublicPiece, PublicationFault, Threshold,
		Who,
	},
	DeviceId, Error, PublicKey, MAX_DEVICE_ID_LEN,
};
use proptest::prelude::*;

/// One honestly generated device epoch of a `t`-of-`m` fleet. (`seed` reproduces it.)
#[derive(Debug)]
struct Fixture {
	threshold: Threshold,
	#[allow(dead_code)] // shown by `Debug` when a case fails, to reproduce it
	seed: [u8; 32],
	roots: Vec<PieceRoot>,
	at: DeviceEpoch,
	generated: Vec<GeneratedPiece>,
	keys: Vec<DevicePieceKey>,
	public_key: PublicKey,
}

/// Ed25519 as the chain verifies it: ZIP-215 (`sp_io::crypto::ed25519_verify` is ed25519-zebra).
fn zebra_verify(key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
	ed25519_zebra::VerificationKey::try_from(*key).is_ok_and(|key| {
		key.verify(&ed25519_zebra::Signature::from_bytes(signature), message).is_ok()
	})
}

fn root(seed: &[u8; 32], k: u16) -> PieceRoot {
	PieceRoot::from_slice(&keyshards_primitives::kdf::blake2_256(&[seed, &k.to_be_bytes()]))
		.unwrap()
}

impl Fixture {
	fn new(threshold: Threshold, seed: [u8; 32], at: DeviceEpoch) -> Self {
		let p = threshold.piece_count();
		let roots: Vec<_> = (0..p).map(|k| root(&seed, k)).collect();
		let generated: Vec<_> =
			(0..p).map(|k| roots[k as usize].generate(&at, k, p).unwrap()).collect();
		let keys = (0..p).map(|k| roots[k as usize].device_piece_key(&at.who(k))).collect();
		let public_key = PublicKey(sum(&generated
			.iter()
			.map(|g| g.publication.public_piece)
			.collect::<Vec<_>>()));
		Self { threshold, seed, roots, at, generated, keys, public_key }
	}

	fn bundle(&self) -> Vec<BundlePiece> {
		self.generated
			.iter()
			.map(|g| BundlePiece {
				id: g.id,
				public_piece: g.publication.public_piece,
				ciphertext: g.publication.ciphertext,
			})
			.collect()
	}

	fn reconstruct(&self, bundle: &[BundlePiece]) -> Result<OneTimeKey, Error> {
		reconstruct(&self.at, &self.keys, bundle, &self.public_key)
	}
}

fn point(piece: &PublicPiece) -> EdwardsPoint {
	CompressedEdwardsY(piece.0).decompress().unwrap()
}

fn sum(pieces: &[PublicPiece]) -> [u8; 32] {
	keyshards_primitives::v2::curve::sum(pieces.iter().map(point)).unwrap()
}

fn refused(result: Result<OneTimeKey, Error>) -> Error {
	match result {
		Ok(key) => panic!("a key was yielded for damaged input: {key:?}"),
		Err(error) => error,
	}
}

fn faulty(result: Result<OneTimeKey, Error>) -> Vec<(u16, PieceFault)> {
	match refused(result) {
		Error::FaultyPieces(faults) => faults,
		other => panic!("expected faulty pieces, got {other:?}"),
	}
}

fn threshold() -> impl Strategy<Value = Threshold> {
	(1u8..=7).prop_flat_map(|m| (Just(m), 1..=m)).prop_map(|(m, t)| Threshold::new(m, t).unwrap())
}

fn device_epoch() -> impl Strategy<Value = DeviceEpoch> {
	(
		any::<[u8; 32]>(),
		any::<u32>(),
		prop::collection::vec(any::<u8>(), 1..=MAX_DEVICE_ID_LEN as usize),
		any::<u32>(),
		any::<u32>(),
	)
		.prop_map(|(genesis, fleet, device, registration, epoch)| DeviceEpoch {
			ctx: Context::new(&genesis, fleet),
			device: DeviceId::new(&device).unwrap(),
			registration,
			epoch,
		})
}

fn fixture() -> impl Strategy<Value = Fixture> {
	(threshold(), any::<[u8; 32]>(), device_epoch())
		.prop_map(|(threshold, seed, at)| Fixture::new(threshold, seed, at))
}

/// A fixture with at least two pieces (`t > 1`).
fn multi_piece_fixture() -> impl Strategy<Value = Fixture> {
	fixture().prop_filter("two pieces or more", |f| f.threshold.piece_count() >= 2)
}

/// Piece 0 of as many devices' epoch as a group needs to have its points checked for torsion
/// together (made once), with each publication's `who`.
fn large_group() -> &'static [(Who, PiecePublication)] {
	static GROUP: std::sync::OnceLock<Vec<(Who, PiecePublication)>> = std::sync::OnceLock::new();
	GROUP.get_or_init(|| {
		let root = root(&[9; 32], 0);
		(0..keyshards_primitives::v2::curve::TORSION_BATCH_MIN + 8)
			.map(|i| {
				let at = DeviceEpoch {
					ctx: Context::new(&[4; 32], 2),
					device: DeviceId::new(format!("large-group-{i:04}").as_bytes()).unwrap(),
					registration: 0,
					epoch: 3,
				};
				(at.who(0), root.generate(&at, 0, 3).unwrap().publication)
			})
			.collect()
	})
}

/// Every `size`-element subset of `0..m`, as bit sets.
fn subsets(m: u8, size: u8) -> Vec<u64> {
	(0u64..1 << m).filter(|s| s.count_ones() == u32::from(size)).collect()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn any_t_minus_1_holders_miss_a_piece_and_any_t_hold_all(threshold in threshold()) {
		let (m, t) = (threshold.holders(), threshold.threshold());
		let held_by = |holders: u64| -> Vec<u16> {
			(0..threshold.piece_count())
				.filter(|&k| (0..m).any(|j| holders & (1 << j) != 0 && threshold.holds(j, k)))
				.collect()
		};
		for coalition in subsets(m, t - 1) {
			let held = held_by(coalition);
			prop_assert!(held.len() < threshold.piece_count() as usize, "{coalition:b} holds all");
			// The piece it misses is the one whose subset is the coalition itself.
			let missing = (0..threshold.piece_count()).find(|&k| threshold.subset(k) == Some(coalition));
			prop_assert!(missing.is_some_and(|k| !held.contains(&k)));
		}
		for coalition in subsets(m, t) {
			prop_assert_eq!(held_by(coalition).len(), threshold.piece_count() as usize);
		}
	}

	#[test]
	fn honest_pieces_reconstruct_and_sign(f in fixture(), payload in any::<Vec<u8>>()) {
		let key = f.reconstruct(&f.bundle()).unwrap();
		prop_assert_eq!(key.public_key(), f.public_key);
		let signature = key.sign(&payload).unwrap();
		prop_assert_eq!(verify(&f.public_key, &f.at, &payload_hash(&payload), &signature), Ok(()));
		// Under ZIP-215 too (the chain's rules): ed25519-zebra is not a dependency here, but the
		// strict check passing implies the cofactored one does.
		for g in &f.generated {
			let who = f.at.who(g.piece);
			prop_assert_eq!(check_publication(&who, &g.publication, check_point, strict_verify), Ok(()));
		}
	}

	#[test]
	fn a_flipped_ciphertext_bit_names_the_piece(
		f in fixture(), which in any::<prop::sample::Index>(), bit in 0usize..384,
	) {
		let mut bundle = f.bundle();
		let k = which.index(bundle.len());
		bundle[k].ciphertext.0[bit / 8] ^= 1 << (bit % 8);
		prop_assert_eq!(faulty(f.reconstruct(&bundle)), vec![(k as u16, PieceFault::DoesNotDecrypt)]);
	}

	#[test]
	fn an_altered_public_piece_is_bound_by_the_associated_data(
		f in fixture(), which in any::<prop::sample::Index>(),
	) {
		let mut bundle = f.bundle();
		let k = which.index(bundle.len());
		bundle[k].public_piece = PublicPiece((ED25519_BASEPOINT_POINT * Scalar::from(3u8)).compress().0);
		prop_assert_eq!(faulty(f.reconstruct(&bundle)), vec![(k as u16, PieceFault::DoesNotDecrypt)]);
	}

	#[test]
	fn swapped_pieces_are_both_named(
		f in multi_piece_fixture(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(),
	) {
		let mut bundle = f.bundle();
		let (a, b) = (a.index(bundle.len()), b.index(bundle.len()));
		prop_assume!(a != b);
		bundle.swap(a, b);
		let (lo, hi) = (a.min(b) as u16, a.max(b) as u16);
		prop_assert_eq!(
			faulty(f.reconstruct(&bundle)),
			vec![(lo, PieceFault::WrongId), (hi, PieceFault::WrongId)]
		);
		// With the ids put back, the ciphertexts still do not decrypt where they are.
		for (k, piece) in bundle.iter_mut().enumerate() {
			piece.id = f.generated[k].id;
		}
		prop_assert_eq!(
			faulty(f.reconstruct(&bundle)),
			vec![(lo, PieceFault::DoesNotDecrypt), (hi, PieceFault::DoesNotDecrypt)]
		);
	}

	#[test]
	fn a_foreign_piece_is_named(
		f in fixture(), which in any::<prop::sample::Index>(), what in 0usize..5,
	) {
		// The same piece of another device, epoch, registration, fleet or chain.
		let mut other = f.at.clone();
		match what {
			0 => {
				let mut bytes = f.at.device.as_bytes().to_vec();
				bytes[0] ^= 1;
				other.device = DeviceId::new(&bytes).unwrap();
			}
			1 => other.epoch = other.epoch.wrapping_add(1),
			2 => other.registration = other.registration.wrapping_add(1),
			3 => other.ctx = Context::new(&f.at.ctx.genesis(), f.at.ctx.fleet().wrapping_add(1)),
			_ => {
				let mut genesis = f.at.ctx.genesis();
				genesis[0] ^= 1;
				other.ctx = Context::new(&genesis, f.at.ctx.fleet());
			}
		}
		prop_assume!(other != f.at);
		let k = which.index(f.generated.len()) as u16;
		let foreign = f.roots[k as usize].generate(&other, k, f.threshold.piece_count()).unwrap();
		let mut bundle = f.bundle();
		bundle[k as usize] = BundlePiece {
			id: foreign.id,
			public_piece: foreign.publication.public_piece,
			ciphertext: foreign.publication.ciphertext,
		};
		prop_assert_eq!(faulty(f.reconstruct(&bundle)), vec![(k, PieceFault::WrongId)]);
		// Relabelled with this epoch's id, it does not decrypt under this device's key.
		bundle[k as usize].id = f.generated[k as usize].id;
		prop_assert_eq!(faulty(f.reconstruct(&bundle)), vec![(k, PieceFault::DoesNotDecrypt)]);
		// And the chain refuses its proof under this epoch's `who` (foreign proofs do not move).
		let mut publication = foreign.publication.clone();
		publication.device = f.at.device.clone();
		publication.epoch = f.at.epoch;
		prop_assert_eq!(
			check_publication(&f.at.who(k), &publication, check_point, strict_verify),
			Err(PublicationFault::Proof)
		);
	}

	#[test]
	fn a_holder_encrypting_a_wrong_scalar_is_named(
		f in fixture(), which in any::<prop::sample::Index>(), other in any::<[u8; 32]>(),
	) {
		// A faulty holder of piece k publishes an honest X_k but encrypts another scalar (it
		// has M_k, so the ciphertext decrypts): the key does not match P, and the piece is named.
		let k = which.index(f.generated.len()) as u16;
		let wrong = Scalar::from_bytes_mod_order(other);
		let mut bundle = f.bundle();
		bundle[k as usize].ciphertext = encrypt(&f, k, &wrong, &bundle[k as usize].public_piece);
		prop_assume!(wrong.as_bytes() != &reconstruct_piece(&f, k));
		prop_assert_eq!(faulty(f.reconstruct(&bundle)), vec![(k, PieceFault::WrongPublicPiece)]);
	}

	#[test]
	fn a_wrong_map_public_key_is_refused(f in fixture()) {
		let wrong = PublicKey((point(&PublicPiece(f.public_key.0)) + ED25519_BASEPOINT_POINT).compress().0);
		prop_assert_eq!(
			refused(reconstruct(&f.at, &f.keys, &f.bundle(), &wrong)),
			Error::PublicKeyMismatch
		);
	}

	#[test]
	fn a_rogue_piece_cancelling_the_others_fails_its_proof(
		f in multi_piece_fixture(), which in any::<prop::sample::Index>(), chosen in any::<[u8; 32]>(),
	) {
		// The "last publisher picks P" attack: piece k is published as X'_k = Y - Σ_{i≠k} X_i for
		// a Y = y·B the attacker knows, so P would be Y. It cannot prove X'_k's discrete log.
		let k = which.index(f.generated.len());
		let y = Scalar::from_bytes_mod_order(chosen);
		let others = f.generated.iter().enumerate().filter(|(i, _)| *i != k)
			.fold(EdwardsPoint::mul_base(&Scalar::ZERO), |acc, (_, g)| acc + point(&g.publication.public_piece));
		let rogue = EdwardsPoint::mul_base(&y) - others;
		let mut publication = f.generated[k].publication.clone();
		publication.public_piece = PublicPiece(rogue.compress().0);
		// Best effort: a proof made with y (the key the attacker does know) over the right message.
		let message = keyshards_primitives::v2::kdf::proof_message(&f.at.who(k as u16), f.at.epoch, &publication.public_piece);
		let esk = ed25519_dalek::hazmat::ExpandedSecretKey { scalar: y, hash_prefix: [7; 32] };
		let vk = ed25519_dalek::VerifyingKey::from(EdwardsPoint::mul_base(&y));
		publication.proof = ProofOfPossession(ed25519_dalek::hazmat::raw_sign::<sha2::Sha512>(&esk, &message, &vk).to_bytes());
		prop_assert_eq!(
			check_publication(&f.at.who(k as u16), &publication, check_point, strict_verify),
			Err(PublicationFault::Proof)
		);
		// The honest proof of the honest piece does not carry over either.
		publication.proof = f.generated[k].publication.proof;
		prop_assert_eq!(
			check_publication(&f.at.who(k as u16), &publication, check_point, strict_verify),
			Err(PublicationFault::Proof)
		);
	}

	#[test]
	fn a_groups_batched_check_names_exactly_what_each_check_alone_refuses(
		f in multi_piece_fixture(), damage in prop::collection::vec((0u8..4, any::<u8>()), 1..8),
	) {
		// The group: every piece's publication, each damaged in one of four ways or not at all.
		let mut items = Vec::new();
		let mut alone = Vec::new();
		for (k, g) in f.generated.iter().enumerate() {
			let who = f.at.who(k as u16);
			let mut publication = g.publication.clone();
			match damage.get(k).copied() {
				Some((0, byte)) => publication.proof.0[byte as usize % 64] ^= 1,
				Some((1, byte)) => {
					let t = EIGHT_TORSION[1 + byte as usize % 7];
					publication.public_piece =
						PublicPiece((point(&g.publication.public_piece) + t).compress().0);
				},
				Some((2, byte)) => {
					publication.public_piece = PublicPiece(EIGHT_TORSION[byte as usize % 8].compress().0)
				},
				Some((3, _)) => publication.proof = f.generated[(k + 1) % f.generated.len()].publication.proof,
				_ => {},
			}
			// Alone, under ZIP-215 as the chain's `sp_io::crypto::ed25519_verify` (ed25519-zebra).
			alone.push(check_publication(&who, &publication, check_point, zebra_verify));
			items.push(proof_to_check(&who, &publication));
		}
		// Both batchings (the host function's versions): a group this small has its points
		// checked one by one either way.
		for batching in [Batching::Proofs, Batching::ProofsAndPoints] {
			let (batched, one_by_one) = check_publications(&items, batching);
			prop_assert_eq!(&batched, &alone);
			// The proofs are verified one by one exactly when one of them fails.
			prop_assert_eq!(one_by_one, alone.contains(&Err(PublicationFault::Proof)));
		}
		prop_assert_eq!(check_publications(&items, Batching::None), (alone, true));
	}

	#[test]
	fn a_large_groups_batched_checks_name_exactly_what_each_check_alone_refuses(
		damage in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 0..4),
	) {
		// A group large enough that its points are checked for torsion together: piece 0 of
		// as many devices, a few publications damaged (a flipped proof bit, a torsion point
		// added to X_k, a small-order X_k, another publication's proof).
		let group = large_group();
		let mut publications: Vec<_> = group.iter().map(|(_, p)| p.clone()).collect();
		for (which, how, byte) in &damage {
			let n = which.index(publications.len());
			let publication = &mut publications[n];
			match how {
				0 => publication.proof.0[*byte as usize % 64] ^= 1,
				1 => {
					let t = EIGHT_TORSION[1 + *byte as usize % 7];
					publication.public_piece =
						PublicPiece((point(&group[n].1.public_piece) + t).compress().0);
				},
				2 => publication.public_piece = PublicPiece(EIGHT_TORSION[*byte as usize % 8].compress().0),
				_ => publication.proof = group[(n + 1) % group.len()].1.proof,
			}
		}
		let alone: Vec<_> = group.iter().zip(&publications)
			.map(|((who, _), publication)| check_publication(who, publication, check_point, zebra_verify))
			.collect();
		let items: Vec<_> = group.iter().zip(&publications)
			.map(|((who, _), publication)| proof_to_check(who, publication))
			.collect();
		let (batched, one_by_one) = check_publications(&items, Batching::ProofsAndPoints);
		prop_assert_eq!(&batched, &alone);
		// One by one exactly when a point with torsion or a proof fails (a small-order point is
		// refused before either batch).
		let fails_a_batch = alone.iter().any(|outcome| matches!(
			outcome,
			Err(PublicationFault::Proof | PublicationFault::PublicPiece(PointFault::NotTorsionFree))
		));
		prop_assert_eq!(one_by_one, fails_a_batch);
		// The host function's version 1 (points one by one, proofs batched): the same outcomes,
		// one by one only when a proof fails (what blocks before version 2 were charged).
		let (batched, one_by_one) = check_publications(&items, Batching::Proofs);
		prop_assert_eq!(&batched, &alone);
		prop_assert_eq!(one_by_one, alone.contains(&Err(PublicationFault::Proof)));
		prop_assert_eq!(check_publications(&items, Batching::None), (alone, true));
	}

	#[test]
	fn small_mixed_and_non_canonical_public_pieces_are_refused(
		f in fixture(), which in any::<prop::sample::Index>(), torsion in 0usize..8,
	) {
		let k = which.index(f.generated.len());
		let who = f.at.who(k as u16);
		let honest = &f.generated[k].publication;
		let with = |bytes: [u8; 32]| {
			let mut publication = honest.clone();
			publication.public_piece = PublicPiece(bytes);
			check_publication(&who, &publication, check_point, strict_verify)
		};
		prop_assert_eq!(with(EIGHT_TORSION[torsion].compress().0), Err(PublicationFault::PublicPiece(PointFault::SmallOrder)));
		if torsion != 0 {
			let mixed = (point(&honest.public_piece) + EIGHT_TORSION[torsion]).compress().0;
			prop_assert_eq!(with(mixed), Err(PublicationFault::PublicPiece(PointFault::NotTorsionFree)));
		}
		// The same point with its x sign bit flipped where x = 0 cannot be, or y + q: not canonical.
		let mut y_plus_q = [0xffu8; 32];
		y_plus_q[0] = 0xee;
		y_plus_q[31] = 0x7f;
		prop_assert_eq!(with(y_plus_q), Err(PublicationFault::PublicPiece(PointFault::NotCanonical)));
	}

	#[test]
	fn a_group_signed_with_another_pieces_key_is_refused(
		f in multi_piece_fixture(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(),
	) {
		let (a, b) = (a.index(f.generated.len()), b.index(f.generated.len()));
		prop_assume!(a != b);
		let g = &f.generated[a];
		let digest = digest_of(&f.at.who(a as u16), &g.publication);
		let omega = f.roots[b].publisher_seed().sign_publications(&f.at.ctx, a as u16, &[digest]);
		let key_a = f.roots[a].publication_key();
		prop_assert!(!check_group_signature(&f.at.ctx, a as u16, &[digest], &key_a, &omega, strict_verify));
		let honest = f.roots[a].publisher_seed().sign_publications(&f.at.ctx, a as u16, &[digest]);
		prop_assert!(check_group_signature(&f.at.ctx, a as u16, &[digest], &key_a, &honest, strict_verify));
		// Nor does an honest ω move to another piece number or fleet.
		prop_assert!(!check_group_signature(&f.at.ctx, b as u16, &[digest], &key_a, &honest, strict_verify));
	}
}

/// Re-encrypts `scalar` as piece `k`'s shard with the device's own key (what a faulty holder of
/// `k`, who has `M_k`, can do).
fn encrypt(
	f: &Fixture,
	k: u16,
	scalar: &Scalar,
	public_piece: &PublicPiece,
) -> keyshards_primitives::v2::ShardCiphertext {
	use aes_gcm::{aead::AeadInPlace, Aes256Gcm, KeyInit, Nonce};
	let who = f.at.who(k);
	let key_nonce = shard_key_nonce(&f.keys[k as usize], f.at.epoch);
	let cipher = Aes256Gcm::new_from_slice(&key_nonce[..32]).unwrap();
	let aad = keyshards_primitives::v2::kdf::associated_data(
		&who,
		f.at.epoch,
		f.threshold.piece_count(),
		public_piece,
	);
	let mut out = [0u8; 48];
	out[..32].copy_from_slice(scalar.as_bytes());
	let tag = cipher
		.encrypt_in_place_detached(Nonce::from_slice(&key_nonce[32..]), &aad, &mut out[..32])
		.unwrap();
	out[32..].copy_from_slice(&tag);
	keyshards_primitives::v2::ShardCiphertext(out)
}

/// `K || N` of SPEC derivation 5, recomputed here from `M_k` with HKDF.
fn shard_key_nonce(key: &DevicePieceKey, epoch: u32) -> [u8; 44] {
	let mut out = [0u8; 44];
	hkdf::Hkdf::<sha2::Sha256>::from_prk(key.expose_secret())
		.unwrap()
		.expand_multi_info(&[b"keyshards/v2/shard-key", &epoch.to_be_bytes()], &mut out)
		.unwrap();
	out
}

/// `enc(x_k)` as the honest holder encrypted it (decrypted with the device key).
fn reconstruct_piece(f: &Fixture, k: u16) -> [u8; 32] {
	use aes_gcm::{aead::AeadInPlace, Aes256Gcm, KeyInit, Nonce, Tag};
	let g = &f.generated[k as usize];
	let key_nonce = shard_key_nonce(&f.keys[k as usize], f.at.epoch);
	let cipher = Aes256Gcm::new_from_slice(&key_nonce[..32]).unwrap();
	let aad = keyshards_primitives::v2::kdf::associated_data(
		&f.at.who(k),
		f.at.epoch,
		f.threshold.piece_count(),
		&g.publication.public_piece,
	);
	let mut out = [0u8; 32];
	out.copy_from_slice(&g.publication.ciphertext.0[..32]);
	cipher
		.decrypt_in_place_detached(
			Nonce::from_slice(&key_nonce[32..]),
			&aad,
			&mut out,
			Tag::from_slice(&g.publication.ciphertext.0[32..]),
		)
		.unwrap();
	out
}

#[test]
fn secrets_never_print() {
	let root = PieceRoot::from_slice(&[0x5a; 32]).unwrap();
	let at = DeviceEpoch {
		ctx: Context::new(&[1; 32], 2),
		device: DeviceId::new(b"d").unwrap(),
		registration: 0,
		epoch: 3,
	};
	let who = at.who(0);
	let seed = root.publisher_seed();
	let device_key = root.device_piece_key(&who);
	let generator = root.generator_key(&who);
	let generated = root.generate(&at, 0, 1).unwrap();
	let bundle = [BundlePiece {
		id: generated.id,
		public_piece: generated.publication.public_piece,
		ciphertext: generated.publication.ciphertext,
	}];
	let public_key = PublicKey(generated.publication.public_piece.0);
	let key = reconstruct(&at, &[root.device_piece_key(&who)], &bundle, &public_key).unwrap();
	let secrets: [&[u8; 32]; 6] = [
		root.expose_secret(),
		seed.expose_secret(),
		device_key.expose_secret(),
		generator.expose_secret(),
		key.expose_secret(),
		key.expose_nonce_prefix(),
	];
	let printed = format!("{root:?} {seed:?} {device_key:?} {generator:?} {key:?} {key:#?}");
	for secret in secrets {
		let hex = hex::encode(secret);
		assert!(!printed.contains(&hex), "a secret was printed as hex: {printed}");
		let decimal = format!("{:?}", secret.as_slice());
		let inner = &decimal[1..decimal.len() - 1];
		assert!(!printed.contains(inner), "a secret was printed as bytes: {printed}");
	}
	assert!(printed.contains("[REDACTED]"));
}
