// Due devices the holders left alone: the pallet's due index names, per fleet and in block
// order, the block from which each registered device needs its holders' KSGs (its newest key
// stopped being usable, or it never had one). A device due for longer than backup_delay blocks
// with no epoch open since has every piece missing: its primary holders' nodes did not open the
// next epoch, nor did any backup's. The Holders view counts those pieces against their holders;
// without this, a holder whose node is down and who is the primary of every piece would show
// nothing missing, since no epoch is ever opened for it to owe a piece to.
import { deviceText } from '../../scripts/ops/chain.mjs';
import { deviceSchedule, dueBlock, openEpochAt } from '../../scripts/ops/records.mjs';
import { named } from './data.js';

/** Most due-index entries the Holders view reads per refresh (the longest due first). */
export const DUE_CAP = 1000;
/** Keys per `state_getKeysPaged` call. */
export const DUE_PAGE = 500;

/**
 * Of `due` ({ device, dueAt, schedule } with `schedule` a records.mjs `deviceSchedule`, or null
 * for a device with no record), the devices with no epoch open at block `head` and none since
 * they came due, for more than `backupDelay` blocks: { device, epoch (the one to open), since
 * (from when nothing was open: the due block, or when an incomplete epoch of it timed out) }.
 * A deregistered device, or one whose epochs are exhausted, is owed nothing.
 */
export function unpublished(due, { head, backupDelay, timeout }) {
  const out = [];
  for (const { device, dueAt, schedule } of due) {
    if (!schedule || schedule.registeredAt === null || schedule.nextEpoch === null || dueAt > head) continue;
    const { open, timedOutAt } = openEpochAt(schedule, head, timeout);
    // An epoch still open is the incomplete-epoch count's (or, pending, has its key coming).
    if (open) continue;
    const since = Math.max(dueAt, timedOutAt ?? dueAt);
    if (head - since <= backupDelay) continue; // the backups' nodes may still open it
    out.push({ device, epoch: schedule.nextEpoch, since, timedOut: timedOutAt !== undefined && timedOutAt >= dueAt ? schedule.open.epoch : null });
  }
  return out;
}

/**
 * The fleet's due-index entries due before block `before`, longest due first (the index's keys
 * are the fleet, the due block big-endian, then the device, so they come in block order): read a
 * page of keys at a time and at most DUE_CAP of them, so a fleet of any size costs a few calls.
 * `capped` when more are due.
 */
export async function overdue(at, fleet, before) {
  const entries = [];
  let startKey;
  while (before > 0) {
    const pageSize = Math.min(DUE_PAGE, DUE_CAP + 1 - entries.length);
    const keys = await named(`KeyShards.DueIndex of fleet ${fleet}`, at.query.keyShards.dueIndex.keysPaged({ args: [fleet], pageSize, startKey }));
    for (const key of keys) {
      const dueAt = dueBlock(key.args[1]);
      if (dueAt >= before) return { entries, capped: false };
      if (entries.length === DUE_CAP) return { entries, capped: true };
      entries.push({ id: key.args[2], device: deviceText(key.args[2]), dueAt });
    }
    if (keys.length < pageSize) break;
    startKey = keys[keys.length - 1].toHex();
  }
  return { entries, capped: false };
}

/**
 * The devices due for more than `backupDelay` blocks at `head` with no epoch opened since
 * (`unpublished`, from their records), the longest due first, and whether the read was capped.
 */
export async function dueUnpublished(at, fleet, head, backupDelay, timeout) {
  const due = await overdue(at, fleet, head - backupDelay);
  const records = due.entries.length
    ? await named(`KeyShards.Devices of ${due.entries.length} due devices of fleet ${fleet}`, at.query.keyShards.devices.multi(due.entries.map((x) => [fleet, x.id])))
    : [];
  const schedules = due.entries.map((x, i) => ({ device: x.device, dueAt: x.dueAt, schedule: records[i].isSome ? deviceSchedule(records[i].unwrap()) : null }));
  return { devices: unpublished(schedules, { head, backupDelay, timeout }), capped: due.capped };
}
