// Shared by the operator scripts: command line, connection, signer, transactions with clear
// errors, runtime API calls, progress. Everything goes through @polkadot/api and the chain's own
// metadata (v15+): no custom type definitions.

// @polkadot/api and the keyring are loaded when a script connects, so that a script whose
// arguments are wrong says so at once.

import { parseArgs } from 'node:util';
import { isHex, u8aToHex, hexToU8a } from '@polkadot/util';

/** An error meant for the user: printed as is, no stack trace. */
export class UserError extends Error {}

const COMMON = {
  ws: { type: 'string', default: 'ws://127.0.0.1:9944', desc: 'node RPC endpoint' },
  suri: { type: 'string', desc: 'signer secret URI (seed, mnemonic or //Dev path); defaults to //Alice on a development chain only' },
  seed: { type: 'string', desc: 'alias of --suri' },
  help: { type: 'boolean', short: 'h', desc: 'show this help' },
};

/**
 * Parses the command line. `spec` maps option names to { type, desc, default, required,
 * multiple }; `usage` is the help text's first lines. Exits 0 after printing help, 2 on a usage
 * error. `tokens` lists the options in command-line order (for options whose relative order
 * matters).
 */
export function cli(usage, spec, { positionals = false } = {}) {
  const all = { ...spec, ...COMMON };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ options, allowPositionals: positionals, strict: true, tokens: true });
  } catch (e) {
    console.error(`error: ${e.message}\n(see --help)`);
    process.exit(2);
  }
  const values = parsed.values;
  if (values.help) {
    const lines = Object.entries(all).map(([name, o]) => {
      const arg = o.type === 'string' ? ` <${o.arg ?? 'value'}>` : '';
      const def = o.default !== undefined ? ` (default: ${o.default})` : '';
      const req = o.required ? ' (required)' : '';
      const many = o.multiple ? ' (repeatable)' : '';
      return `  --${name}${arg}\n      ${o.desc}${req}${many}${def}`;
    });
    console.log(`${usage.trim()}\n\nOptions:\n${lines.join('\n')}`);
    process.exit(0);
  }
  for (const [name, o] of Object.entries(all)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
    if (o.required && values[name] === undefined) {
      console.error(`error: --${name} is required (see --help)`);
      process.exit(2);
    }
  }
  const tokens = parsed.tokens.filter((t) => t.kind === 'option').map(({ name, value }) => ({ name, value }));
  return { values, positionals: parsed.positionals, tokens };
}

/** A non-negative integer option, or a usage error naming it. */
export function int(values, name) {
  const text = values[name];
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(String(text))) throw new UserError(`--${name}: expected a non-negative integer, got "${text}"`);
  return Number(text);
}

/**
 * A device id as the chain takes it (UTF-8 text, or 0x-hex; 1 to 64 bytes), as 0x-hex: the form
 * @polkadot/api takes as raw bytes (a Uint8Array would be read as SCALE, length-prefixed).
 */
export function deviceId(text, where = 'device id') {
  if (text.startsWith('0x') && !isHex(text)) throw new UserError(`${where} "${text}": starts with 0x but is not hex`);
  const bytes = isHex(text) ? hexToU8a(text) : new TextEncoder().encode(text);
  if (bytes.length < 1 || bytes.length > 64) {
    throw new UserError(`${where} "${text}": must be 1 to 64 bytes, is ${bytes.length}`);
  }
  return u8aToHex(bytes);
}

/** A device id from the chain, as text. */
/** A device id's one text form, as keyshards_primitives::DeviceId prints it: UTF-8 when it is
 * text without control characters that does not start with 0x, otherwise 0x-hex. */
export function deviceText(codec) {
  const bytes = codec.toU8a(true);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return u8aToHex(bytes);
  }
  return !/\p{Cc}/u.test(text) && !text.startsWith('0x') ? text : u8aToHex(bytes);
}

/** Connects to the node, or fails with a clear message. */
export async function connect(ws) {
  const { ApiPromise, WsProvider } = await import('@polkadot/api');
  const provider = new WsProvider(ws, false);
  let off = () => {};
  try {
    let timer;
    await Promise.race([
      provider.connect().then(() => provider.isReady),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
      }),
      // A refused or failed connection fails at once rather than after the timeout.
      new Promise((_, reject) => {
        off = provider.on('error', (e) => reject(new Error(e?.message || e?.error?.message || 'connection failed')));
      }),
    ]).finally(() => {
      clearTimeout(timer);
      off();
    });
  } catch (e) {
    provider.disconnect().catch(() => {});
    throw new UserError(`cannot connect to ${ws}: ${e.message}`);
  }
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  if (!api.tx.keyShards || !api.call.keyShardsApi) {
    await api.disconnect();
    throw new UserError(`${ws} is not a Keyshards chain (no KeyShards pallet or KeyShardsApi)`);
  }
  return api;
}

/** The signing account: --suri, or //Alice on a development chain. */
export async function signer(api, values) {
  const [{ Keyring }, { cryptoWaitReady }] = await Promise.all([import('@polkadot/keyring'), import('@polkadot/util-crypto')]);
  await cryptoWaitReady();
  let suri = values.suri ?? values.seed;
  if (suri === undefined) {
    const type = await api.rpc.system.chainType();
    if (!type.isDevelopment) {
      throw new UserError('--suri is required: dev accounts are the default on a development chain only');
    }
    suri = '//Alice';
  }
  try {
    return new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 }).addFromUri(suri);
  } catch (e) {
    throw new UserError(`--suri: not a valid secret URI (${e.message})`);
  }
}

/** What a dispatch error means, in words. */
export function explain(api, dispatchError, context = {}) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    const what = {
      'keyShards.UnknownFleet': `unknown fleet ${context.fleet ?? ''}`.trim(),
      'keyShards.NotFleetOwner': `the signer is not the owner of fleet ${context.fleet ?? ''}`.trim(),
      'keyShards.InsufficientBalanceForDeposit': 'insufficient balance for the deposits',
      'keyShards.UnknownDevice': `unknown device ${context.device ?? ''} in fleet ${context.fleet ?? ''}`,
      'keyShards.UnknownHolder': `fleet ${context.fleet ?? ''} has no holder ${context.holder ?? ''}`,
      'keyShards.RepeatedPublicationKey': 'two publication keys of the fleet are equal: two pieces share one root (every piece needs its own)',
      'keyShards.PublicationKeyInUse': 'a publication key is already recorded for a fleet (current or destroyed): a piece root is never used for two pieces or two fleets',
      'keyShards.WrongPublicationKeyCount': 'the number of publication keys is not p = C(m, t-1)',
      'keyShards.DuplicateHolderAccount': 'an account appears twice, for one holder or for two (also with another holder\'s accounts)',
    }[`${section}.${name}`];
    return `${what ?? docs.join(' ').trim()} (${section}.${name})`;
  }
  if (dispatchError.isToken) return `token error: ${dispatchError.asToken.type} (insufficient balance?)`;
  return dispatchError.toString();
}

/**
 * Signs and submits `tx`, resolves with its events once its block is finalized; rejects with a
 * UserError that says why it failed (pool refusal or dispatch error).
 */
export function send(api, tx, account, context = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(account, { nonce: -1 }, (result) => {
      const { status, dispatchError, events } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe();
        reject(new UserError(`transaction ${status.type.toLowerCase()}`));
      } else if ((status.isInBlock || status.isFinalized) && dispatchError) {
        unsubscribe();
        reject(new UserError(explain(api, dispatchError, context)));
      } else if (status.isFinalized) {
        unsubscribe();
        resolve({ events, block: status.asFinalized.toHex() });
      }
    })
      .then((u) => { unsubscribe = u; })
      .catch((e) => {
        const text = String(e.message ?? e);
        if (/Inability to pay some fees/.test(text)) {
          reject(new UserError('insufficient balance to pay the transaction fee'));
        } else {
          reject(new UserError(`the node refused the transaction: ${text}`));
        }
      });
  });
}

/** A runtime API answer `Result<T, QueryError>`: T, or a UserError naming what is missing. */
export function unwrap(result, context = {}) {
  if (result.isOk) return result.asOk;
  const error = result.asErr.type;
  const what = {
    UnknownFleet: `unknown fleet ${context.fleet ?? ''}`.trim(),
    UnknownDevice: `unknown device ${context.device ?? ''} in fleet ${context.fleet ?? ''}`,
    UnknownEpoch: `no epoch ${context.epoch ?? ''} stored for device ${context.device ?? ''} (never published, or pruned)`,
    NoActiveKey: `device ${context.device ?? ''} has no active key now`,
  }[error];
  return Promise.reject(new UserError(what ?? error));
}

/** The fleet's record, or a UserError for an unknown fleet. */
export async function fleetInfo(api, fleet) {
  const info = await api.call.keyShardsApi.fleet(fleet);
  if (info.isNone) throw new UserError(`unknown fleet ${fleet}`);
  return info.unwrap();
}

/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
export function progress(total, label) {
  let last = -1;
  return (done) => {
    const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
    if (process.stderr.isTTY) {
      const width = 30;
      const fill = Math.round((pct * width) / 100);
      process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}% ${done}/${total}`);
      if (done >= total) process.stderr.write('\n');
    } else if (pct !== last && (pct % 10 === 0 || done >= total)) {
      process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
    }
    last = pct;
  };
}

/** Runs `main(values, positionals)`; prints user errors plainly and exits 1. */
export async function run(main) {
  // Whatever ends the process early (a promise that never settles) is a failure.
  process.exitCode = 1;
  try {
    await main();
    process.exit(0);
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`error: ${e.message}`);
    } else {
      console.error(e);
    }
    process.exit(1);
  }
}
