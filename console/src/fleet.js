// A fleet: its devices a page at a time (the paged runtime API device_statuses, so a page costs
// the same in a fleet of 100,000), each with its current and open epoch and a timeline of its
// epochs over block time; search by device id (exact at once, or a part of it by scanning the
// fleet a thousand at a time); owner actions.
import { deviceId, deviceText, fleetInfo } from '../../scripts/ops/chain.mjs';
import { h, link, show, keepChildren, reuse, deviceRoute, errorText } from './dom.js';
import { COLORS, LEGEND, deviceBars, draw, nextRotation } from './timeline.js';
import { devicePage, devicesWithEpochs, named } from './data.js';
import { registerPanel } from './actions.js';

/** The timeline's width: what the table leaves of the window. */
const timelineWidth = () => Math.max(420, Math.min(1400, window.innerWidth - 760));
const ROW = 28;
const SCAN = 1000;

export function legend() {
  return h('div', { class: 'legend' }, LEGEND.map(([kind, text]) => h('span', {}, h('i', { style: `background:${COLORS[kind]}` }), text)),
    h('span', {}, h('i', { style: `background:${COLORS.now};width:2px` }), 'now (finalized)'));
}

const slotText = (slot) => (slot ? `${slot.epoch}` : '–');
const windowText = (slot) => (slot ? (slot.until !== null ? `[${slot.since}, ${slot.until})` : `since ${slot.since}`) : '');

export function fleetView(ctx, el, fleet, query) {
  const { api } = ctx;
  const timeout = api.consts.keyShards.incompleteTimeout.toNumber();
  let pageSize = Math.max(1, Math.min(1000, Number(query.get('page') ?? 25) || 25));
  const cursors = [null]; // start_after of each page seen
  let page = 0;
  let search = null; // { text, hexes: [], scanned, done, cursor, running }
  let span = null;
  let disposed = false;

  const head = h('div');
  const summary = h('div');
  const status = h('span', { class: 'muted', id: 'page-status' });
  const input = h('input', { id: 'search', placeholder: 'device id, or part of one', size: 28, value: query.get('device') ?? '' });
  const spanInput = h('input', { id: 'span', type: 'number', min: 10, step: 10, size: 6 });
  const prev = h('button', { type: 'button', id: 'prev', onclick: () => { if (page > 0) { page -= 1; ctx.refreshNow(); } } }, '← previous');
  const next = h('button', { type: 'button', id: 'next', onclick: () => { if (cursors[page + 1] !== undefined) { page += 1; ctx.refreshNow(); } } }, 'next →');
  const sizeSelect = h('select', { id: 'page-size', onchange: (e) => { pageSize = Number(e.target.value); cursors.length = 1; page = 0; ctx.refreshNow(); } },
    [...new Set([pageSize, 10, 25, 50, 100, 200])].sort((a, b) => a - b).map((n) => h('option', { value: n, selected: n === pageSize }, `${n} a page`)));
  const table = h('table', { id: 'devices' });
  const rowCache = new Map(); // device -> { key, value: { tr, canvas } }
  const rangeHeader = h('th', {});
  const header = h('tr', {}, ['device', 'registration', 'current', 'state', 'window', 'open', 'pruned'].map((t) => h('th', {}, t)), rangeHeader);
  const message = h('p', { class: 'error', id: 'fleet-error' });
  const actions = h('div');
  spanInput.addEventListener('change', () => { span = Math.max(10, Number(spanInput.value) || 10); ctx.refreshNow(); });

  const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); startSearch(input.value.trim()).catch((x) => { message.textContent = `searching fleet ${fleet}: ${errorText(x)}`; }); } },
    input, h('button', {}, 'Search'), h('button', { type: 'button', onclick: () => { input.value = ''; startSearch('').catch(() => {}); } }, 'Clear'),
    sizeSelect, prev, next, status, h('label', {}, 'blocks shown ', spanInput));
  show(el, head, summary, form, legend(), message, table, actions);

  async function startSearch(text) {
    search = null;
    if (text === '') { ctx.refreshNow(); return; }
    let hex;
    try {
      hex = deviceId(text);
    } catch (e) {
      message.textContent = errorText(e);
      return;
    }
    message.textContent = '';
    const at = await api.at(ctx.head.hash);
    const exact = await named(`KeyShardsApi_device_status(${fleet}, ${text})`, at.call.keyShardsApi.deviceStatus(fleet, hex));
    const mine = { text, hexes: exact.isOk ? [hex] : [], scanned: 0, done: exact.isOk, cursor: null };
    search = mine;
    ctx.refreshNow();
    if (mine.done) return;
    // A part of an id: scan the fleet in storage order, a thousand devices a call.
    const needle = text.toLowerCase();
    while (!disposed && search === mine && !mine.done && mine.hexes.length < pageSize) {
      const batch = await devicePage(at, fleet, mine.cursor, SCAN);
      for (const s of batch) if (deviceText(s.device).toLowerCase().includes(needle) && mine.hexes.length < pageSize) mine.hexes.push(s.device.toHex());
      mine.scanned += batch.length;
      mine.cursor = batch.length ? batch[batch.length - 1].device : mine.cursor;
      if (batch.length < SCAN) mine.done = true;
      status.textContent = `searching “${text}”: ${mine.scanned} devices scanned, ${mine.hexes.length} found${mine.done ? '' : '…'}`;
      ctx.refreshNow();
    }
  }

  let generation = 0; // bumped by every refresh: a refresh that finds it moved on drops its result

  async function refresh(headBlock) {
    // What this refresh draws, fixed now: a click (next, page size, Clear) while it awaits
    // starts another refresh, and this one's rows must not land under that one's status.
    const mine = ++generation;
    const snap = { page, cursor: cursors[page], pageSize, search };
    const stale = () => disposed || mine !== generation;
    const at = await api.at(headBlock.hash);
    const now = headBlock.number;
    const info = await fleetInfo(at, fleet);
    if (stale()) return;
    const p = info.params;
    const rotation = p.rotationPeriod.toNumber();
    if (span === null) {
      span = Math.max(40, rotation * 6);
      spanInput.value = span;
    }
    show(head, h('h2', {}, `Fleet ${fleet}`, ' ', h('span', { class: 'muted' }, `at finalized block #${now}`)));
    show(summary, h('p', {},
      `owner ${ctx.who(info.owner)} · ${info.threshold.threshold}-of-${info.threshold.holders} holders, ${info.publicationKeys.length} pieces · rotation ${rotation}, grace ${p.gracePeriod}, lead time ${p.leadTime} blocks · `,
      h('span', { id: 'device-count' }, `${info.devices} devices`), ' · ',
      link(`/fleet/${fleet}/holders`, 'holders'), ' · ', link(`/audit?fleet=${fleet}`, 'audit feed')));

    let statuses;
    let statusText = null;
    let nextCursor;
    if (snap.search) {
      const found = snap.search;
      const answers = await Promise.all(found.hexes.map((hex) => named(`KeyShardsApi_device_status(${fleet}, ${hex})`, at.call.keyShardsApi.deviceStatus(fleet, hex))));
      statuses = answers.filter((a) => a.isOk).map((a) => a.asOk);
      if (found.done) statusText = `“${found.text}”: ${statuses.length} device${statuses.length === 1 ? '' : 's'}${found.scanned ? ` (${found.scanned} scanned)` : ''}`;
    } else {
      statuses = await devicePage(at, fleet, snap.cursor, snap.pageSize);
      nextCursor = statuses.length === snap.pageSize ? statuses[statuses.length - 1].device : undefined;
      const pages = Math.max(1, Math.ceil(info.devices.toNumber() / snap.pageSize));
      statusText = `page ${snap.page + 1} of ${pages} (${snap.page * snap.pageSize + (statuses.length ? 1 : 0)}–${snap.page * snap.pageSize + statuses.length})`;
    }
    const rows = await devicesWithEpochs(at, fleet, statuses, now, timeout);
    if (stale()) return;
    const ahead = Math.max(5, Math.round(rotation * 1.5));
    const from = Math.max(0, now - span);
    const to = from + span + ahead;
    const width = timelineWidth();
    let epochs = 0;
    let maxEpoch = -1;
    const trs = rows.map(({ status: s, epochs: list, pruned, oldest }) => {
      epochs += list.length;
      for (const x of list) maxEpoch = Math.max(maxEpoch, x.epoch);
      const { tr, canvas } = reuse(rowCache, s.deviceHex, JSON.stringify([s, list, [...pruned], oldest, width]), () => {
        const state = s.current?.state ?? (s.open ? s.open.state : '');
        const c = h('canvas', { width, height: ROW, style: `width:${width}px;height:${ROW}px` });
        const row = h('tr', { dataset: { device: s.device, epochs: list.length } },
          h('td', {}, link(deviceRoute(fleet, s.device), s.device)),
          h('td', { class: 'num' }, s.registered ? `g ${s.registration}` : h('span', { class: 'muted' }, `deregistered (g ${s.registration})`)),
          h('td', { class: 'num' }, slotText(s.current)),
          h('td', { class: `state-${state}` }, state),
          h('td', { class: 'mono' }, windowText(s.current)),
          h('td', {}, s.open ? `${s.open.epoch} ${s.open.state}` : '–'),
          h('td', { class: 'muted' }, oldest > 0 ? `< ${oldest} pruned` : ''),
          h('td', { class: 'timeline' }, c));
        return { tr: row, canvas: c };
      });
      const next = nextRotation(s, list, now);
      tr.dataset.next = next ?? '';
      draw(canvas, deviceBars(list, { now, timeout, pruned }), { from, to, now, next });
      return tr;
    });
    rangeHeader.textContent = `timeline: blocks ${from} … ${to}`;
    keepChildren(table, [header, trs.length ? trs : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, snap.search ? 'no device matches' : 'no devices'))]);
    // The rows are drawn: now the page they belong to (status, buttons, data-page for the test).
    if (snap.search) {
      prev.disabled = true;
      next.disabled = true;
      if (statusText !== null) status.textContent = statusText;
    } else {
      if (snap.pageSize === pageSize) { // a page size changed since keeps its own cursors
        if (nextCursor !== undefined) cursors[snap.page + 1] = nextCursor;
        else cursors.length = snap.page + 1;
      }
      status.textContent = statusText;
      prev.disabled = snap.page === 0;
      next.disabled = cursors[snap.page + 1] === undefined;
    }
    Object.assign(table.dataset, { now, devices: rows.length, epochs, maxEpoch, page: snap.search ? 'search' : snap.page + 1, pageSize: snap.pageSize });
    message.textContent = '';
    if (!actions.firstChild) show(actions, registerPanel(ctx, fleet));
  }

  return {
    refresh,
    fail: (e) => { message.textContent = `reading fleet ${fleet}: ${errorText(e)}`; },
    dispose: () => { disposed = true; },
  };
}
