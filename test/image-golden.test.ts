// Byte-for-byte comparison with the golden corpus made by Pillow (test/golden/make_golden.py).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertMode } from '../src/image/convert.js';
import { decodeFile } from '../src/image/decode.js';
import type { RasterImage } from '../src/image/raster.js';
import { resize } from '../src/image/resample.js';
import type { ColorMode, ResampleFilter } from '../src/core/contract.js';
import { gen, type Pattern } from './golden/generate.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const CHANNELS = { L: 1, LA: 2, RGB: 3, RGBA: 4 } as const;

interface ResizeCase {
  mode: keyof typeof CHANNELS;
  width: number;
  height: number;
  pattern: Pattern;
  seed: number;
  inputSha256: string;
  filter: ResampleFilter;
  outWidth: number;
  outHeight: number;
  outputSha256: string;
}

const resizeGolden = JSON.parse(readFileSync(join(GOLDEN, 'resize.json'), 'utf8')) as { pillow: string; cases: ResizeCase[] };

describe(`resize equals Pillow ${resizeGolden.pillow} (golden corpus)`, () => {
  const groups = new Map<string, ResizeCase[]>();
  for (const c of resizeGolden.cases) {
    const key = `${c.mode} ${c.width}x${c.height} ${c.pattern} -> ${c.outWidth}x${c.outHeight}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  it('covers every filter x mode', () => {
    const seen = new Set(resizeGolden.cases.map((c) => `${c.filter}/${c.mode}`));
    expect(seen.size).toBe(6 * 4);
    expect(resizeGolden.cases.length).toBeGreaterThanOrEqual(300);
  });
  for (const [key, cases] of groups) {
    it(key, () => {
      const c0 = cases[0]!;
      const ch = CHANNELS[c0.mode];
      const data = gen(c0.width, c0.height, ch, c0.pattern, c0.seed);
      expect(sha(data)).toBe(c0.inputSha256);
      const src: RasterImage = { data, width: c0.width, height: c0.height, channels: ch };
      const got = cases.map((c) => sha(resize(src, c.outWidth, c.outHeight, c.filter).data));
      expect(got).toEqual(cases.map((c) => c.outputSha256));
    });
  }
});

interface ConvertCase {
  file: string;
  opensAs: string;
  mode: ColorMode;
  width?: number;
  height?: number;
  outputSha256?: string;
  error?: string;
}

const convertGolden = JSON.parse(readFileSync(join(GOLDEN, 'convert.json'), 'utf8')) as { pillow: string; cases: ConvertCase[] };

describe(`decode + convert equals Pillow's Image.open(f).convert(mode)`, () => {
  for (const c of convertGolden.cases) {
    it(`${c.file} (Pillow mode ${c.opensAs}) -> ${c.mode}`, async () => {
      expect(c.error).toBeUndefined();
      const img = convertMode(await decodeFile(join(GOLDEN, 'files', c.file)), c.mode);
      expect([img.width, img.height]).toEqual([c.width, c.height]);
      expect(sha(img.data)).toBe(c.outputSha256);
    });
  }
});
