#!/usr/bin/env node
// Invalidates (revokes) a device epoch, as the fleet owner.
import { cli, connect, signer, send, int, run, deviceId } from './lib.mjs';

const { values } = cli(
  `
Usage: node invalidate.mjs --fleet <id> --device <id> --epoch <n> [options]

Revokes a device's epoch (compromise, decommissioning): its key may no longer sign, and a pending
epoch, if published, takes over at once. Signed by the fleet owner.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    device: { type: 'string', required: true, arg: 'id', desc: 'the device (text or 0x-hex)' },
    epoch: { type: 'string', required: true, arg: 'n', desc: 'the epoch to revoke' },
  },
);

run(async () => {
  const fleet = int(values, 'fleet');
  const epoch = int(values, 'epoch');
  const device = deviceId(values.device);
  const api = await connect(values.ws);
  const account = await signer(api, values);
  const { events } = await send(api, api.tx.keyShards.invalidateEpoch(fleet, device, epoch), account, { fleet, device: values.device });
  for (const { event } of events.filter(({ event }) => event.section === 'keyShards')) {
    console.log(`${event.method} ${JSON.stringify(event.data.toHuman())}`);
  }
  await api.disconnect();
});
