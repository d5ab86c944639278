// The timeline's layout: which bars an epoch's record gives, over block time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segments, deviceBars, nextRotation, COLORS, LEGEND } from '../src/timeline.js';

const timeout = 20;
const kinds = (bars) => bars.map((b) => `${b.kind} ${b.from}-${b.to}`);

test('a normal life: incomplete, pending, active', () => {
  const s = { epoch: 3, state: 'Active', openedAt: 25, completedAt: 25, validFrom: 30, validTo: 40 };
  assert.deepEqual(kinds(segments(s, { now: 33, timeout })), ['incomplete 25-26', 'pending 25-30', 'active 30-40']);
});

test('a used key: active until the use, used until it is superseded', () => {
  const s = { epoch: 3, state: 'Invalidated', reason: 'Superseded', openedAt: 25, completedAt: 26, validFrom: 30, validTo: 40, usedAt: 33, invalidatedAt: 35, invalidation: 'Superseded' };
  assert.deepEqual(kinds(segments(s, { now: 50, timeout })), ['incomplete 25-26', 'pending 26-30', 'active 30-33', 'used 33-35']);
});

test('a revoked key: its lost window is invalidated', () => {
  const s = { epoch: 4, state: 'Invalidated', reason: 'Revoked', openedAt: 25, completedAt: 25, validFrom: 30, validTo: 40, invalidatedAt: 32, invalidation: 'Revoked' };
  assert.deepEqual(kinds(segments(s, { now: 50, timeout })), ['incomplete 25-26', 'pending 25-30', 'active 30-32', 'invalidated 32-40']);
});

test('revoked after its window\'s natural end: Expired, as the table says; nothing red', () => {
  // records.mjs epochState: an invalidation after validTo is no part of the key's life.
  const late = { epoch: 7, state: 'Invalidated', reason: 'Expired', openedAt: 25, completedAt: 25, validFrom: 30, validTo: 40, invalidatedAt: 45, invalidation: 'Revoked' };
  assert.deepEqual(kinds(segments(late, { now: 50, timeout })), ['incomplete 25-26', 'pending 25-30', 'active 30-40']);
  // Revoked at the natural end still counts as the revocation (the table says Revoked).
  const atEnd = { ...late, reason: 'Revoked', invalidatedAt: 40 };
  assert.deepEqual(kinds(segments(atEnd, { now: 50, timeout })), ['incomplete 25-26', 'pending 25-30', 'active 30-40', 'invalidated 40-41']);
  // Incomplete, revoked after its timeout: TimedOut, nothing red.
  const timedOut = { epoch: 8, state: 'Invalidated', reason: 'TimedOut', openedAt: 10, invalidatedAt: 35, invalidation: 'Revoked' };
  assert.deepEqual(kinds(segments(timedOut, { now: 50, timeout })), ['incomplete 10-30']);
});

test('an epoch in conflict before completion, an incomplete one, a pruned one', () => {
  const conflict = { epoch: 5, state: 'Invalidated', reason: 'Conflict', openedAt: 10, invalidatedAt: 11, invalidation: 'Conflict' };
  assert.deepEqual(kinds(segments(conflict, { now: 50, timeout })), ['incomplete 10-11', 'invalidated 11-30']);
  const open = { epoch: 6, state: 'Incomplete', openedAt: 40 };
  assert.deepEqual(kinds(segments(open, { now: 45, timeout })), ['incomplete 40-45']);
  const s = { epoch: 1, openedAt: 5, completedAt: 5, validFrom: 10, validTo: 20 };
  assert.ok(segments(s, { now: 60, timeout, pruned: true }).every((b) => b.kind === 'pruned'));
  const bars = deviceBars([s, open], { now: 45, timeout, pruned: new Set([1]) });
  assert.deepEqual(bars.map((b) => [b.label, b.kind]), [[1, 'pruned'], [1, 'pruned'], [1, 'pruned'], [6, 'incomplete']]);
});

test('the next rotation: when the pending epoch takes over, else when the current window ends', () => {
  const current = { epoch: 2, state: 'Active', since: 30, until: 40 };
  assert.equal(nextRotation({ current, open: null }), 40);
  assert.equal(nextRotation({ current: null, open: null }), undefined);
  // The current key was revoked at 31: the pending epoch 3 takes over at 33, not at 40.
  const open = { epoch: 3, state: 'Pending', since: 30, until: 43 };
  const pending = { epoch: 3, openedAt: 30, completedAt: 30, validFrom: 33, validTo: 43 };
  assert.equal(nextRotation({ current: { ...current, state: 'Invalidated' }, open }, [pending], 31), 33);
  assert.equal(nextRotation({ current, open }, [pending], 35), 40);
});

test('every kind has a colour and a legend', () => {
  for (const [kind] of LEGEND) assert.match(COLORS[kind], /^#[0-9a-f]{6}$/);
});
