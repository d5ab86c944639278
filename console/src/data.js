// Reads shared by the views, at one block: devices' statuses (runtime API) with their stored
// epoch records (the pallet's storage, decoded from metadata), summarised as records.mjs does
// for status.mjs; epochs the console saw before and the chain has since pruned are remembered.
import { deviceText, unwrap } from '../../scripts/ops/chain.mjs';
import { epochSummary } from '../../scripts/ops/records.mjs';

/** `promise`, or an error that names the call that failed (the node's answer after it). */
export async function named(what, promise) {
  try {
    return await promise;
  } catch (e) {
    throw new Error(`${what}: ${e?.message ?? e}`);
  }
}

/** Epoch summaries seen, by fleet/device, to show epochs after the chain pruned them. */
const seen = new Map();

/** A DeviceStatus as plain numbers. */
export function statusJson(s) {
  const slot = (o) => {
    if (o.isNone) return null;
    const x = o.unwrap();
    return { epoch: x.epoch.toNumber(), state: x.state.type, since: x.since.toNumber(), until: x.until.isSome ? x.until.unwrap().toNumber() : null };
  };
  return {
    device: deviceText(s.device),
    deviceHex: s.device.toHex(),
    registered: s.registered.isTrue,
    registration: s.registration.toNumber(),
    nextEpoch: s.nextEpoch.isSome ? s.nextEpoch.unwrap().toNumber() : null,
    retained: s.retained.toNumber(),
    current: slot(s.current),
    open: slot(s.open),
  };
}

/**
 * Per device status (DeviceStatus codecs), its stored epochs as summaries (newest first), the
 * epochs known to be pruned, and `oldest` (epochs below it are gone): three RPCs for a page
 * (the device records, then every epoch record they may still have, in one multi-query each).
 */
export async function devicesWithEpochs(at, fleet, statuses, now, timeout) {
  const records = await named(`KeyShards.Devices of ${statuses.length} devices of fleet ${fleet}`, at.query.keyShards.devices.multi(statuses.map((s) => [fleet, s.device])));
  const keys = [];
  const ranges = records.map((r, i) => {
    if (r.isNone) return [0, 0];
    const info = r.unwrap();
    const from = Number(info.oldest.toString());
    const to = Number(info.nextEpoch.toString());
    for (let e = from; e < to; e += 1) keys.push([fleet, statuses[i].device, e]);
    return [from, to];
  });
  const values = keys.length ? await named(`KeyShards.Epochs (${keys.length} records) of fleet ${fleet}`, at.query.keyShards.epochs.multi(keys)) : [];
  const byDevice = new Map();
  keys.forEach(([, device, e], i) => {
    if (values[i].isNone) return;
    const hex = device.toHex();
    const list = byDevice.get(hex) ?? [];
    list.push(epochSummary(e, values[i].unwrap(), now, timeout));
    byDevice.set(hex, list);
  });
  return statuses.map((s, i) => {
    const status = statusJson(s);
    const stored = byDevice.get(status.deviceHex) ?? [];
    const key = `${fleet}/${status.deviceHex}`;
    const memory = seen.get(key) ?? new Map();
    const pruned = new Set();
    const present = new Set(stored.map((x) => x.epoch));
    for (const x of stored) memory.set(x.epoch, x);
    for (const e of memory.keys()) if (!present.has(e) && e < ranges[i][0]) pruned.add(e);
    // A re-registration starts over: forget another registration's epochs.
    for (const [e, x] of memory) if (x.registration !== status.registration && !present.has(e)) memory.delete(e), pruned.delete(e);
    seen.set(key, memory);
    const epochs = [...memory.values()].filter((x) => present.has(x.epoch) || pruned.has(x.epoch)).sort((a, b) => b.epoch - a.epoch);
    return { status, epochs, pruned, oldest: ranges[i][0] };
  });
}

/** One page of a fleet's devices (in storage order) after `cursor` (a DeviceId codec or null). */
export async function devicePage(at, fleet, cursor, count) {
  return unwrap(await named(`KeyShardsApi_device_statuses(${fleet}, ${cursor === null ? 'None' : `after ${deviceText(cursor)}`}, ${count})`, at.call.keyShardsApi.deviceStatuses(fleet, cursor, count)), { fleet });
}
