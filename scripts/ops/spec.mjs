// SPEC v1 in JavaScript, as far as an operator needs it: what a one-time key signs.
import { u8aConcat, stringToU8a } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

/** `H(X)`: BLAKE2b-256 of a payload. */
export function payloadHash(payload) {
  return blake2AsU8a(payload, 256);
}

/** `m = "keyshards/v1/sign" || u16be(len(D)) || D || u32be(e) || H(X)`. */
export function signedMessage(device, epoch, hash) {
  const len = new Uint8Array([device.length >> 8, device.length & 0xff]);
  const e = new Uint8Array(4);
  new DataView(e.buffer).setUint32(0, epoch, false);
  return u8aConcat(stringToU8a('keyshards/v1/sign'), len, device, e, hash);
}
