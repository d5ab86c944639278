#!/usr/bin/env bash
# Starts a three-validator local testnet (alice, bob, charlie) on loopback ports: real Aura
# block production and GRANDPA finality, 6-second slots. Ctrl-C (or SIGTERM) stops all three
# and removes their data.
#
# Environment (all optional):
#   KEYSHARDS_NODE   node binary (default: build it, as scripts/dev-chain.sh does)
#   P2P_PORT         first p2p port (default 30333; bob +1, charlie +2)
#   RPC_PORT         first RPC port (default 9944; bob +1, charlie +2)
#   PROMETHEUS_PORT  first Prometheus port (default 9615; bob +1, charlie +2)
#   DATA_DIR         where the nodes keep chain data and logs (default: a new temp dir, removed
#                    on exit)
set -euo pipefail
cd "$(dirname "$0")/.."

KEYSHARDS_NODE="${KEYSHARDS_NODE:-$(scripts/build-node.sh)}"
p2p=${P2P_PORT:-30333}
rpc=${RPC_PORT:-9944}
prom=${PROMETHEUS_PORT:-9615}
remove_data=0
if [ -z "${DATA_DIR:-}" ]; then
	DATA_DIR=$(mktemp -d -t keyshards-local.XXXXXX)
	remove_data=1
fi

# Fixed (public, test-only) node keys; Alice's gives the other two a known bootnode address.
node_key() { printf '%064x' "$1"; }
alice_peer=$(node_key 1 | "$KEYSHARDS_NODE" key inspect-node-key)
bootnode="/ip4/127.0.0.1/tcp/$p2p/p2p/$alice_peer"

pids=()
stop() {
	local status=$?
	trap - EXIT INT TERM
	if [ ${#pids[@]} -gt 0 ]; then
		echo "stopping the local testnet (pids ${pids[*]})" >&2
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
	if [ "$status" != 0 ] && [ "$status" != 130 ] && [ "$status" != 143 ]; then
		for log in "$DATA_DIR"/*.log; do
			echo "--- last lines of $log" >&2
			tail -n 20 "$log" >&2 || true
		done
	fi
	if [ "$remove_data" = 1 ]; then rm -rf "$DATA_DIR"; fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() {
	local name=$1 offset=$2
	shift 2
	"$KEYSHARDS_NODE" \
		--chain local \
		"--$name" \
		--base-path "$DATA_DIR/$name" \
		--listen-addr "/ip4/127.0.0.1/tcp/$((p2p + offset))" \
		--rpc-port "$((rpc + offset))" \
		--prometheus-port "$((prom + offset))" \
		--no-mdns \
		--no-telemetry \
		"$@" >"$DATA_DIR/$name.log" 2>&1 &
	pids+=($!)
	echo "$name: rpc ws://127.0.0.1:$((rpc + offset))  log $DATA_DIR/$name.log" >&2
}

mkdir -p "$DATA_DIR"
start alice 0 --node-key "$(node_key 1)"
start bob 1 --node-key "$(node_key 2)" --bootnodes "$bootnode"
start charlie 2 --node-key "$(node_key 3)" --bootnodes "$bootnode"
echo "local testnet running; Ctrl-C stops it" >&2

# If any node exits, stop the others and report it.
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "a node exited (status $status); see the logs in $DATA_DIR" >&2
exit "$status"
