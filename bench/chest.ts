// `npm run bench -- chest`: ChestMNIST's cost is 112,120 decodes of 1024x1024 gray PNG. Side by side in
// one run, on a NIH-shaped download of 1024x1024 gray PNGs (compressed about as densely as the real ones,
// ~0.3-0.5 MB each):
// 1. PNG decode alone: sharp (src/image/decode.ts, 4 in flight as the engine) against Pillow's
//    Image.open -> convert('L'); and the floor any PNG decoder pays, zlib inflate of the IDAT stream
//    (node:zlib, one thread), which is most of a PNG decode.
// 2. The whole 28-px pipeline: the real convert engine (NPZ, official split) against Pillow's one process
//    (Image.open -> convert('L') -> resize((28,28), BICUBIC) -> np.stack -> np.savez), checked byte for byte.
// Per image: CPU ms (all threads of the process) and wall images/s; ratio = our wall rate / Pillow's.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { nihCxr14 } from '../converters/nih-cxr14/index.js';
import { REGISTRY } from '../converters/index.js';
import { orderedMap } from '../src/core/ordered.js';
import { convert } from '../src/engine/convert.js';
import { absoluteInput, splitOffsets } from '../src/engine/plan.js';
import { npzFormat } from '../src/formats/npz.js';
import { baseNameFor } from '../src/formats/sink.js';
import { decodeFile } from '../src/image/decode.js';
import { rng, synthImage } from '../converters/_kit/synth.js';
import { PACKAGE_ROOT } from '../src/version.js';
import type { Bench } from './run.js';

const COUNT = Number(process.env['CHEST_BENCH_COUNT'] ?? 240);
const PYTHON = '/usr/bin/python3';

/** A chest-like 1024x1024 gray picture: smooth body shading, two lung fields, low noise. */
function chestLike(seed: number): Uint8Array {
  const base = synthImage({ width: 1024, height: 1024, channels: 1, background: [90, 0, 0], blob: [40, 0, 0], noise: 3, seed });
  const r = rng(seed ^ 0x5eed);
  const cx = 512 + (r() - 0.5) * 40;
  for (let y = 0; y < 1024; y++) {
    for (let x = 0; x < 1024; x++) {
      const dx = Math.abs(x - cx) / 512;
      const body = 120 * Math.exp(-((dx * 1.6) ** 4)) + 40 * Math.sin(y / 37 + seed) * Math.exp(-((dx * 3) ** 2));
      const i = y * 1024 + x;
      base[i] = Math.max(0, Math.min(255, Math.round(base[i]! * 0.6 + body)));
    }
  }
  return base;
}

/** A NIH-shaped download of chest-like 1024x1024 gray PNGs (COUNT of them) in `dir`; returns the PNG paths, sorted. */
export async function writeInput(dir: string): Promise<string[]> {
  await nihCxr14.writeFakeDownload(dir, { count: COUNT, seed: 7 });
  const files: string[] = [];
  for (const a of readdirSync(dir).filter((d) => d.startsWith('images_'))) {
    for (const f of readdirSync(join(dir, a, 'images'))) files.push(join(dir, a, 'images', f));
  }
  files.sort();
  let k = 0;
  for (const f of files) {
    const px = chestLike(1000 + k++);
    await sharp(Buffer.from(px.buffer), { raw: { width: 1024, height: 1024, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toFile(f);
  }
  return files;
}

/** zlib inflate of a PNG's concatenated IDAT chunks: the decompression every PNG decoder does. */
function inflateIdat(bytes: Buffer): number {
  const parts: Buffer[] = [];
  for (let p = 8; p < bytes.length; ) {
    const len = bytes.readUInt32BE(p);
    if (bytes.toString('latin1', p + 4, p + 8) === 'IDAT') parts.push(bytes.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  return inflateSync(Buffer.concat(parts)).length;
}

interface Run {
  images: number;
  seconds: number;
  cpuSeconds: number;
}
const line = (label: string, r: Run): string =>
  `${label} ${(r.images / r.seconds).toFixed(1).padStart(7)} images/s wall, ${((r.cpuSeconds * 1000) / r.images).toFixed(2).padStart(7)} CPU-ms/image`;

async function measure(f: () => Promise<number>): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const images = await f();
  const c = process.cpuUsage(c0);
  return { images, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

function pillow(work: string, files: string[], mode: 'decode' | 'pipeline'): Run {
  const job = join(work, `pillow-${mode}.json`);
  writeFileSync(job, JSON.stringify({ files, mode, out: join(work, 'pillow-28') }));
  return JSON.parse(execFileSync(PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_chest.py'), job], { encoding: 'utf8' })) as Run;
}

export const chestBench: Bench = {
  name: 'chest',
  describe: 'ChestMNIST: sharp PNG decode and the 28-px pipeline next to Pillow on 1024x1024 gray PNGs',
  async run(work) {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const input = join(work, 'download');
    const files = await writeInput(input);
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    process.stdout.write(`${files.length} PNGs 1024x1024 gray, ${(bytes / files.length / 1024).toFixed(0)} KiB each; ${availableParallelism()} cores\n`);
    // Warm the page cache and both runtimes.
    for (const f of files) readFileSync(f);

    const sharpDecode = await measure(async () => {
      let n = 0;
      for await (const img of orderedMap(files, 4, decodeFile)) n += img.width > 0 ? 1 : 0;
      return n;
    });
    const sharp1 = await measure(async () => {
      for (const f of files) await decodeFile(f);
      return files.length;
    });
    const inflate = await measure(async () => {
      for (const f of files) inflateIdat(await readFile(f));
      return files.length;
    });
    const pyDecode = pillow(work, files, 'decode');
    process.stdout.write(`decode only\n  ${line('sharp (4 in flight)   ', sharpDecode)}\n  ${line('sharp (1 at a time)   ', sharp1)}\n`);
    process.stdout.write(`  ${line('zlib inflate (floor)  ', inflate)}\n  ${line('Pillow open+convert L ', pyDecode)}\n`);
    process.stdout.write(`  ratio sharp/Pillow: wall ${(sharpDecode.images / sharpDecode.seconds / (pyDecode.images / pyDecode.seconds)).toFixed(2)}x, CPU ${(pyDecode.cpuSeconds / sharpDecode.cpuSeconds).toFixed(2)}x\n`);

    const out = join(work, 'out');
    let plan: Awaited<ReturnType<typeof convert>>['plan'] | null = null;
    const ours = await measure(async () => {
      const r = await convert(REGISTRY, { source: 'nih-cxr14', input, out, sizes: [28], formats: ['npz'], split: 'official', seed: 0, fingerprint: false });
      plan = r.plan;
      return r.images;
    });
    const py = pillow(work, files, 'pipeline');
    process.stdout.write(`28-px pipeline (decode -> L -> bicubic 28 -> NPZ)\n  ${line('convert (engine)      ', ours)}\n  ${line('Pillow one process    ', py)}\n`);
    process.stdout.write(`  ratio convert/Pillow: wall ${(ours.images / ours.seconds / (py.images / py.seconds)).toFixed(2)}x, CPU ${(py.cpuSeconds / ours.cpuSeconds).toFixed(2)}x\n`);

    // Byte-for-byte: each image of the engine's NPZ equals Pillow's for the same file.
    const p = plan!;
    const ds = p.datasets[0]!;
    const fileAt = (pos: number) => absoluteInput(p, p.items[ds.samples[pos]!.item]!.files[0]!);
    const position = new Map(files.map((f, i) => [f, i]));
    const raw = readFileSync(join(work, 'pillow-28.u8'));
    const offsets = splitOffsets(ds.counts);
    let same = 0;
    let total = 0;
    for await (const rec of npzFormat.readRecords(out, baseNameFor(ds.flag, 28))) {
      const at = position.get(fileAt(offsets[rec.split] + rec.index))! * 784;
      total++;
      if (Buffer.from(rec.pixels).equals(raw.subarray(at, at + 784))) same++;
    }
    process.stdout.write(`  check: ${same} of ${total} images byte-identical to Pillow's\n`);
    await writeFile(join(work, 'summary.json'), JSON.stringify({ sharpDecode, sharp1, inflate, pyDecode, ours, py, same, total }, null, 2));
    await rm(input, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  },
};
