// Owner actions, off by default (the page is read-only until a signer is chosen): register
// devices from a CSV file, revoke an epoch, prune a device. Signed by a browser extension's
// account or, on a development chain only, the dev account //Alice. Each shows what it will do
// and asks for confirmation; errors say what the chain or the pool refused (chain.mjs's send).
import { fleetInfo, deviceId, deviceText, send, signer, UserError } from '../../scripts/ops/chain.mjs';
import { parseCsv } from '../../scripts/ops/csv.mjs';
import { planRegistration, registerBatches } from '../../scripts/ops/register.mjs';
import { h, show, balance, errorText } from './dom.js';

const APP = 'Keyshards console';

export class Signers {
  constructor(ctx, select) {
    this.ctx = ctx;
    this.select = select;
    this.extensions = new Map(); // value -> { address, signer, label }
    select.addEventListener('change', () => this.changed().catch((e) => this.ctx.report(`choosing the signer: ${errorText(e)}`)));
  }

  async init() {
    const options = [h('option', { value: '' }, 'read-only')];
    if (this.ctx.development) options.push(h('option', { value: 'dev' }, 'dev account //Alice (dev chain)'));
    const injected = globalThis.injectedWeb3 ?? {};
    if (Object.keys(injected).length) options.push(h('option', { value: 'extension' }, `browser extension (${Object.keys(injected).join(', ')})…`));
    for (const [value, x] of this.extensions) options.push(h('option', { value }, x.label));
    show(this.select, options);
  }

  async changed() {
    if (this.select.value !== 'extension') return;
    const injected = globalThis.injectedWeb3 ?? {};
    for (const [name, ext] of Object.entries(injected)) {
      try {
        const api = await ext.enable(APP);
        for (const a of await api.accounts.get()) {
          this.extensions.set(`ext:${name}:${a.address}`, { address: a.address, signer: api.signer, label: `${a.name ?? a.address} (${name})` });
        }
      } catch (e) {
        this.ctx.report(`the extension ${name} refused: ${errorText(e)}`);
      }
    }
    await this.init();
    const first = [...this.extensions.keys()][0];
    this.select.value = first ?? '';
  }

  /** The chosen signer: { account, options, address, label }, or null when read-only. */
  async current() {
    const value = this.select.value;
    if (value === '') return null;
    if (value === 'dev') {
      const pair = await signer(this.ctx.api, {}); // //Alice, on a development chain only
      return { account: pair, options: {}, address: pair.address, label: `dev account //Alice (${pair.address})` };
    }
    const x = this.extensions.get(value);
    if (!x) throw new UserError('choose a signer');
    return { account: x.address, options: { signer: x.signer }, address: x.address, label: x.label };
  }
}

/**
 * The confirmation dialog: says what will be done, by whom; runs `run(signer, status)` on
 * confirmation and shows its result or its error. Read-only (no signer chosen) says so.
 */
async function confirmAndRun(ctx, title, describe, run) {
  const dialog = document.getElementById('confirm');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const status = document.getElementById('confirm-status');
  document.getElementById('confirm-title').textContent = title;
  status.className = '';
  status.textContent = '';
  let who;
  try {
    who = await ctx.signers.current();
  } catch (e) {
    who = undefined;
    status.className = 'error';
    status.textContent = `no signer: ${errorText(e)}`;
  }
  const body = document.getElementById('confirm-body');
  if (who === null) {
    show(body, h('p', {}, 'The console is read-only: choose a signer at the top right (a browser extension\'s account, or //Alice on a dev chain) to do this.'));
    ok.hidden = true;
  } else {
    show(body, describe, who ? h('p', {}, 'Signed by ', h('b', {}, who.label), '.') : null);
    ok.hidden = !who;
    ok.disabled = false;
  }
  cancel.textContent = 'Cancel';
  dialog.showModal();
  ok.onclick = async (e) => {
    e.preventDefault();
    ok.disabled = true;
    cancel.disabled = true;
    status.className = '';
    status.textContent = 'submitting… (waiting for finality)';
    try {
      const text = await run(who, (s) => { status.textContent = s; });
      status.className = 'ok';
      status.textContent = text;
      ok.hidden = true;
      cancel.textContent = 'Close';
      ctx.refreshNow();
    } catch (x) {
      status.className = 'error';
      status.textContent = `failed: ${errorText(x)}`;
      ok.disabled = false;
    } finally {
      cancel.disabled = false;
    }
  };
}

async function ownerCheck(ctx, fleet, who) {
  const info = await fleetInfo(ctx.api, fleet);
  if (!info.owner.eq(who.address)) throw new UserError(`the signer ${who.address} is not the owner of fleet ${fleet} (${info.owner.toString()})`);
}

const keyShardsEvents = (events) => events.filter(({ event }) => event.section === 'keyShards').map(({ event }) => {
  const data = event.data.toHuman();
  if (event.data.device !== undefined) data.device = deviceText(event.data.device);
  return `${event.method} ${JSON.stringify(data)}`;
});

export function revokeButton(ctx, fleet, device, epoch) {
  return h('button', {
    class: 'revoke',
    onclick: () => confirmAndRun(ctx, `Revoke epoch ${epoch} of ${device}?`,
      h('p', {}, `invalidate_epoch(${fleet}, ${device}, ${epoch}): the key of epoch ${epoch} can never sign again, whatever its state. A pending epoch takes over after its contest period; otherwise the holders publish the next one. This cannot be undone.`),
      async (who) => {
        await ownerCheck(ctx, fleet, who);
        const { events } = await send(ctx.api, ctx.api.tx.keyShards.invalidateEpoch(fleet, deviceId(device), epoch), who.account, { fleet, device }, who.options);
        return `done: ${keyShardsEvents(events).join('; ') || 'no event'}`;
      }),
  }, 'revoke');
}

export function pruneButton(ctx, fleet, device) {
  return h('button', {
    class: 'prune',
    onclick: () => confirmAndRun(ctx, `Prune ${device}?`,
      h('p', {}, `prune(${fleet}, ${device}): removes the device's invalidated epochs whose grace period has passed (the chain also does this by itself). Anyone may sign it; it pays a fee.`),
      async (who) => {
        const { events } = await send(ctx.api, ctx.api.tx.keyShards.prune(fleet, deviceId(device)), who.account, { fleet, device }, who.options);
        const pruned = events.find(({ event }) => ctx.api.events.keyShards.EpochsPruned.is(event));
        return pruned ? `pruned epochs ${pruned.event.data.from} to ${pruned.event.data.to}` : 'nothing was prunable';
      }),
  }, 'prune');
}

export function registerPanel(ctx, fleet) {
  const file = h('input', { type: 'file', id: 'csv', accept: '.csv,text/csv,text/plain' });
  const reregister = h('input', { type: 'checkbox', id: 'reregister' });
  const note = h('span', { class: 'error' });
  const start = async () => {
    note.textContent = '';
    const f = file.files[0];
    if (!f) { note.textContent = 'choose a CSV file first'; return; }
    let devices;
    try {
      devices = parseCsv(await f.text());
      if (devices.length === 0) throw new UserError('no device ids');
    } catch (e) {
      note.textContent = `${f.name}: ${errorText(e)}`;
      return;
    }
    const deposit = ctx.api.consts.keyShards.deviceDeposit;
    await confirmAndRun(ctx, `Register ${devices.length} devices in fleet ${fleet}?`,
      h('div', {},
        h('p', {}, `From ${f.name}: ${devices.slice(0, 5).map((d) => d.id).join(', ')}${devices.length > 5 ? `, … (${devices.length})` : ''}. Devices already registered are skipped. Each new one holds a deposit of ${balance(ctx.api, deposit)} from the owner; batches of up to ${ctx.api.consts.keyShards.maxBatchSize} devices, each awaited to finality.`),
        reregister.checked ? h('p', {}, 'Ids deregistered before are registered again at their next registration g: they need new device keys.') : null),
      async (who, status) => {
        await ownerCheck(ctx, fleet, who);
        const plan = await planRegistration(ctx.api, fleet, devices, who.address, { reregister: reregister.checked });
        status(`${plan.skipped} already registered; registering ${plan.todo.length}…`);
        const done = await registerBatches(ctx.api, fleet, plan, devices.length, who.account, {
          sendOptions: who.options,
          onProgress: (n) => status(`registering: ${n} of ${plan.todo.length}…`),
        });
        return `fleet ${fleet}: ${done} devices registered, ${plan.skipped} already were`;
      });
  };
  return h('details', { id: 'owner-actions' }, h('summary', {}, 'Owner actions'),
    h('div', { class: 'toolbar' }, 'Register devices from a CSV file (one id a line, first column):', file,
      h('label', {}, reregister, ' also ids deregistered before'), h('button', { onclick: () => start().catch((e) => { note.textContent = errorText(e); }) }, 'Register…'), note),
    h('p', { class: 'muted' }, 'Revoke an epoch or prune a device from the device\'s page. Nothing is sent without a signer (top right) and your confirmation.'));
}
