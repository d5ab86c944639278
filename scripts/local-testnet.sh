#!/usr/bin/env bash
# Starts a local testnet on loopback ports: VALIDATORS validators (default 4: alice, bob,
# charlie, dave) with real Aura block production and GRANDPA finality (6-second slots), and the
# three holders of the 2-of-3 demo fleet as three non-validating full nodes (holder0, holder1,
# holder2), each running the KSG with only its own pieces' roots and its own account. Stopping a
# holder's node never stops finality; GRANDPA finalises while more than 2/3 of the validators
# vote (4 tolerate one down; 3 do not). Ctrl-C (or SIGTERM) stops every node and removes their
# data.
#
# The demo fleet's piece roots below are PUBLICLY KNOWN (keyshards_primitives::dev): test only.
#
# Environment (all optional):
#   KEYSHARDS_NODE   node binary (default: build it, as scripts/dev-chain.sh does)
#   VALIDATORS       number of validators, 1 to 6 (default 4)
#   HOLDERS          1 to start the demo fleet's three holder nodes (default), 0 not to
#   P2P_PORT         first p2p port (default 30333; the next nodes +1, +2, ...)
#   RPC_PORT         first RPC port (default 9944; validators first, then holder0..2)
#   PROMETHEUS_PORT  first Prometheus port (default 9615; same order)
#   DATA_DIR         where the nodes keep chain data, logs, pid files (<name>.pid) and command
#                    lines (<name>.cmd, one argument per line, to restart a node on its base
#                    path); default: a new temp dir, removed on exit
set -euo pipefail
cd "$(dirname "$0")/.."

KEYSHARDS_NODE="${KEYSHARDS_NODE:-$(scripts/build-node.sh)}"
validators=${VALIDATORS:-4}
holders=${HOLDERS:-1}
p2p=${P2P_PORT:-30333}
rpc=${RPC_PORT:-9944}
prom=${PROMETHEUS_PORT:-9615}
chain="local:$validators"
remove_data=0
if [ -z "${DATA_DIR:-}" ]; then
	DATA_DIR=$(mktemp -d -t keyshards-local.XXXXXX)
	remove_data=1
fi
names=(alice bob charlie dave eve ferdie)
if [ "$validators" -lt 1 ] || [ "$validators" -gt 6 ]; then
	echo "VALIDATORS must be 1 to 6" >&2
	exit 2
fi

# Fixed (public, test-only) node keys; the first validator's gives the others a known bootnode.
node_key() { printf '%064x' "$1"; }
first_peer=$(node_key 1 | "$KEYSHARDS_NODE" key inspect-node-key)
bootnode="/ip4/127.0.0.1/tcp/$p2p/p2p/$first_peer"

pids=()
validator_pids=()
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
	local command=(
		"$KEYSHARDS_NODE"
		--chain "$chain"
		--name "$name"
		--base-path "$DATA_DIR/$name"
		--listen-addr "/ip4/127.0.0.1/tcp/$((p2p + offset))"
		--rpc-port "$((rpc + offset))"
		--prometheus-port "$((prom + offset))"
		--no-mdns
		--no-telemetry
		"$@"
	)
	# The command line, one argument per line, to restart the node on its base path.
	printf '%s\n' "${command[@]}" >"$DATA_DIR/$name.cmd"
	"${command[@]}" >"$DATA_DIR/$name.log" 2>&1 &
	pids+=($!)
	echo $! >"$DATA_DIR/$name.pid"
	echo "$name: rpc ws://127.0.0.1:$((rpc + offset))  log $DATA_DIR/$name.log" >&2
}

mkdir -p "$DATA_DIR"
for ((i = 0; i < validators; i++)); do
	if [ "$i" = 0 ]; then
		start "${names[$i]}" "$i" "--${names[$i]}" --node-key "$(node_key 1)"
	else
		start "${names[$i]}" "$i" "--${names[$i]}" --node-key "$(node_key $((i + 1)))" --bootnodes "$bootnode"
	fi
	validator_pids+=("${pids[-1]}")
done

if [ "$holders" = 1 ]; then
	# The demo fleet's piece roots (publicly known, test only) and its holders: holder j acts
	# through the dev account below and holds every piece k whose subset T_k lacks j
	# (2-of-3: holder 0 pieces 1 and 2, holder 1 pieces 0 and 2, holder 2 pieces 0 and 1).
	roots=(
		42a0f72a9d604388244ed6f321fc57ee9172da607d73d6433ea2630fcf8c3927
		e17cc1a97bc9aca5128a7712f9820dc639d7c8567479bfe163eb88743119bbe4
		1314e6d5b8f6ead4c18404ca3e3fc3ec5dde7c1e36d1bbe04e71401cb31f4d17
	)
	accounts=(//Ferdie //Eve //Dave)
	pieces=("1 2" "0 2" "0 1")
	for j in 0 1 2; do
		name="holder$j"
		mkdir -p "$DATA_DIR/$name"
		"$KEYSHARDS_NODE" key insert --chain "$chain" --base-path "$DATA_DIR/$name" \
			--key-type ksgs --scheme sr25519 --suri "${accounts[$j]}"
		args=()
		for k in ${pieces[$j]}; do
			file="$DATA_DIR/$name/piece-$k.key"
			(umask 077 && printf '%s\n' "${roots[$k]}" >"$file")
			args+=(--ksg-key "0/$k=$file")
		done
		start "$name" $((validators + j)) --node-key "$(node_key $((10 + j)))" \
			--bootnodes "$bootnode" "${args[@]}"
	done
fi
echo "local testnet running; Ctrl-C stops it" >&2

# Runs until every validator has exited (any node may be stopped alone, e.g. to see finality
# survive one validator down), or until Ctrl-C / SIGTERM.
set +e
wait "${validator_pids[@]}"
status=$?
set -e
echo "the validators exited (last status $status); see the logs in $DATA_DIR" >&2
exit "$status"
