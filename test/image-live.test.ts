// Live comparison with /usr/bin/python3 Pillow on random images, geometries, modes and filters.
// The seed changes every run (printed on failure); set IMAGE_LIVE_SEED to replay one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertMode } from '../src/image/convert.js';
import { cropBox } from '../src/image/crop.js';
import type { RasterImage } from '../src/image/raster.js';
import { resizeMany } from '../src/image/resample.js';
import type { ColorMode, ResampleFilter } from '../src/core/contract.js';
import { pythonFileOk } from './support/run-cli.js';

const FILTERS: ResampleFilter[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];
const MODES = [['L', 1], ['LA', 2], ['RGB', 3], ['RGBA', 4]] as const;
const SEED = Number(process.env.IMAGE_LIVE_SEED ?? Math.floor(Math.random() * 2 ** 31));

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

interface LiveCase {
  id: string;
  mode: string;
  width: number;
  height: number;
  convert?: ColorMode;
  crop?: [number, number, number, number];
  filter: ResampleFilter;
  /** One to three sizes from the same image (several sizes share the wasm pair strips). */
  outSizes: [number, number][];
}

describe(`resize, convert and crop equal live Pillow (seed ${SEED})`, () => {
  it('agrees byte for byte on 120 random cases (1-3 sizes each)', () => {
    const r = rng(SEED);
    const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
    const dir = mkdtempSync(join(tmpdir(), 'image-live-'));
    try {
      const cases: LiveCase[] = [];
      const ours: Uint8Array[][] = [];
      // Fixed cases first: one image to sizes that keep its width or height, mixed with others, so the
      // shared pair strips meet horizontal-only, vertical-only and both-pass sizes together.
      for (const [mode, ch] of MODES) {
        const width = 131;
        const height = 97;
        const data = new Uint8Array(width * height * ch).map(() => int(0, 255));
        const outSizes: [number, number][] = [[width, 40], [50, height], [28, 28], [260, 98], [width, height]];
        const c: LiveCase = { id: `fixed-${mode}`, mode, width, height, filter: 'bicubic', outSizes };
        writeFileSync(join(dir, `${c.id}.in`), data);
        cases.push(c);
        ours.push(resizeMany({ data, width, height, channels: ch }, outSizes, c.filter).map((r) => r.data));
      }
      for (let i = 0; i < 120; i++) {
        const [mode, ch] = MODES[int(0, 3)]!;
        const width = int(1, 400);
        const height = int(1, 400);
        const data = new Uint8Array(width * height * ch);
        const style = int(0, 2);
        for (let j = 0; j < data.length; j++) {
          // Noise, hard 0/255 edges, or smooth ramps with noise.
          data[j] = style === 0 ? int(0, 255) : style === 1 ? (r() < 0.5 ? 0 : 255) : ((j >> 4) + int(0, 20)) & 255;
        }
        const outSizes = Array.from({ length: int(1, 3) }, () => [int(1, 300), int(1, 300)] as [number, number]);
        const c: LiveCase = { id: String(i), mode, width, height, filter: FILTERS[int(0, 5)]!, outSizes };
        let img: RasterImage = { data, width, height, channels: ch };
        if (r() < 0.3) {
          c.convert = r() < 0.5 ? 'L' : 'RGB';
          img = convertMode(img, c.convert);
        }
        if (r() < 0.3) {
          const w = int(1, width);
          const h = int(1, height);
          const left = int(0, width - w);
          const top = int(0, height - h);
          c.crop = [left, top, left + w, top + h];
          img = cropBox(img, { left, top, width: w, height: h });
        }
        writeFileSync(join(dir, `${i}.in`), data);
        cases.push(c);
        ours.push(resizeMany(img, c.outSizes, c.filter).map((r) => r.data));
      }
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(cases));
      pythonFileOk(join(import.meta.dirname, 'golden', 'pillow_live.py'), [dir]);
      const bad = cases.filter((c, i) => ours[i]!.some((px, n) => !Buffer.from(px).equals(readFileSync(join(dir, `${c.id}.${n}.out`)))));
      expect(bad, `seed ${SEED}: ${JSON.stringify(bad.slice(0, 3))}`).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
