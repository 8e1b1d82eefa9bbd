#!/usr/bin/env node
// Write the demo's fake downloads (every registered source, or the ones named) into OUT/<source id>/,
// with the same writer, count and seed as `medmnist-build demo`, so a sharded build can be run over
// them (scripts/test-slurm.sh). Needs `npm run build` first.
//   node scripts/fake-downloads.mjs OUT [--count N] [--source ID[,ID...]]
import { join, resolve } from 'node:path';
import { CONVERTERS } from '../dist/converters/index.js';
import { DEMO_COUNT, DEMO_SEED } from '../dist/src/cli/demo.js';

const args = process.argv.slice(2);
const out = args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!out) {
  process.stderr.write('usage: node scripts/fake-downloads.mjs OUT [--count N] [--source ID[,ID...]]\n');
  process.exit(2);
}
const count = Number(opt('--count') ?? DEMO_COUNT);
const only = opt('--source')?.split(',');
for (const c of CONVERTERS) {
  if (only && !only.includes(c.source.id)) continue;
  const dir = join(resolve(out), c.source.id);
  await c.writeFakeDownload(dir, { count, seed: DEMO_SEED });
  process.stdout.write(`${c.source.id} ${dir}\n`);
}
