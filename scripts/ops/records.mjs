// The chain's records as an operator reads them: an epoch's state at a block (as the runtime
// evaluates it: `EpochRecord::state_at`), an epoch record and a conflict in plain objects, and the
// outcome of a piece publication and every event in words. Takes @polkadot/api codecs, decoded from
// the chain's own metadata.
import { deviceText } from './chain.mjs';

/** A block number (or any integer codec) as a number. */
const num = (codec) => codec.toNumber();

/**
 * The epoch's state at block `now`, with why an invalid epoch is invalid: the chain's
 * invalidation reason (Revoked, Superseded, Conflict, IdentityKey, Deregistered), Expired (its
 * window ended) or TimedOut (still incomplete `timeout` blocks after it opened). Mirrors the
 * runtime's `EpochRecord::state_at`.
 */
export function epochState(record, now, timeout) {
  const completion = record.completion.isSome ? record.completion.unwrap() : null;
  const natural = completion ? num(completion.validTo) : num(record.openedAt) + timeout;
  const invalidation = record.invalidated.isSome ? record.invalidated.unwrap() : null;
  const invalidFrom = invalidation ? Math.min(num(invalidation.at), natural) : natural;
  if (now >= invalidFrom) {
    const explicit = invalidation && num(invalidation.at) <= natural;
    return { state: 'Invalidated', reason: explicit ? invalidation.reason.type : completion ? 'Expired' : 'TimedOut', since: invalidFrom };
  }
  if (!completion) return { state: 'Incomplete' };
  if (now < num(completion.validFrom)) return { state: 'Pending' };
  if (record.used.isSome) return { state: 'Used' };
  return { state: 'Active' };
}

/**
 * A device record (`DeviceInfo`) as plain numbers: its registration block (null once
 * deregistered), the next epoch to open (null once the id's epochs are exhausted) and the open
 * epoch (incomplete, or complete with its window).
 */
export function deviceSchedule(info) {
  const opt = (o, f) => (o.isSome ? f(o.unwrap()) : null);
  const next = Number(info.nextEpoch.toString()); // u64: 2^32 once exhausted
  return {
    registeredAt: opt(info.registered, (r) => num(r.at)),
    nextEpoch: next < 2 ** 32 ? next : null,
    open: opt(info.open, (o) => ({
      epoch: num(o.epoch),
      openedAt: num(o.openedAt),
      completed: opt(o.completed, ([at, slot]) => ({ at: num(at), validFrom: num(slot.validFrom), validTo: num(slot.validTo) })),
    })),
  };
}

/**
 * The device's open epoch at block `now` (a `deviceSchedule`), as the runtime's
 * `DeviceInfo::settled` leaves it: a pending epoch whose window began is no longer open (it is
 * the current key), nor is an incomplete one `timeout` blocks after it opened (it timed out).
 * Null when none is open; `timedOutAt` says when an incomplete one stopped being open.
 */
export function openEpochAt(schedule, now, timeout) {
  const { open } = schedule;
  if (!open) return { open: null };
  if (open.completed) return { open: now < open.completed.validFrom ? open : null };
  const end = open.openedAt + timeout;
  return now < end ? { open } : { open: null, timedOutAt: end };
}

/** The block of a due-index key (`DueBlock`: a u64, big-endian so the index is in block order). */
export function dueBlock(codec) {
  const bytes = codec.toU8a(true);
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(0, false));
}

/** An epoch record at block `now`, as a plain object (what status.mjs prints). */
export function epochSummary(epoch, record, now, timeout) {
  const pieces = record.pieces.map((piece) => (piece.isSome ? piece.unwrap() : null));
  const out = {
    epoch,
    ...epochState(record, now, timeout),
    registration: num(record.registration),
    openedAt: num(record.openedAt),
    pieces: pieces.filter((x) => x).length,
    pieceCount: pieces.length,
    missing: pieces.flatMap((x, k) => (x ? [] : [k])),
    publishers: pieces.map((x) => (x ? x.publisher.toString() : null)),
  };
  if (record.completion.isSome) {
    const c = record.completion.unwrap();
    Object.assign(out, { completedAt: num(c.at), publicKey: c.publicKey.toHex(), validFrom: num(c.validFrom), validTo: num(c.validTo) });
  }
  if (record.invalidated.isSome) {
    const i = record.invalidated.unwrap();
    Object.assign(out, { invalidatedAt: num(i.at), invalidation: i.reason.type });
  }
  if (record.used.isSome) {
    const u = record.used.unwrap();
    Object.assign(out, { usedAt: num(u.at), payloadHash: u.payloadHash.toHex() });
  }
  return out;
}

/** One line for an epoch summary. */
export function epochLine(s) {
  const parts = [`epoch ${s.epoch}: ${s.state}`];
  if (s.state === 'Invalidated') parts[0] += ` (${s.reason} from block ${s.since})`;
  if (s.validFrom !== undefined) parts.push(`window [${s.validFrom}, ${s.validTo}), key ${s.publicKey}`);
  else parts.push(`${s.pieces} of ${s.pieceCount} pieces${s.missing.length ? ` (missing ${s.missing.join(', ')})` : ''}`);
  parts.push(`opened at ${s.openedAt}${s.completedAt !== undefined ? `, completed at ${s.completedAt}` : ''}`);
  if (s.usedAt !== undefined) parts.push(`used at ${s.usedAt} (payload hash ${s.payloadHash})`);
  return parts.join('; ');
}

/** A recorded conflict: the piece, and both publications `(pt(X_k), C_k, account)`. */
export function conflictSummary(conflict) {
  const side = ([publicPiece, ciphertext, account]) => ({ publicPiece: publicPiece.toHex(), ciphertext: ciphertext.toHex(), account: account.toString() });
  return { piece: num(conflict.piece), at: num(conflict.at), first: side(conflict.first), second: side(conflict.second) };
}

/** A publication's outcome (`PublicationOutcome`) in words. */
export function outcomeText(outcome, pieceCount) {
  if (outcome.isAccepted) {
    const present = num(outcome.asAccepted.present);
    return `accepted (${present}${pieceCount !== undefined ? ` of ${pieceCount}` : ''} pieces present)`;
  }
  if (outcome.isRefused) return `refused: ${REFUSAL[outcome.asRefused.type] ?? outcome.asRefused.type}`;
  if (outcome.isDuplicate) return 'duplicate (the same piece is present; refused)';
  if (outcome.isConflict) return 'CONFLICT: a different piece is present; the epoch is invalidated and both publications are recorded';
  return outcome.type;
}

/** Why a publication was refused (`RefusalReason`), in SPEC's words. */
export const REFUSAL = {
  PublicPieceNotCanonical: 'pt(X_k) is not canonical',
  PublicPieceSmallOrder: 'pt(X_k) is of small order',
  PublicPieceNotTorsionFree: 'pt(X_k) is not torsion-free',
  BadProofOfPossession: 'the proof of possession does not verify under pt(X_k)',
  AnotherEpochOpen: 'another epoch of the device is open',
  NotNextEpoch: 'e is not one more than the highest epoch opened',
  OpenedThisBlock: 'an epoch of the device was opened in this block',
  NotDue: 'the device is not due',
  EpochsExhausted: 'the device id\'s epochs are exhausted',
  RetentionFull: 'the device keeps as many epoch records as it may (prune first)',
};

/**
 * A KeyShards event in words (the fields every event has first: fleet, device, epoch), as the
 * audit log prints it; `pieceCount` is the fleet's `p`, for publications.
 */
export function eventText(event, pieceCount) {
  const d = event.data;
  const where = [
    d.fleet !== undefined ? `fleet ${d.fleet}` : null,
    d.device !== undefined ? `device ${deviceText(d.device)}` : null,
    d.epoch !== undefined ? `epoch ${d.epoch}` : null,
  ].filter((x) => x).join(' ');
  switch (event.method) {
    case 'FleetCreated':
      return `${where} created by ${d.owner}: ${d.threshold.threshold} of ${d.threshold.holders} holders; rotation ${d.params.rotationPeriod}, grace ${d.params.gracePeriod}, lead time ${d.params.leadTime} blocks`;
    case 'HolderAccountsSet':
      return `${where} holder ${d.holder} now acts through ${d.accounts.map((a) => a.toString()).join(', ')}`;
    case 'DeviceRegistered':
      return `${where} registered (registration ${d.registration})`;
    case 'DeviceDeregistered':
      return `${where} deregistered (registration ${d.registration})`;
    case 'PiecePublished':
      return `${where} piece ${d.piece} by ${d.publisher}: ${outcomeText(d.outcome, pieceCount)}`;
    case 'EpochCompleted':
      return `${where} complete: public key ${d.publicKey.toHex()}, window [${d.validFrom}, ${d.validTo})`;
    case 'EpochInvalidated':
      return `${where} invalidated: ${d.reason.type}${d.by.isSome ? ` by ${d.by.unwrap()}` : ''}`;
    case 'EpochActivatedEarly':
      return `${where} activated early: window [${d.validFrom}, ${d.validTo})`;
    case 'KeyUsed':
      return `${where} key used: payload hash ${d.payloadHash.toHex()}`;
    case 'EpochsPruned':
      return `${where} epochs ${d.from} to ${d.to} pruned${d.by.isSome ? ` by ${d.by.unwrap()}` : ' (on_idle)'}`;
    default:
      return `${where} ${JSON.stringify(d.toHuman())}`.trim();
  }
}
