#!/usr/bin/env node
// Serves the built console (dist/) on loopback: a static file server, no external host. The page
// talks to the node itself, over WebSocket; this server only hands out its files.
//   node console/serve.mjs [--port 8944] [--host 127.0.0.1] [--ws ws://127.0.0.1:9944]
//                          [--build] [--watch-pid PID] [--allow-remote]
// A --host other than loopback is refused unless --allow-remote says so (the page is public, but
// whoever can load it can point it at a node).
// --build bundles first (scripts/console.sh does); --watch-pid stops the server when that
// process ends (scripts/dev-chain.sh ties it to the node).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DIST } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// What the page needs: its own script and styles, WebAssembly (@polkadot/util-crypto's sr25519),
// style attributes on the timeline's legend and canvases, and WebSockets to any node.
export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const HEADERS = { 'x-content-type-options': 'nosniff', 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' };

/** Loopback hosts: the only ones served without --allow-remote. */
export const isLoopback = (host) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Starts the server; resolves with { server, url } once it listens (port 0: any free port). */
export function serve({ port = 8944, host = '127.0.0.1', root = DIST } = {}) {
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', ...HEADERS }).end('bad request');
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (path.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', ...HEADERS }).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...HEADERS });
      res.end(body);
    } catch {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...HEADERS });
      res.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot serve the console on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.KEYSHARDS_CONSOLE_PORT ?? '8944' },
      host: { type: 'string', default: '127.0.0.1' },
      ws: { type: 'string', default: 'ws://127.0.0.1:9944' },
      build: { type: 'boolean' },
      'watch-pid': { type: 'string' },
      'allow-remote': { type: 'boolean' },
    },
  });
  try {
    if (!isLoopback(values.host) && !values['allow-remote']) {
      throw new Error(`--host ${values.host} is not loopback: the console is served on 127.0.0.1 unless --allow-remote is given too`);
    }
    if (values.build) await (await import('./build.mjs')).bundle();
    if (!existsSync(join(DIST, 'app.js'))) throw new Error(`no build in ${DIST}: run \`npm run build --prefix console\` (or scripts/console.sh)`);
    const { url } = await serve({ port: Number(values.port), host: values.host });
    console.log(`Keyshards console: ${url}?ws=${values.ws}`);
    if (values['watch-pid']) {
      const pid = Number(values['watch-pid']);
      setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          process.exit(0);
        }
      }, 1000).unref();
      // Keep the process alive through the server; the interval only watches.
    }
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
