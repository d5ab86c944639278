//! `generate` (KSG side) and `reconstruct` (device side) for n = 1, 4, 32.
//!
//! Run: `cargo bench -p keyshards-primitives --bench shards`. Target: at most 20 µs each for
//! n = 4 (one Ed25519 key generation, ~14 µs, is the floor of both).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use keyshards_primitives::{generate, reconstruct, DeviceId, FleetRootKey, ShardCount};
use std::hint::black_box;

fn shards(c: &mut Criterion) {
	let device = DeviceId::new(b"bench-device-0001").unwrap();
	let master = FleetRootKey::from_slice(&[7; 32]).unwrap().device_master_key(&device);
	let epoch = 42;

	let mut group = c.benchmark_group("shards");
	for n in [1u8, 4, 32] {
		let count = ShardCount::new(n).unwrap();
		group.bench_with_input(BenchmarkId::new("generate", n), &count, |b, &count| {
			b.iter(|| generate(black_box(&master), black_box(&device), black_box(epoch), count))
		});
		let generated = generate(&master, &device, epoch, count);
		group.bench_with_input(BenchmarkId::new("reconstruct", n), &count, |b, &count| {
			b.iter(|| {
				reconstruct(
					black_box(&master),
					black_box(&device),
					black_box(epoch),
					count,
					black_box(&generated.public_key),
					black_box(&generated.shards),
				)
				.unwrap()
			})
		});
	}
	group.finish();

	// The floor both share: one Ed25519 secret-seed-to-public-key derivation.
	c.bench_function("ed25519_public_from_seed", |b| {
		b.iter(|| ed25519_dalek::SigningKey::from_bytes(black_box(&[9; 32])).verifying_key())
	});
}

criterion_group!(benches, shards);
criterion_main!(benches);
