#!/usr/bin/env bash
# Regenerates pallets/key-shards/src/weights.rs from the pallet's benchmarks: builds the node in
# release with `--features runtime-benchmarks`, then runs `benchmark pallet` on the runtime's
# wasm (genesis from the runtime's `development` preset). The generated file records the exact
# command in its header; docs/benchmarks.md records the figures.
#
# STEPS / REPEAT (default 20 / 10: about 9 minutes here) trade precision for time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"
cargo build --locked --release -p keyshards-node --features runtime-benchmarks,jemalloc
node="$CARGO_TARGET_DIR/release/keyshards-node"
wasm="$CARGO_TARGET_DIR/release/wbuild/keyshards-runtime/keyshards_runtime.compact.compressed.wasm"
"$node" benchmark pallet \
	--runtime "$wasm" \
	--genesis-builder runtime \
	--genesis-builder-preset development \
	--pallet pallet_key_shards \
	--extrinsic '*' \
	--steps "${STEPS:-20}" \
	--repeat "${REPEAT:-10}" \
	--wasm-execution compiled \
	--heap-pages 4096 \
	--template scripts/weight-template.hbs \
	--header scripts/weight-header.txt \
	--output pallets/key-shards/src/weights.rs
