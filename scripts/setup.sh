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

# protoc: litep2p's build script (the node's networking) compiles protobuf definitions.
if ! command -v protoc >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq protobuf-compiler >/dev/null
fi

# SoftHSM2: the PKCS#11 token the KSG's HSM key-source tests run against.
if [ ! -e /usr/lib/softhsm/libsofthsm2.so ] || ! command -v softhsm2-util >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq softhsm2 >/dev/null
fi

# Chromium: the operator console's browser test (console/test/) drives Debian's build headless.
if ! command -v chromium >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

# Operator tooling and its tests: @polkadot/api from npm, exactly as package-lock.json says.
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi
stamp=scripts/ops/node_modules/.keyshards-installed-lock
if ! cmp -s scripts/ops/package-lock.json "$stamp" 2>/dev/null; then
	npm ci --prefix scripts/ops --no-fund --no-audit --loglevel=error
	cp scripts/ops/package-lock.json "$stamp"
fi
