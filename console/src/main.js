// The console: connection, header, router and the live loop. Each view is a function of the
// shared context that renders into <main> and returns { refresh(head), dispose() }; refresh runs
// at every finalized block (one at a time: a block that arrives while a refresh runs is caught
// up by the next).
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connect } from '../../scripts/ops/chain.mjs';
import { h, show, errorText } from './dom.js';
import { AuditStore } from './audit.js';
import { fleetsView } from './fleets.js';
import { fleetView } from './fleet.js';
import { deviceView } from './device.js';
import { holdersView } from './holders.js';
import { auditView } from './audit.js';
import { useView } from './use.js';
import { Signers } from './actions.js';

const RETRY = 5000;
const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const ctx = {
  ws: params.get('ws') ?? localStorage.getItem('keyshards.ws') ?? 'ws://127.0.0.1:9944',
  api: null,
  head: null, // { number, hash } of the latest finalized block
  names: new Map(), // address -> dev account name (development chains)
  audit: null,
  signers: null,
  /** An account with its dev name, if it has one. */
  who(address) {
    const text = address.toString();
    const name = this.names.get(text);
    return name ? `${name} (${text.slice(0, 6)}…${text.slice(-4)})` : text;
  },
};
ctx.refreshNow = () => (ctx.head ? refresh() : undefined);
/** An error the page must show (the signer's, an extension's): in the banner, until dismissed. */
ctx.report = (text) => {
  console.error(text);
  banner(`${text} (click to dismiss)`);
  $('banner').dataset.report = 'signer';
};
window.keyshardsConsole = ctx; // for the browser test and the curious

let view = null;
let refreshing = false;
let pending = false;

function banner(text, ok = false) {
  const el = $('banner');
  el.hidden = !text;
  el.className = ok ? 'ok' : '';
  el.textContent = text ?? '';
}

function nav() {
  show($('nav'), h('a', { href: '#/' }, 'Fleets'), h('a', { href: '#/audit' }, 'Audit feed'));
}

async function route() {
  view?.dispose?.();
  view = null;
  const el = $('view');
  if (!ctx.api) return;
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0 || parts[0] === 'fleets') view = fleetsView(ctx, el);
    else if (parts[0] === 'fleet' && parts.length === 2) view = fleetView(ctx, el, Number(parts[1]), query);
    else if (parts[0] === 'fleet' && parts[2] === 'holders') view = holdersView(ctx, el, Number(parts[1]), query);
    else if (parts[0] === 'fleet' && parts[2] === 'device') view = deviceView(ctx, el, Number(parts[1]), parts[3]);
    else if (parts[0] === 'audit') view = auditView(ctx, el, query);
    else if (parts[0] === 'use' && parts.length === 4) view = useView(ctx, el, Number(parts[1]), parts[2], Number(parts[3]), query);
    else show(el, h('p', { class: 'error' }, `no such page: #${path}`));
    if (view && ctx.head) await refresh();
  } catch (e) {
    show(el, h('p', { class: 'error' }, errorText(e)));
  }
}

async function refresh() {
  if (refreshing) {
    pending = true;
    return;
  }
  refreshing = true;
  try {
    do {
      pending = false;
      const current = view;
      try {
        await current?.refresh?.(ctx.head);
      } catch (e) {
        // Which node, at which block, and the view's own words for what it was reading.
        if (current === view) current?.fail?.(new Error(`${errorText(e)} (from ${ctx.ws}, at finalized block #${ctx.head?.number})`));
        console.error(e);
      }
    } while (pending);
  } finally {
    refreshing = false;
  }
}

async function start() {
  nav();
  $('ws').value = ctx.ws;
  $('connect').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('ws', $('ws').value.trim());
    location.href = url.toString();
  });
  window.addEventListener('hashchange', route);
  $('banner').addEventListener('click', () => { if ($('banner').dataset.report) { delete $('banner').dataset.report; banner(null); } });
  await cryptoWaitReady();
  show($('view'), h('p', { class: 'muted' }, `Connecting to ${ctx.ws}…`));
  // A node not up yet (the console is served before the dev node's RPC opens) is tried again.
  let api;
  for (let attempt = 1; ; attempt += 1) {
    try {
      api = await connect(ctx.ws);
      break;
    } catch (e) {
      const why = errorText(e);
      $('chain').textContent = 'not connected';
      banner(`${why}\nIs a Keyshards node running there, with its RPC on that port? (scripts/dev-chain.sh starts one on ws://127.0.0.1:9944.) Trying again every ${RETRY / 1000} s (${attempt} tried); or change the URL above and Connect.`);
      show($('view'), h('p', { class: 'error', id: 'connect-error' }, why));
      document.body.dataset.state = 'error';
      await new Promise((r) => setTimeout(r, RETRY));
    }
  }
  localStorage.setItem('keyshards.ws', ctx.ws);
  ctx.api = api;
  api.on('disconnected', () => {
    banner(`lost the connection to ${ctx.ws}: the node stopped or the network failed. Reconnecting in ${RETRY / 1000} s…`);
    document.body.dataset.state = 'disconnected';
    setTimeout(() => location.reload(), RETRY);
  });
  const [chain, type] = await Promise.all([api.rpc.system.chain(), api.rpc.system.chainType()]);
  if (type.isDevelopment || type.isLocal) {
    const { Keyring } = await import('@polkadot/keyring');
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    for (const name of DEV_NAMES) ctx.names.set(keyring.addFromUri(`//${name}`).address, name);
  }
  ctx.chainName = chain.toString();
  ctx.development = type.isDevelopment;
  ctx.audit = new AuditStore(api);
  ctx.signers = new Signers(ctx, $('signer'));
  ctx.signers.init().catch((e) => ctx.report(`the signers: ${errorText(e)}`));
  document.body.dataset.state = 'connected';
  banner(null);
  await route();
  // One loop over finalized blocks (the derive fills in blocks finalized together).
  await api.derive.chain.subscribeFinalizedHeads(async (header) => {
    ctx.head = { number: header.number.toNumber(), hash: header.hash.toHex() };
    $('chain').textContent = `${ctx.chainName} · finalized #${ctx.head.number}`;
    try {
      await ctx.audit.block(ctx.head);
    } catch (e) {
      console.error(e);
    }
    await refresh();
  });
}

start().catch((e) => {
  banner(`the console failed to start: ${errorText(e)}`);
  console.error(e);
});
