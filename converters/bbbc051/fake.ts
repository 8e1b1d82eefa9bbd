// A fake BBBC051 download in the (second-hand) layout scan() reads:
//   BBBC051/<F33|F44|F59>/<type>/<type>/All_3D/Nuc_<n>.tif   (F59's DCT uses <type>/All_3D/, also seen)
// Each stack: 7 pages of 32x32 gray, a synthetic nucleus (an ellipsoid brightest at its own z, noise).
// The type folders use the name variants of the secondary evidence (CD31_glom / CD31glom, CD45.0/1/2,
// S1S2 / S2S3 ...). Most stacks are 8-bit little-endian uncompressed; every 5th is 16-bit little-endian
// with values above 255 (Pillow's convert('L') clips them), every 7th 16-bit big-endian (ImageJ's byte
// order), one is Deflate-compressed, one PackBits, and one 33x31 (odd geometry for the resize).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { rng } from '../_kit/synth.js';
import { SLICES, STACK_FOLDER } from './spec.js';

/** Per class (label order), the type-folder name used in specimen 0, 1, 2. */
const VARIANTS: readonly (readonly [string, string, string])[] = [
  ['CD_CNT', 'CD_CNT', 'CD_CNT'],
  ['DCT', 'DCT', 'DCT'],
  ['CD31_glom', 'CD31glom', 'CD31_glom'],
  ['CD31_inter', 'CD31int', 'CD31int'],
  ['CD45.0', 'CD45.1', 'CD45.2'],
  ['Nestin', 'Nestin', 'Nestin'],
  ['S1S2', 'S2S3', 'S1S2'],
  ['TAL', 'TAL', 'TAL'],
];
const SPECIMENS = ['F33', 'F44', 'F59'];
export const FAKE_ROOT = 'BBBC051';

export interface StackOptions {
  bits: 8 | 16;
  littleEndian: boolean;
  compression: 'none' | 'deflate' | 'packbits';
}

/** PackBits of one strip (literal runs only where no repeat of 3+ follows). */
function packBits(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < src.length) {
    let run = 1;
    while (i + run < src.length && run < 128 && src[i + run] === src[i]) run++;
    if (run >= 3) {
      out.push((1 - run) & 0xff, src[i]!);
      i += run;
      continue;
    }
    let j = i;
    while (j < src.length && j - i < 128 && !(j + 2 < src.length && src[j] === src[j + 1] && src[j] === src[j + 2])) j++;
    out.push(j - i - 1, ...src.subarray(i, j));
    i = j;
  }
  return Uint8Array.from(out);
}

/** A multi-page gray TIFF: per page its strip (one strip per page) followed by its IFD. */
export function encodeTiffStack(pages: readonly (Uint8Array | Uint16Array)[], width: number, height: number, o: StackOptions): Uint8Array {
  const le = o.littleEndian;
  const chunks: Uint8Array[] = [];
  let pos = 8;
  const header = new Uint8Array(8);
  const hv = new DataView(header.buffer);
  header[0] = header[1] = le ? 0x49 : 0x4d;
  hv.setUint16(2, 42, le);
  chunks.push(header);
  let prevNext = { chunk: header, at: 4 };
  const compression = o.compression === 'none' ? 1 : o.compression === 'deflate' ? 8 : 32773;
  for (const page of pages) {
    let raw: Uint8Array;
    if (o.bits === 8) raw = page as Uint8Array;
    else {
      raw = new Uint8Array(page.length * 2);
      const dv = new DataView(raw.buffer);
      page.forEach((v, i) => dv.setUint16(i * 2, v, le));
    }
    const strip = o.compression === 'none' ? raw : o.compression === 'deflate' ? new Uint8Array(deflateSync(raw)) : packBits(raw);
    const padded = new Uint8Array(strip.length + (strip.length % 2));
    padded.set(strip);
    const stripAt = pos;
    chunks.push(padded);
    pos += padded.length;
    const ifdAt = pos;
    new DataView(prevNext.chunk.buffer, prevNext.chunk.byteOffset).setUint32(prevNext.at, ifdAt, le);
    const entries: [number, number, number][] = [
      [256, 3, width], [257, 3, height], [258, 3, o.bits], [259, 3, compression], [262, 3, 1],
      [273, 4, stripAt], [277, 3, 1], [278, 3, height], [279, 4, strip.length],
    ];
    const ifd = new Uint8Array(2 + entries.length * 12 + 4);
    const v = new DataView(ifd.buffer);
    v.setUint16(0, entries.length, le);
    entries.forEach(([tag, type, value], k) => {
      const e = 2 + k * 12;
      v.setUint16(e, tag, le);
      v.setUint16(e + 2, type, le);
      v.setUint32(e + 4, 1, le);
      if (type === 3) v.setUint16(e + 8, value, le);
      else v.setUint32(e + 8, value, le);
    });
    chunks.push(ifd);
    pos += ifd.length;
    prevNext = { chunk: ifd, at: 2 + entries.length * 12 };
  }
  const out = new Uint8Array(pos);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

/** A synthetic nucleus: SLICES pages of width x height, peak `peak` (above 255 for 16-bit stacks). */
export function synthStack(width: number, height: number, peak: number, seed: number): Uint16Array[] {
  const r = rng(seed);
  const cx = width * (0.35 + 0.3 * r());
  const cy = height * (0.35 + 0.3 * r());
  const rx = width * (0.18 + 0.15 * r());
  const ry = height * (0.18 + 0.15 * r());
  const cz = 1 + r() * (SLICES - 2);
  const bg = 8 + r() * 20;
  const pages: Uint16Array[] = [];
  for (let z = 0; z < SLICES; z++) {
    const p = new Uint16Array(width * height);
    const fz = Math.exp(-((z - cz) ** 2) / 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
        const v = bg + (d < 1 ? peak * fz * (1 - 0.5 * d) : 0) + (r() - 0.5) * 16;
        p[y * width + x] = Math.max(0, Math.min(peak > 255 ? 65535 : 255, Math.round(v)));
      }
    }
    pages.push(p);
  }
  return pages;
}

export async function writeBbbc051Fake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0xbbb051);
  const root = join(dir, FAKE_ROOT);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, '.DS_Store'), 'Bud1');
  // At least 5 stacks per class (40), so that the 7:1:2 rule gives every split a sample of each class.
  const count = Math.max(40, o.count);
  for (let i = 0; i < count; i++) {
    const label = i % VARIANTS.length;
    const s = Math.floor(i / VARIANTS.length) % SPECIMENS.length;
    const specimen = SPECIMENS[s]!;
    const type = VARIANTS[label]![s]!;
    // F59's DCT: the alternative <type>/All_3D/ layout.
    const folder = specimen === 'F59' && type === 'DCT' ? join(root, specimen, type, STACK_FOLDER) : join(root, specimen, type, type, STACK_FOLDER);
    await mkdir(folder, { recursive: true });
    const opts: StackOptions =
      i % 7 === 6 ? { bits: 16, littleEndian: false, compression: 'none' }
      : i % 5 === 4 ? { bits: 16, littleEndian: true, compression: 'none' }
      : i === 1 ? { bits: 8, littleEndian: true, compression: 'deflate' }
      : i === 2 ? { bits: 8, littleEndian: true, compression: 'packbits' }
      : i === 3 ? { bits: 8, littleEndian: false, compression: 'none' }
      : { bits: 8, littleEndian: true, compression: 'none' };
    const [w, h] = i === 9 ? [33, 31] : [32, 32];
    const peak = opts.bits === 16 ? 300 + Math.floor(r() * 500) : 120 + Math.floor(r() * 120);
    const pages = synthStack(w, h, peak, (o.seed * 7919 + i) >>> 0);
    const data = opts.bits === 8 ? pages.map((p) => Uint8Array.from(p)) : pages;
    const name = `Nuc_${String(1000 + 3 * i + Math.floor(r() * 3)).padStart(5, '0')}.tif`;
    await writeFile(join(folder, name), encodeTiffStack(data, w, h, opts));
  }
}
