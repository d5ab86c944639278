// Due devices with nothing published (the Holders view's "missing now" for devices no epoch was
// opened for): which devices count, from decoded device records, and the bounded read of the
// due index (pages of keys, stopped at the block asked for or at the cap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DUE_CAP, DUE_PAGE, dueUnpublished, overdue, unpublished } from '../src/due.js';

const timeout = 20;
const backupDelay = 3;
/** A registered device (records.mjs deviceSchedule) in epoch 4, with `open`. */
const schedule = (open = null) => ({ registeredAt: 10, nextEpoch: 5, open });

test('due with no epoch opened, for more than backup_delay blocks: every piece missing', () => {
  const due = [{ device: 'a', dueAt: 100, schedule: schedule() }];
  assert.deepEqual(unpublished(due, { head: 103, backupDelay, timeout }), [], 'the backups may still open it');
  assert.deepEqual(unpublished(due, { head: 104, backupDelay, timeout }), [{ device: 'a', epoch: 5, since: 100, timedOut: null }]);
  assert.deepEqual(unpublished(due, { head: 99, backupDelay, timeout }), [], 'not due yet');
});

test('an open epoch is not counted here: incomplete (the window\'s epochs count it) or pending', () => {
  const incomplete = { epoch: 5, openedAt: 101, completed: null };
  assert.deepEqual(unpublished([{ device: 'a', dueAt: 100, schedule: schedule(incomplete) }], { head: 120, backupDelay, timeout }), []);
  const pending = { epoch: 5, openedAt: 101, completed: { at: 102, validFrom: 130, validTo: 160 } };
  assert.deepEqual(unpublished([{ device: 'a', dueAt: 100, schedule: schedule(pending) }], { head: 120, backupDelay, timeout }), []);
});

test('an incomplete epoch that timed out: nothing open since its timeout', () => {
  const timedOut = { device: 'a', dueAt: 100, schedule: schedule({ epoch: 4, openedAt: 101, completed: null }) };
  assert.deepEqual(unpublished([timedOut], { head: 124, backupDelay, timeout }), [], 'timed out at 121: the backups may still open the next');
  assert.deepEqual(unpublished([timedOut], { head: 125, backupDelay, timeout }), [{ device: 'a', epoch: 5, since: 121, timedOut: 4 }]);
  // Timed out before the key ended: nothing open since the due block, as for any due device.
  const early = { device: 'b', dueAt: 100, schedule: schedule({ epoch: 4, openedAt: 60, completed: null }) };
  assert.deepEqual(unpublished([early], { head: 104, backupDelay, timeout }), [{ device: 'b', epoch: 5, since: 100, timedOut: null }]);
});

test('nothing is owed to a deregistered device, one with exhausted epochs, or one with no record', () => {
  const due = [
    { device: 'gone', dueAt: 100, schedule: { ...schedule(), registeredAt: null } },
    { device: 'exhausted', dueAt: 100, schedule: { ...schedule(), nextEpoch: null } },
    { device: 'none', dueAt: 100, schedule: null },
  ];
  assert.deepEqual(unpublished(due, { head: 200, backupDelay, timeout }), []);
});

/** A stand-in for an api.at() view: a fleet's due index (sorted [block, device] pairs) read as
 * state_getKeysPaged reads it (keys after `startKey`), and device records by id. */
function chain(index, records = {}) {
  const calls = [];
  const key = ([block, device]) => {
    const blockBytes = new Uint8Array(8);
    new DataView(blockBytes.buffer).setBigUint64(0, BigInt(block), false);
    const id = new TextEncoder().encode(device);
    const hex = `${String(block).padStart(12, '0')}/${device}`; // sorts as the storage keys do
    return { args: [null, { toU8a: () => blockBytes }, { toU8a: () => id, device }], toHex: () => hex };
  };
  const keys = index.map(key);
  const some = (v) => ({ isSome: true, unwrap: () => v });
  const at = {
    query: {
      keyShards: {
        dueIndex: {
          keysPaged: async ({ args, pageSize, startKey }) => {
            calls.push({ args, pageSize, startKey });
            const from = startKey === undefined ? 0 : keys.findIndex((k) => k.toHex() === startKey) + 1;
            return keys.slice(from, from + pageSize);
          },
        },
        devices: { multi: async (list) => list.map(([, id]) => (records[id.device] ? some(records[id.device]) : { isSome: false })) },
      },
    },
  };
  return { at, calls };
}

test('the due index is read in pages up to the block asked for', async () => {
  const index = Array.from({ length: 1200 }, (_, i) => [100 + Math.floor(i / 2), `d-${String(i).padStart(4, '0')}`]);
  const { at, calls } = chain(index);
  const { entries, capped } = await overdue(at, 7, 110);
  assert.equal(capped, false);
  assert.deepEqual(entries.map((x) => [x.dueAt, x.device]), index.slice(0, 20));
  assert.deepEqual(calls, [{ args: [7], pageSize: DUE_PAGE, startKey: undefined }], 'one page: the walk stops at the first key due at 110');
  assert.deepEqual(await overdue(at, 7, 0), { entries: [], capped: false }, 'nothing is due before block 0');
});

test('at most DUE_CAP entries a read, and it says when more are due', async () => {
  const index = Array.from({ length: DUE_CAP + 300 }, (_, i) => [100, `d-${String(i).padStart(5, '0')}`]);
  const { at, calls } = chain(index);
  const { entries, capped } = await overdue(at, 7, 1000);
  assert.equal(capped, true);
  assert.equal(entries.length, DUE_CAP);
  assert.equal(entries.at(-1).device, index[DUE_CAP - 1][1]);
  assert.ok(calls.length <= Math.ceil((DUE_CAP + 1) / DUE_PAGE), `${calls.length} calls`);
  // Exactly DUE_CAP due: all read, not capped.
  const exact = chain(index.slice(0, DUE_CAP));
  assert.deepEqual(await overdue(exact.at, 7, 1000).then((x) => [x.entries.length, x.capped]), [DUE_CAP, false]);
});

test('due devices with nothing published, from the index and their records', async () => {
  const record = (open) => ({
    registered: { isSome: true, unwrap: () => ({ at: { toNumber: () => 10 } }) },
    nextEpoch: { toString: () => '5' },
    open: open ? { isSome: true, unwrap: () => open } : { isSome: false },
  });
  const incomplete = { epoch: { toNumber: () => 5 }, openedAt: { toNumber: () => 101 }, completed: { isSome: false } };
  const { at } = chain([[100, 'left'], [100, 'opened'], [102, 'late'], [110, 'later']], { left: record(null), opened: record(incomplete), late: record(null), later: record(null) });
  const { devices, capped } = await dueUnpublished(at, 7, 105, backupDelay, timeout);
  assert.equal(capped, false);
  assert.deepEqual(devices, [{ device: 'left', epoch: 5, since: 100, timedOut: null }]);
});
