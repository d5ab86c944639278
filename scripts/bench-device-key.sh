#!/usr/bin/env bash
# Benchmark of the device client's `key` against a local dev node, for docs/benchmarks.md, in
# both modes: proven (the default: GRANDPA finality proof + read proofs + freshness, checked
# against the trust anchor) and `--insecure-state-call` (today's unproven `state_call`):
#   - in-process: `keyshard-device bench-key` (the library, COUNT calls), p50 / p99 / max, and
#     in proven mode one fetch's proof sizes and check times;
#   - whole process: `keyshard-device key` run COUNT times, p50 / p99 / max.
# The client is built in release; the node is the test suite's build. COUNT defaults to 1000.
#
# Against a node already running (say the million-device load run's), set KEYSHARDS_RPC to its
# HTTP URL, and FLEET, DEVICE and ROOTS (the three piece roots of that 2-of-3 fleet, hex, space
# separated) to the device to measure; the defaults are the demo fleet's demo-sensor-01.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}"
count="${COUNT:-1000}"
cargo build --locked --release -p keyshards-client
device="$CARGO_TARGET_DIR/release/keyshard-device"

work="$(mktemp -d)"
if [ -n "${KEYSHARDS_RPC:-}" ]; then
	rpc="$KEYSHARDS_RPC"
	trap 'rm -rf "$work"' EXIT
else
	node="$(scripts/build-node.sh)"
	port=$((20000 + RANDOM % 20000))
	"$node" --dev --tmp --rpc-port "$port" --no-prometheus --no-telemetry \
		--listen-addr /ip4/127.0.0.1/tcp/0 >"$work/node.log" 2>&1 &
	node_pid=$!
	trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null; rm -rf "$work"' EXIT
	rpc="http://127.0.0.1:$port"
fi
fleet="${FLEET:-0}"
name="${DEVICE:-demo-sensor-01}"

# The demo fleet's piece roots are publicly known (dev chains only): holders 0 and 1 export
# their pieces' device keys, and the device's key file is assembled from the two exports.
# shellcheck disable=SC2206
roots=(${ROOTS:-42a0f72a9d604388244ed6f321fc57ee9172da607d73d6433ea2630fcf8c3927
	e17cc1a97bc9aca5128a7712f9820dc639d7c8567479bfe163eb88743119bbe4
	1314e6d5b8f6ead4c18404ca3e3fc3ec5dde7c1e36d1bbe04e71401cb31f4d17})
for k in 0 1 2; do (umask 077; printf '%s\n' "${roots[$k]}" >"$work/piece-$k.key"); done
for _ in $(seq 1 600); do
	if "$device" --rpc "$rpc" export --fleet "$fleet" --root "1=$work/piece-1.key" --root "2=$work/piece-2.key" \
		--device "$name" --out "$work/holder-0.json" >/dev/null 2>&1; then break; fi
	sleep 0.2
done
"$device" --rpc "$rpc" export --fleet "$fleet" --root "0=$work/piece-0.key" --root "2=$work/piece-2.key" \
	--device "$name" --out "$work/holder-1.json" >/dev/null
"$device" assemble --export "$work/holder-0.json" --export "$work/holder-1.json" \
	--device "$name" --out "$work/device.keys.json" >/dev/null
for _ in $(seq 1 600); do
	if "$device" --rpc "$rpc" provision --out "$work/anchor.json" >/dev/null 2>&1; then break; fi
	sleep 0.2
done
common=(--rpc "$rpc" --device "$name" --keys "$work/device.keys.json")
for _ in $(seq 1 600); do
	if "$device" key "${common[@]}" --anchor "$work/anchor.json" >/dev/null 2>&1; then break; fi
	sleep 0.2
done

for mode in proven insecure; do
	if [ "$mode" = proven ]; then
		args=("${common[@]}" --anchor "$work/anchor.json")
	else
		args=("${common[@]}" --insecure-state-call)
	fi
	echo "$mode, in-process ($count calls):"
	"$device" bench-key "${args[@]}" --count "$count" 2>/dev/null

	echo "$mode, whole process ($count runs of \`keyshard-device key\`):"
	for _ in $(seq 1 "$count"); do
		start=$(date +%s%N)
		"$device" key "${args[@]}" >/dev/null 2>&1
		end=$(date +%s%N)
		echo $(((end - start) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END {
		p50 = v[int(NR * 0.50 + 0.999)]; p99 = v[int(NR * 0.99 + 0.999)];
		printf "{\"count\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n", NR, p50 / 1000, p99 / 1000, v[NR] / 1000 }'
done
