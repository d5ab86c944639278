// Fleets: every fleet on chain (ids 0 .. NextFleetId - 1, destroyed ones left out), paged, with
// owner, holders and threshold, periods, devices and deposits. Read at the finalized block
// through the runtime API (`fleet`) and the pallet's NextFleetId.
import { h, link, show, balance, errorText } from './dom.js';
import { named } from './data.js';

const PAGE = 50;

export function fleetsView(ctx, el) {
  let first = 0;
  const body = h('div');
  show(el, h('h2', {}, 'Fleets'), body);

  async function refresh(head) {
    const { api } = ctx;
    const at = await api.at(head.hash);
    const next = Number((await named('KeyShards.NextFleetId', at.query.keyShards.nextFleetId())).toString());
    const ids = Array.from({ length: Math.max(0, Math.min(PAGE, next - first)) }, (_, i) => first + i);
    const infos = await Promise.all(ids.map((id) => named(`KeyShardsApi_fleet(${id})`, at.call.keyShardsApi.fleet(id))));
    const rows = ids
      .map((id, i) => [id, infos[i]])
      .filter(([, info]) => info.isSome)
      .map(([id, option]) => {
        const f = option.unwrap();
        const p = f.params;
        const holders = f.holders.map((accounts, j) =>
          h('div', {}, `${j}: `, accounts.map((a) => ctx.who(a)).join(', ')));
        return h('tr', { dataset: { fleet: id } },
          h('td', { class: 'num' }, link(`/fleet/${id}`, `fleet ${id}`)),
          h('td', {}, ctx.who(f.owner), f.pendingOwner.isSome ? h('div', { class: 'muted' }, `proposed: ${ctx.who(f.pendingOwner.unwrap())}`) : null),
          h('td', { class: 'threshold' }, `${f.threshold.threshold}-of-${f.threshold.holders}`, h('div', { class: 'muted' }, `${f.publicationKeys.length} pieces`)),
          h('td', { class: 'holders' }, holders),
          h('td', { class: 'num' }, `${p.rotationPeriod} / ${p.gracePeriod} / ${p.leadTime}`),
          h('td', { class: 'num devices' }, f.devices.toString()),
          h('td', { class: 'num' }, balance(api, f.deposit), h('div', { class: 'muted' }, `devices: ${balance(api, f.deviceDeposits)}`)),
          h('td', {}, link(`/fleet/${id}/holders`, 'holders'), ' · ', link(`/audit?fleet=${id}`, 'audit')),
        );
      });
    show(body,
      h('p', { class: 'muted' }, `At finalized block #${head.number}: ${next} fleet id${next === 1 ? '' : 's'} used.`),
      rows.length === 0
        ? h('p', {}, 'No fleets in this range.')
        : h('table', { id: 'fleets' },
          h('tr', {}, ['fleet', 'owner', 'threshold', 'holders (accounts)', 'rotation / grace / lead (blocks)', 'devices', 'deposits', ''].map((t) => h('th', {}, t))),
          rows),
      next > PAGE
        ? h('div', { class: 'toolbar' },
          h('button', { disabled: first === 0, onclick: () => { first = Math.max(0, first - PAGE); ctx.refreshNow(); } }, '← previous'),
          `fleets ${first}–${Math.min(next, first + PAGE) - 1} of ${next}`,
          h('button', { disabled: first + PAGE >= next, onclick: () => { first += PAGE; ctx.refreshNow(); } }, 'next →'))
        : null);
  }
  return { refresh, fail: (e) => show(body, h('p', { class: 'error' }, `reading the fleets: ${errorText(e)}`)) };
}
