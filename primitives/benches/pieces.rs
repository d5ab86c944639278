//! SPEC v2: one holder's generation of its pieces for one device epoch, and the device's
//! reconstruction, for 1-of-1, 2-of-3 and 3-of-5; the chain's checks of a group of
//! publications, the proofs of possession batched and one by one; the torsion checks of a group's
//! points together and one by one.
//!
//! Run: `cargo bench -p keyshards-primitives --bench pieces`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use keyshards_primitives::{
	v2::{
		check_publications, generate_holder_pieces, proof_to_check, reconstruct, Batching,
		BundlePiece, Context, DeviceEpoch, DevicePieceKey, PieceRoot, ProofToCheck, Threshold,
	},
	DeviceId, PublicKey,
};
use std::{collections::BTreeMap, hint::black_box};

fn pieces(c: &mut Criterion) {
	let at = DeviceEpoch {
		ctx: Context::new(&[3; 32], 1),
		device: DeviceId::new(b"bench-device-0001").unwrap(),
		registration: 0,
		epoch: 42,
	};
	let mut group = c.benchmark_group("pieces");
	for (m, t) in [(1u8, 1u8), (3, 2), (5, 3)] {
		let threshold = Threshold::new(m, t).unwrap();
		let p = threshold.piece_count();
		let root = |k: u16| PieceRoot::from_slice(&[k as u8 + 1; 32]).unwrap();
		let holder_roots: BTreeMap<u16, PieceRoot> =
			threshold.pieces_of(0).into_iter().map(|k| (k, root(k))).collect();
		let label = format!("{t}-of-{m}");
		group.bench_with_input(BenchmarkId::new("holder_generate", &label), &(), |b, ()| {
			b.iter(|| generate_holder_pieces(&threshold, 0, &holder_roots, black_box(&at)).unwrap())
		});

		let generated: Vec<_> = (0..p).map(|k| root(k).generate(&at, k, p).unwrap()).collect();
		let keys: Vec<DevicePieceKey> =
			(0..p).map(|k| root(k).device_piece_key(&at.who(k))).collect();
		let pieces: Vec<BundlePiece> = generated
			.iter()
			.map(|g| BundlePiece {
				id: g.id,
				public_piece: g.publication.public_piece,
				ciphertext: g.publication.ciphertext,
			})
			.collect();
		let public_key = PublicKey(
			keyshards_primitives::v2::curve::sum(generated.iter().map(|g| {
				keyshards_primitives::v2::curve::decompress(g.publication.public_piece.as_bytes())
					.unwrap()
			}))
			.unwrap(),
		);
		group.bench_with_input(BenchmarkId::new("device_reconstruct", &label), &(), |b, ()| {
			b.iter(|| reconstruct(black_box(&at), &keys, black_box(&pieces), &public_key).unwrap())
		});
	}
	group.finish();
}

/// The chain's checks of a group of `c` publications (`check_publications`, the host function's
/// code): each point check and proof of possession, the proofs batched or one by one.
fn chain_checks(c: &mut Criterion) {
	let mut group = c.benchmark_group("chain_checks");
	for size in [1usize, 64, 624, 838] {
		let proofs: Vec<ProofToCheck> = (0..size)
			.map(|i| {
				let at = DeviceEpoch {
					ctx: Context::new(&[3; 32], 1),
					device: DeviceId::new(format!("bench-device-{i:06}").as_bytes()).unwrap(),
					registration: 0,
					epoch: 42,
				};
				let root = PieceRoot::from_slice(&[1; 32]).unwrap();
				let publication = root.generate(&at, 0, 3).unwrap().publication;
				proof_to_check(&at.who(0), &publication)
			})
			.collect();
		for (name, batch) in [
			("batched", Batching::ProofsAndPoints),
			("proofs_batched", Batching::Proofs),
			("one_by_one", Batching::None),
		] {
			group.throughput(criterion::Throughput::Elements(size as u64));
			group.bench_with_input(BenchmarkId::new(name, size), &proofs, |b, proofs| {
				b.iter(|| check_publications(black_box(proofs), batch))
			});
		}
	}
	group.finish();
}

/// The torsion checks of a group of `n` points: each point's `ℓ·X` alone, or the 128 subset sums
/// of `curve::torsion_free_batch`.
fn torsion_checks(c: &mut Criterion) {
	use curve25519_dalek::{constants::ED25519_BASEPOINT_POINT, scalar::Scalar};
	use keyshards_primitives::v2::curve::{torsion_free, torsion_free_batch};
	let mut group = c.benchmark_group("torsion_checks");
	for n in [192u64, 838] {
		let points: Vec<_> = (0..n)
			.map(|i| {
				let point = ED25519_BASEPOINT_POINT * Scalar::from(i * 7919 + 5);
				(point.compress().0, point)
			})
			.collect();
		let refs: Vec<_> = points.iter().map(|(bytes, point)| (bytes, *point)).collect();
		group.throughput(criterion::Throughput::Elements(n));
		group.bench_with_input(BenchmarkId::new("batch", n), &refs, |b, refs| {
			b.iter(|| assert!(torsion_free_batch(black_box(refs))))
		});
		group.bench_with_input(BenchmarkId::new("each", n), &refs, |b, refs| {
			b.iter(|| assert!(black_box(refs).iter().all(|(_, point)| torsion_free(point))))
		});
	}
	group.finish();
}

criterion_group!(benches, pieces, chain_checks, torsion_checks);
criterion_main!(benches);
