#!/usr/bin/env node
// Registers devices in bulk from a CSV file: batched, with a progress bar, resumable.
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.mjs';
import { cli, connect, signer, send, int, run, fleetInfo, progress, unwrap, UserError } from './lib.mjs';

const { values } = cli(
  `
Usage: node register-devices.mjs --fleet <id> --csv <file> [options]

Registers the devices listed in a CSV file in a fleet the signer owns, in batches of up to the
runtime's MaxBatchSize. The first column of each line is a device id (UTF-8 text, or 0x-hex; 1 to
64 bytes); an optional header line "device" and blank lines are skipped; '#' starts a comment.
The whole file is checked before anything is sent: a malformed line is reported with its number.

Resumable: devices already registered in the fleet are skipped, so after a failure (or Ctrl-C)
the same command continues where it stopped and never registers a device twice.

An id that was deregistered from the fleet is refused unless --reregister is given: registering
it again starts its next registration g + 1, whose device piece keys differ (M_k depends on g),
so the device needs new keys from its holders.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    csv: { type: 'string', required: true, arg: 'file', desc: 'CSV file of device ids' },
    batch: { type: 'string', arg: 'n', desc: 'devices per transaction (default: the runtime\'s MaxBatchSize)' },
    reregister: { type: 'boolean', desc: 'also register ids that were deregistered (next registration g + 1)' },
  },
);

run(async () => {
  const fleet = int(values, 'fleet');
  let text;
  try {
    text = readFileSync(values.csv, 'utf8');
  } catch (e) {
    throw new UserError(`--csv ${values.csv}: ${e.message}`);
  }
  const devices = parseCsv(text);
  if (devices.length === 0) throw new UserError(`--csv ${values.csv}: no device ids`);

  const api = await connect(values.ws);
  const account = await signer(api, values);
  const info = await fleetInfo(api, fleet);
  if (!info.owner.eq(account.address)) {
    throw new UserError(`the signer ${account.address} is not the owner of fleet ${fleet} (${info.owner.toString()})`);
  }
  const max = api.consts.keyShards.maxBatchSize.toNumber();
  const batch = Math.min(int(values, 'batch') ?? max, max);
  if (batch < 1) throw new UserError('--batch: must be at least 1');

  // What is registered already (resume), and the ids deregistered before (tombstones, with their
  // registration g): the fleet's devices, paged through the runtime API.
  const registered = new Set();
  const deregistered = new Map();
  let start = null;
  for (;;) {
    const page = await unwrap(await api.call.keyShardsApi.deviceStatuses(fleet, start, 1000), { fleet });
    page.forEach((s) => {
      if (s.registered.isTrue) registered.add(s.device.toHex());
      else deregistered.set(s.device.toHex(), s.registration.toNumber());
    });
    if (page.length < 1000) break;
    start = page[page.length - 1].device;
  }
  const todo = devices.filter((d) => !registered.has(d.key));
  const skipped = devices.length - todo.length;
  if (skipped > 0) console.error(`${skipped} of ${devices.length} devices already registered: skipped`);
  const again = todo.filter((d) => deregistered.has(d.key));
  if (again.length > 0 && !values.reregister) {
    const d = again[0];
    throw new UserError(
      `device "${d.id}" (line ${d.line}) was deregistered from fleet ${fleet} (registration ${deregistered.get(d.key)})` +
        `${again.length > 1 ? ` and ${again.length - 1} more listed ids were too` : ''}: registering it again starts registration ` +
        `${deregistered.get(d.key) + 1}, which needs new device keys; pass --reregister to do so, or remove it from the file`,
    );
  }
  if (again.length > 0) console.error(`${again.length} deregistered ids registered again (each at its next registration g; they need new device keys)`);

  // Deposits: fail early with a clear message rather than part-way.
  const deposit = api.consts.keyShards.deviceDeposit.toBigInt() * BigInt(todo.length);
  const { data } = await api.query.system.account(account.address);
  if (data.free.toBigInt() < deposit) {
    throw new UserError(`insufficient balance for deposits: ${todo.length} devices need ${deposit} (free: ${data.free.toBigInt()})`);
  }

  const bar = progress(todo.length, 'registering');
  bar(0);
  let done = 0;
  for (let i = 0; i < todo.length; i += batch) {
    const chunk = todo.slice(i, i + batch);
    try {
      await send(api, api.tx.keyShards.registerDevices(fleet, chunk.map((d) => d.key)), account, { fleet });
    } catch (e) {
      throw new UserError(`${e.message}; ${skipped + done} of ${devices.length} devices are registered — run the same command again to resume`);
    }
    done += chunk.length;
    bar(done);
  }
  console.log(`fleet ${fleet}: ${done} devices registered, ${skipped} already were`);
  await api.disconnect();
});
