#!/usr/bin/env node
// Creates a threshold fleet (SPEC v2) owned by the signer and prints its id and who holds what.
import { cli, connect, signer, send, int, run, UserError } from './lib.mjs';
import { checkFleet, checkParams, holders as parseHolders, pieceTable, publicationKeys } from './fleet.mjs';
import { holderPieces } from './spec.mjs';

const { values, tokens } = cli(
  `
Usage: node create-fleet.mjs --threshold <t> --holder <addr>[,<addr>...] ... \\
         (--publication-key <W_k> | --piece-root-file <file>) ... [options]

Creates a t-of-m Keyshards fleet owned by the signer (SPEC v2, threshold KSG). The m holders are
the --holder options in order (holder 0 first), each with the accounts of its KSG nodes. The
fleet has p = C(m, t-1) pieces; give one publication key W_k per piece, in piece order, as
--publication-key (hex, from the piece's holders) or --piece-root-file (a file with the piece
root R_k as 64 hex digits, mode 600; W_k is derived from it here, and nothing else of it is
used or sent). In production the holders give W_k: a piece root never leaves its holders.
m, t, the holders' order and the W_k are fixed for good; the owner may later replace a
holder's accounts (set-holder-accounts.mjs). The fleet deposit is held from the signer.
Prints the new fleet's id and which holders hold which piece.`,
  {
    threshold: { type: 'string', required: true, arg: 't', desc: 'holders needed to keep keys published (1 <= t <= m)' },
    holder: { type: 'string', multiple: true, arg: 'addresses', desc: 'one holder\'s account(s), comma-separated; once per holder, in order' },
    'publication-key': { type: 'string', multiple: true, arg: 'hex', desc: 'W_k of the next piece (32 bytes hex)' },
    'piece-root-file': { type: 'string', multiple: true, arg: 'file', desc: 'file with R_k of the next piece (64 hex digits, mode 600)' },
    'rotation-period': { type: 'string', default: '100', arg: 'blocks', desc: 'blocks each device key is valid' },
    'grace-period': { type: 'string', default: '100', arg: 'blocks', desc: 'blocks an invalidated epoch is kept before pruning' },
    'lead-time': { type: 'string', default: '10', arg: 'blocks', desc: 'a device is due for its next epoch this many blocks before its key expires' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

run(async () => {
  const threshold = int(values, 'threshold');
  const params = {
    rotationPeriod: int(values, 'rotation-period'),
    gracePeriod: int(values, 'grace-period'),
    leadTime: int(values, 'lead-time'),
  };
  if (threshold > 255) throw new UserError(`--threshold: ${threshold} is above 255`);
  // Everything that can be checked without the chain, before connecting.
  const holders = parseHolders(values.holder);
  const keys = publicationKeys(tokens);
  const p = checkFleet({ threshold, holders, keys });
  checkParams(params);

  const api = await connect(values.ws);
  const c = api.consts.keyShards;
  parseHolders(values.holder, { maxAccounts: c.maxAccountsPerHolder.toNumber() });
  checkFleet({ threshold, holders, keys, maxHolders: c.maxHolders.toNumber(), maxPieces: c.maxPieces.toNumber() });
  checkParams(params, { minRotationPeriod: c.minRotationPeriod.toNumber(), maxRetainedEpochs: c.maxRetainedEpochs.toNumber() });
  for (const [k, { key, source }] of keys.entries()) {
    const recorded = await api.query.keyShards.publicationKeys(key);
    if (recorded.isSome) {
      throw new UserError(`piece ${k} (${source}): its publication key is already recorded for fleet ${recorded.unwrap()}: a piece root is never used for two pieces or two fleets`);
    }
  }
  const account = await signer(api, values);
  const tx = api.tx.keyShards.createFleet(
    threshold,
    holders.map((own) => own.map((a) => a.address)),
    keys.map(({ key }) => key),
    params,
  );
  const { events } = await send(api, tx, account);
  const created = events.find(({ event }) => api.events.keyShards.FleetCreated.is(event));
  const fleet = created.event.data.fleet.toNumber();
  const m = holders.length;
  const table = holders.map((own, j) => ({ holder: j, accounts: own.map((a) => a.address), pieces: holderPieces(m, threshold, j) }));
  if (values.json) {
    console.log(JSON.stringify({ fleet, owner: account.address, threshold, holders: table, pieces: pieceTable(m, threshold).map((x, k) => ({ ...x, publicationKey: keys[k].key })), params }));
  } else {
    console.log(`created fleet ${fleet} (owner ${account.address}): ${threshold} of ${m} holders, ${p} pieces`);
    for (const h of table) console.log(`  holder ${h.holder}: pieces ${h.pieces.join(', ') || 'none'}; accounts ${h.accounts.join(', ')}`);
  }
  await api.disconnect();
});
