// `npm run bench -- image`: the pixel core's speed next to Pillow's, measured side by side in one run.
// 1. The resampler alone on one core: images/s per filter and size, with Pillow's Image.resize on
//    the same geometry (bench/pillow_resize.py).
// 2. The whole exact pipeline: the real convert engine on a 2,000-image fake HAM10000 download
//    (DermaMNIST, 28 px; then 28/64/128/224 from one decode) against Pillow's one-process reference
//    (bench/pillow_pipeline.py: Image.open -> convert -> resize -> np.stack -> np.savez).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ham10000 } from '../converters/ham10000/index.js';
import { npzFormat } from '../src/formats/npz.js';
import { decodeFile } from '../src/image/decode.js';
import type { RasterImage } from '../src/image/raster.js';
import { resize } from '../src/image/resample.js';
import type { ResampleFilter } from '../src/core/contract.js';
import { baseNameFor } from '../src/formats/sink.js';
import { REGISTRY } from '../converters/index.js';
import { convert } from '../src/engine/convert.js';
import { absoluteInput, splitOffsets, type BuildPlan } from '../src/engine/plan.js';
import { orderedMap } from '../src/core/ordered.js';
import { PACKAGE_ROOT } from '../src/version.js';
import type { Bench } from './run.js';

const FILTERS: ResampleFilter[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];
const PYTHON = '/usr/bin/python3';
const FAKE_COUNT = 2000;

function noise(width: number, height: number, channels: RasterImage['channels']): RasterImage {
  const data = new Uint8Array(width * height * channels);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels };
}

/** Best of 3 timed batches, each at least ~0.1 s. */
function imagesPerSecond(fn: () => void): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t > 100) break;
    n *= 2;
  }
  let best = 0;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.max(best, n / ((performance.now() - t) / 1000));
  }
  return best;
}

const fmt = (v: number): string => v.toFixed(0).padStart(7);

function resamplerAlone(): void {
  const rgb = noise(600, 450, 3);
  const gray = noise(1024, 1024, 1);
  const cases: [RasterImage, string, number][] = [
    [rgb, 'RGB 600x450', 28],
    [rgb, 'RGB 600x450', 64],
    [rgb, 'RGB 600x450', 128],
    [rgb, 'RGB 600x450', 224],
    [gray, 'L 1024x1024', 28],
  ];
  const spec = FILTERS.flatMap((f) => cases.map(([img, , s]) => [img.channels === 1 ? 'L' : 'RGB', img.width, img.height, s, s, f]));
  const pillow = JSON.parse(execFileSync(PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_resize.py'), JSON.stringify(spec)], { encoding: 'utf8' })) as number[];
  process.stdout.write('resampler alone, one thread (images/s; Pillow Image.resize on the same input)\n');
  process.stdout.write('filter    input         -> size    ours  Pillow   ratio\n');
  let i = 0;
  for (const f of FILTERS) {
    for (const [img, name, s] of cases) {
      const ours = imagesPerSecond(() => resize(img, s, s, f));
      const py = pillow[i++]!;
      process.stdout.write(`${f.padEnd(9)} ${name.padEnd(13)} -> ${String(s).padEnd(4)} ${fmt(ours)} ${fmt(py)} ${(ours / py).toFixed(2).padStart(6)}x\n`);
    }
  }
}

async function pipelineVsPillow(workDir: string): Promise<void> {
  const input = join(workDir, `ham10000-fake-${FAKE_COUNT}`);
  if (!existsSync(join(input, 'HAM10000_metadata.csv'))) {
    await rm(input, { recursive: true, force: true });
    await mkdir(input, { recursive: true });
    process.stdout.write(`writing a ${FAKE_COUNT}-image fake HAM10000 download to ${input} ...\n`);
    await ham10000.writeFakeDownload(input, { count: FAKE_COUNT, seed: 1 });
  }
  const cores = availableParallelism();
  process.stdout.write(`\nexact pipeline vs Pillow one-process reference (DermaMNIST from ${FAKE_COUNT} JPEGs, ${cores} cores)\n`);
  process.stdout.write('(cpu = CPU ms per image summed over all threads of the process)\n');
  const line = (label: string, n: number, sec: number, cpuSec: number): string =>
    `${label}: ${fmt(n / sec)} images/s (${n} in ${sec.toFixed(2)} s, cpu ${((cpuSec * 1000) / n).toFixed(2)} ms)`;
  // Decoding alone: decodeFile (4 in flight, as the engine) against Pillow's Image.open -> convert('RGB').
  const jpegs = ['HAM10000_images_part_1', 'HAM10000_images_part_2'].flatMap((d) =>
    readdirSync(join(input, d)).filter((f) => f.endsWith('.jpg')).map((f) => join(input, d, f)),
  );
  const inputBytes = jpegs.reduce((n, f) => n + statSync(f).size, 0) + statSync(join(input, 'HAM10000_metadata.csv')).size;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const img of orderedMap(jpegs, 4, decodeFile)) void img;
  const c = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const py = pillowRun(input, join(workDir, 'pillow-out'), 'decode');
  process.stdout.write(
    `decode only (JPEG)   ${line('decode ', jpegs.length, seconds, (c.user + c.system) / 1e6)}   ` +
      `${line('Pillow', py.images, py.seconds, py.cpuSeconds)}\n`,
  );
  for (const sizes of [[28], [28, 64, 128, 224]]) {
    const out = join(workDir, `out-${sizes.join('-')}`);
    await rm(out, { recursive: true, force: true });
    const c0 = process.cpuUsage();
    const r = await convert(REGISTRY, { source: 'ham10000', input, out, sizes, formats: ['npz'], split: 'official', seed: 0, fingerprint: false });
    const c = process.cpuUsage(c0);
    const pyOut = join(workDir, 'pillow-out');
    const exact = sizes.length === 1;
    const py = pillowRun(input, pyOut, sizes.join(','), exact);
    const check = exact ? await checkSameAsPillow(r.plan, out, join(pyOut, `pillow_${sizes[0]}.u8`), sizes[0]!) : '';
    await rm(out, { recursive: true, force: true });
    await rm(pyOut, { recursive: true, force: true });
    const ratio = r.images / r.seconds / (py.images / py.seconds);
    process.stdout.write(
      `sizes ${sizes.join(',').padEnd(14)} ${line('convert', r.images, r.seconds, (c.user + c.system) / 1e6)}   ` +
        `${line('Pillow', py.images, py.seconds, py.cpuSeconds)}   ratio ${ratio.toFixed(2)}x\n${check}` +
        `                     raw bytes read: ${(r.bytesRead / r.images).toFixed(0)} per image (input files: ${(inputBytes / r.images).toFixed(0)} bytes per image)\n`,
    );
  }
}

/** Every image the engine wrote equals Pillow's for the same file (Pillow's stack is in sorted path order). */
async function checkSameAsPillow(plan: BuildPlan, outDir: string, pillowRaw: string, size: number): Promise<string> {
  const pillow = readFileSync(pillowRaw);
  const bytes = size * size * 3;
  const ds = plan.datasets[0]!;
  const fileOf = (pos: number): string => absoluteInput(plan, plan.items[ds.samples[pos]!.item]!.files[0]!);
  const order = ds.samples.map((_, pos) => fileOf(pos)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const position = new Map(order.map((f, i) => [f, i]));
  const offsets = splitOffsets(ds.counts);
  let same = 0;
  let total = 0;
  for await (const rec of npzFormat.readRecords(outDir, baseNameFor(ds.flag, size))) {
    const at = position.get(fileOf(offsets[rec.split] + rec.index))! * bytes;
    total++;
    if (Buffer.from(rec.pixels).equals(pillow.subarray(at, at + bytes))) same++;
  }
  if (same !== total || total !== order.length) throw new Error(`the pipeline differs from Pillow on ${total - same} images`);
  return `                     check: ${same} of ${total} images of the engine's NPZ byte-identical to Pillow's\n`;
}

function pillowRun(input: string, out: string, sizes: string, raw = false): { images: number; seconds: number; cpuSeconds: number } {
  const args = [join(PACKAGE_ROOT, 'bench', 'pillow_pipeline.py'), input, out, sizes, ...(raw ? ['raw'] : [])];
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as {
    images: number;
    seconds: number;
    cpuSeconds: number;
  };
}

export const imageBench: Bench = {
  name: 'image',
  describe: 'resampler alone and the exact DermaMNIST pipeline, each next to Pillow',
  async run(workDir) {
    await mkdir(workDir, { recursive: true });
    resamplerAlone();
    await pipelineVsPillow(workDir);
  },
};
