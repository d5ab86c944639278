// The JavaScript side of SPEC v1 reproduces the vectors: signed message and Ed25519 signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cryptoWaitReady, ed25519Verify } from '@polkadot/util-crypto';
import { hexToU8a, stringToU8a, u8aToHex } from '@polkadot/util';
import { payloadHash, signedMessage } from '../spec.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../../primitives/tests/vectors-v1.json', import.meta.url)));

test('signed messages and signatures of every vector', async () => {
  await cryptoWaitReady();
  for (const v of vectors) {
    const device = stringToU8a(v.device_id_utf8);
    const message = signedMessage(device, v.epoch, payloadHash(stringToU8a(v.payload_utf8)));
    assert.equal(u8aToHex(message, -1, false), v.signed_message.replace(/^0x/, ''));
    assert.ok(ed25519Verify(message, hexToU8a(`0x${v.signature.replace(/^0x/, '')}`), hexToU8a(`0x${v.public_key.replace(/^0x/, '')}`)));
    const other = signedMessage(device, v.epoch + 1, payloadHash(stringToU8a(v.payload_utf8)));
    assert.ok(!ed25519Verify(other, hexToU8a(`0x${v.signature.replace(/^0x/, '')}`), hexToU8a(`0x${v.public_key.replace(/^0x/, '')}`)));
  }
});
