#!/usr/bin/env bash
# README command 1: build the node and start a development chain that rotates keys for the demo
# devices.
#
# The dev chain seals a block every second (`--dev-block-time`) and finalises it with GRANDPA
# (serving the finality proofs a device checks, as any chain here does), runs
# Alice as its only validator, and starts with the demo fleet: 2-of-3 (SPEC v2), five devices,
# owned by Alice, its holders 0, 1 and 2 acting through Ferdie, Eve and Dave. The node serves
# all three demo piece roots and puts the three holders' KSG keys in its keystore, so it alone
# publishes every piece (in service each holder runs its own nodes with only its own pieces'
# roots: see scripts/local-testnet.sh). The demo piece roots are PUBLICLY KNOWN
# (keyshards_primitives::dev::DEV_PIECE_ROOTS): dev chains only.
#
# The node is built with the dev profile (the test suite's build, so it is usually warm; the
# crates that run the runtime are optimised even there). KEYSHARDS_RELEASE=1 builds and runs the
# release profile instead (for load tests and benchmarks).
#
# Extra arguments go to the node, e.g. `scripts/dev-chain.sh --rpc-port 9955`.
# RPC (polkadot.js): ws://127.0.0.1:9944. State is kept in a temporary directory unless
# `--base-path` is given.
set -euo pipefail
cd "$(dirname "$0")/.."
node="$(scripts/build-node.sh)"
tmp=()
if ! printf '%s\n' "$@" | grep -q -- '^--base-path'; then tmp=(--tmp); fi
# The operator console, served on loopback while the node runs (it stops with the node, whose
# pid is this shell's after exec); KEYSHARDS_CONSOLE=0 leaves it out.
rpc_port=9944
prev=""
for arg in "$@"; do
	if [ "$prev" = --rpc-port ]; then rpc_port="$arg"; fi
	case "$arg" in --rpc-port=*) rpc_port="${arg#*=}" ;; esac
	prev="$arg"
done
# Nothing in it may stop the node from starting: its failures are reported, never fatal.
if [ "${KEYSHARDS_CONSOLE:-1}" != 0 ]; then
	console_port="${KEYSHARDS_CONSOLE_PORT:-8944}"
	if console_dir="$(mktemp -d "${TMPDIR:-/tmp}/keyshards-console.XXXXXX" 2>/dev/null)"; then
		console_log="$console_dir/console.log"
		node_pid=$$
		scripts/console.sh --port "$console_port" --ws "ws://127.0.0.1:$rpc_port" --watch-pid "$node_pid" >"$console_log" 2>&1 &
		console_pid=$!
		# The URL once the server says it listens (serve.mjs prints "Keyshards console: URL"):
		# a few seconds here; past them (a first install) a watcher prints it when it comes. A
		# console that stopped (a port taken, a failed install) is named with its log's last lines.
		console_report() {
			local wait="$1" i line
			for ((i = 0; i < wait * 5; i++)); do
				line="$(grep -m1 '^Keyshards console: ' "$console_log" 2>/dev/null || true)"
				if [ -n "$line" ]; then
					echo "Console: ${line#Keyshards console: }#/fleet/0 (the demo fleet; log: $console_log)"
					return 0
				fi
				if ! kill -0 "$console_pid" 2>/dev/null; then
					echo "Console: not served (the node runs without it); the end of $console_log:" >&2
					tail -n 5 "$console_log" >&2 || true
					return 0
				fi
				sleep 0.2
			done
			if [ "$wait" -lt 10 ]; then return 1; fi
			echo "Console: not listening after $wait s (the node runs without it); the end of $console_log:" >&2
			tail -n 5 "$console_log" >&2 || true
		}
		if ! console_report 5; then
			echo "Console: starting (installing its packages?); its URL follows when it listens (log: $console_log)"
			(console_report 300 &) || true
		fi
	else
		echo "Console: not started (no temporary directory for its log); the node starts without it" >&2
	fi
fi
exec "$node" --dev "${tmp[@]}" "$@"
