// A device: its schedule (runtime API device_status), every stored epoch (state and why, window,
// pieces and who published them, public key, use, conflict), its timeline, and the owner's
// actions on it (revoke an epoch, prune).
import { deviceId, fleetInfo, unwrap } from '../../scripts/ops/chain.mjs';
import { conflictSummary } from '../../scripts/ops/records.mjs';
import { pieceHolders } from '../../scripts/ops/spec.mjs';
import { h, link, show, keepChildren, reuse, useRoute, errorText } from './dom.js';
import { deviceBars, draw, nextRotation } from './timeline.js';
import { devicesWithEpochs, named } from './data.js';
import { legend } from './fleet.js';
import { revokeButton, pruneButton } from './actions.js';

export function deviceView(ctx, el, fleet, device) {
  const { api } = ctx;
  const timeout = api.consts.keyShards.incompleteTimeout.toNumber();
  const focus = Number(new URLSearchParams(location.hash.split('?')[1] ?? '').get('epoch') ?? NaN);
  const body = h('div');
  const message = h('p', { class: 'error' });
  const cache = new Map();
  const canvas = h('canvas', { width: 900, height: 32, style: 'width:900px;height:32px' });
  const toolbar = h('div', { class: 'toolbar' }, pruneButton(ctx, fleet, device));
  const table = h('table', { id: 'epochs' });
  const header = h('tr', {}, ['epoch', 'state', 'window', 'opened → completed', 'pieces (publisher)', 'public key P', 'use', 'conflict', ''].map((x) => h('th', {}, x)));
  const legendEl = legend();
  show(el, h('h2', {}, `Device ${device}`, ' ', h('span', { class: 'muted' }, ['fleet ', link(`/fleet/${fleet}`, String(fleet))])), message, body);

  return {
    async refresh(head) {
      const hex = deviceId(device);
      const at = await api.at(head.hash);
      const now = head.number;
      const info = await fleetInfo(at, fleet);
      const m = info.threshold.holders.toNumber();
      const t = info.threshold.threshold.toNumber();
      const status = await unwrap(await named(`KeyShardsApi_device_status(${fleet}, ${device})`, at.call.keyShardsApi.deviceStatus(fleet, hex)), { fleet, device });
      const [{ status: s, epochs, pruned, oldest }] = await devicesWithEpochs(at, fleet, [status], now, timeout);
      const conflicts = new Map((await named(`KeyShards.Conflicts of ${device}`, at.query.keyShards.conflicts.entries(fleet, hex)))
        .filter(([, v]) => v.isSome).map(([k, v]) => [k.args[2].toNumber(), conflictSummary(v.unwrap())]));
      const holderOf = (address) => {
        const j = info.holders.findIndex((own) => own.some((a) => a.toString() === address));
        return j < 0 ? 'not a holder account now' : `holder ${j}`;
      };
      const rotation = info.params.rotationPeriod.toNumber();
      const rows = epochs.map((x) => reuse(cache, x.epoch, JSON.stringify([x, pruned.has(x.epoch), conflicts.get(x.epoch) ?? null, x.epoch === focus]), () => {
        const c = conflicts.get(x.epoch);
        const state = pruned.has(x.epoch) ? 'pruned' : x.state + (x.reason ? ` (${x.reason} from #${x.since})` : '');
        const publishers = x.publishers.map((p, k) => (p ? `${k}: ${ctx.who(p)} (${holderOf(p)}${pieceHolders(m, t, k)[0] === info.holders.findIndex((own) => own.some((a) => a.toString() === p)) ? ', primary' : ', backup'})` : `${k}: missing`));
        return h('tr', { dataset: { epoch: x.epoch }, style: x.epoch === focus ? 'background:#fff6cc' : undefined, id: `epoch-${x.epoch}` },
          h('td', { class: 'num' }, String(x.epoch)),
          h('td', { class: pruned.has(x.epoch) ? 'state-Pruned' : `state-${x.state}` }, state),
          h('td', { class: 'mono' }, x.validFrom !== undefined ? `[${x.validFrom}, ${x.validTo})` : ''),
          h('td', { class: 'num' }, `#${x.openedAt}${x.completedAt !== undefined ? ` → #${x.completedAt}` : ''}`),
          h('td', {}, `${x.pieces}/${x.pieceCount}`, h('div', { class: 'muted' }, publishers.map((p) => h('div', {}, p)))),
          h('td', { class: 'mono wrap' }, x.publicKey ?? ''),
          h('td', {}, x.usedAt !== undefined ? link(useRoute(fleet, device, x.epoch), `used at #${x.usedAt} →`, { class: 'use-link' }) : ''),
          h('td', { class: 'wrap' }, c ? `CONFLICT on piece ${c.piece} at #${c.at}: first by ${ctx.who(c.first.account)} (${holderOf(c.first.account)}), second by ${ctx.who(c.second.account)} (${holderOf(c.second.account)})` : ''),
          h('td', {}, !pruned.has(x.epoch) && x.state !== 'Invalidated' ? revokeButton(ctx, fleet, device, x.epoch) : ''));
      }));
      const kv = reuse(cache, 'kv', JSON.stringify([s, epochs.length, pruned.size, oldest, nextRotation(s, epochs, now)]), () => h('table', { class: 'kv' },
          h('tr', {}, h('th', {}, 'registration'), h('td', {}, s.registered ? `registered, g = ${s.registration}` : `deregistered (last g = ${s.registration})`)),
          h('tr', {}, h('th', {}, 'current key'), h('td', {}, s.current ? `epoch ${s.current.epoch}, ${s.current.state}, window ${s.current.until !== null ? `[${s.current.since}, ${s.current.until})` : `since ${s.current.since}`}` : 'none')),
          h('tr', {}, h('th', {}, 'open epoch'), h('td', {}, s.open ? `epoch ${s.open.epoch}, ${s.open.state}, opened #${s.open.since}` : 'none')),
          h('tr', {}, h('th', {}, 'next epoch'), h('td', {}, s.nextEpoch !== null ? String(s.nextEpoch) : 'none (exhausted)')),
          h('tr', {}, h('th', {}, 'next expected rotation'), h('td', {}, nextRotation(s, epochs, now) !== undefined ? `block #${nextRotation(s, epochs, now)}` : 'unknown')),
          h('tr', {}, h('th', {}, 'stored'), h('td', {}, `${epochs.length - pruned.size} epoch records (at most ${s.retained})${oldest > 0 ? `; epochs below ${oldest} pruned` : ''}`))));
      keepChildren(table, [header, rows]);
      keepChildren(body, [kv, legendEl, canvas, toolbar, table]);
      draw(canvas, deviceBars(epochs, { now, timeout, pruned }), { from: Math.max(0, now - rotation * 8), to: Math.max(0, now - rotation * 8) + rotation * 8 + Math.round(rotation * 1.5), now, next: nextRotation(s, epochs, now) });
      message.textContent = '';
    },
    fail: (e) => { message.textContent = `device ${device} in fleet ${fleet}: ${errorText(e)}`; },
  };
}
