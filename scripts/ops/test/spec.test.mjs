// The JavaScript side of SPEC v2 reproduces vectors-v2.json byte for byte: contexts, pieces and
// their holders, publication keys from piece roots, publication digests and messages, signed
// messages; and verifies (never makes) every signature. The negatives' uses must fail.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cryptoWaitReady, ed25519Verify } from '@polkadot/util-crypto';
import { hexToU8a, stringToU8a, u8aToHex } from '@polkadot/util';
import {
  context, holderPieces, lp, payloadHash, pieceCount, pieceHolders, publicationDigest, publishMessage,
  publisherKey, publisherSeed, signedMessage, subset, verifyUse, who,
} from '../spec.mjs';

const { cases, negative } = JSON.parse(readFileSync(new URL('../../../primitives/tests/vectors-v2.json', import.meta.url)));
const bytes = (hex) => hexToU8a(`0x${hex.replace(/^0x/, '')}`);
const hex = (u8a) => u8aToHex(u8a, -1, false);
const caseNamed = (name) => cases.find((c) => c.name === name);

before(cryptoWaitReady);

test('the vectors cover the four cases', () => {
  assert.deepEqual(cases.map((c) => c.name), ['one-holder', 'two-of-three', 'three-of-five', 'four-of-four']);
});

test('ctx, lp and who of every piece', () => {
  assert.equal(hex(lp(stringToU8a('x'))), '000178');
  for (const c of cases) {
    const ctx = context(bytes(c.genesis_hash), c.fleet_id);
    assert.equal(hex(ctx), c.context, c.name);
    for (const p of c.pieces) {
      assert.equal(hex(who(ctx, p.index, stringToU8a(c.device_id_utf8), c.registration)), p.who, `${c.name} piece ${p.index}`);
    }
  }
});

test('pieces: T_k in lexicographic order, the holders of each piece, the pieces of each holder', () => {
  for (const c of cases) {
    assert.equal(pieceCount(c.m, c.t), c.piece_count, c.name);
    assert.equal(c.pieces.length, c.piece_count, c.name);
    for (const p of c.pieces) {
      assert.deepEqual(subset(c.m, c.t, p.index), p.subset, `${c.name} T_${p.index}`);
      assert.deepEqual(pieceHolders(c.m, c.t, p.index), p.holders, `${c.name} holders of piece ${p.index}`);
    }
    assert.deepEqual(c.holder_pieces.map((_, j) => holderPieces(c.m, c.t, j)), c.holder_pieces, c.name);
  }
  // SPEC's examples: 2-of-3 has 3 pieces, 2 per holder, 2 holders per piece; 3-of-5 has 10, 6, 3.
  assert.deepEqual([pieceCount(3, 2), holderPieces(3, 2, 0).length, pieceHolders(3, 2, 0).length], [3, 2, 2]);
  assert.deepEqual([pieceCount(5, 3), holderPieces(5, 3, 4).length, pieceHolders(5, 3, 9).length], [10, 6, 3]);
  // Any t - 1 holders miss the piece T = S; any t hold every piece.
  for (const [m, t] of [[3, 2], [5, 3], [6, 4], [7, 3]]) {
    for (let k = 0; k < pieceCount(m, t); k += 1) {
      const held = new Set(subset(m, t, k).flatMap((j) => holderPieces(m, t, j)));
      assert.ok(!held.has(k), `${t}-of-${m}: T_${k} holds piece ${k}`);
    }
  }
  assert.equal(pieceCount(64, 1), 1);
  assert.equal(pieceCount(64, 2), 64);
  assert.throws(() => pieceCount(3, 0), /1 <= t <= m/);
  assert.throws(() => pieceCount(3, 4), /1 <= t <= m/);
  assert.throws(() => pieceCount(65, 1), /at most 64/);
  assert.throws(() => pieceCount(20, 10), /C\(20, 9\) = 167960 pieces: at most 256/);
  assert.throws(() => subset(3, 2, 3), /pieces 0 to 2/);
  assert.throws(() => holderPieces(3, 2, 3), /holders 0 to 2/);
});

test('publication keys from piece roots: w_k = Expand(R_k, "keyshards/v2/publisher", 32), W_k', () => {
  for (const c of cases) {
    for (const p of c.pieces) {
      assert.equal(hex(publisherSeed(bytes(p.piece_root))), p.publisher_seed, `${c.name} w_${p.index}`);
      assert.equal(hex(publisherKey(bytes(p.piece_root))), p.publisher_key, `${c.name} W_${p.index}`);
    }
  }
  assert.throws(() => publisherSeed(new Uint8Array(31)), /32 bytes/);
});

test('proofs of possession, publication digests and signatures verify (verify only)', () => {
  for (const c of cases) {
    const ctx = context(bytes(c.genesis_hash), c.fleet_id);
    for (const p of c.pieces) {
      const where = `${c.name} piece ${p.index}`;
      assert.ok(ed25519Verify(bytes(p.pop_message), bytes(p.proof_of_possession), bytes(p.public_piece), true), `${where} π`);
      const d = publicationDigest(bytes(p.who), c.epoch, bytes(p.public_piece), bytes(p.ciphertext), bytes(p.proof_of_possession));
      assert.equal(hex(d), p.publication_digest, `${where} d`);
      const message = publishMessage(ctx, p.index, [d]);
      assert.ok(ed25519Verify(message, bytes(p.publication_signature), bytes(p.publisher_key), true), `${where} ω`);
      assert.ok(!ed25519Verify(publishMessage(ctx, p.index, [d, d]), bytes(p.publication_signature), bytes(p.publisher_key), true), `${where} ω, c = 2`);
    }
    if (c.group) {
      const digests = c.group.publications.map((x) => {
        const d = publicationDigest(bytes(x.who), x.epoch, bytes(x.public_piece), bytes(x.ciphertext), bytes(x.proof_of_possession));
        assert.equal(hex(d), x.publication_digest);
        return d;
      });
      const message = publishMessage(ctx, c.group.index, digests);
      assert.equal(hex(message), c.group.publication_message);
      assert.ok(ed25519Verify(message, bytes(c.group.publication_signature), bytes(c.pieces[c.group.index].publisher_key), true));
    }
  }
});

test('signed messages and one-time signatures of every case, built from the chain\'s records', () => {
  for (const c of cases) {
    const use = {
      genesisHash: bytes(c.genesis_hash),
      fleet: c.fleet_id,
      device: stringToU8a(c.device_id_utf8),
      registration: c.registration,
      epoch: c.epoch,
      payloadHash: payloadHash(stringToU8a(c.payload_utf8)),
      signature: bytes(c.signature),
      publicKey: bytes(c.public_key),
    };
    const { message, valid } = verifyUse(use);
    assert.equal(hex(message), c.signed_message, c.name);
    assert.equal(hex(signedMessage(context(use.genesisHash, c.fleet_id), use.device, c.registration, c.epoch, use.payloadHash)), c.signed_message);
    assert.ok(valid, c.name);
    // Any other chain, fleet, device, registration, epoch or payload: refused.
    const other = (change) => verifyUse({ ...use, ...change }).valid;
    const genesis = bytes(c.genesis_hash);
    genesis[0] ^= 1;
    assert.ok(!other({ genesisHash: genesis }), `${c.name}: another chain`);
    assert.ok(!other({ fleet: (c.fleet_id + 1) % 2 ** 32 }), `${c.name}: another fleet`);
    assert.ok(!other({ device: stringToU8a(`${c.device_id_utf8}!`) }), `${c.name}: another device`);
    assert.ok(!other({ registration: (c.registration + 1) % 2 ** 32 }), `${c.name}: another registration`);
    assert.ok(!other({ epoch: (c.epoch + 1) % 2 ** 32 }), `${c.name}: another epoch`);
    assert.ok(!other({ payloadHash: payloadHash(stringToU8a(`${c.payload_utf8}.`)) }), `${c.name}: another payload`);
  }
});

test('the negative uses fail', () => {
  const uses = negative.filter((n) => n.kind === 'use');
  assert.equal(uses.length, 3);
  for (const n of uses) {
    const c = caseNamed(n.case);
    // The message is built from the chain's records: its registration, never the signer's.
    const use = {
      genesisHash: bytes(c.genesis_hash),
      fleet: c.fleet_id,
      device: stringToU8a(n.device_id_utf8),
      registration: n.chain.registration,
      epoch: n.epoch,
      payloadHash: bytes(n.payload_hash),
      signature: bytes(n.signature),
      publicKey: bytes(n.public_key),
    };
    const { message, valid } = verifyUse(use);
    assert.equal(hex(message), n.chain_message, n.name);
    if (n.reason === 'sigma does not verify under P') {
      assert.ok(!valid, n.name);
    } else if (n.reason === 'map already used') {
      // The honest σ: the refusal is the chain's (the map recorded its one use), and the use
      // record verify-use.mjs checks is the first one.
      assert.ok(valid, n.name);
      assert.equal(n.chain.map_state, 'used');
    } else {
      assert.fail(`a use negative this test does not know: ${n.name} (${n.reason})`);
    }
  }
  // π_0 of the one-holder case is a valid signature under P = X_0 over its own message: only a
  // message built from the records refuses it.
  const pi = negative.find((n) => n.kind === 'use' && n.case === 'one-holder');
  const piece = caseNamed('one-holder').pieces[0];
  assert.ok(ed25519Verify(bytes(piece.pop_message), bytes(pi.signature), bytes(pi.public_key), true));
});

test('the negative publication signatures fail', () => {
  const groups = negative.filter((n) => n.kind === 'publication' && /^omega does not verify/.test(n.reason));
  assert.equal(groups.length, 3);
  for (const n of groups) {
    const c = caseNamed(n.case);
    const ctx = context(bytes(c.genesis_hash), c.fleet_id);
    const digests = n.publications.map((x) => {
      const d = publicationDigest(bytes(x.who), x.epoch, bytes(x.public_piece), bytes(x.ciphertext), bytes(x.proof_of_possession));
      assert.equal(hex(d), x.publication_digest, n.name);
      return d;
    });
    const message = publishMessage(ctx, n.index, digests);
    assert.equal(hex(message), n.publication_message, n.name);
    assert.ok(!ed25519Verify(message, bytes(n.publication_signature), bytes(n.publication_key), true), n.name);
  }
});

test('negative fleets: their publication keys are those of their piece roots', () => {
  const fleets = negative.filter((n) => n.kind === 'fleet');
  assert.equal(fleets.length, 5);
  for (const n of fleets) {
    assert.equal(n.publication_keys.length, pieceCount(n.m, n.t), n.name);
    n.piece_roots.forEach((root, k) => {
      if (root !== null) assert.equal(hex(publisherKey(bytes(root))), n.publication_keys[k], `${n.name} W_${k}`);
    });
  }
});
