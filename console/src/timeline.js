// The timeline: an epoch's life as bars over block time, from its record as records.mjs
// summarises it (epochSummary), and their drawing on a canvas, one device a row. Pure apart from
// draw(), so the layout is tested in Node (test/timeline.test.mjs) and the colours are the ones
// the browser test looks for in its screenshots.

/** Bar colours, by kind: one place for the page, its legend and the tests. */
export const COLORS = {
  incomplete: '#f2d16b',
  pending: '#f29b38',
  active: '#2f9e57',
  used: '#3566d6',
  invalidated: '#d63b3b',
  pruned: '#9a9a9a',
  next: '#8e44ad',
  now: '#111111',
};

export const LEGEND = [
  ['incomplete', 'incomplete (pieces missing)'],
  ['pending', 'pending (complete, window not begun)'],
  ['active', 'active'],
  ['used', 'used (signed its one payload)'],
  ['invalidated', 'invalidated (revoked, conflict, deregistered, …)'],
  ['pruned', 'pruned'],
  ['next', 'next expected rotation'],
];

/** Explicit invalidations (an expiry or a supersession after use is the end of a normal life). */
const EXPLICIT = new Set(['Revoked', 'Conflict', 'IdentityKey', 'Deregistered']);

/**
 * The bars of one epoch: [{ from, to, kind }] in block numbers (`to` exclusive), from an
 * epochSummary at block `now`; `timeout` is the chain's IncompleteTimeout. `pruned` draws them
 * all as pruned (a record seen before that the chain has since removed).
 */
export function segments(s, { now, timeout, pruned = false }) {
  const out = [];
  const push = (from, to, kind) => {
    if (to > from) out.push({ from, to, kind: pruned ? 'pruned' : kind });
  };
  const invalidAt = s.invalidatedAt ?? Infinity;
  if (s.completedAt === undefined) {
    // Incomplete until its invalidation, its timeout or now.
    const end = Math.min(invalidAt, s.openedAt + timeout, Math.max(now, s.openedAt + 1));
    push(s.openedAt, Math.max(end, s.openedAt + 1), 'incomplete');
  } else {
    push(s.openedAt, Math.max(s.completedAt, s.openedAt + 1), 'incomplete');
    push(s.completedAt, Math.min(s.validFrom, invalidAt), 'pending');
    const end = Math.min(s.validTo, invalidAt);
    if (s.usedAt !== undefined && s.usedAt < end) {
      push(s.validFrom, Math.max(s.validFrom, s.usedAt), 'active');
      push(Math.max(s.validFrom, s.usedAt), end, 'used');
    } else {
      push(s.validFrom, end, 'active');
    }
  }
  // The table's rule (records.mjs epochState): an invalidation after the window's natural end
  // (validTo, or the incomplete timeout) is no part of the key's life: the epoch Expired (or
  // TimedOut) first, and nothing red is drawn for it.
  const planned = s.validTo ?? s.openedAt + timeout;
  if (s.invalidation !== undefined && EXPLICIT.has(s.invalidation) && s.invalidatedAt <= planned) {
    push(s.invalidatedAt, Math.max(planned, s.invalidatedAt + 1), 'invalidated');
  }
  return out;
}

/**
 * The next expected rotation of a device: the block from which its pending epoch takes over
 * (its window's start), or else the end of its current key's window (statusJson's numbers; the
 * epoch summaries for the pending epoch's window). Undefined when neither is known.
 */
export function nextRotation(status, summaries = [], now = -Infinity) {
  const open = status.open && summaries.find((s) => s.epoch === status.open.epoch);
  if (open && open.validFrom !== undefined && open.validFrom > now) return open.validFrom;
  if (status.current?.until !== undefined && status.current.until !== null) return status.current.until;
  return undefined;
}

/**
 * Draws one row: two lanes, even epochs above and odd ones below, so that an epoch pending
 * while the one before is active shows beside it; epoch numbers where they fit; the future
 * veiled; the next rotation (dashed) and now (solid).
 */
export function draw(canvas, bars, { from, to, now, next }) {
  const ratio = globalThis.devicePixelRatio ?? 1;
  const width = canvas.clientWidth || Number(canvas.getAttribute('width'));
  const height = canvas.clientHeight || Number(canvas.getAttribute('height'));
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const x = (b) => ((b - from) / (to - from)) * width;
  const lane = Math.floor((height - 4) / 2);
  for (const bar of bars) {
    const a = Math.round(Math.max(0, x(bar.from)));
    const b = Math.round(Math.min(width, x(bar.to)));
    if (b <= 0 || a >= width) continue;
    const top = 1 + ((bar.label ?? 0) % 2) * (lane + 2);
    const thin = bar.kind === 'incomplete';
    g.fillStyle = COLORS[bar.kind];
    // One pixel of gap where a bar ends, so that consecutive bars stay apart.
    g.fillRect(a, thin ? top + lane / 4 : top, Math.max(1, b - a - 1), thin ? lane / 2 : lane);
    if (bar.label !== undefined && b - a > 16 && !thin) {
      g.fillStyle = '#fff';
      g.font = `${Math.min(10, lane - 1)}px system-ui, sans-serif`;
      g.textBaseline = 'middle';
      g.fillText(String(bar.label), a + 3, top + lane / 2 + 0.5);
    }
  }
  // The future is planned, not done: veiled.
  const n = x(now);
  if (n < width) {
    g.fillStyle = 'rgba(250,250,250,0.55)';
    g.fillRect(Math.max(0, n), 0, width - Math.max(0, n), height);
  }
  if (next !== undefined && next >= from && next <= to) {
    const p = Math.round(x(next)) + 0.5;
    g.strokeStyle = COLORS.next;
    g.setLineDash([3, 2]);
    g.beginPath();
    g.moveTo(p, 0);
    g.lineTo(p, height);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = COLORS.next;
    g.beginPath();
    g.moveTo(p - 4, 0);
    g.lineTo(p + 4, 0);
    g.lineTo(p, 5);
    g.fill();
  }
  if (n >= 0 && n <= width) {
    g.fillStyle = COLORS.now;
    g.fillRect(Math.round(n), 0, 1, height);
  }
}

/** Bars of every epoch of a device, each labelled with its epoch. */
export function deviceBars(summaries, { now, timeout, pruned = new Set() }) {
  return summaries.flatMap((s) => segments(s, { now, timeout, pruned: pruned.has(s.epoch) }).map((bar) => ({ ...bar, label: s.epoch })));
}
