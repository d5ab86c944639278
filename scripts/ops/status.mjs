#!/usr/bin/env node
// Shows a fleet and its devices' key status, through the KeyShardsApi runtime API.
import { cli, connect, int, run, fleetInfo, deviceId, deviceText, unwrap } from './lib.mjs';

const { values } = cli(
  `
Usage: node status.mjs --fleet <id> [--device <id>] [options]

Shows a fleet (owner, rotation period, shard count, grace period, KSG authorities, devices) and
the key status of its devices (next epoch, current and pending epochs with their state and
window), read at the latest finalized block through the runtime API (api.call.keyShardsApi).`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    device: { type: 'string', arg: 'id', desc: 'only this device' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

const epoch = (e) => (e.isSome ? `${e.unwrap().epoch} ${e.unwrap().state.type} [${e.unwrap().validFrom}, ${e.unwrap().expiresAt})` : '-');

run(async () => {
  const fleet = int(values, 'fleet');
  const api = await connect(values.ws);
  const at = await api.rpc.chain.getFinalizedHead();
  const apiAt = await api.at(at);
  const number = (await api.rpc.chain.getHeader(at)).number.toNumber();
  const info = await fleetInfo(apiAt, fleet);
  let statuses = [];
  if (values.device) {
    const id = deviceId(values.device);
    statuses = [await unwrap(await apiAt.call.keyShardsApi.deviceStatus(fleet, id), { fleet, device: values.device })];
  } else {
    let start = null;
    for (;;) {
      const page = await unwrap(await apiAt.call.keyShardsApi.deviceStatuses(fleet, start, 1000), { fleet });
      statuses.push(...page);
      if (page.length < 1000) break;
      start = page[page.length - 1].device;
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ block: number, fleet: info.toJSON(), devices: statuses.map((s) => ({ ...s.toJSON(), device: deviceText(s.device) })) }));
  } else {
    const p = info.params;
    console.log(`fleet ${fleet} at finalized block ${number}`);
    console.log(`  owner:           ${info.owner}`);
    console.log(`  rotation period: ${p.rotationPeriod} blocks, grace period: ${p.gracePeriod} blocks, shards: ${p.shardCount}`);
    console.log(`  KSG authorities: ${info.authorities.map((a) => a.toString()).join(', ')}`);
    console.log(`  devices:         ${info.devices}`);
    for (const s of statuses) {
      const next = s.nextEpoch.isSome ? s.nextEpoch.unwrap().toString() : 'none';
      console.log(`  ${deviceText(s.device)}: current ${epoch(s.current)}; pending ${epoch(s.pending)}; next to publish ${next}; stored ${s.retained}`);
    }
  }
  await api.disconnect();
});
