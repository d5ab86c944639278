// Holders of a fleet: per holder, what its accounts published in the last N finalized blocks
// (accepted, as the piece's primary or as a backup; duplicates; refused), its pieces that a
// backup had to publish (late), the pieces still missing (from epochs opened in the window, and
// of devices due with nothing published), and the recorded conflicts its accounts are part of.
import { deviceId, deviceText, fleetInfo } from '../../scripts/ops/chain.mjs';
import { conflictSummary, epochSummary } from '../../scripts/ops/records.mjs';
import { holderPieces, pieceCount, pieceHolders } from '../../scripts/ops/spec.mjs';
import { DUE_CAP, dueUnpublished } from './due.js';
import { h, link, show, deviceRoute, errorText } from './dom.js';

export function holdersView(ctx, el, fleet, query) {
  const { api } = ctx;
  let blocks = Math.max(1, Math.min(10000, Math.floor(Number(query.get('blocks') ?? 100)) || 100)); // ?blocks=: capped, NaN is 100
  const input = h('input', { id: 'blocks', type: 'number', min: 1, max: 10000, value: blocks, size: 6 });
  input.addEventListener('change', () => { blocks = Math.max(1, Math.min(10000, Number(input.value) || 100)); ctx.refreshNow(); });
  const body = h('div');
  show(el, h('h2', {}, 'Holders of ', link(`/fleet/${fleet}`, `fleet ${fleet}`)),
    h('div', { class: 'toolbar' }, h('label', {}, 'last ', input, ' finalized blocks')), body);

  return {
    async refresh(head) {
      const at = await api.at(head.hash);
      const info = await fleetInfo(at, fleet);
      const m = info.threshold.holders.toNumber();
      const t = info.threshold.threshold.toNumber();
      const timeout = api.consts.keyShards.incompleteTimeout.toNumber();
      const backupDelay = api.consts.keyShards.ksgSettings.backupDelay.toNumber();
      const holderOf = new Map();
      info.holders.forEach((own, j) => own.forEach((a) => holderOf.set(a.toString(), j)));
      const primary = (k) => pieceHolders(m, t, k)[0];
      await ctx.audit.window(blocks);
      const from = Math.max(0, head.number - blocks + 1);
      const events = ctx.audit.events({ from, fleet });
      const stats = info.holders.map(() => ({ accepted: 0, asPrimary: 0, asBackup: 0, duplicate: 0, refused: 0, late: 0, missing: 0, conflicts: 0 }));
      const opened = new Map(); // device/epoch -> { device, epoch }
      const completed = new Set();
      let foreign = 0;
      for (const e of events) {
        if (e.method === 'EpochCompleted') completed.add(`${e.device}/${e.epoch}`);
        if (e.method !== 'PiecePublished') continue;
        const j = holderOf.get(e.publisher);
        if (j === undefined) { foreign += 1; continue; }
        const s = stats[j];
        if (e.outcome === 'Accepted') {
          s.accepted += 1;
          if (primary(e.piece) === j) s.asPrimary += 1;
          else { s.asBackup += 1; stats[primary(e.piece)].late += 1; }
          opened.set(`${e.device}/${e.epoch}`, { device: e.device, epoch: e.epoch });
        } else if (e.outcome === 'Duplicate') s.duplicate += 1;
        else if (e.outcome === 'Refused') s.refused += 1;
      }
      // Epochs that received pieces in the window and are still incomplete: who owes a piece.
      const open = [...opened.entries()].filter(([key]) => !completed.has(key)).map(([, x]) => x);
      const records = open.length ? await at.query.keyShards.epochs.multi(open.map((x) => [fleet, deviceId(x.device), x.epoch])) : [];
      const missing = [];
      records.forEach((r, i) => {
        if (r.isNone) return;
        const s = epochSummary(open[i].epoch, r.unwrap(), head.number, timeout);
        if (s.state !== 'Incomplete' || s.missing.length === 0) return;
        for (const k of s.missing) for (const j of pieceHolders(m, t, k)) stats[j].missing += 1;
        missing.push({ ...open[i], missing: s.missing, openedAt: s.openedAt });
      });
      // Devices due with nothing published: no epoch to owe a piece to, so every piece is owed,
      // to all its holders (the primary did not open the epoch; after backup_delay, nor did a backup).
      const owed = await dueUnpublished(at, fleet, head.number, backupDelay, timeout);
      const allPieces = Array.from({ length: pieceCount(m, t) }, (_, k) => k);
      for (const k of allPieces) for (const j of pieceHolders(m, t, k)) stats[j].missing += owed.devices.length;
      const conflicts = (await at.query.keyShards.conflicts.entries(fleet)).filter(([, v]) => v.isSome).map(([k, v]) => ({
        device: deviceText(k.args[1]), epoch: k.args[2].toNumber(), ...conflictSummary(v.unwrap()),
      }));
      for (const c of conflicts) for (const side of [c.first, c.second]) {
        const j = holderOf.get(side.account);
        if (j !== undefined) stats[j].conflicts += 1;
      }
      show(body,
        h('p', { class: 'muted' }, `Blocks #${from} … #${head.number}: ${events.filter((e) => e.method === 'PiecePublished').length} publications${foreign ? `, ${foreign} by accounts that are not this fleet's holders now` : ''}. A holder is late when a backup holder published one of the pieces it is the primary of (after backup_delay = ${backupDelay} blocks). Missing now: the pieces of incomplete epochs opened in the window, and every piece of each device due for more than backup_delay blocks with no epoch opened since.`),
        h('table', { id: 'holders' },
          h('tr', {}, ['holder', 'accounts', 'pieces held', 'accepted', 'as primary', 'as backup', 'duplicates', 'refused', 'late (a backup published its piece)', 'missing now', 'conflicts'].map((x) => h('th', {}, x))),
          stats.map((s, j) => h('tr', { dataset: { holder: j } },
            h('td', { class: 'num' }, String(j)),
            h('td', {}, info.holders[j].map((a) => h('div', {}, ctx.who(a)))),
            h('td', {}, holderPieces(m, t, j).join(', ')),
            h('td', { class: 'num accepted' }, String(s.accepted)),
            h('td', { class: 'num' }, String(s.asPrimary)),
            h('td', { class: 'num' }, String(s.asBackup)),
            h('td', { class: 'num' }, String(s.duplicate)),
            h('td', { class: 'num' }, String(s.refused)),
            h('td', { class: 'num' }, String(s.late)),
            h('td', { class: 'num' }, String(s.missing)),
            h('td', { class: 'num' }, String(s.conflicts))))),
        h('h3', {}, 'Missing now: incomplete epochs opened in the window, and due devices with nothing published'),
        missing.length + owed.devices.length === 0 ? h('p', { class: 'muted' }, 'none') : h('table', { id: 'missing' },
          h('tr', {}, ['device', 'epoch', 'opened', 'missing pieces (their holders)'].map((x) => h('th', {}, x))),
          missing.map((x) => h('tr', { dataset: { device: x.device, kind: 'incomplete' } },
            h('td', {}, link(deviceRoute(fleet, x.device), x.device)),
            h('td', { class: 'num' }, String(x.epoch)),
            h('td', { class: 'num' }, `#${x.openedAt}`),
            h('td', {}, x.missing.map((k) => `${k} (${pieceHolders(m, t, k).join(', ')})`).join('; ')))),
          owed.devices.map((x) => h('tr', { dataset: { device: x.device, kind: 'unpublished' } },
            h('td', {}, link(deviceRoute(fleet, x.device), x.device)),
            h('td', { class: 'num' }, `${x.epoch} (not opened)`),
            h('td', {}, `nothing published since #${x.since}${x.timedOut === null ? '' : ` (epoch ${x.timedOut} timed out)`}`),
            h('td', {}, allPieces.map((k) => `${k} (${pieceHolders(m, t, k).join(', ')})`).join('; '))))),
        owed.capped && h('p', { id: 'due-capped', class: 'muted' }, `Due devices: only the ${DUE_CAP} due longest were read (at most ${DUE_CAP} a refresh); more are due, and what they are missing is neither counted above nor listed.`),
        h('h3', {}, 'Recorded conflicts'),
        conflicts.length === 0 ? h('p', { class: 'muted' }, 'none') : h('table', {},
          h('tr', {}, ['device', 'epoch', 'piece (its holders)', 'recorded', 'first publication by', 'second publication by'].map((x) => h('th', {}, x))),
          conflicts.map((c) => h('tr', {},
            h('td', {}, link(deviceRoute(fleet, c.device), c.device)),
            h('td', { class: 'num' }, String(c.epoch)),
            h('td', {}, `${c.piece} (${pieceHolders(m, t, c.piece).join(', ')})`),
            h('td', { class: 'num' }, `#${c.at}`),
            h('td', {}, `${ctx.who(c.first.account)} (holder ${holderOf.get(c.first.account) ?? '?'})`),
            h('td', {}, `${ctx.who(c.second.account)} (holder ${holderOf.get(c.second.account) ?? '?'})`)))));
    },
    fail: (e) => show(body, h('p', { class: 'error' }, `holders of fleet ${fleet}: ${errorText(e)}`)),
  };
}
