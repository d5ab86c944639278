// A threshold fleet's arguments are checked before anything is sent: holders and accounts, piece
// root files, publication keys, p = C(m, t-1), parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { accounts, checkFleet, checkParams, holders, pieceTable, publicationKey, publicationKeys, readPieceRoot } from '../fleet.mjs';

const { cases, negative } = JSON.parse(readFileSync(new URL('../../../primitives/tests/vectors-v2.json', import.meta.url)));
const twoOfThree = cases.find((c) => c.name === 'two-of-three');
let dir;
let dev;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  dev = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'].map((n) => [n, keyring.addFromUri(`//${n}`).address]));
  dir = mkdtempSync(join(tmpdir(), 'keyshards-ops-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A file with `content` and permission bits `mode`. */
function file(name, content, mode) {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

test('holders in order, each with its accounts', () => {
  const list = holders([`${dev.Alice},${dev.Bob}`, dev.Charlie, ` ${dev.Dave} `]);
  assert.deepEqual(list.map((own) => own.map((a) => a.address)), [[dev.Alice, dev.Bob], [dev.Charlie], [dev.Dave]]);
  assert.match(list[0][0].key, /^0x[0-9a-f]{64}$/);
  // A 0x-hex public key is an account too.
  assert.equal(accounts(list[0][0].key, '--accounts')[0].key, list[0][0].key);
});

test('bad holders are refused with the holder number', () => {
  assert.throws(() => holders(undefined), /--holder: give every holder, in order/);
  assert.throws(() => holders([dev.Alice, 'not-an-address']), /--holder \(holder 1\): "not-an-address" is not an account address/);
  assert.throws(() => holders([`${dev.Alice},`]), /holder 0\): an empty address/);
  assert.throws(() => holders([`${dev.Alice},${dev.Alice}`]), /holder 0\): account .* is listed twice/);
  assert.throws(() => holders([dev.Alice, dev.Bob, `${dev.Charlie},${dev.Alice}`]), /listed for holder 0 and holder 2/);
  assert.throws(() => holders([`${dev.Alice},${dev.Bob}`], { maxAccounts: 1 }), /2 accounts, the chain allows at most 1 per holder/);
  assert.throws(() => accounts('0x0102', '--accounts'), /not an account address/);
});

test('piece root files: 64 hex digits, owner-only', () => {
  const piece = twoOfThree.pieces[0];
  const good = file('root-0.key', `0x${piece.piece_root}\n`, 0o600);
  assert.equal(Buffer.from(readPieceRoot(good)).toString('hex'), piece.piece_root);
  const open = file('open.key', `${piece.piece_root}\n`, 0o644);
  assert.throws(() => readPieceRoot(open), /open\.key: group or others may access it \(mode 644\); run `chmod 600` on it/);
  assert.throws(() => readPieceRoot(file('group.key', piece.piece_root, 0o640)), /mode 640/);
  const short = file('short.key', piece.piece_root.slice(2), 0o600);
  assert.throws(() => readPieceRoot(short), /short\.key: expected a 32-byte piece root as 64 hexadecimal digits/);
  assert.throws(() => readPieceRoot(file('text.key', 'z'.repeat(64), 0o600)), /64 hexadecimal digits/);
  assert.throws(() => readPieceRoot(join(dir, 'missing.key')), /missing\.key: cannot read it/);
  // The error never shows the content.
  assert.throws(() => readPieceRoot(short), (e) => !e.message.includes(piece.piece_root.slice(2, 20)));
});

test('publication keys in command-line order, from W_k or from root files', () => {
  const [p0, p1, p2] = twoOfThree.pieces;
  const tokens = [
    { name: 'holder', value: dev.Alice },
    { name: 'piece-root-file', value: file('r0.key', p0.piece_root, 0o600) },
    { name: 'publication-key', value: `0x${p1.publisher_key}` },
    { name: 'threshold', value: '2' },
    { name: 'piece-root-file', value: file('r2.key', p2.piece_root, 0o400) },
  ];
  assert.deepEqual(publicationKeys(tokens).map((k) => k.key), [p0, p1, p2].map((p) => `0x${p.publisher_key}`));
  assert.equal(publicationKey(p1.publisher_key.toUpperCase(), 'k'), `0x${p1.publisher_key}`);
  assert.throws(() => publicationKey('0x1234', '--publication-key (piece 0)'), /piece 0\): "0x1234" is not a publication key/);
  assert.throws(() => publicationKeys([{ name: 'publication-key', value: 'xyz' }]), /--publication-key \(piece 0\)/);
});

test('p = C(m, t-1) publication keys, no two equal', () => {
  const three = holders([dev.Alice, dev.Bob, dev.Charlie]);
  const keys = twoOfThree.pieces.map((p) => ({ key: `0x${p.publisher_key}`, source: `W_${p.index}` }));
  assert.equal(checkFleet({ threshold: 2, holders: three, keys }), 3);
  assert.throws(() => checkFleet({ threshold: 2, holders: three, keys: keys.slice(0, 2) }), /2-of-3 fleet has p = C\(3, 1\) = 3 pieces: give 3 publication keys .* got 2/);
  assert.equal(checkFleet({ threshold: 3, holders: three, keys }), 3);
  assert.throws(() => checkFleet({ threshold: 1, holders: three, keys }), /1-of-3 fleet has p = C\(3, 0\) = 1 piece: give 1 publication key .* got 3/);
  assert.throws(() => checkFleet({ threshold: 4, holders: three, keys }), /--threshold: threshold 4 of 3 holders: need 1 <= t <= m/);
  assert.throws(() => checkFleet({ threshold: 0, holders: three, keys }), /1 <= t <= m/);
  assert.throws(() => checkFleet({ threshold: 2, holders: three, keys, maxHolders: 2 }), /3 holders, the chain allows at most 2/);
  assert.throws(() => checkFleet({ threshold: 2, holders: three, keys, maxPieces: 2 }), /needs p = C\(3, 1\) = 3 pieces, the chain allows at most 2/);
  // SPEC's negative: two pieces share one root, so their W_k are equal.
  const shared = negative.find((n) => n.kind === 'fleet' && n.reason === 'two W_k are equal');
  const sharedKeys = shared.publication_keys.map((k, i) => ({ key: `0x${k}`, source: `piece ${i}` }));
  assert.throws(() => checkFleet({ threshold: shared.t, holders: three, keys: sharedKeys }), /pieces 0 and 1 have the same publication key .* two pieces share one root/);
  // One holder, threshold 1: version 1's trust model, one piece.
  assert.equal(checkFleet({ threshold: 1, holders: holders([dev.Eve]), keys: keys.slice(0, 1) }), 1);
});

test('who holds which piece', () => {
  assert.deepEqual(pieceTable(3, 2), [
    { piece: 0, holders: [1, 2] },
    { piece: 1, holders: [0, 2] },
    { piece: 2, holders: [0, 1] },
  ]);
});

test('fleet parameters as the chain checks them', () => {
  const ok = { rotationPeriod: 100, gracePeriod: 100, leadTime: 10 };
  checkParams(ok, { minRotationPeriod: 10, maxRetainedEpochs: 8 });
  assert.throws(() => checkParams({ ...ok, leadTime: 100 }), /--lead-time: 100 blocks must be below the rotation period \(100\)/);
  assert.throws(() => checkParams({ ...ok, rotationPeriod: 5, leadTime: 1 }, { minRotationPeriod: 10 }), /--rotation-period: 5 blocks, the chain's minimum is 10/);
  assert.throws(() => checkParams({ ...ok, gracePeriod: 501 }, { maxRetainedEpochs: 8 }), /--grace-period: 501 blocks, at most 500/);
  checkParams({ ...ok, gracePeriod: 500 }, { maxRetainedEpochs: 8 });
});
