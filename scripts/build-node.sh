#!/usr/bin/env bash
# Builds keyshards-node and prints the binary's path (build output goes to stderr): the dev
# profile (the test suite's build, usually warm), or release with KEYSHARDS_RELEASE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"
if [ "${KEYSHARDS_RELEASE:-0}" = 1 ]; then
	cargo build --locked --release -p keyshards-node --features jemalloc >&2
	echo "$CARGO_TARGET_DIR/release/keyshards-node"
else
	cargo build --locked -p keyshards-node >&2
	echo "$CARGO_TARGET_DIR/debug/keyshards-node"
fi
