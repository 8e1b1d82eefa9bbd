// `npm run bench -- formats`: peak memory (max RSS) and speed of writing every output format at once.
// 1. synthetic: 20,000 records of 224x224 RGB fed straight to the four sinks (npz, arrow, parquet,
//    png) in one pass, as the engine feeds them; decoding is left out, so this isolates the writers.
// 2. cli: the real `convert` on a fake HAM10000 download (2,000 600x450 JPEGs by default; writing
//    20,000 of them takes too long for a routine bench) at size 224 in the four formats.
// Each runs in its own process so its max RSS is its own. Counts: BENCH_FORMATS_COUNT, BENCH_FORMATS_FAKE.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ham10000 } from '../converters/ham10000/index.js';
import { dermamnist } from '../converters/ham10000/spec.js';
import { FORMATS } from '../src/formats/index.js';
import type { SinkContext } from '../src/formats/sink.js';
import { synthImage } from '../converters/_kit/synth.js';
import { SPLITS, type SplitName } from '../src/core/contract.js';
import { PACKAGE_ROOT } from '../src/version.js';
import type { Bench } from './run.js';

const SIZE = 224;
const ALL = ['npz', 'arrow', 'parquet', 'png'];
const LIMIT_MB = 300;
const SELF = fileURLToPath(import.meta.url);

/** The child: stream `count` synthetic records into every sink, print JSON figures. */
async function synthetic(dir: string, count: number): Promise<void> {
  const t0 = performance.now();
  const counts: Record<SplitName, number> = { train: Math.floor(count * 0.7), val: Math.floor(count * 0.1), test: 0 };
  counts.test = count - counts.train - counts.val;
  const ctx = (): SinkContext => ({
    spec: dermamnist,
    size: SIZE,
    baseName: `dermamnist_${SIZE}`,
    dir,
    counts,
    imageShape: [SIZE, SIZE, 3],
    options: {},
  });
  const sinks = await Promise.all(FORMATS.filter((f) => ALL.includes(f.name)).map((f) => f.createSink(ctx())));
  // A pool of distinct images, copied per record: every record is a fresh array, as from the engine,
  // so the PNG memo cannot share work between records.
  const pool = Array.from({ length: 32 }, (_, k) =>
    synthImage({ width: SIZE, height: SIZE, channels: 3, background: [200, 160, 140], blob: [110, 70, 50], noise: 6, seed: k + 1 }),
  );
  let k = 0;
  for (const split of SPLITS) {
    for (let index = 0; index < counts[split]; index++, k++) {
      const label = Uint8Array.of(k % 7);
      const r = {
        split,
        index,
        sample: { id: `ISIC_${String(k).padStart(7, '0')}`, files: [], label: [k % 7], groupId: `HAM_${k >> 1}`, fineLabel: 'nv' },
        pixels: pool[k % pool.length]!.slice(),
        label,
      };
      for (const s of sinks) await s.write(r);
    }
  }
  for (const s of sinks) await s.finish();
  process.stdout.write(
    JSON.stringify({ seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

async function sizeOf(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await sizeOf(join(path, e));
  return total;
}

async function sizesByFormat(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of FORMATS.filter((x) => ALL.includes(x.name))) {
    let bytes = 0;
    for (const name of f.fileNames(`dermamnist_${SIZE}`)) bytes += await sizeOf(join(dir, name)).catch(() => 0);
    out[f.name] = `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  }
  return out;
}

function verdict(mb: number): string {
  return `${mb.toFixed(0)} MB peak RSS (${mb < LIMIT_MB ? 'under' : 'OVER'} the ${LIMIT_MB} MB budget)`;
}

// Prints the process's max RSS to stderr at exit; preloaded into the CLI child.
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('MAXRSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

export const formatsBench: Bench = {
  name: 'formats',
  describe: `peak RSS writing the ${SIZE}-size output in npz, arrow, parquet and png at once`,
  async run(workDir) {
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    const count = Number(process.env['BENCH_FORMATS_COUNT'] ?? 20000);
    const fake = Number(process.env['BENCH_FORMATS_FAKE'] ?? 2000);

    const synthDir = join(workDir, 'synthetic');
    await mkdir(synthDir);
    const child = spawnSync(process.execPath, [SELF, '--formats-child', synthDir, String(count)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`synthetic child failed:\n${child.stderr}`);
    const s = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; maxRssMB: number };
    process.stdout.write(
      `synthetic stream, ${count} records ${SIZE}x${SIZE}x3 -> ${ALL.join(', ')}: ${s.seconds.toFixed(1)} s ` +
        `(${(count / s.seconds).toFixed(0)} records/s), ${verdict(s.maxRssMB)}\n  sizes: ${JSON.stringify(await sizesByFormat(synthDir))}\n`,
    );
    await rm(synthDir, { recursive: true, force: true });

    const raw = join(workDir, 'raw');
    const t0 = performance.now();
    await ham10000.writeFakeDownload(raw, { count: fake, seed: 1 });
    process.stdout.write(`fake HAM10000 download of ${fake} images written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const outDir = join(workDir, 'cli');
    const t1 = performance.now();
    const r = spawnSync(
      process.execPath,
      ['--import', RSS_HOOK, join(PACKAGE_ROOT, 'bin', 'medmnist-build.js'), 'convert', '--source', 'ham10000', '--input', raw, '--out', outDir, '--size', String(SIZE), '--format', ALL.join(',')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`convert failed:\n${r.stderr}`);
    const seconds = (performance.now() - t1) / 1000;
    const kb = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
    process.stdout.write(
      `real CLI convert, ${fake} images -> size ${SIZE} in ${ALL.join(', ')}: ${seconds.toFixed(1)} s ` +
        `(${(fake / seconds).toFixed(0)} images/s), ${verdict(kb / 1024)}\n  sizes: ${JSON.stringify(await sizesByFormat(outDir))}\n`,
    );
    await rm(workDir, { recursive: true, force: true });
  },
};

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === '--formats-child') {
  await synthetic(process.argv[3]!, Number(process.argv[4]));
}
