#!/usr/bin/env bash
# Idempotent installs of what the build needs that a fresh machine lacks. Quick when all is there.
set -euo pipefail

# The no_std protocol crate (and, with the chain, the runtime) builds for wasm32v1-none.
if ! rustup target list --installed | grep -qx wasm32v1-none; then
	rustup target add wasm32v1-none
fi

# Format and lint checks of the test suite.
missing=()
for component in clippy rustfmt; do
	rustup component list --installed | grep -q "^${component}" || missing+=("$component")
done
if [ ${#missing[@]} -gt 0 ]; then
	rustup component add "${missing[@]}"
fi
