#!/usr/bin/env node
// Invalidates (revokes) a device epoch, as the fleet owner.
import { cli, connect, signer, send, int, run, deviceId, deviceText } from './lib.mjs';

const { values } = cli(
  `
Usage: node invalidate.mjs --fleet <id> --device <id> --epoch <n> [options]

Revokes a device's epoch (compromise, decommissioning), whatever its state (incomplete,
pending, active or used): its key may never sign. A revoked current key is replaced by the
pending epoch, if one is complete, as soon as its contest period allows; a revoked open epoch
lets the holders open the next one.
Signed by the fleet owner.`,
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
    const data = event.data.toHuman();
    if (event.data.device !== undefined) data.device = deviceText(event.data.device);
    console.log(`${event.method} ${JSON.stringify(data)}`);
  }
  await api.disconnect();
});
