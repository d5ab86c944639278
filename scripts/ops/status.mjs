#!/usr/bin/env node
// Shows a threshold fleet, its devices' epochs and its conflicts, at the latest finalized block.
import { cli, connect, int, run, fleetInfo, deviceId, deviceText, unwrap } from './lib.mjs';
import { conflictSummary, epochLine, epochSummary } from './records.mjs';
import { holderPieces, pieceHolders } from './spec.mjs';

const { values } = cli(
  `
Usage: node status.mjs --fleet <id> [--device <id>] [options]

Shows a fleet at the latest finalized block: owner, threshold (t of m holders, p pieces), each
holder's accounts and the pieces it holds (holder j holds piece k unless j is in the k-th
(t-1)-subset of the holders), each piece's holders and publication key, the parameters; per
device (all of them, paged, or --device) its registration, current and open epochs and every
stored epoch with its state (incomplete, pending, active, used, invalidated and why), pieces
present and window; and every recorded conflict with both publications and their accounts.
Read through the runtime API (api.call.keyShardsApi) and the pallet's storage.`,
  {
    fleet: { type: 'string', required: true, arg: 'id', desc: 'the fleet' },
    device: { type: 'string', arg: 'id', desc: 'only this device' },
    json: { type: 'boolean', desc: 'print JSON' },
  },
);

const PAGE = 1000;
const slot = (e) => {
  if (e.isNone) return '-';
  const s = e.unwrap();
  const until = s.until.isSome ? `[${s.since}, ${s.until.unwrap()})` : `since ${s.since}`;
  return `${s.epoch} ${s.state.type} ${until}`;
};

run(async () => {
  const fleet = int(values, 'fleet');
  const api = await connect(values.ws);
  const at = await api.rpc.chain.getFinalizedHead();
  const apiAt = await api.at(at);
  const now = (await api.rpc.chain.getHeader(at)).number.toNumber();
  const timeout = api.consts.keyShards.incompleteTimeout.toNumber();
  const info = await fleetInfo(apiAt, fleet);
  const m = info.threshold.holders.toNumber();
  const t = info.threshold.threshold.toNumber();

  // Devices (paged through the runtime API), their stored epochs and the fleet's conflicts.
  let statuses = [];
  const epochs = new Map(); // device hex -> [[epoch, record]]
  const addEpoch = ([key, value]) => {
    if (value.isNone) return;
    const [, device, epoch] = key.args;
    const list = epochs.get(device.toHex()) ?? [];
    list.push([epoch.toNumber(), value.unwrap()]);
    epochs.set(device.toHex(), list);
  };
  let conflicts;
  if (values.device) {
    const id = deviceId(values.device);
    statuses = [await unwrap(await apiAt.call.keyShardsApi.deviceStatus(fleet, id), { fleet, device: values.device })];
    (await apiAt.query.keyShards.epochs.entries(fleet, id)).forEach(addEpoch);
    conflicts = await apiAt.query.keyShards.conflicts.entries(fleet, id);
  } else {
    let start = null;
    for (;;) {
      const page = await unwrap(await apiAt.call.keyShardsApi.deviceStatuses(fleet, start, PAGE), { fleet });
      statuses.push(...page);
      if (page.length < PAGE) break;
      start = page[page.length - 1].device;
    }
    let startKey;
    for (;;) {
      const page = await apiAt.query.keyShards.epochs.entriesPaged({ args: [fleet], pageSize: PAGE, startKey });
      page.forEach(addEpoch);
      if (page.length < PAGE) break;
      startKey = page[page.length - 1][0].toHex();
    }
    conflicts = await apiAt.query.keyShards.conflicts.entries(fleet);
  }
  const conflictList = conflicts
    .filter(([, value]) => value.isSome)
    .map(([key, value]) => ({ device: deviceText(key.args[1]), epoch: key.args[2].toNumber(), ...conflictSummary(value.unwrap()) }));

  const holderOf = (address) => {
    const j = info.holders.findIndex((own) => own.some((a) => a.toString() === address));
    return j < 0 ? undefined : j;
  };
  for (const c of conflictList) for (const x of [c.first, c.second]) x.holder = holderOf(x.account) ?? null;
  const holders = info.holders.map((own, j) => ({ holder: j, accounts: own.map((a) => a.toString()), pieces: holderPieces(m, t, j) }));
  const pieces = info.publicationKeys.map((key, k) => ({ piece: k, holders: pieceHolders(m, t, k), publicationKey: key.toHex() }));
  const devices = statuses.map((s) => ({
    status: s,
    epochs: (epochs.get(s.device.toHex()) ?? []).sort((a, b) => b[0] - a[0]).map(([e, r]) => epochSummary(e, r, now, timeout)),
  }));

  if (values.json) {
    console.log(JSON.stringify({
      block: now,
      fleet: { ...info.toJSON(), id: fleet, holders, pieces },
      devices: devices.map(({ status, epochs: list }) => ({ ...status.toJSON(), device: deviceText(status.device), epochs: list })),
      conflicts: conflictList,
    }));
  } else {
    const p = info.params;
    console.log(`fleet ${fleet} at finalized block ${now}`);
    console.log(`  owner:           ${info.owner}${info.pendingOwner.isSome ? ` (proposed: ${info.pendingOwner.unwrap()})` : ''}`);
    console.log(`  threshold:       ${t} of ${m} holders, ${pieces.length} pieces`);
    console.log(`  periods:         rotation ${p.rotationPeriod} blocks, grace ${p.gracePeriod} blocks, lead time ${p.leadTime} blocks`);
    for (const h of holders) console.log(`  holder ${h.holder}:${' '.repeat(Math.max(1, 9 - String(h.holder).length))}pieces ${h.pieces.join(', ') || 'none'}; accounts ${h.accounts.join(', ')}`);
    for (const x of pieces) console.log(`  piece ${x.piece}:${' '.repeat(Math.max(1, 10 - String(x.piece).length))}holders ${x.holders.join(', ')}; publication key ${x.publicationKey}`);
    console.log(`  devices:         ${info.devices} registered${statuses.length > info.devices.toNumber() ? `, ${statuses.length - info.devices.toNumber()} deregistered ids` : ''}`);
    for (const { status: s, epochs: list } of devices) {
      const next = s.nextEpoch.isSome ? s.nextEpoch.unwrap().toString() : 'none (retired)';
      const reg = s.registered.isTrue ? `registration ${s.registration}` : `deregistered, registration ${s.registration}`;
      console.log(`  ${deviceText(s.device)} (${reg}): current ${slot(s.current)}; open ${slot(s.open)}; next epoch ${next}; stored ${s.retained}`);
      for (const e of list) console.log(`    ${epochLine(e)}`);
    }
    console.log(`  conflicts:       ${conflictList.length}`);
    for (const c of conflictList) {
      console.log(`  ${c.device} epoch ${c.epoch} piece ${c.piece}, recorded at block ${c.at}: a holder of piece ${c.piece} (holders ${pieceHolders(m, t, c.piece).join(', ')}) is faulty`);
      for (const [name, x] of [['first: ', c.first], ['second:', c.second]]) {
        console.log(`    ${name} X ${x.publicPiece} C ${x.ciphertext} by ${x.account}${x.holder === null ? ' (no longer a holder account)' : ` (holder ${x.holder})`}`);
      }
    }
  }
  await api.disconnect();
});
