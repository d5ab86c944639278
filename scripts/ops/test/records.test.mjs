// Epoch states, epoch and conflict summaries and publication outcomes, on codecs shaped as the
// chain's metadata describes its records (pallets/key-shards/src/types.rs, primitives/src/v2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypeRegistry } from '@polkadot/types';
import { conflictSummary, deviceSchedule, dueBlock, epochLine, epochState, epochSummary, openEpochAt, outcomeText } from '../records.mjs';

const registry = new TypeRegistry();
registry.register({
  StoredPiece: { publicPiece: '[u8; 32]', ciphertext: '[u8; 48]', publisher: 'AccountId32' },
  Completion: { at: 'u32', publicKey: '[u8; 32]', validFrom: 'u32', validTo: 'u32' },
  InvalidationReason: { _enum: ['Revoked', 'Superseded', 'Conflict', 'IdentityKey', 'Deregistered'] },
  Invalidation: { at: 'u32', reason: 'InvalidationReason' },
  KsUseRecord: { payloadHash: '[u8; 32]', signature: '[u8; 64]', at: 'u32' },
  EpochRecord: {
    registration: 'u32',
    openedAt: 'u32',
    pieces: 'Vec<Option<StoredPiece>>',
    completion: 'Option<Completion>',
    invalidated: 'Option<Invalidation>',
    used: 'Option<KsUseRecord>',
  },
  RefusalReason: {
    _enum: [
      'PublicPieceNotCanonical', 'PublicPieceSmallOrder', 'PublicPieceNotTorsionFree', 'BadProofOfPossession',
      'AnotherEpochOpen', 'NotNextEpoch', 'OpenedThisBlock', 'NotDue', 'EpochsExhausted', 'RetentionFull',
    ],
  },
  PublicationOutcome: { _enum: { Accepted: { present: 'u16' }, Refused: 'RefusalReason', Duplicate: 'Null', Conflict: 'Null' } },
  KsConflict: { piece: 'u16', first: '([u8; 32], [u8; 48], AccountId32)', second: '([u8; 32], [u8; 48], AccountId32)', at: 'u32' },
  Registered: { deposit: 'u128', at: 'u32' },
  Slot: { epoch: 'u32', validFrom: 'u32', validTo: 'u32', ended: 'Option<u32>' },
  OpenSlot: { epoch: 'u32', openedAt: 'u32', completed: 'Option<(u32, Slot)>' },
  DeviceInfo: {
    registered: 'Option<Registered>',
    registration: 'u32',
    nextEpoch: 'u64',
    lastOpenedAt: 'Option<u32>',
    oldest: 'u64',
    current: 'Option<Slot>',
    open: 'Option<OpenSlot>',
  },
});

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const piece = (byte, publisher = ALICE) => ({ publicPiece: `0x${byte.repeat(32)}`, ciphertext: `0x${byte.repeat(48)}`, publisher });
const TIMEOUT = 50;

/** An epoch record opened at block 100 with pieces 0 and 2 of 3, and whatever `change` adds. */
const record = (change = {}) => registry.createType('EpochRecord', {
  registration: 1,
  openedAt: 100,
  pieces: [piece('aa'), null, piece('cc', BOB)],
  completion: null,
  invalidated: null,
  used: null,
  ...change,
});
const complete = { pieces: [piece('aa'), piece('bb'), piece('cc', BOB)], completion: { at: 110, publicKey: `0x${'dd'.repeat(32)}`, validFrom: 120, validTo: 220 } };
const used = { payloadHash: `0x${'ee'.repeat(32)}`, signature: `0x${'ff'.repeat(64)}`, at: 130 };

test('an epoch\'s state at a block, as the runtime evaluates it', () => {
  const state = (r, now) => epochState(r, now, TIMEOUT);
  assert.deepEqual(state(record(), 149), { state: 'Incomplete' });
  assert.deepEqual(state(record(), 150), { state: 'Invalidated', reason: 'TimedOut', since: 150 });
  assert.deepEqual(state(record(complete), 119), { state: 'Pending' });
  assert.deepEqual(state(record(complete), 120), { state: 'Active' });
  assert.deepEqual(state(record({ ...complete, used }), 130), { state: 'Used' });
  assert.deepEqual(state(record(complete), 220), { state: 'Invalidated', reason: 'Expired', since: 220 });
  const revoked = record({ ...complete, invalidated: { at: 150, reason: 'Revoked' } });
  assert.deepEqual(state(revoked, 149), { state: 'Active' });
  assert.deepEqual(state(revoked, 150), { state: 'Invalidated', reason: 'Revoked', since: 150 });
  const conflict = record({ invalidated: { at: 105, reason: 'Conflict' } });
  assert.deepEqual(state(conflict, 105), { state: 'Invalidated', reason: 'Conflict', since: 105 });
  // Invalidated after its window ended: it expired first.
  const late = record({ ...complete, invalidated: { at: 300, reason: 'Deregistered' } });
  assert.deepEqual(state(late, 300), { state: 'Invalidated', reason: 'Expired', since: 220 });
});

test('an epoch record in words', () => {
  const open = epochSummary(7, record(), 120, TIMEOUT);
  assert.deepEqual(
    { ...open },
    { epoch: 7, state: 'Incomplete', registration: 1, openedAt: 100, pieces: 2, pieceCount: 3, missing: [1], publishers: [ALICE, null, BOB] },
  );
  assert.equal(epochLine(open), 'epoch 7: Incomplete; 2 of 3 pieces (missing 1); opened at 100');
  const done = epochSummary(6, record({ ...complete, used, invalidated: { at: 130, reason: 'Superseded' } }), 140, TIMEOUT);
  assert.equal(done.state, 'Invalidated');
  assert.equal(done.publicKey, `0x${'dd'.repeat(32)}`);
  assert.equal(done.usedAt, 130);
  assert.equal(
    epochLine(done),
    `epoch 6: Invalidated (Superseded from block 130); window [120, 220), key 0x${'dd'.repeat(32)}; opened at 100, completed at 110; used at 130 (payload hash 0x${'ee'.repeat(32)})`,
  );
});

test('a conflict: both publications with their accounts', () => {
  const c = registry.createType('KsConflict', {
    piece: 2,
    first: [`0x${'01'.repeat(32)}`, `0x${'02'.repeat(48)}`, ALICE],
    second: [`0x${'03'.repeat(32)}`, `0x${'04'.repeat(48)}`, BOB],
    at: 321,
  });
  assert.deepEqual(conflictSummary(c), {
    piece: 2,
    at: 321,
    first: { publicPiece: `0x${'01'.repeat(32)}`, ciphertext: `0x${'02'.repeat(48)}`, account: ALICE },
    second: { publicPiece: `0x${'03'.repeat(32)}`, ciphertext: `0x${'04'.repeat(48)}`, account: BOB },
  });
});

test('publication outcomes in words', () => {
  const outcome = (value) => registry.createType('PublicationOutcome', value);
  assert.equal(outcomeText(outcome({ Accepted: { present: 2 } }), 3), 'accepted (2 of 3 pieces present)');
  assert.equal(outcomeText(outcome({ Refused: 'NotDue' })), 'refused: the device is not due');
  assert.equal(outcomeText(outcome({ Refused: 'PublicPieceNotTorsionFree' })), 'refused: pt(X_k) is not torsion-free');
  assert.match(outcomeText(outcome('Duplicate')), /^duplicate/);
  assert.match(outcomeText(outcome('Conflict')), /^CONFLICT: .* both publications are recorded/);
});

/** A device record registered at block 10, in epoch 4, with `change`. */
const deviceInfo = (change = {}) => registry.createType('DeviceInfo', {
  registered: { deposit: 5, at: 10 },
  registration: 2,
  nextEpoch: 5,
  lastOpenedAt: 100,
  oldest: 0,
  current: { epoch: 3, validFrom: 60, validTo: 90, ended: null },
  open: { epoch: 4, openedAt: 100, completed: null },
  ...change,
});

test('a device record as numbers, and its open epoch at a block as the runtime settles it', () => {
  const incomplete = deviceSchedule(deviceInfo());
  assert.deepEqual(incomplete, { registeredAt: 10, nextEpoch: 5, open: { epoch: 4, openedAt: 100, completed: null } });
  assert.deepEqual(openEpochAt(incomplete, 149, TIMEOUT), { open: incomplete.open });
  assert.deepEqual(openEpochAt(incomplete, 150, TIMEOUT), { open: null, timedOutAt: 150 });
  const pending = deviceSchedule(deviceInfo({ open: { epoch: 4, openedAt: 100, completed: [101, { epoch: 4, validFrom: 110, validTo: 140, ended: null }] } }));
  assert.deepEqual(pending.open.completed, { at: 101, validFrom: 110, validTo: 140 });
  assert.equal(openEpochAt(pending, 109, TIMEOUT).open, pending.open);
  assert.deepEqual(openEpochAt(pending, 110, TIMEOUT), { open: null }, 'its window began: the current key');
  const none = deviceSchedule(deviceInfo({ open: null }));
  assert.deepEqual(openEpochAt(none, 200, TIMEOUT), { open: null });
  const gone = deviceSchedule(deviceInfo({ registered: null, nextEpoch: 2 ** 32, open: null }));
  assert.deepEqual(gone, { registeredAt: null, nextEpoch: null, open: null }, 'deregistered, epochs exhausted');
});

test('a due-index block: a u64, big-endian', () => {
  assert.equal(dueBlock(registry.createType('[u8; 8]', '0x0000000000000000')), 0);
  assert.equal(dueBlock(registry.createType('[u8; 8]', '0x0000000000012345')), 0x12345);
  assert.equal(dueBlock(registry.createType('[u8; 8]', '0x00000001fffffffe')), 0x1fffffffe);
});
