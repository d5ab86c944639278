#!/usr/bin/env node
// Registers devices in bulk from a CSV file: batched, with a progress bar, resumable.
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.mjs';
import { cli, connect, signer, int, run, fleetInfo, progress, UserError } from './lib.mjs';
import { planRegistration, registerBatches } from './register.mjs';

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
  const batch = int(values, 'batch');
  if (batch !== undefined && batch < 1) throw new UserError('--batch: must be at least 1');
  const plan = await planRegistration(api, fleet, devices, account.address, { reregister: values.reregister });
  const { skipped, again } = plan;
  if (skipped > 0) console.error(`${skipped} of ${devices.length} devices already registered: skipped`);
  if (again.length > 0) console.error(`${again.length} deregistered ids registered again (each at its next registration g; they need new device keys)`);

  const bar = progress(plan.todo.length, 'registering');
  bar(0);
  const done = await registerBatches(api, fleet, plan, devices.length, account, { batch, onProgress: bar });
  console.log(`fleet ${fleet}: ${done} devices registered, ${skipped} already were`);
  await api.disconnect();
});
