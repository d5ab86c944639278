#!/usr/bin/env node
// Reads a device key's use record from the chain and verifies its Ed25519 signature locally.
import { readFileSync } from 'node:fs';
import { blake2AsU8a, ed25519Verify, cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, u8aEq, u8aToHex } from '@polkadot/util';
import { signedMessage } from './spec.mjs';
import { cli, connect, int, run, deviceId, unwrap, UserError } from './lib.mjs';

const { values } = cli(
  `
Usage: node verify-use.mjs --fleet <id> --device <id> --epoch <n> [--payload <file>]

Reads, at the latest finalized block, the public key of a device epoch and the chain's record of
its one use (api.call.keyShardsApi), rebuilds SPEC v1's signed message
  "keyshards/v1/sign" || u16be(len(D)) || D || u32be(epoch) || BLAKE2b-256(payload)
and verifies the recorded Ed25519 signature with @polkadot/util-crypto — trusting no one's word
for it. With --payload, also checks that the recorded hash is that payload's. Exits 1 if anything
does not hold.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    device: { type: 'string', required: true, arg: 'id', desc: 'the device (text or 0x-hex)' },
    epoch: { type: 'string', required: true, arg: 'n', desc: 'the epoch of the key' },
    payload: { type: 'string', arg: 'file', desc: 'the payload the key should have signed' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

run(async () => {
  await cryptoWaitReady();
  const fleet = int(values, 'fleet');
  const epoch = int(values, 'epoch');
  const device = deviceId(values.device);
  const context = { fleet, device: values.device, epoch };
  const api = await connect(values.ws);
  const at = await api.at(await api.rpc.chain.getFinalizedHead());
  const bundle = await unwrap(await at.call.keyShardsApi.bundle(fleet, device, epoch), context);
  const record = await unwrap(await at.call.keyShardsApi.useRecord(fleet, device, epoch), context);
  if (record.isNone) throw new UserError(`the chain records no use of device ${values.device}'s key of epoch ${epoch}`);
  const use = record.unwrap();
  const publicKey = bundle.map.publicKey.toU8a();
  const hash = use.payloadHash.toU8a();
  const valid = ed25519Verify(signedMessage(hexToU8a(device), epoch, hash), use.signature.toU8a(), publicKey);
  if (!valid) throw new UserError('the recorded signature does NOT verify against the chain\'s public key');
  if (values.payload !== undefined) {
    let payload;
    try {
      payload = readFileSync(values.payload);
    } catch (e) {
      throw new UserError(`--payload ${values.payload}: ${e.message}`);
    }
    if (!u8aEq(blake2AsU8a(payload, 256), hash)) throw new UserError('the key signed a different payload than --payload');
  }
  const result = { fleet, device: values.device, epoch, publicKey: u8aToHex(publicKey), payloadHash: u8aToHex(hash), usedAt: use.at.toNumber(), valid: true };
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`valid: device ${values.device} epoch ${epoch} (public key ${result.publicKey}) signed payload hash ${result.payloadHash}, recorded in block ${result.usedAt}`);
  await api.disconnect();
});
