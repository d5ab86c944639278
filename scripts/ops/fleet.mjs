// A threshold fleet's arguments (create-fleet.mjs, set-holder-accounts.mjs), checked before
// anything is sent: holders and their accounts, publication keys (or the piece roots they come
// from), threshold and parameters. Errors name the option and what is wrong.
import { readFileSync, statSync } from 'node:fs';
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { UserError } from './lib.mjs';
import { pieceCount, pieceHolders, publisherKey } from './spec.mjs';

/** One account address (SS58, or a 0x-hex 32-byte public key), with its public key as hex. */
export function account(text, where) {
  const address = text.trim();
  let key;
  try {
    key = decodeAddress(address);
  } catch {
    throw new UserError(`${where}: "${address}" is not an account address`);
  }
  if (key.length !== 32) throw new UserError(`${where}: "${address}" is not an account address (32-byte public key)`);
  return { address, key: u8aToHex(key) };
}

/** The accounts of one holder: `addr[,addr...]`, at least one, none twice. */
export function accounts(text, where) {
  const list = text.split(',').map((a) => a.trim());
  if (list.some((a) => a === '')) throw new UserError(`${where}: an empty address in "${text}" (addresses are comma-separated)`);
  const out = list.map((a) => account(a, where));
  const seen = new Map();
  for (const a of out) {
    if (seen.has(a.key)) throw new UserError(`${where}: account ${a.address} is listed twice`);
    seen.set(a.key, a.address);
  }
  return out;
}

/**
 * The holders in order from repeated `--holder addr[,addr...]`: holder `j` is the `j`-th. Every
 * holder has an account; no account appears twice in the fleet (the chain refuses it too).
 */
export function holders(list, { maxAccounts } = {}) {
  if (!list || list.length === 0) throw new UserError('--holder: give every holder, in order (holder 0 first), each with its accounts');
  const all = new Map();
  return list.map((text, j) => {
    const own = accounts(text, `--holder (holder ${j})`);
    if (maxAccounts !== undefined && own.length > maxAccounts) {
      throw new UserError(`--holder (holder ${j}): ${own.length} accounts, the chain allows at most ${maxAccounts} per holder`);
    }
    for (const a of own) {
      if (all.has(a.key)) throw new UserError(`--holder: account ${a.address} is listed for holder ${all.get(a.key)} and holder ${j} (an account acts for one holder)`);
      all.set(a.key, j);
    }
    return own;
  });
}

/**
 * A piece root file: 64 hex digits (optional 0x and white space), readable by its owner only,
 * as the Rust side requires of key files. Errors name the file, never its content.
 */
export function readPieceRoot(path) {
  const where = `--piece-root-file ${path}`;
  let mode;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (e) {
    throw new UserError(`${where}: cannot read it: ${e.message}`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(`${where}: group or others may access it (mode ${mode.toString(8).padStart(3, '0')}); run \`chmod 600\` on it`);
  }
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${where}: cannot read it: ${e.message}`);
  }
  const digits = text.trim().replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) throw new UserError(`${where}: expected a 32-byte piece root as 64 hexadecimal digits`);
  return hexToU8a(`0x${digits}`);
}

/** A `--publication-key`: `W_k` as 32 bytes of hex (0x optional). */
export function publicationKey(text, where) {
  const hex = text.trim().startsWith('0x') ? text.trim() : `0x${text.trim()}`;
  if (!isHex(hex) || hex.length !== 66) throw new UserError(`${where}: "${text}" is not a publication key (32 bytes as 64 hex digits)`);
  return hex.toLowerCase();
}

/**
 * `W_0 .. W_{p-1}` in piece order from the command line's `--publication-key` and
 * `--piece-root-file` options, in the order given (`tokens` from `cli()`): a root file gives
 * `W_k = Ed25519-public(Expand(R_k, "keyshards/v2/publisher", 32))`.
 */
export function publicationKeys(tokens) {
  const keys = [];
  for (const { name, value } of tokens) {
    if (name === 'publication-key') {
      keys.push({ key: publicationKey(value, `--publication-key (piece ${keys.length})`), source: `--publication-key ${value}` });
    } else if (name === 'piece-root-file') {
      const root = readPieceRoot(value);
      keys.push({ key: u8aToHex(publisherKey(root)), source: `--piece-root-file ${value}` });
      root.fill(0);
    }
  }
  return keys;
}

/**
 * Checks a fleet's shape before it is sent: `1 <= t <= m`, `p = C(m, t-1)` within SPEC's and the
 * chain's bounds, exactly `p` publication keys, no two equal. Returns `p`.
 */
export function checkFleet({ threshold, holders: list, keys, maxHolders, maxPieces }) {
  const m = list.length;
  if (maxHolders !== undefined && m > maxHolders) throw new UserError(`--holder: ${m} holders, the chain allows at most ${maxHolders}`);
  let p;
  try {
    p = pieceCount(m, threshold);
  } catch (e) {
    throw new UserError(`--threshold: ${e.message}`);
  }
  if (maxPieces !== undefined && p > maxPieces) {
    throw new UserError(`--threshold: ${threshold} of ${m} holders needs p = C(${m}, ${threshold - 1}) = ${p} pieces, the chain allows at most ${maxPieces}`);
  }
  if (keys.length !== p) {
    throw new UserError(
      `a ${threshold}-of-${m} fleet has p = C(${m}, ${threshold - 1}) = ${p} piece${p === 1 ? '' : 's'}: give ${p} publication key${p === 1 ? '' : 's'} in piece order ` +
        `(--publication-key or --piece-root-file, one per piece), got ${keys.length}`,
    );
  }
  const seen = new Map();
  keys.forEach(({ key, source }, k) => {
    if (seen.has(key)) {
      throw new UserError(`pieces ${seen.get(key)} and ${k} have the same publication key (${source}): two pieces share one root; every piece needs its own`);
    }
    seen.set(key, k);
  });
  return p;
}

/**
 * The fleet parameters as the chain checks them: the rotation period at least the chain's
 * minimum, the lead time below the rotation period, the grace period within what the retained
 * epochs allow (`rotation period * (MaxRetainedEpochs - 3)`).
 */
export function checkParams({ rotationPeriod, gracePeriod, leadTime }, { minRotationPeriod, maxRetainedEpochs } = {}) {
  if (minRotationPeriod !== undefined && rotationPeriod < minRotationPeriod) {
    throw new UserError(`--rotation-period: ${rotationPeriod} blocks, the chain's minimum is ${minRotationPeriod}`);
  }
  if (rotationPeriod < 1) throw new UserError('--rotation-period: at least 1 block');
  if (leadTime >= rotationPeriod) throw new UserError(`--lead-time: ${leadTime} blocks must be below the rotation period (${rotationPeriod})`);
  if (maxRetainedEpochs !== undefined) {
    const most = rotationPeriod * Math.max(maxRetainedEpochs - 3, 0);
    if (gracePeriod > most) {
      throw new UserError(`--grace-period: ${gracePeriod} blocks, at most ${most} with this rotation period (rotation period * (MaxRetainedEpochs ${maxRetainedEpochs} - 3))`);
    }
  }
}

/** Per piece, its holders: `[{ piece, holders }]`. */
export function pieceTable(m, t) {
  return Array.from({ length: pieceCount(m, t) }, (_, k) => ({ piece: k, holders: pieceHolders(m, t, k) }));
}
