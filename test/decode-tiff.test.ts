// Uncompressed TIFFs copied out of their strips (tiff-raw.ts) against live Pillow and against the
// sharp route they replace; everything else about TIFF still goes to sharp.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { decodeImage, decodeImageSharp } from '../src/image/decode.js';
import { synthImage } from '../converters/_kit/synth.js';
import { sniffRawTiff } from '../src/image/tiff-raw.js';
import { pythonFileOk, pythonOk } from './support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'decode-tiff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A big-endian ("MM") uncompressed RGB TIFF, two strips, written by hand (Pillow and sharp write "II"). */
function bigEndianTiff(width: number, height: number, pixels: Uint8Array): Buffer {
  const rowsPerStrip = Math.ceil(height / 2);
  const entries: [number, number, number][] = [
    [256, 3, width], [257, 3, height], [258, 3, 0], [259, 3, 1], [262, 3, 2], [273, 4, 0],
    [277, 3, 3], [278, 3, rowsPerStrip], [279, 4, 0], [284, 3, 1],
  ];
  const ifdAt = 8;
  const ifdLen = 2 + entries.length * 12 + 4;
  const bitsAt = ifdAt + ifdLen;
  const offsetsAt = bitsAt + 6;
  const countsAt = offsetsAt + 8;
  const dataAt = countsAt + 8;
  const out = Buffer.alloc(dataAt + pixels.length);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(ifdAt, 4);
  out.writeUInt16BE(entries.length, ifdAt);
  const split = rowsPerStrip * width * 3;
  entries.forEach(([tag, type, value], i) => {
    const e = ifdAt + 2 + i * 12;
    out.writeUInt16BE(tag, e);
    out.writeUInt16BE(type, e + 2);
    const many = tag === 258 || tag === 273 || tag === 279;
    out.writeUInt32BE(tag === 258 ? 3 : many ? 2 : 1, e + 4);
    if (tag === 258) out.writeUInt32BE(bitsAt, e + 8);
    else if (tag === 273) out.writeUInt32BE(offsetsAt, e + 8);
    else if (tag === 279) out.writeUInt32BE(countsAt, e + 8);
    else if (type === 3) out.writeUInt16BE(value, e + 8);
    else out.writeUInt32BE(value, e + 8);
  });
  for (let k = 0; k < 3; k++) out.writeUInt16BE(8, bitsAt + 2 * k);
  out.writeUInt32BE(dataAt, offsetsAt);
  out.writeUInt32BE(dataAt + split, offsetsAt + 4);
  out.writeUInt32BE(split, countsAt);
  out.writeUInt32BE(pixels.length - split, countsAt + 4);
  out.set(pixels, dataAt);
  return out;
}

const MAKE = `
import sys
import numpy as np
from PIL import Image, TiffImagePlugin
d = sys.argv[1]
rng = np.random.RandomState(3)
rgb = Image.fromarray(rng.randint(0, 256, (47, 61, 3), dtype=np.uint8), "RGB")
gray = rgb.convert("L")
rgb.save(d + "/pillow-rgb.tif")
gray.save(d + "/pillow-gray.tif")
rgb.save(d + "/pillow-rgb-lzw.tif", compression="tiff_lzw")
rgb.convert("RGBA").save(d + "/pillow-rgba.tif")
TiffImagePlugin.WRITE_LIBTIFF = True
rgb.save(d + "/libtiff-rgb.tif", compression="raw")
`;

const UNCOMPRESSED = ['pillow-rgb.tif', 'pillow-gray.tif', 'libtiff-rgb.tif', 'sharp-rgb-224.tif', 'sharp-gray.tif', 'big-endian.tif'];
const TO_SHARP = ['pillow-rgb-lzw.tif', 'pillow-rgba.tif', 'sharp-lzw.tif'];
const CUT = ['cut-pillow-rgb.tif', 'cut-sharp-rgb-224.tif'];
const ALL = [...UNCOMPRESSED, ...TO_SHARP, ...CUT];

type Reference = { mode: string; width: number; height: number; sha256: string } | { error: string };
const reference = new Map<string, Reference>();

beforeAll(async () => {
  pythonOk(MAKE, [tmp]);
  const pic = (w: number, h: number, c: 1 | 3, seed: number) =>
    synthImage({ width: w, height: h, channels: c, background: [200, 150, 120], blob: [90, 40, 60], noise: 20, seed });
  const raw = (w: number, h: number, c: 1 | 3) => ({ raw: { width: w, height: h, channels: c } });
  await sharp(pic(224, 224, 3, 1), raw(224, 224, 3)).tiff({ compression: 'none' }).toFile(join(tmp, 'sharp-rgb-224.tif'));
  await sharp(pic(50, 33, 1, 2), raw(50, 33, 1)).toColourspace('b-w').tiff({ compression: 'none' }).toFile(join(tmp, 'sharp-gray.tif'));
  await sharp(pic(224, 224, 3, 3), raw(224, 224, 3)).tiff({ compression: 'lzw' }).toFile(join(tmp, 'sharp-lzw.tif'));
  writeFileSync(join(tmp, 'big-endian.tif'), bigEndianTiff(37, 21, pic(37, 21, 3, 4)));
  for (const f of ['pillow-rgb.tif', 'sharp-rgb-224.tif']) {
    const b = readFileSync(join(tmp, f));
    writeFileSync(join(tmp, `cut-${f}`), b.subarray(0, Math.floor(b.length * 0.6)));
  }
  const refs = JSON.parse(pythonFileOk(join(import.meta.dirname, 'decode-corpus', 'pillow_decode.py'), ALL.map((f) => join(tmp, f)))) as Reference[];
  ALL.forEach((f, i) => reference.set(f, refs[i]!));
});

describe('uncompressed TIFF', () => {
  it('takes the strip-copy route only for plain uncompressed 8-bit RGB / gray', () => {
    for (const f of UNCOMPRESSED) expect(sniffRawTiff(readFileSync(join(tmp, f))), f).not.toBeNull();
    for (const f of [...TO_SHARP, ...CUT]) expect(sniffRawTiff(readFileSync(join(tmp, f))), f).toBeNull();
  });

  it.each(ALL)('%s: same pixels as Pillow and as sharp, or refused as Pillow refuses', async (f) => {
    const path = join(tmp, f);
    const bytes = readFileSync(path);
    const ref = reference.get(f)!;
    const ours = await decodeImage(bytes, path).catch((e: unknown) => e);
    const before = await decodeImageSharp(bytes, path).catch((e: unknown) => e);
    if ('error' in ref) {
      expect(ours).toBeInstanceOf(DataError);
      expect(before).toBeInstanceOf(DataError);
      return;
    }
    if (ours instanceof Error) throw ours;
    if (before instanceof Error) throw before;
    const o = ours as { data: Uint8Array; channels: number; width: number; height: number };
    const s = before as typeof o;
    expect([o.width, o.height]).toEqual([ref.width, ref.height]);
    expect(Buffer.from(o.data).equals(Buffer.from(s.data))).toBe(true);
    // RGBA keeps its alpha here (the recipe drops it); Pillow's reference is convert('RGB').
    if (o.channels !== 4) expect(createHash('sha256').update(o.data).digest('hex')).toBe(ref.sha256);
  });
});
