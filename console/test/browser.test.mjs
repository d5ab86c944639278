// The console in headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core; no
// browser download) against a fresh dev node: an unreachable node's error, the demo fleet, its
// timeline growing as the KSG rotates keys, a use made by `keyshard-device sign --submit` found
// in the audit feed and verified in the browser, and an owner action with the dev account.
// Screenshots are saved in test-artifacts/ (KEYSHARDS_ARTIFACTS) and checked: their pixels.
//
// Binaries: KEYSHARDS_NODE and KEYSHARDS_DEVICE (default: the debug builds in
// ${CARGO_TARGET_DIR:-$HOME/.cache/keyshards-target}), KEYSHARDS_CHROMIUM (/usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { blake2AsHex } from '@polkadot/util-crypto';
import { serve } from '../serve.mjs';
import { COLORS } from '../src/timeline.js';
import { countColours } from './png.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/keyshards-target');
const NODE = process.env.KEYSHARDS_NODE || join(target, 'debug/keyshards-node');
const DEVICE = process.env.KEYSHARDS_DEVICE || join(target, 'debug/keyshard-device');
const CHROMIUM = process.env.KEYSHARDS_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.KEYSHARDS_ARTIFACTS || join(here, 'test-artifacts');
// The demo fleet's piece roots: publicly known test values (dev chains only).
const ROOTS = [
  '42a0f72a9d604388244ed6f321fc57ee9172da607d73d6433ea2630fcf8c3927',
  'e17cc1a97bc9aca5128a7712f9820dc639d7c8567479bfe163eb88743119bbe4',
  '1314e6d5b8f6ead4c18404ca3e3fc3ec5dde7c1e36d1bbe04e71401cb31f4d17',
];
// The demo fleet's devices (keyshards_primitives::dev).
const DEMO_DEVICES = ['demo-sensor-01', 'demo-sensor-02', 'demo-ecu-01', 'demo-gateway-01', 'demo-gateway-02'];
const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let node;
let server;
let browser;
let page;
let rpcPort;
let work;
let base;

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function rpc(method, params = []) {
  const res = await fetch(`http://127.0.0.1:${rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()).result;
}

/** Polls `check` until it returns something truthy, or fails naming `what`. */
async function until(what, check, ms = 60_000, every = 250) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}

const device = (...args) => run(DEVICE, ['--rpc', `http://127.0.0.1:${rpcPort}`, ...args], { timeout: 120_000 });

async function shot(name, element) {
  const file = join(ARTIFACTS, `${name}.png`);
  const buffer = await page.screenshot({ path: file, fullPage: true });
  const box = element ? await (await page.$(element)).boundingBox() : null;
  return { file, buffer, box };
}

before(async () => {
  for (const [what, path, env] of [['node', NODE, 'KEYSHARDS_NODE'], ['device client', DEVICE, 'KEYSHARDS_DEVICE'], ['Chromium', CHROMIUM, 'KEYSHARDS_CHROMIUM']]) {
    if (!existsSync(path)) throw new Error(`no ${what} at ${path}: build it or set ${env}`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'keyshards-console-'));
  rpcPort = await freePort();
  const p2p = await freePort();
  const log = createWriteStream(join(ARTIFACTS, 'node.log'));
  node = spawn(NODE, ['--dev', '--tmp', '--rpc-port', String(rpcPort), '--listen-addr', `/ip4/127.0.0.1/tcp/${p2p}`,
    '--no-prometheus', '--no-telemetry', '-lsc_consensus_manual_seal=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  node.stdout.pipe(log);
  node.stderr.pipe(log);
  await until('the dev node to finalize a block', async () => {
    const head = await rpc('chain_getFinalizedHead');
    const header = head && (await rpc('chain_getHeader', [head]));
    return header && parseInt(header.number, 16) >= 1;
  }, 120_000);
  ({ server, url: base } = await serve({ port: 0 }));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    defaultViewport: { width: 1600, height: 1000, deviceScaleFactor: 1 },
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
});

after(async () => {
  await browser?.close();
  server?.close();
  if (node && node.exitCode === null) {
    node.kill('SIGTERM');
    await Promise.race([new Promise((r) => node.once('exit', r)), sleep(10_000).then(() => node.kill('SIGKILL'))]);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('an unreachable node shows a clear error naming it', async () => {
  const dead = await freePort();
  await page.goto(`${base}?ws=ws://127.0.0.1:${dead}#/`);
  await page.waitForSelector('#connect-error', { timeout: 30_000 });
  const text = await page.$eval('#connect-error', (e) => e.textContent);
  assert.match(text, new RegExp(`cannot connect to ws://127\\.0\\.0\\.1:${dead}`));
  const bannerText = await page.$eval('#banner', (e) => (e.hidden ? '' : e.textContent));
  assert.match(bannerText, /Is a Keyshards node running there/);
  const { buffer, box } = await shot('unreachable', '#banner');
  // The error banner is on screen: its red-tinted background fills its box.
  const { counts } = countColours(buffer, box, { banner: '#fde2e2' });
  assert.ok(counts.banner > box.width * box.height * 0.5, `the banner's background covers ${counts.banner} px of ${box.width * box.height}`);
});

test('the fleets view shows the demo fleet: 2-of-3, owner Alice, holders Ferdie, Eve and Dave, five devices', async () => {
  await page.goto(`${base}?ws=ws://127.0.0.1:${rpcPort}#/`);
  await page.waitForSelector('#fleets tr[data-fleet="0"]', { timeout: 60_000 });
  const row = await page.$eval('#fleets tr[data-fleet="0"]', (e) => ({
    text: e.textContent,
    threshold: e.querySelector('.threshold').textContent,
    holders: [...e.querySelectorAll('.holders div')].map((d) => d.textContent),
    devices: e.querySelector('.devices').textContent,
  }));
  assert.match(row.threshold, /^2-of-3/);
  assert.match(row.text, /Alice/);
  assert.match(row.holders[0], /^0: Ferdie/);
  assert.match(row.holders[1], /^1: Eve/);
  assert.match(row.holders[2], /^2: Dave/);
  assert.equal(row.devices, '5');
  await shot('fleets');
});

test('the fleet view: five demo devices, and the timeline grows as the KSG rotates keys', async () => {
  await page.goto(`${base}?ws=ws://127.0.0.1:${rpcPort}#/fleet/0`);
  const first = await until('the demo devices with an epoch each', () => page.$eval('#devices', (t) => t.dataset.devices === '5' && Number(t.dataset.maxEpoch) >= 0 && { ...t.dataset }).catch(() => false));
  const names = await page.$$eval('#devices tr[data-device]', (rows) => rows.map((r) => r.dataset.device).sort());
  assert.deepEqual(names, DEMO_DEVICES.slice().sort());
  const a = await shot('timeline-early', '#devices');
  const later = await until('two more rotations (10 blocks each)', () => page.$eval('#devices', (t, m) => Number(t.dataset.maxEpoch) >= m + 2 && { ...t.dataset }, Number(first.maxEpoch)), 90_000, 500);
  assert.ok(Number(later.now) > Number(first.now));
  assert.ok(Number(later.epochs) > Number(first.epochs), `epochs shown: ${first.epochs} then ${later.epochs}`);
  const b = await shot('timeline', '#devices');
  const colours = { active: COLORS.active, pending: COLORS.pending, incomplete: COLORS.incomplete, next: COLORS.next };
  const early = countColours(a.buffer, a.box, colours).counts;
  const now = countColours(b.buffer, b.box, colours).counts;
  // The bars are in the picture, and there are more of them two rotations later.
  assert.ok(now.active > 1000, `active bars: ${now.active} px`);
  assert.ok(now.pending > 100, `pending bars: ${now.pending} px`);
  assert.ok(now.next > 20, `next-rotation markers: ${now.next} px`);
  assert.ok(now.active > early.active, `active bars grew: ${early.active} px, then ${now.active} px`);
  // Paging: two devices a page, three pages, the last with one device.
  await page.goto(`${base}?ws=ws://127.0.0.1:${rpcPort}#/fleet/0?page=2`);
  await until('a page of two', () => page.$eval('#devices', (t) => t.dataset.devices === '2'), 30_000);
  const seen = await page.$$eval('#devices tr[data-device]', (r) => r.map((x) => x.dataset.device));
  for (const n of [2, 3]) {
    await until(`page ${n - 1}'s next button`, () => page.$eval('#next', (b) => !b.disabled), 20_000);
    await page.click('#next');
    await until(`page ${n}`, () => page.$eval('#page-status', (e, k) => e.textContent.startsWith(`page ${k} of 3`), n), 20_000);
    seen.push(...(await page.$$eval('#devices tr[data-device]', (r) => r.map((x) => x.dataset.device))));
  }
  assert.equal(await page.$eval('#devices', (t) => t.dataset.devices), '1');
  assert.equal(await page.$eval('#next', (b) => b.disabled), true);
  assert.deepEqual(seen.sort(), names, 'the three pages hold every device once');
  // Search: an exact id, then a part of one.
  await page.$eval('#search', (e) => { e.value = 'demo-ecu-01'; });
  await page.click('form.toolbar button');
  await until('the one device found', () => page.$$eval('#devices tr[data-device]', (r) => r.length === 1 && r[0].dataset.device === 'demo-ecu-01'), 20_000);
  await page.$eval('#search', (e) => { e.value = 'GATEWAY'; });
  await page.click('form.toolbar button');
  await until('the two gateways found by a part of their id', () => page.$$eval('#devices tr[data-device]', (r) => r.map((x) => x.dataset.device).sort().join() === 'demo-gateway-01,demo-gateway-02'), 20_000);
  assert.match(await page.$eval('#page-status', (e) => e.textContent), /“GATEWAY”: 2 devices \(5 scanned\)/);
});

test('a use made with keyshard-device sign --submit appears in the audit feed and verifies in the browser', async () => {
  for (const [k, root] of ROOTS.entries()) writeFileSync(join(work, `piece-${k}.key`), `${root}\n`, { mode: 0o600 });
  const name = 'demo-sensor-01';
  await until('export', () => device('export', '--fleet', '0', '--root', `1=${join(work, 'piece-1.key')}`, '--root', `2=${join(work, 'piece-2.key')}`, '--device', name, '--out', join(work, 'holder-0.json')).then(() => true), 60_000, 1000);
  await device('export', '--fleet', '0', '--root', `0=${join(work, 'piece-0.key')}`, '--root', `2=${join(work, 'piece-2.key')}`, '--device', name, '--out', join(work, 'holder-1.json'));
  await run(DEVICE, ['assemble', '--export', join(work, 'holder-0.json'), '--export', join(work, 'holder-1.json'), '--device', name, '--out', join(work, 'keys.json')]);
  await until('provision', () => device('provision', '--out', join(work, 'anchor.json')).then(() => true), 60_000, 1000);
  const payload = new TextEncoder().encode(`firmware image for the console test ${Date.now()}\n`);
  writeFileSync(join(work, 'firmware.bin'), payload);
  let attempt = 0;
  const signed = await until('sign --submit to succeed', async () => {
    const out = join(work, `sig-${(attempt += 1)}.json`);
    await device('--anchor', join(work, 'anchor.json'), '--json', 'sign', join(work, 'firmware.bin'), '--device', name, '--keys', join(work, 'keys.json'), '--out', out, '--submit');
    return JSON.parse(readFileSync(out, 'utf8'));
  }, 90_000, 2000);
  assert.equal(signed.payload_hash.replace(/^(0x)?/, '0x'), blake2AsHex(payload, 256));

  await page.goto(`${base}?ws=ws://127.0.0.1:${rpcPort}#/audit?fleet=0`);
  const selector = `#feed tr[data-method="KeyUsed"] .use-link[href$="/${signed.epoch}"]`;
  await page.waitForSelector(selector, { timeout: 60_000 });
  await page.click(selector);
  await page.waitForSelector('#verdict', { timeout: 30_000 });
  const verdict = await page.$eval('#verdict', (e) => ({ valid: e.dataset.valid, text: e.textContent }));
  assert.equal(verdict.valid, 'true', verdict.text);
  assert.match(verdict.text, /signature verified in this browser/);
  assert.equal(await page.$eval('#payload-hash', (e) => e.textContent), blake2AsHex(payload, 256));
  assert.equal((await page.$eval('#signature', (e) => e.textContent)).replace(/^0x/, ''), signed.signature.replace(/^0x/, ''));
  // The payload file, hashed in the browser, is the one signed.
  const input = await page.$('#payload');
  await input.uploadFile(join(work, 'firmware.bin'));
  await until('the payload check', () => page.$eval('#payload-result', (e) => e.className === 'ok' && e.textContent));
  const { buffer, box } = await shot('use', '#verdict');
  const { counts } = countColours(buffer, box, { ok: '#17692f' }, 40);
  assert.ok(counts.ok > 50, `the green verdict is on screen (${counts.ok} px)`);
});

test('owner action: the dev account revokes an epoch, after confirmation; read-only refuses', async () => {
  const name = 'demo-sensor-02';
  await page.goto(`${base}?ws=ws://127.0.0.1:${rpcPort}#/fleet/0/device/${name}`);
  await page.waitForSelector('#epochs tr[data-epoch] button.revoke', { timeout: 30_000 });
  // Read-only: the dialog says so and offers nothing to confirm.
  await page.click('#epochs tr[data-epoch] button.revoke');
  await page.waitForSelector('#confirm[open]');
  assert.match(await page.$eval('#confirm-body', (e) => e.textContent), /read-only/);
  assert.equal(await page.$eval('#confirm-ok', (e) => e.hidden), true);
  await page.click('#confirm-cancel');
  await page.select('#signer', 'dev');
  const epoch = await page.$eval('#epochs tr[data-epoch] button.revoke', (b) => b.closest('tr').dataset.epoch);
  await page.click(`#epochs tr[data-epoch="${epoch}"] button.revoke`);
  await page.waitForSelector('#confirm[open] #confirm-ok:not([hidden])');
  assert.match(await page.$eval('#confirm-body', (e) => e.textContent), /dev account \/\/Alice/);
  await page.click('#confirm-ok');
  const status = await until('the revocation to be final', () => page.$eval('#confirm-status', (e) => (e.className ? { cls: e.className, text: e.textContent } : false)), 60_000);
  assert.equal(status.cls, 'ok', status.text);
  assert.match(status.text, new RegExp(`EpochInvalidated.*"epoch":"${epoch}".*Revoked`));
  await page.click('#confirm-cancel');
  await until('the epoch shown revoked', () => page.$eval(`#epochs tr[data-epoch="${epoch}"]`, (r) => /Revoked/.test(r.textContent)), 20_000);
  await shot('revoked');
});
