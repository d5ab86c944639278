#!/usr/bin/env bash
# Regenerates runtime/src/configs/db_weights.rs, the cost of one storage read and one storage
# write that every benchmarked weight adds per database access: builds the node in release with
# `--features runtime-benchmarks`, then runs `benchmark storage` on the state of a stopped dev
# node (every key read, then written in batches as a block would, trie cache off).
#
#   scripts/benchmark-db-weights.sh <base path>
#
# The state should be large: the cost grows with the trie. A load run leaves one behind (the
# one the runtime's figures were measured on: a million devices after their whole first round,
# 3,001,017 keys):
#   KEYSHARDS_NODE=$CARGO_TARGET_DIR/release/keyshards-node KEYSHARDS_LOAD_DEVICES=1000000 \
#     KEYSHARDS_LOAD_KEEP=1 \
#     cargo test --workspace --test ksg_load ksg_rotates -- --ignored --nocapture
# (it prints the base path it kept). The generated file records the exact command in its header;
# docs/benchmarks.md records the figures and the state they were measured on.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1/chains/keyshards_dev/paritydb" ]; then
	echo "usage: scripts/benchmark-db-weights.sh <base path of a stopped dev node>" >&2
	exit 2
fi
base="$1"
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"
cargo build --locked --release -p keyshards-node --features runtime-benchmarks,jemalloc
"$CARGO_TARGET_DIR/release/keyshards-node" benchmark storage \
	--chain dev \
	--base-path "$base" \
	--database paritydb \
	--state-version 1 \
	--warmups 1 \
	--template-path scripts/db-weight-template.hbs \
	--weight-path runtime/src/configs/db_weights.rs
