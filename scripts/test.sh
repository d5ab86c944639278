#!/usr/bin/env bash
# The whole test suite: README command 2, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# One shared target directory outside the clone, so repeated runs are warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (vectors, properties, unit)"
cargo test --workspace --locked

step "keyshards-primitives builds no_std for wasm32v1-none"
cargo build --locked -p keyshards-primitives --no-default-features --target wasm32v1-none

step "all green"
