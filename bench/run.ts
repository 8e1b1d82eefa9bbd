// `npm run bench`: every benchmark of the project, run by hand, never as a timed test. Each area
// registers one module; `npm run bench -- NAME` runs one of them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/version.js';

export interface Bench {
  name: string;
  describe: string;
  /** Runs, prints its figures to stdout, and may write files under workDir. */
  run(workDir: string): Promise<void>;
}

const BENCHES: (() => Promise<Bench>)[] = [
  async () => (await import('./image.js')).imageBench,
  async () => (await import('./decode.js')).decodeBench,
  async () => (await import('./formats.js')).formatsBench,
  async () => (await import('./verify.js')).verifyBench,
  async () => (await import('./evaluate.js')).default,
  async () => (await import('./chest.js')).chestBench,
  async () => (await import('./lits.js')).litsBench,
  async () => (await import('./tissue.js')).tissueBench,
  async () => (await import('./pipeline.js')).pipelineBench,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const work = join(PACKAGE_ROOT, 'bench', 'out');
  await mkdir(work, { recursive: true });
  for (const load of BENCHES) {
    const b = await load();
    if (only.length > 0 && !only.includes(b.name)) continue;
    process.stdout.write(`\n=== ${b.name}: ${b.describe}\n`);
    await b.run(join(work, b.name));
  }
}

await main();
