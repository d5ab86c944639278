// Registering a list of devices in a fleet, shared by register-devices.mjs and the console: the
// plan (devices already registered are skipped, so a rerun resumes; ids deregistered before are
// refused unless asked for; the balance for every deposit is checked up front) and the batches.
import { send, unwrap, UserError } from './chain.mjs';

/**
 * What registering `devices` (parseCsv's list) in `fleet` as `address` takes: `todo` (the devices
 * to register), `skipped` (already registered), `again` (deregistered ids registered again at
 * their next registration g, only with `reregister`), `deposit` (their total deposit). Throws a
 * UserError that says what is wrong (a deregistered id without `reregister`, too little balance).
 */
export async function planRegistration(api, fleet, devices, address, { reregister = false } = {}) {
  // What is registered already (resume), and the ids deregistered before (tombstones, with their
  // registration g): the fleet's devices, paged through the runtime API.
  const registered = new Set();
  const deregistered = new Map();
  let start = null;
  for (;;) {
    const page = await unwrap(await api.call.keyShardsApi.deviceStatuses(fleet, start, 1000), { fleet });
    page.forEach((s) => {
      if (s.registered.isTrue) registered.add(s.device.toHex());
      else deregistered.set(s.device.toHex(), s.registration.toNumber());
    });
    if (page.length < 1000) break;
    start = page[page.length - 1].device;
  }
  const todo = devices.filter((d) => !registered.has(d.key));
  const skipped = devices.length - todo.length;
  const again = todo.filter((d) => deregistered.has(d.key));
  if (again.length > 0 && !reregister) {
    const d = again[0];
    throw new UserError(
      `device "${d.id}" (line ${d.line}) was deregistered from fleet ${fleet} (registration ${deregistered.get(d.key)})` +
        `${again.length > 1 ? ` and ${again.length - 1} more listed ids were too` : ''}: registering it again starts registration ` +
        `${deregistered.get(d.key) + 1}, which needs new device keys; pass --reregister to do so, or remove it from the file`,
    );
  }
  // Deposits: fail early with a clear message rather than part-way.
  const deposit = api.consts.keyShards.deviceDeposit.toBigInt() * BigInt(todo.length);
  const { data } = await api.query.system.account(address);
  if (data.free.toBigInt() < deposit) {
    throw new UserError(`insufficient balance for deposits: ${todo.length} devices need ${deposit} (free: ${data.free.toBigInt()})`);
  }
  return { todo, skipped, again, deposit };
}

/**
 * Registers `plan.todo` in batches of `batch` (at most the runtime's MaxBatchSize), each awaited
 * to finality; `onProgress(done)` after each. A failure says how far it got and that the same
 * command resumes. `sendOptions` go to send() (a browser extension's signer).
 */
export async function registerBatches(api, fleet, plan, total, account, { batch, onProgress = () => {}, sendOptions = {} } = {}) {
  const max = api.consts.keyShards.maxBatchSize.toNumber();
  const size = Math.min(batch ?? max, max);
  if (size < 1) throw new UserError('--batch: must be at least 1');
  let done = 0;
  for (let i = 0; i < plan.todo.length; i += size) {
    const chunk = plan.todo.slice(i, i + size);
    try {
      await send(api, api.tx.keyShards.registerDevices(fleet, chunk.map((d) => d.key)), account, { fleet }, sendOptions);
    } catch (e) {
      throw new UserError(`${e.message}; ${plan.skipped + done} of ${total} devices are registered — run the same command again to resume`);
    }
    done += chunk.length;
    onProgress(done);
  }
  return done;
}
