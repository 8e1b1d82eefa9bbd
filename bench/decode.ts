// `npm run bench -- decode`: CPU ms per decode of each route next to Pillow's, same run, one thread,
// from bytes already in memory. Inputs (written once to bench/out/decode) stand for the sources:
// HAM10000 / PBC JPEG 600x450 RGB q90, OCT JPEG 512x496 gray, ChestX-ray14 PNG 1024x1024 gray,
// an RGBA PNG, Kather's uncompressed 224x224 RGB TIFF. Each line also says whether our pixels equal
// Pillow's. Run it with and without GLIBC_TUNABLES to see the allocator's share.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { synthImage } from '../converters/_kit/synth.js';
import { decodeImage, decodeImageShared, decodeImageSharp } from '../src/image/decode.js';
import type { RasterImage } from '../src/image/raster.js';
import { jpegWasmChannels } from '../src/image/jpeg-wasm.js';
import { sniffPlainPng } from '../src/image/png-fast.js';
import { sniffRawTiff } from '../src/image/tiff-raw.js';
import { PACKAGE_ROOT } from '../src/version.js';
import type { Bench } from './run.js';

interface Input {
  label: string;
  file: string;
  make(): Promise<Buffer>;
}

function picture(width: number, height: number, channels: 1 | 3, seed: number): Buffer {
  const px = synthImage({ width, height, channels, background: [205, 160, 140], blob: [150, 80, 70], noise: 12, seed });
  return Buffer.from(px.buffer, px.byteOffset, px.byteLength);
}

const raw = (width: number, height: number, channels: 1 | 3 | 4) => ({ raw: { width, height, channels } });

const INPUTS: Input[] = [
  { label: 'JPEG 600x450 RGB q90', file: 'rgb-600x450.jpg', make: () => sharp(picture(600, 450, 3, 1), raw(600, 450, 3)).jpeg({ quality: 90 }).toBuffer() },
  { label: 'JPEG 512x496 gray q90', file: 'gray-512x496.jpg', make: () => sharp(picture(512, 496, 1, 2), raw(512, 496, 1)).jpeg({ quality: 90 }).toBuffer() },
  { label: 'PNG 1024x1024 gray', file: 'gray-1024.png', make: () => sharp(picture(1024, 1024, 1, 3), raw(1024, 1024, 1)).png().toBuffer() },
  {
    label: 'PNG 512x512 RGBA',
    file: 'rgba-512.png',
    make: () => {
      const rgb = picture(512, 512, 3, 4);
      const rgba = Buffer.alloc(512 * 512 * 4);
      for (let i = 0; i < 512 * 512; i++) {
        rgb.copy(rgba, i * 4, i * 3, i * 3 + 3);
        rgba[i * 4 + 3] = (i % 512) >> 1;
      }
      return sharp(rgba, raw(512, 512, 4)).png().toBuffer();
    },
  },
  { label: 'TIFF 224x224 RGB', file: 'rgb-224.tif', make: () => sharp(picture(224, 224, 3, 5), raw(224, 224, 3)).tiff({ compression: 'none' }).toBuffer() },
];

/** CPU ms per call (process CPU, all threads), best of 3 batches of at least ~0.2 s. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const batch = async (n: number): Promise<number> => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  let n = 1;
  while ((await batch(n)) < 200) n *= 2;
  let best = Infinity;
  for (let r = 0; r < 3; r++) best = Math.min(best, (await batch(n)) / n);
  return best;
}

const sha = (img: RasterImage): string => createHash('sha256').update(img.data).digest('hex');

export const decodeBench: Bench = {
  name: 'decode',
  describe: 'CPU ms per decode: our routes (wasm libjpeg-turbo, zlib PNG, TIFF strip copy, sharp) next to Pillow',
  async run(workDir) {
    await mkdir(workDir, { recursive: true });
    for (const i of INPUTS) {
      const path = join(workDir, i.file);
      if (!existsSync(path)) await writeFile(path, await i.make());
    }
    const files = INPUTS.map((i) => join(workDir, i.file));
    const pillow = JSON.parse(
      execFileSync('/usr/bin/python3', [join(PACKAGE_ROOT, 'bench', 'pillow_decode.py'), JSON.stringify(files)], { encoding: 'utf8' }),
    ) as { cpuMs: number; mode: string; sha256: string }[];
    const tunables = process.env['GLIBC_TUNABLES'] ? `GLIBC_TUNABLES=${process.env['GLIBC_TUNABLES']}` : 'default malloc';
    process.stdout.write(`CPU ms per decode, one at a time (${tunables}); Pillow: Image.open(BytesIO).load()\n`);
    process.stdout.write('(ours: decodeImage, an owned raster; shared: decodeImageShared, into the thread\'s reused buffer, as the engine\'s threads decode; sharp: the old route)\n');
    process.stdout.write('input                     route      ours  shared   sharp  Pillow  ours/Pillow  equal\n');
    for (const [k, input] of INPUTS.entries()) {
      const bytes = readFileSync(files[k]!);
      const route = jpegWasmChannels(bytes) ? 'wasm' : sniffPlainPng(bytes) ? 'zlib' : sniffRawTiff(bytes) ? 'strips' : 'sharp';
      const ours = await cpuMs(() => decodeImage(bytes, input.file));
      const shared = route === 'wasm' || route === 'zlib' ? await cpuMs(() => decodeImageShared(bytes, input.file)) : NaN;
      const viaSharp = await cpuMs(() => decodeImageSharp(bytes, input.file));
      const py = pillow[k]!;
      const equal = sha(await decodeImage(bytes, input.file)) === py.sha256 ? 'yes' : 'NO';
      const f = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(2)).padStart(7);
      process.stdout.write(
        `${input.label.padEnd(25)} ${route.padEnd(6)} ${f(ours)} ${f(shared)} ${f(viaSharp)} ${f(py.cpuMs)} ${(ours / py.cpuMs).toFixed(2).padStart(11)}x  ${equal}\n`,
      );
    }
  },
};
