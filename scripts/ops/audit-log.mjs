#!/usr/bin/env node
// Follows finalized blocks and prints every KeyShards event: the audit log.
import { cli, connect, int, run, deviceText } from './lib.mjs';
import { conflictSummary, eventText } from './records.mjs';

const { values } = cli(
  `
Usage: node audit-log.mjs [--fleet <id>] [--json] [--blocks <n>]

Follows finalized blocks and prints each KeyShards event with its block number: who did what,
when. Fleets (created with their threshold, parameters, holder accounts replaced, owners),
devices (registered and deregistered with their registration g), every piece publication with
its outcome (accepted with the pieces present, refused and why, duplicate, conflict), completed
epochs with their public key and window, invalidations and why (revoked, superseded, conflict,
identity key, deregistered), early activations, uses and pruning. A conflict is printed with
both publications of the piece (pt(X_k), C_k and their accounts) as the chain recorded them.
Stops with Ctrl-C, or after --blocks finalized blocks.`,
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
  const pieceCounts = new Map(); // fleet -> p (fixed at creation)
  let seen = 0;
  // The derive fills in blocks finalized together (the RPC reports only the last); blocks are
  // handled one after another, in order.
  await new Promise((resolve, reject) => {
    let queue = Promise.resolve();
    let done = false;
    const handle = async (header) => {
      if (done) return;
      const at = await api.at(header.hash);
      const events = await at.query.system.events();
      const block = header.number.toNumber();
      for (const { event } of events) {
        if (event.section !== 'keyShards') continue;
        const data = event.data;
        if (fleet !== undefined && data.fleet !== undefined && data.fleet.toNumber() !== fleet) continue;
        let pieceCount;
        let conflict;
        if (event.method === 'PiecePublished') {
          const f = data.fleet.toNumber();
          if (!pieceCounts.has(f)) {
            const info = await at.call.keyShardsApi.fleet(f);
            if (info.isSome) pieceCounts.set(f, info.unwrap().publicationKeys.length);
          }
          pieceCount = pieceCounts.get(f);
          if (data.outcome.isConflict) {
            const stored = await at.query.keyShards.conflicts(data.fleet, data.device, data.epoch);
            if (stored.isSome) conflict = conflictSummary(stored.unwrap());
          }
        }
        if (values.json) {
          const human = data.toHuman();
          if (data.device !== undefined) human.device = deviceText(data.device);
          console.log(JSON.stringify({ block, event: event.method, data: human, ...(conflict ? { conflict } : {}) }));
        } else {
          console.log(`#${block} ${event.method} ${eventText(event, pieceCount)}`);
          if (conflict) {
            console.log(`    present:  X ${conflict.first.publicPiece} C ${conflict.first.ciphertext} by ${conflict.first.account}`);
            console.log(`    received: X ${conflict.second.publicPiece} C ${conflict.second.ciphertext} by ${conflict.second.account}`);
          }
        }
      }
      seen += 1;
      if (limit !== undefined && seen >= limit) {
        done = true;
        resolve();
      }
    };
    api.derive.chain
      .subscribeFinalizedHeads((header) => {
        queue = queue.then(() => handle(header)).catch(reject);
      })
      .catch(reject);
  });
  await api.disconnect();
});
