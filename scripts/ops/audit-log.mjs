#!/usr/bin/env node
// Follows finalized blocks and prints every Keyshards event: the audit log.
import { cli, connect, int, run } from './lib.mjs';

const { values } = cli(
  `
Usage: node audit-log.mjs [--fleet <id>] [--json] [--blocks <n>]

Follows finalized blocks and prints each KeyShards event (fleet and device changes, publications,
refusals, invalidations, uses, pruning) with its block number: who did what, when. Stops with
Ctrl-C, or after --blocks finalized blocks.`,
  {
    fleet: { type: 'string', arg: 'id', desc: 'only events of this fleet' },
    json: { type: 'boolean', desc: 'one JSON object per line' },
    blocks: { type: 'string', arg: 'n', desc: 'stop after this many finalized blocks' },
  },
);

run(async () => {
  const fleet = int(values, 'fleet');
  const limit = int(values, 'blocks');
  const api = await connect(values.ws);
  let seen = 0;
  await new Promise((resolve, reject) => {
    api.rpc.chain
      .subscribeFinalizedHeads(async (header) => {
        try {
          const at = await api.at(header.hash);
          const events = await at.query.system.events();
          for (const { event } of events) {
            if (event.section !== 'keyShards') continue;
            const data = event.data.toHuman();
            if (fleet !== undefined && event.data.fleet !== undefined && event.data.fleet.toNumber() !== fleet) continue;
            if (values.json) console.log(JSON.stringify({ block: header.number.toNumber(), event: event.method, data }));
            else console.log(`#${header.number} ${event.method} ${JSON.stringify(data)}`);
          }
          seen += 1;
          if (limit !== undefined && seen >= limit) resolve();
        } catch (e) {
          reject(e);
        }
      })
      .catch(reject);
  });
  await api.disconnect();
});
