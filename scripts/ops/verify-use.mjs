#!/usr/bin/env node
// Reads a device key's use record from the chain and verifies its signature locally (SPEC v2).
import { readFileSync } from 'node:fs';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, u8aEq } from '@polkadot/util';
import { payloadHash } from './spec.mjs';
import { cli, connect, int, run, deviceId, checkUse, UserError } from './lib.mjs';

const { values } = cli(
  `
Usage: node verify-use.mjs --fleet <id> --device <id> --epoch <n> [--payload <file>]

Reads, at the latest finalized block, the chain's record of the one use of a device epoch's key
and the epoch's Shard Map (api.call.keyShardsApi): its public key P and the registration g it
belongs to. Rebuilds SPEC v2's signed message from those records and the chain's genesis hash,
never from message bytes handed over:
  "keyshards/v2/sign" || G || u32be(fleet) || lp(D) || u32be(g) || u32be(epoch) || H(payload)
and verifies the recorded Ed25519 signature under P with ZIP-215 rules, as the chain does,
trusting no one's word for it. With --payload, also checks that the recorded hash is that
payload's BLAKE2b-256. Exits 1 if anything does not hold. (A fork that keeps block 0 has the
same G: a use seen on a fork is not evidence.)`,
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
  if (epoch > 0xffffffff) throw new UserError(`--epoch: ${epoch} is above 2^32 - 1`);
  if (fleet > 0xffffffff) throw new UserError(`--fleet: ${fleet} is above 2^32 - 1`);
  const device = deviceId(values.device);
  const context = { fleet, device: values.device, epoch };
  let payload;
  if (values.payload !== undefined) {
    try {
      payload = readFileSync(values.payload);
    } catch (e) {
      throw new UserError(`--payload ${values.payload}: ${e.message}`);
    }
  }
  const api = await connect(values.ws);
  const at = await api.at(await api.rpc.chain.getFinalizedHead());
  const { message, ...result } = await checkUse(api, at, fleet, device, epoch, context);
  if (!result.valid) throw new UserError(`the recorded signature does NOT verify under the map's public key ${result.publicKey} (registration ${result.registration})`);
  if (payload !== undefined && !u8aEq(payloadHash(payload), hexToU8a(result.payloadHash))) throw new UserError('the key signed a different payload than --payload');
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`valid: device ${values.device} registration ${result.registration} epoch ${epoch} (public key ${result.publicKey}) signed payload hash ${result.payloadHash}, recorded in block ${result.usedAt}`);
    if (payload !== undefined) console.log(`the payload ${values.payload} is the one signed`);
  }
  await api.disconnect();
});
