// Shared by the operator scripts: command line, progress and how a script ends; the chain side
// (connection, signer, transactions with clear errors, runtime API calls, device ids) is in
// chain.mjs, shared with the browser console, and re-exported here.

import { parseArgs } from 'node:util';
import { UserError } from './chain.mjs';

export * from './chain.mjs';

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
