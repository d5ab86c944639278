#!/usr/bin/env bash
# The operator console (console/): installs its production packages (@polkadot/api and esbuild,
# which bundles it; exactly as console/package-lock.json says), bundles it and serves it on
# loopback, by default http://127.0.0.1:8944/ (no external host; the page talks to the node over
# WebSocket itself). Options go to console/serve.mjs:
#   scripts/console.sh [--port 8944] [--ws ws://127.0.0.1:9944] [--watch-pid PID]
# scripts/dev-chain.sh starts it in the background for the dev chain. The browser test's
# packages (puppeteer-core, pngjs) come with `scripts/setup.sh --test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then scripts/setup.sh; fi
full=console/node_modules/.keyshards-installed-lock-full
stamp=console/node_modules/.keyshards-installed-lock-prod
if ! cmp -s console/package-lock.json "$full" 2>/dev/null && ! cmp -s console/package-lock.json "$stamp" 2>/dev/null; then
	npm ci --prefix console --omit=dev --no-fund --no-audit --loglevel=error
	cp console/package-lock.json "$stamp"
fi
exec node console/serve.mjs --build "$@"
