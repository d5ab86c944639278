// A use: the chain's record of the one payload a device epoch's key signed, and the signature
// checked here, in the browser, as SPEC v2 says a third party must (chain.mjs's checkUse, the
// check verify-use.mjs makes: the message rebuilt from the chain's records and genesis hash, the
// Ed25519 signature verified under the epoch's public key with ZIP-215 rules). A payload file may
// be given to check it is the one whose hash the chain recorded. A signature handed over (e.g. by a
// device, `?signature=0x…` in the route) is checked instead of the recorded one, against the
// chain's record of the use: one that does not verify is refused in red.
import { u8aEq, u8aToHex, hexToU8a } from '@polkadot/util';
import { checkUse, deviceId } from '../../scripts/ops/chain.mjs';
import { payloadHash, verifyUse } from '../../scripts/ops/spec.mjs';
import { h, link, show, deviceRoute, errorText } from './dom.js';

export function useView(ctx, el, fleet, device, epoch, query = new URLSearchParams()) {
  const given = query.get('signature');
  const body = h('div', { id: 'use' });
  const payloadResult = h('p', { id: 'payload-result' });
  let result = null;
  const file = h('input', {
    type: 'file',
    id: 'payload',
    onchange: async (e) => {
      const f = e.target.files[0];
      if (!f || !result) return;
      const hash = payloadHash(new Uint8Array(await f.arrayBuffer()));
      const same = u8aEq(hash, hexToU8a(result.payloadHash));
      payloadResult.className = same ? 'ok' : 'error';
      payloadResult.textContent = same
        ? `${f.name} is the payload signed (BLAKE2b-256 ${u8aToHex(hash)})`
        : `${f.name} is NOT the payload signed: its hash is ${u8aToHex(hash)}, the chain recorded ${result.payloadHash}`;
    },
  });
  show(el, h('h2', {}, `Use of ${device}'s key, epoch ${epoch}`, ' ', h('span', { class: 'muted' }, `fleet ${fleet}`)), body);

  return {
    async refresh(head) {
      if (result) return; // a use record never changes
      const hex = deviceId(device);
      const at = await ctx.api.at(head.hash);
      result = await checkUse(ctx.api, at, fleet, hex, epoch, { fleet, device, epoch });
      if (given !== null) {
        // The signature handed over, checked against the chain's record of this use.
        let signature;
        try {
          signature = hexToU8a(given);
        } catch {
          signature = new Uint8Array();
        }
        let valid = false;
        try {
          valid = signature.length === 64 && verifyUse({
            genesisHash: hexToU8a(result.genesisHash), fleet, device: hexToU8a(hex), registration: result.registration, epoch,
            payloadHash: hexToU8a(result.payloadHash), signature, publicKey: hexToU8a(result.publicKey),
          }).valid;
        } catch {
          valid = false; // not a signature at all
        }
        result = { ...result, signature: given, valid, given: true };
      }
      const kv = (k, v, attrs = {}) => h('tr', {}, h('th', {}, k), h('td', { class: 'mono wrap', ...attrs }, v));
      show(body,
        h('p', { id: 'verdict', class: `verified ${result.valid ? 'ok' : 'error'}`, dataset: { valid: result.valid } },
          result.valid
            ? `✔ ${result.given ? 'the signature given' : 'signature'} verified in this browser under the epoch's public key (SPEC v2, ZIP-215)`
            : `✘ the ${result.given ? 'signature given' : 'recorded signature'} does NOT verify under the epoch's public key`),
        h('table', { class: 'kv' },
          kv('device', link(deviceRoute(fleet, device), device)),
          kv('registration g', String(result.registration)),
          kv('epoch', link(`${deviceRoute(fleet, device)}?epoch=${epoch}`, String(epoch))),
          kv('recorded in block', `#${result.usedAt}`),
          kv('payload hash H(Y)', result.payloadHash, { id: 'payload-hash' }),
          kv('signature σ', result.signature, { id: 'signature' }),
          kv('public key P', result.publicKey),
          kv('signed message', result.message),
          kv('chain (genesis hash G)', result.genesisHash),
          kv('epoch state now', result.state)),
        h('p', {}, `Read at finalized block #${head.number}. The message is rebuilt here from the chain's records: "keyshards/v2/sign" ‖ G ‖ u32be(fleet) ‖ lp(D) ‖ u32be(g) ‖ u32be(epoch) ‖ H(Y). A use on a fork that keeps block 0 has the same G: verify against the chain you rely on.`),
        h('h3', {}, 'Is this the payload?'),
        h('p', {}, file, ' BLAKE2b-256 of the file, computed here, against the recorded H(Y)'),
        payloadResult);
    },
    fail: (e) => show(body, h('p', { class: 'error', id: 'use-error' }, `use of ${device} epoch ${epoch} in fleet ${fleet}: ${errorText(e)}`)),
  };
}
