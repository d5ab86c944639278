#!/usr/bin/env bash
# The operator console (console/): installs its packages (exactly as console/package-lock.json
# says), bundles it and serves it on loopback, by default http://127.0.0.1:8944/ (no external
# host; the page talks to the node over WebSocket itself). Options go to console/serve.mjs:
#   scripts/console.sh [--port 8944] [--ws ws://127.0.0.1:9944] [--watch-pid PID]
# scripts/dev-chain.sh starts it in the background for the dev chain.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then scripts/setup.sh; fi
stamp=console/node_modules/.keyshards-installed-lock
if ! cmp -s console/package-lock.json "$stamp" 2>/dev/null; then
	# puppeteer-core (the browser test's driver) never downloads a browser; this keeps it so.
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix console --no-fund --no-audit --loglevel=error
	cp console/package-lock.json "$stamp"
fi
exec node console/serve.mjs --build "$@"
