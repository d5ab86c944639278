#!/usr/bin/env bash
# Idempotent installs of what the build needs that a fresh machine lacks. Quick when all is there.
#   scripts/setup.sh          the build, the node and the operator scripts (README command 1)
#   scripts/setup.sh --test   also what only the test suite needs: Chromium and the console's
#                             test packages (scripts/test.sh and .ci/run)
set -euo pipefail
test_mode=0
for arg in "$@"; do
	case "$arg" in
	--test) test_mode=1 ;;
	*)
		echo "usage: scripts/setup.sh [--test]" >&2
		exit 2
		;;
	esac
done

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

# Test mode only (scripts/test.sh, .ci/run): the operator console's browser test.
if [ "$test_mode" = 1 ]; then
	# Chromium: console/test/ drives Debian's build headless, at this path (KEYSHARDS_CHROMIUM).
	if [ ! -x /usr/bin/chromium ]; then
		sudo=""
		if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
	fi
	# The console's packages with its test ones (puppeteer-core, pngjs), exactly as its
	# package-lock.json says; puppeteer-core never downloads a browser. scripts/console.sh
	# installs the production ones only (its own stamp); this stamp says the full set is there.
	stamp=console/node_modules/.keyshards-installed-lock-full
	if ! cmp -s console/package-lock.json "$stamp" 2>/dev/null; then
		PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix console --no-fund --no-audit --loglevel=error
		cp console/package-lock.json "$stamp"
	fi
fi
