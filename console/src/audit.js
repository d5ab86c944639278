// The audit feed: every KeyShards event of the finalized chain, live, in words (records.mjs's
// eventText, the audit log's own), with links between fleet, device, epoch and use. The store
// keeps the events of the blocks it has read (the live ones, and a window before them read on
// demand), for this view and the holders view.
import { deviceText } from '../../scripts/ops/chain.mjs';
import { conflictSummary, eventText } from '../../scripts/ops/records.mjs';
import { h, link, show, deviceRoute, useRoute, errorText } from './dom.js';

const KEEP_BLOCKS = 20000;

export class AuditStore {
  constructor(api) {
    this.api = api;
    this.blocks = new Map(); // block number -> [event]
    this.pieceCounts = new Map(); // fleet -> p
    this.queue = Promise.resolve();
    this.head = null;
    this.failed = new Map(); // block number -> hash: reads that failed, tried again at each block
    this.lastError = null;
  }

  /**
   * Reads a finalized block's events (in order: one block after another). A block whose read
   * failed is tried again at every later block until it is read: the feed has no silent gap
   * (`failed` names the blocks still missing; the view says so).
   */
  block(head) {
    this.head = head;
    this.queue = this.queue.then(async () => {
      for (const [number, hash] of [...this.failed].sort((a, b) => a[0] - b[0])) {
        try {
          await this.read(number, hash);
          this.failed.delete(number);
        } catch (e) {
          this.lastError = e;
          console.error(e);
        }
      }
      try {
        await this.read(head.number, head.hash);
      } catch (e) {
        this.failed.set(head.number, head.hash);
        this.lastError = e;
        console.error(e);
      }
      if (this.failed.size === 0) this.lastError = null;
    });
    return this.queue;
  }

  /** Makes sure the `count` blocks up to the latest finalized one are read. */
  async window(count) {
    const top = this.head?.number ?? 0;
    const wanted = [];
    for (let n = Math.max(0, top - count + 1); n <= top; n += 1) if (!this.blocks.has(n)) wanted.push(n);
    for (let i = 0; i < wanted.length; i += 50) {
      await Promise.all(wanted.slice(i, i + 50).map(async (n) => this.read(n, (await this.api.rpc.chain.getBlockHash(n)).toHex())));
    }
  }

  async read(number, hash) {
    if (this.blocks.has(number)) return;
    const at = await this.api.at(hash);
    const records = await at.query.system.events();
    const out = [];
    for (const [index, { event }] of records.entries()) {
      if (event.section !== 'keyShards') continue;
      const d = event.data;
      const fleet = d.fleet !== undefined ? d.fleet.toNumber() : undefined;
      let pieceCount;
      let conflict;
      if (event.method === 'PiecePublished') {
        if (!this.pieceCounts.has(fleet)) {
          const info = await at.call.keyShardsApi.fleet(fleet);
          if (info.isSome) this.pieceCounts.set(fleet, info.unwrap().publicationKeys.length);
        }
        pieceCount = this.pieceCounts.get(fleet);
        if (d.outcome.isConflict) {
          const stored = await at.query.keyShards.conflicts(d.fleet, d.device, d.epoch);
          if (stored.isSome) conflict = conflictSummary(stored.unwrap());
        }
      }
      out.push({
        block: number,
        index,
        method: event.method,
        fleet,
        device: d.device !== undefined ? deviceText(d.device) : undefined,
        epoch: d.epoch !== undefined ? d.epoch.toNumber() : undefined,
        piece: d.piece !== undefined ? d.piece.toNumber() : undefined,
        publisher: d.publisher !== undefined ? d.publisher.toString() : undefined,
        outcome: d.outcome !== undefined ? d.outcome.type : undefined,
        from: d.from !== undefined ? d.from.toNumber() : undefined,
        to: d.to !== undefined ? d.to.toNumber() : undefined,
        text: eventText(event, pieceCount),
        conflict,
      });
    }
    this.blocks.set(number, out);
    if (this.blocks.size > KEEP_BLOCKS) {
      const lowest = Math.min(...this.blocks.keys());
      this.blocks.delete(lowest);
    }
  }

  /** Events of blocks >= `from`, newest first, optionally of one fleet. */
  events({ from = 0, fleet } = {}) {
    const numbers = [...this.blocks.keys()].filter((n) => n >= from).sort((a, b) => b - a);
    return numbers.flatMap((n) => this.blocks.get(n).filter((e) => fleet === undefined || e.fleet === fleet).slice().reverse());
  }
}

const KINDS = {
  publications: (e) => e.method === 'PiecePublished' && (e.outcome === 'Accepted' || e.outcome === 'Duplicate'),
};

export function auditView(ctx, el, query) {
  const fleet = query.get('fleet') !== null ? Number(query.get('fleet')) : undefined;
  // ?blocks=: how many finalized blocks back (1 … KEEP_BLOCKS; anything else: 100).
  const asked = Math.floor(Number(query.get('blocks') ?? 100));
  const shown = Number.isFinite(asked) && asked >= 1 ? Math.min(asked, KEEP_BLOCKS) : 100;
  const hide = { publications: query.get('publications') === 'hide' };
  const body = h('tbody');
  const note = h('p', { class: 'muted' });
  const toggle = h('input', { type: 'checkbox', id: 'hide-publications', checked: hide.publications, onchange: (e) => { hide.publications = e.target.checked; render(); } });
  show(el,
    h('h2', {}, 'Audit feed', fleet !== undefined ? ` · fleet ${fleet}` : ''),
    h('div', { class: 'toolbar' }, h('label', {}, toggle, ' hide accepted and duplicate piece publications'),
      fleet !== undefined ? link('/audit', 'all fleets') : null),
    note,
    h('table', { id: 'feed', class: 'feed' }, h('thead', {}, h('tr', {}, ['block', 'event', 'fleet', 'device', 'epoch', 'what', ''].map((t) => h('th', {}, t)))), body));
  let ready = false;
  let shownKey = '';
  // The feed stays still while the pointer is on it (to click a link); it catches up after.
  let hovered = false;
  body.addEventListener('mouseenter', () => { hovered = true; });
  body.addEventListener('mouseleave', () => { hovered = false; render(); });

  function row(e) {
    const device = e.device !== undefined ? link(deviceRoute(e.fleet, e.device), e.device) : '';
    const epoch = e.epoch !== undefined ? link(`${deviceRoute(e.fleet, e.device)}?epoch=${e.epoch}`, String(e.epoch)) : '';
    const extra = e.method === 'KeyUsed'
      ? link(useRoute(e.fleet, e.device, e.epoch), 'use: verify →', { class: 'use-link' })
      : e.conflict
        ? h('div', { class: 'mono wrap' }, `first: ${e.conflict.first.account}; second: ${e.conflict.second.account}`)
        : '';
    return h('tr', { dataset: { method: e.method, block: e.block } },
      h('td', { class: 'num' }, `#${e.block}`),
      h('td', {}, h('span', { class: `pill ${e.method} ${e.outcome ?? ''}` }, e.outcome && e.outcome !== 'Accepted' ? `${e.method}: ${e.outcome}` : e.method)),
      h('td', {}, e.fleet !== undefined ? link(`/fleet/${e.fleet}`, String(e.fleet)) : ''),
      h('td', {}, device),
      h('td', { class: 'num' }, epoch),
      h('td', { class: 'wrap' }, e.text),
      h('td', {}, extra));
  }

  function render() {
    if (hovered) return;
    const head = ctx.audit.head?.number ?? 0;
    const list = ctx.audit.events({ from: Math.max(0, head - shown + 1), fleet }).filter((e) => !(hide.publications && KINDS.publications(e)));
    const missing = [...ctx.audit.failed.keys()].sort((a, b) => a - b);
    note.className = missing.length ? 'error' : 'muted';
    note.textContent = `${list.length} events in the last ${shown} finalized blocks (up to #${head}), newest first; live (paused while the pointer is on the feed).${missing.length ? ` Not read yet, trying again at each block: #${missing.slice(0, 10).join(', #')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''} (${errorText(ctx.audit.lastError)}).` : ''}`;
    const top = list.slice(0, 500);
    const key = `${hide.publications}/${top.length}/${top[0]?.block}/${top[0]?.index}/${top.at(-1)?.block}/${top.at(-1)?.index}`;
    if (key === shownKey) return;
    shownKey = key;
    body.replaceChildren(...top.map(row));
  }

  return {
    async refresh() {
      if (!ready) {
        note.textContent = `reading the last ${shown} blocks…`;
        await ctx.audit.window(shown);
        ready = true;
      }
      render();
    },
    fail: (e) => { note.textContent = ''; note.className = 'error'; note.textContent = `reading events: ${errorText(e)}`; },
  };
}
