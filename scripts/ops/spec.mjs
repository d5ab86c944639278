// SPEC v2 (threshold KSG) in JavaScript, as far as an operator needs it: who holds which piece,
// the pieces' publication keys, and what a one-time key signs and how anyone verifies a use.
// Byte layouts follow /work/shared/spec/SPEC-v2.md; test/spec.test.mjs reproduces vectors-v2.json.
// No point checks here: the chain checks every key and point it accepts.
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsU8a, ed25519PairFromSeed, ed25519Verify, hmacSha256AsU8a } from '@polkadot/util-crypto';

/** SPEC v2's domain-separation labels (ASCII, no terminator). */
export const LABEL = {
  publisher: 'keyshards/v2/publisher',
  publication: 'keyshards/v2/publication',
  publish: 'keyshards/v2/publish',
  sign: 'keyshards/v2/sign',
};

/** Most holders a fleet may have, and SPEC's bound on `p = C(m, t-1)`. */
export const MAX_HOLDERS = 64;
export const MAX_PIECES = 256;

const u16be = (n) => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);

function u32be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not a u32: ${n}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

function bytes32(value, what) {
  if (!(value instanceof Uint8Array) || value.length !== 32) throw new TypeError(`${what}: expected 32 bytes`);
  return value;
}

/** `lp(x) = u16be(len(x)) || x`. */
export function lp(bytes) {
  if (bytes.length > 0xffff) throw new RangeError('lp: longer than 65535 bytes');
  return u8aConcat(u16be(bytes.length), bytes);
}

/** `H(x)`: BLAKE2b-256. */
export function blake2(...parts) {
  return blake2AsU8a(u8aConcat(...parts), 256);
}

/** `H(Y)`: the hash of a payload, which a use records. */
export function payloadHash(payload) {
  return blake2(payload);
}

/** `ctx = G || u32be(f)`: binds every derivation and signature to one chain and one fleet. */
export function context(genesisHash, fleet) {
  return u8aConcat(bytes32(genesisHash, 'genesis hash'), u32be(fleet));
}

/** `who = ctx || u16be(k) || lp(D) || u32be(g)`. */
export function who(ctx, piece, device, registration) {
  return u8aConcat(ctx, u16be(piece), lp(device), u32be(registration));
}

/** `msg = "keyshards/v2/sign" || ctx || lp(D) || u32be(g) || u32be(e) || H(Y)`. */
export function signedMessage(ctx, device, registration, epoch, hash) {
  return u8aConcat(stringToU8a(LABEL.sign), ctx, lp(device), u32be(registration), u32be(epoch), bytes32(hash, 'payload hash'));
}

/**
 * Verifies a use as SPEC v2 says a third party must: the message is built here from the chain's
 * records (`ctx` from its genesis hash and the fleet id, the map's `D`, `g`, `e`, the recorded
 * `H(Y)`), never taken from message bytes someone hands over, and `σ` is checked under the map's
 * `P` with ZIP-215 rules, as the chain checks it (@noble/curves, not the WASM verifier, whose
 * cofactorless rule is not the chain's).
 */
export function verifyUse({ genesisHash, fleet, device, registration, epoch, payloadHash: hash, signature, publicKey }) {
  const message = signedMessage(context(genesisHash, fleet), device, registration, epoch, hash);
  return { message, valid: ed25519Verify(message, signature, publicKey, true) };
}

/** `d = H("keyshards/v2/publication" || who || u32be(e) || pt(X_k) || C_k || π_k)`. */
export function publicationDigest(whoBytes, epoch, publicPiece, ciphertext, proof) {
  return blake2(stringToU8a(LABEL.publication), whoBytes, u32be(epoch), publicPiece, ciphertext, proof);
}

/** What `ω` signs: `"keyshards/v2/publish" || ctx || u16be(k) || u32be(c) || d_1 || ... || d_c`. */
export function publishMessage(ctx, piece, digests) {
  return u8aConcat(stringToU8a(LABEL.publish), ctx, u16be(piece), u32be(digests.length), ...digests);
}

/**
 * `w_k = Expand(R_k, "keyshards/v2/publisher", 32)`: HKDF-Expand-SHA-256 with the piece root as
 * PRK, one output block, so HMAC-SHA-256(R_k, label || 0x01). An RFC 8032 seed.
 */
export function publisherSeed(pieceRoot) {
  return hmacSha256AsU8a(bytes32(pieceRoot, 'piece root'), u8aConcat(stringToU8a(LABEL.publisher), new Uint8Array([1])));
}

/** `W_k = Ed25519-public(w_k)`: the piece's publication key, recorded in the fleet. */
export function publisherKey(pieceRoot) {
  return ed25519PairFromSeed(publisherSeed(pieceRoot)).publicKey;
}

/** `C(n, r)` as a BigInt (0 when r > n). */
export function binomial(n, r) {
  if (r < 0 || r > n) return 0n;
  let c = 1n;
  const k = Math.min(r, n - r);
  for (let i = 0; i < k; i += 1) c = (c * BigInt(n - i)) / BigInt(i + 1);
  return c;
}

/**
 * `p = C(m, t-1)` for `1 <= t <= m <= 64`; throws a RangeError saying what is wrong otherwise
 * (also when `p` is above SPEC's 256).
 */
export function pieceCount(m, t) {
  if (!Number.isInteger(m) || !Number.isInteger(t) || t < 1 || t > m) {
    throw new RangeError(`threshold ${t} of ${m} holders: need 1 <= t <= m`);
  }
  if (m > MAX_HOLDERS) throw new RangeError(`${m} holders: at most ${MAX_HOLDERS}`);
  const p = binomial(m, t - 1);
  if (p > BigInt(MAX_PIECES)) {
    throw new RangeError(`threshold ${t} of ${m} holders needs C(${m}, ${t - 1}) = ${p} pieces: at most ${MAX_PIECES}`);
  }
  return Number(p);
}

/**
 * `T_k`: the `k`-th `(t-1)`-element subset of `{0, ..., m-1}` in lexicographic order (Python's
 * `itertools.combinations(range(m), t - 1)`), as a sorted array: the holders that do NOT hold
 * piece `k`.
 */
export function subset(m, t, k) {
  const p = pieceCount(m, t);
  if (!Number.isInteger(k) || k < 0 || k >= p) throw new RangeError(`piece ${k}: a ${t}-of-${m} fleet has pieces 0 to ${p - 1}`);
  const r = t - 1;
  const out = [];
  let rank = BigInt(k);
  let next = 0;
  for (let i = 0; i < r; i += 1) {
    for (let v = next; ; v += 1) {
      const after = binomial(m - v - 1, r - i - 1);
      if (rank < after) {
        out.push(v);
        next = v + 1;
        break;
      }
      rank -= after;
    }
  }
  return out;
}

/** The holders of piece `k`: every holder `j ∉ T_k`, ascending. */
export function pieceHolders(m, t, k) {
  const excluded = new Set(subset(m, t, k));
  return Array.from({ length: m }, (_, j) => j).filter((j) => !excluded.has(j));
}

/** The pieces holder `j` holds: every `k` with `j ∉ T_k`, ascending. */
export function holderPieces(m, t, j) {
  if (!Number.isInteger(j) || j < 0 || j >= m) throw new RangeError(`holder ${j}: a fleet of ${m} holders has holders 0 to ${m - 1}`);
  const p = pieceCount(m, t);
  return Array.from({ length: p }, (_, k) => k).filter((k) => !subset(m, t, k).includes(j));
}
