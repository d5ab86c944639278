// send(): every end of a transaction's life is an answer, never a hang; a signer's Cancel is not
// the node's refusal. A stand-in transaction plays the statuses a node reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../chain.mjs';

const hash = { toHex: () => '0xb10c' };
/** A status as @polkadot/api's ExtrinsicStatus answers: is<Type> and as<Type>. */
function status(type) {
  const s = { type };
  for (const t of ['Future', 'Ready', 'Broadcast', 'InBlock', 'Retracted', 'FinalityTimeout', 'Finalized', 'Usurped', 'Dropped', 'Invalid']) {
    s[`is${t}`] = t === type;
    s[`as${t}`] = hash;
  }
  return s;
}
/** A transaction whose node reports `types` in turn (or whose signing fails with `signError`). */
const fakeTx = (types, { signError } = {}) => ({
  signAndSend: async (_account, options, cb) => {
    if (signError) await options.signer.signPayload({});
    for (const type of types) setTimeout(() => cb({ status: status(type), events: [] }), 0);
    return () => {};
  },
});

test('finalized: the events and the block', async () => {
  const r = await send({}, fakeTx(['Ready', 'InBlock', 'Finalized']), 'x');
  assert.equal(r.block, '0xb10c');
});

for (const [type, words] of [['Invalid', /invalid \(Invalid\)/], ['Dropped', /dropped .*\(Dropped/], ['Usurped', /\(Usurped\)/], ['FinalityTimeout', /not finalized in time \(FinalityTimeout\)/]]) {
  test(`${type}: a clear error, no hang`, async () => {
    await assert.rejects(send({}, fakeTx(['Ready', 'InBlock', type]), 'x'), words);
  });
}

test('retracted and never included again: an error after the wait', async () => {
  await assert.rejects(send({}, fakeTx(['InBlock', 'Retracted']), 'x', {}, { retractedTimeoutMs: 50 }), /retracted .*\(Retracted\)/);
});

test('retracted, then included again and finalized: done', async () => {
  const r = await send({}, fakeTx(['InBlock', 'Retracted', 'InBlock', 'Finalized']), 'x', {}, { retractedTimeoutMs: 50 });
  assert.equal(r.block, '0xb10c');
});

test('an extension\'s Cancel is the signer\'s, not the node\'s refusal', async () => {
  const signer = { signPayload: async () => { throw new Error('Cancelled'); } };
  await assert.rejects(send({}, fakeTx([], { signError: true }), 'x', {}, { signer }), (e) => /^cancelled in the signer: nothing was sent/.test(e.message) && !/node refused/.test(e.message));
});
