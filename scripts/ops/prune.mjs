#!/usr/bin/env node
// Prunes a device's invalidated epochs that are past the fleet's grace period (anyone may).
import { cli, connect, signer, send, int, run, deviceId } from './lib.mjs';

const { values } = cli(
  `
Usage: node prune.mjs --fleet <id> --device <id> [options]

Removes the device's invalidated epochs whose grace period has passed (the chain also does this
by itself in spare block weight). Anyone may sign it.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    device: { type: 'string', required: true, arg: 'id', desc: 'the device (text or 0x-hex)' },
  },
);

run(async () => {
  const fleet = int(values, 'fleet');
  const device = deviceId(values.device);
  const api = await connect(values.ws);
  const account = await signer(api, values);
  const { events } = await send(api, api.tx.keyShards.prune(fleet, device), account, { fleet, device: values.device });
  const pruned = events.find(({ event }) => api.events.keyShards.EpochsPruned.is(event));
  console.log(pruned ? `pruned epochs ${pruned.event.data.from} to ${pruned.event.data.to}` : 'nothing pruned');
  await api.disconnect();
});
