#!/usr/bin/env bash
# The whole test suite: README command 2, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# With what only the suite needs: Chromium and the console's test packages.
scripts/setup.sh --test

# One shared target directory outside the clone, so repeated runs are warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

# Lints ride on the test builds: scripts/clippy-rustc compiles the workspace's crates with
# clippy-driver (rustc plus clippy's lints, warnings denied), the dependencies with plain rustc.
export RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/clippy-rustc"

step "lints and tests: primitives (vectors, properties), pallet (mock runtime), workspace"
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked

step "lints and pallet benchmarks (runtime-benchmarks), run as tests on the mock runtime"
cargo test --locked -p pallet-key-shards --features runtime-benchmarks benchmarking

step "operator scripts (polkadot.js): SPEC vectors, CSV checks"
npm test --prefix scripts/ops --silent

step "operator console: headless Chromium against a fresh dev node"
npm test --prefix console --silent

step "keyshards-primitives builds no_std for wasm32v1-none"
cargo build --locked -p keyshards-primitives --no-default-features --target wasm32v1-none

step "all green"
