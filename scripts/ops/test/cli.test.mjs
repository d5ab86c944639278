// The scripts check their arguments before they connect: exit 2 on a usage error, 1 with a clear
// message on a bad value; no chain is needed (the endpoint below answers nothing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OPS = fileURLToPath(new URL('..', import.meta.url));
const NOWHERE = 'ws://127.0.0.1:9';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';
const { cases } = JSON.parse(readFileSync(new URL('../../../primitives/tests/vectors-v2.json', import.meta.url)));
const [p0, p1, p2] = cases.find((c) => c.name === 'two-of-three').pieces;
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshards-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a script; resolves with its exit code and output (run several at once: each loads polkadot.js). */
function ops(script, args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(OPS, script), '--ws', NOWHERE, ...args], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

const holders = ['--holder', ALICE, '--holder', `${BOB},5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy`, '--holder', CHARLIE];

test('help and usage errors', async () => {
  const [help, unknown, missing, ...others] = await Promise.all([
    ops('create-fleet.mjs', ['--help']),
    ops('create-fleet.mjs', ['--threshold', '2', '--shards', '4']),
    ops('set-holder-accounts.mjs', ['--fleet', '1', '--holder', '0']),
    ...['status.mjs', 'verify-use.mjs', 'audit-log.mjs', 'set-holder-accounts.mjs'].map((script) => ops(script, ['--help'])),
  ]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--holder <addresses>\n.*\(repeatable\)/);
  assert.match(help.stdout, /--piece-root-file <file>/);
  assert.doesNotMatch(help.stdout, /--ksg|--shards/);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--shards'/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--accounts is required/);
  others.forEach((out) => assert.equal(out.code, 0));
});

test('create-fleet: p = C(m, t-1) publication keys before anything is sent', async () => {
  const [few, threshold, twice, lead, notInt] = await Promise.all([
    ops('create-fleet.mjs', ['--threshold', '2', ...holders, '--publication-key', p0.publisher_key]),
    ops('create-fleet.mjs', ['--threshold', '4', ...holders]),
    ops('create-fleet.mjs', ['--threshold', '2', '--holder', ALICE, '--holder', ALICE, '--publication-key', p0.publisher_key]),
    ops('create-fleet.mjs', [
      '--threshold', '2', ...holders,
      ...[p0, p1, p2].flatMap((p) => ['--publication-key', p.publisher_key]),
      '--rotation-period', '10', '--lead-time', '10',
    ]),
    ops('create-fleet.mjs', ['--threshold', 'two', ...holders]),
  ]);
  assert.equal(few.code, 1);
  assert.match(few.stderr, /error: a 2-of-3 fleet has p = C\(3, 1\) = 3 pieces: give 3 publication keys in piece order .* got 1/);
  assert.match(threshold.stderr, /--threshold: threshold 4 of 3 holders: need 1 <= t <= m/);
  assert.match(twice.stderr, /listed for holder 0 and holder 1/);
  assert.match(lead.stderr, /--lead-time: 10 blocks must be below the rotation period \(10\)/);
  assert.match(notInt.stderr, /--threshold: expected a non-negative integer, got "two"/);
});

test('create-fleet: piece root files are owner-only and give W_k in order', async () => {
  const root = (p, mode) => {
    const path = join(dir, `piece-${p.index}-${mode.toString(8)}.key`);
    writeFileSync(path, `${p.piece_root}\n`);
    chmodSync(path, mode);
    return path;
  };
  const [open, same, good] = await Promise.all([
    ops('create-fleet.mjs', ['--threshold', '2', ...holders, '--piece-root-file', root(p0, 0o644)]),
    // Two pieces from one root: refused before the chain sees it.
    ops('create-fleet.mjs', ['--threshold', '2', ...holders,
      '--piece-root-file', root(p0, 0o600), '--publication-key', p0.publisher_key, '--piece-root-file', root(p2, 0o600)]),
    // All good: it gets as far as connecting.
    ops('create-fleet.mjs', ['--threshold', '2', ...holders,
      '--piece-root-file', root(p0, 0o600), '--publication-key', p1.publisher_key, '--piece-root-file', root(p2, 0o600)]),
  ]);
  assert.equal(open.code, 1);
  assert.match(open.stderr, /piece-0-644\.key: group or others may access it \(mode 644\); run `chmod 600` on it/);
  assert.match(same.stderr, /pieces 0 and 1 have the same publication key .* share one root/);
  assert.equal(good.code, 1);
  assert.match(good.stderr, /^error: cannot connect to ws:\/\/127\.0\.0\.1:9/);
});

test('set-holder-accounts, verify-use and status check their arguments first', async () => {
  const [bad, dup, epoch, big, device, payload, status] = await Promise.all([
    ops('set-holder-accounts.mjs', ['--fleet', '1', '--holder', '0', '--accounts', `${ALICE},nope`]),
    ops('set-holder-accounts.mjs', ['--fleet', '1', '--holder', '0', '--accounts', `${ALICE},${ALICE}`]),
    ops('verify-use.mjs', ['--fleet', '1', '--device', 'd', '--epoch', '-1']),
    ops('verify-use.mjs', ['--fleet', '1', '--device', 'd', '--epoch', '4294967296']),
    ops('verify-use.mjs', ['--fleet', '1', '--device', 'x'.repeat(65), '--epoch', '0']),
    ops('verify-use.mjs', ['--fleet', '1', '--device', 'd', '--epoch', '0', '--payload', join(dir, 'none.bin')]),
    ops('status.mjs', ['--fleet', 'x']),
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--accounts: "nope" is not an account address/);
  assert.match(dup.stderr, /--accounts: account .* is listed twice/);
  assert.equal(epoch.code, 2); // parseArgs: "-1" is an option, not a value
  assert.match(big.stderr, /--epoch: 4294967296 is above 2\^32 - 1/);
  assert.match(device.stderr, /must be 1 to 64 bytes, is 65/);
  assert.match(payload.stderr, /--payload .*none\.bin: ENOENT/);
  assert.match(status.stderr, /--fleet: expected a non-negative integer/);
});
