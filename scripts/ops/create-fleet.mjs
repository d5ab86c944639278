#!/usr/bin/env node
// Creates a fleet owned by the signer and prints its id.
import { cli, connect, signer, send, int, run, UserError } from './lib.mjs';

const { values } = cli(
  `
Usage: node create-fleet.mjs --ksg <address>[,<address>...] [options]

Creates a Keyshards fleet owned by the signer: rotation period and grace period in blocks, the
shard count (1, 2, 4, 8, 16 or 32), and the KSG accounts allowed to publish its devices' shards.
The fleet deposit is held from the signer. Prints the new fleet's id.`,
  {
    'rotation-period': { type: 'string', default: '100', arg: 'blocks', desc: 'blocks each device key is valid' },
    shards: { type: 'string', default: '4', arg: 'n', desc: 'shards per key: 1, 2, 4, 8, 16 or 32' },
    'grace-period': { type: 'string', default: '100', arg: 'blocks', desc: 'blocks an invalidated epoch is kept before pruning' },
    ksg: { type: 'string', required: true, arg: 'addresses', desc: 'KSG authority account(s), comma-separated' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

run(async () => {
  const period = int(values, 'rotation-period');
  const shards = int(values, 'shards');
  const grace = int(values, 'grace-period');
  if (![1, 2, 4, 8, 16, 32].includes(shards)) throw new UserError(`--shards: must be 1, 2, 4, 8, 16 or 32, got ${shards}`);
  const api = await connect(values.ws);
  const authorities = values.ksg.split(',').map((a) => a.trim());
  for (const a of authorities) {
    try {
      api.createType('AccountId', a);
    } catch {
      throw new UserError(`--ksg: "${a}" is not an account address`);
    }
  }
  const account = await signer(api, values);
  const tx = api.tx.keyShards.createFleet(period, shards, grace, authorities);
  const { events } = await send(api, tx, account);
  const created = events.find(({ event }) => api.events.keyShards.FleetCreated.is(event));
  const fleet = created.event.data.fleet.toNumber();
  if (values.json) console.log(JSON.stringify({ fleet, owner: account.address }));
  else console.log(`created fleet ${fleet} (owner ${account.address})`);
  await api.disconnect();
});
