// Bundles the console into dist/: index.html, style.css and app.js (esbuild, one ES module for the
// browser). The operator scripts' shared code (scripts/ops: chain.mjs, records.mjs, spec.mjs,
// csv.mjs) is bundled from where it lives; every @polkadot package resolves from console/'s own
// node_modules, so the bundle carries one copy of each.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = join(here, 'dist');

/** @polkadot/* from console/node_modules, whoever imports it. */
const onePolkadot = {
  name: 'one-polkadot',
  setup(b) {
    b.onResolve({ filter: /^@polkadot\// }, async (args) => {
      if (args.pluginData === 'one-polkadot') return undefined;
      return b.resolve(args.path, { kind: args.kind, resolveDir: here, pluginData: 'one-polkadot' });
    });
  },
};

export async function bundle({ minify = true } = {}) {
  mkdirSync(DIST, { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'src/main.js')],
    outfile: join(DIST, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [onePolkadot],
    metafile: true,
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(here, 'src', file), join(DIST, file));
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { metafile } = await bundle();
  const bytes = metafile.outputs[Object.keys(metafile.outputs).find((f) => f.endsWith('app.js'))].bytes;
  console.log(`console built: ${DIST} (app.js ${(bytes / 1024).toFixed(0)} KiB)`);
}
