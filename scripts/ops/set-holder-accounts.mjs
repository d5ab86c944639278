#!/usr/bin/env node
// Replaces the accounts acting for one holder of a fleet, as the fleet owner.
import { cli, connect, signer, send, int, run, fleetInfo, UserError } from './lib.mjs';
import { accounts as parseAccounts } from './fleet.mjs';
import { holderPieces } from './spec.mjs';

const { values } = cli(
  `
Usage: node set-holder-accounts.mjs --fleet <id> --holder <n> --accounts <addr>[,<addr>...] [options]

Replaces the accounts that may submit publications for holder number n of a fleet (one per KSG
node of that holder: add a node, retire one, move a node to a new key). Only the accounts change:
the holder's number, the pieces it holds and their publication keys stay as the fleet was
created. An account acts for one holder only. Signed by the fleet owner.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    holder: { type: 'string', required: true, arg: 'n', desc: 'the holder number (0 for the first holder of create-fleet)' },
    accounts: { type: 'string', required: true, arg: 'addresses', desc: 'the holder\'s new accounts, comma-separated (replace all of its accounts)' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

run(async () => {
  const fleet = int(values, 'fleet');
  const holder = int(values, 'holder');
  const list = parseAccounts(values.accounts, '--accounts');
  const api = await connect(values.ws);
  const account = await signer(api, values);
  const info = await fleetInfo(api, fleet);
  if (!info.owner.eq(account.address)) {
    throw new UserError(`the signer ${account.address} is not the owner of fleet ${fleet} (${info.owner.toString()})`);
  }
  const m = info.threshold.holders.toNumber();
  const t = info.threshold.threshold.toNumber();
  if (holder >= m) throw new UserError(`--holder: fleet ${fleet} has holders 0 to ${m - 1}, not ${holder}`);
  const max = api.consts.keyShards.maxAccountsPerHolder.toNumber();
  if (list.length > max) throw new UserError(`--accounts: ${list.length} accounts, the chain allows at most ${max} per holder`);
  info.holders.forEach((own, j) => {
    if (j === holder) return;
    for (const a of list) {
      if (own.some((x) => x.toHex() === a.key)) throw new UserError(`--accounts: ${a.address} acts for holder ${j} of fleet ${fleet} (an account acts for one holder)`);
    }
  });
  const before = info.holders[holder].map((a) => a.toString());
  const tx = api.tx.keyShards.setHolderAccounts(fleet, holder, list.map((a) => a.address));
  await send(api, tx, account, { fleet, holder });
  const after = (await fleetInfo(api, fleet)).holders[holder].map((a) => a.toString());
  const pieces = holderPieces(m, t, holder);
  if (values.json) console.log(JSON.stringify({ fleet, holder, pieces, before, accounts: after }));
  else {
    console.log(`fleet ${fleet} holder ${holder} (pieces ${pieces.join(', ') || 'none'}): accounts ${after.join(', ')}`);
    console.log(`  were: ${before.join(', ')}`);
  }
  await api.disconnect();
});
