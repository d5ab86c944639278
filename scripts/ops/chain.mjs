// The chain side of the operator tooling, shared by the scripts (through lib.mjs) and the
// browser console (console/): connection with a clear error, the signer, transactions with
// clear errors, runtime API answers, device ids, and the check of a recorded use. No Node.js
// built-ins here, so a browser bundle takes it as is. Everything goes through @polkadot/api and
// the chain's own metadata (v15+): no custom type definitions.

// @polkadot/api, the keyring and util-crypto are loaded when a script connects (or checks a
// use), so that a script whose arguments are wrong says so at once.

import { isHex, u8aToHex, hexToU8a } from '@polkadot/util';

/** An error meant for the user: printed as is, no stack trace. */
export class UserError extends Error {}

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

/** An error of the signer itself (an extension's Cancel, a locked account), not of the node. */
class SignerError extends Error {}

/** `signer` with its signing calls' errors marked as the signer's (SignerError). */
function markSignerErrors(signer) {
  const marked = Object.create(signer);
  for (const method of ['signPayload', 'signRaw']) {
    if (typeof signer[method] !== 'function') continue;
    marked[method] = async (...args) => {
      try {
        return await signer[method](...args);
      } catch (e) {
        throw new SignerError(String(e?.message ?? e));
      }
    };
  }
  return marked;
}

/**
 * Signs and submits `tx`, resolves with its events once its block is finalized; rejects with a
 * UserError that says why it failed: the signer declined (an extension's Cancel), the node or
 * its pool refused it (Invalid, Dropped, Usurped), its block was not finalized in time
 * (FinalityTimeout), it was retracted and not included again within `retractedTimeoutMs`, or
 * it failed in its block (the dispatch error). `account` is a keyring pair, or an address with
 * `options.signer` (a browser extension's signer).
 */
export function send(api, tx, account, context = {}, options = {}) {
  const { retractedTimeoutMs = 120_000, ...signOptions } = options;
  if (signOptions.signer) signOptions.signer = markSignerErrors(signOptions.signer);
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let settled = false;
    let retracted = null; // timer while the transaction's block is retracted
    let inBlock = null;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(retracted);
      try {
        unsubscribe();
      } catch {
        // already gone
      }
      fn(value);
    };
    tx.signAndSend(account, { nonce: -1, ...signOptions }, (result) => {
      const { status, dispatchError, events } = result;
      if (status.isInvalid) {
        finish(reject, new UserError('the node found the transaction invalid (Invalid): nothing was done; check the nonce, the signer\'s balance and the chain, then try again'));
      } else if (status.isDropped) {
        finish(reject, new UserError('the node dropped the transaction from its pool (Dropped, e.g. the pool was full): nothing was done; try again'));
      } else if (status.isUsurped) {
        finish(reject, new UserError('another transaction of the signer with the same nonce replaced this one (Usurped): nothing was done by this one'));
      } else if (status.isFinalityTimeout) {
        const block = status.asFinalityTimeout.toHex();
        finish(reject, new UserError(`the transaction's block ${block} was not finalized in time (FinalityTimeout): it may or may not take effect; check the chain before trying again`));
      } else if (status.isRetracted) {
        // Its block left the best chain: the pool may include it again; wait, but not for ever.
        clearTimeout(retracted);
        retracted = setTimeout(() => finish(reject, new UserError(
          `the transaction's block ${status.asRetracted.toHex()} was retracted and the transaction not included again within ${retractedTimeoutMs / 1000} s (Retracted): check the chain before trying again`)), retractedTimeoutMs);
      } else if ((status.isInBlock || status.isFinalized) && dispatchError) {
        finish(reject, new UserError(explain(api, dispatchError, context)));
      } else if (status.isInBlock) {
        clearTimeout(retracted);
        inBlock = status.asInBlock.toHex();
      } else if (status.isFinalized) {
        finish(resolve, { events, block: status.asFinalized.toHex(), inBlock });
      }
    })
      .then((u) => {
        unsubscribe = u;
        if (settled) u();
      })
      .catch((e) => {
        const text = String(e?.message ?? e);
        if (e instanceof SignerError) {
          finish(reject, new UserError(/cancel|reject|denied|declined|abort/i.test(text)
            ? `cancelled in the signer: nothing was sent (${text})`
            : `the signer did not sign: ${text}; nothing was sent`));
        } else if (/Inability to pay some fees/.test(text)) {
          finish(reject, new UserError('insufficient balance to pay the transaction fee'));
        } else {
          finish(reject, new UserError(`the node refused the transaction: ${text}`));
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

/**
 * The recorded use of a device epoch's key, checked as SPEC v2 says a third party must, at the
 * block `at` (an api.at() view, say of the finalized head): the chain's use record and the
 * epoch's Shard Map (its public key P and registration g) through the runtime API, the message
 * rebuilt from those records and the chain's genesis hash, and the signature verified under P
 * with ZIP-215 rules (spec.mjs). `device` is 0x-hex; `context` names things in errors. Throws a
 * UserError when the chain has no such record; returns `valid: false` when the signature does not
 * verify. Needs cryptoWaitReady() first.
 */
export async function checkUse(api, at, fleet, device, epoch, context = { fleet, device, epoch }) {
  const { verifyUse } = await import('./spec.mjs');
  const genesisHash = (await api.rpc.chain.getBlockHash(0)).toU8a();
  const bundle = await unwrap(await at.call.keyShardsApi.bundle(fleet, device, epoch), context);
  const record = await unwrap(await at.call.keyShardsApi.useRecord(fleet, device, epoch), context);
  if (record.isNone) throw new UserError(`the chain records no use of device ${context.device}'s key of epoch ${epoch}`);
  const use = record.unwrap();
  const { map } = bundle;
  if (map.device.toHex() !== device || map.epoch.toNumber() !== epoch) {
    throw new UserError(`the chain answered with the map of ${map.device.toHex()} epoch ${map.epoch}, not the one asked for`);
  }
  const registration = map.registration.toNumber();
  const publicKey = map.publicKey.toU8a();
  const hash = use.payloadHash.toU8a();
  const signature = use.signature.toU8a();
  const { message, valid } = verifyUse({ genesisHash, fleet, device: hexToU8a(device), registration, epoch, payloadHash: hash, signature, publicKey });
  return {
    fleet,
    device: context.device,
    registration,
    epoch,
    genesisHash: u8aToHex(genesisHash),
    publicKey: u8aToHex(publicKey),
    payloadHash: u8aToHex(hash),
    signature: u8aToHex(signature),
    message: u8aToHex(message),
    usedAt: use.at.toNumber(),
    state: map.state.type,
    valid,
  };
}
