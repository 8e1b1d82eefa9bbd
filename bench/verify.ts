// verify throughput: re-hash a 2 GB output file the way `verify` does (src/lock/hash.ts: streaming
// SHA-256 with 8 MiB positional reads), compared with the raw speed of Node's SHA-256 on memory and
// with `sha256sum`. The file is written under bench/out/verify/ and deleted afterwards. The first
// pass reads from the page cache (the file was just written), as verify right after a build does.
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../src/lock/hash.js';
import type { Bench } from './run.js';

const SIZE = 2 * 1024 ** 3;
const BLOCK = 64 << 20;

function gbps(bytes: number, ms: number): string {
  return `${(bytes / 1e9 / (ms / 1000)).toFixed(2)} GB/s`;
}

export const verifyBench: Bench = {
  name: 'verify',
  describe: 'verify re-hash throughput on a 2 GB file (streaming SHA-256)',
  async run(workDir) {
    await mkdir(workDir, { recursive: true });
    const file = join(workDir, 'big.bin');
    try {
      const block = randomFillSync(Buffer.allocUnsafe(BLOCK));
      const fh = await open(file, 'w');
      for (let pos = 0; pos < SIZE; pos += BLOCK) {
        block[0] = pos / BLOCK; // every block differs
        await fh.write(block, 0, BLOCK, pos);
      }
      await fh.close();

      let t = performance.now();
      const h = createHash('sha256');
      for (let pos = 0; pos < SIZE; pos += BLOCK) h.update(block);
      h.digest();
      process.stdout.write(`sha256 of memory (upper bound):   ${gbps(SIZE, performance.now() - t)}\n`);

      for (let run = 1; run <= 2; run++) {
        t = performance.now();
        const r = await sha256File(file);
        const ms = performance.now() - t;
        process.stdout.write(`verify sha256File, run ${run}:      ${gbps(r.bytes, ms)}  (${(ms / 1000).toFixed(2)} s for ${(r.bytes / 1e9).toFixed(2)} GB)\n`);
      }
      try {
        t = performance.now();
        execFileSync('sha256sum', [file]);
        process.stdout.write(`sha256sum (coreutils):            ${gbps(SIZE, performance.now() - t)}\n`);
      } catch {
        process.stdout.write('sha256sum not available\n');
      }
    } finally {
      await rm(file, { force: true });
    }
  },
};
