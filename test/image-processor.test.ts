// The engine's pixel stage end to end: decode (fast routes in threads, or sharp) -> recipe, against live Pillow on real JPEG files,
// and the same bytes whatever the thread and in-flight settings.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { createItemProcessor } from '../src/image/processor.js';
import type { Item, Recipe } from '../src/core/contract.js';
import { DataError } from '../src/core/errors.js';
import { orderedMap } from '../src/core/ordered.js';
import { gen } from './golden/generate.js';
import { pythonBytes } from './support/run-cli.js';

let dir = '';
const files: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-proc-'));
  // Non-square colour and gray JPEGs and PNGs with noise and hard edges.
  const shapes: [number, number, 1 | 3][] = [[300, 200, 3], [157, 233, 3], [211, 173, 1], [400, 300, 3], [96, 96, 1], [333, 250, 3]];
  for (const [i, [w, h, ch]] of shapes.entries()) {
    const raw = sharp(Buffer.from(gen(w, h, ch, 'mixed', 1000 + i)), { raw: { width: w, height: h, channels: ch } });
    const f = join(dir, `img${i}.${i % 2 ? 'png' : 'jpg'}`);
    await (i % 2 ? raw.png() : raw.jpeg({ quality: 85 })).toFile(f);
    files.push(f);
  }
  writeFileSync(join(dir, 'broken.jpg'), readFileSync(files[0]!).subarray(0, 600));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (f: string): Item => ({ id: f, files: [f] });

/** Load the item from its bytes and cut its one sample, as the engine's item loop does. */
async function runAll(recipe: Recipe, sizes: number[], resampleThreads: number, inFlight: number): Promise<Uint8Array[][]> {
  const proc = createItemProcessor({ converter: ham10000, sizes, workers: 2, resampleThreads });
  const one = async (f: string): Promise<Uint8Array[]> => {
    return (await proc.process(item(f), [readFileSync(f)], [{ recipe, regions: [undefined] }]))[0]![0]!;
  };
  try {
    const out: Uint8Array[][] = [];
    for await (const r of orderedMap(files, inFlight, one)) out.push(r);
    return out;
  } finally {
    await proc.close();
  }
}

interface Simple {
  mode: 'L' | 'RGB';
  crop: 'none' | 'square' | [number, number];
  filter: 'bicubic' | 'lanczos' | 'box';
}

function opsOf(r: Simple): Recipe {
  const crop: Recipe = r.crop === 'none' ? [] : r.crop === 'square' ? [{ op: 'square-crop' }] : [{ op: 'center-crop', width: r.crop[0], height: r.crop[1] }];
  return [{ op: 'convert', mode: r.mode }, ...crop, { op: 'resize', filter: r.filter }];
}

function pillow(recipe: Simple, sizes: number[]): Buffer[][] {
  const crop =
    recipe.crop === 'square'
      ? 's = min(w, h); box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)'
      : recipe.crop !== 'none'
        ? `cw, ch = ${recipe.crop[0]}, ${recipe.crop[1]}; box = ((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)`
        : 'box = None';
  const script = `
import sys, json
from PIL import Image
for f in json.loads(sys.argv[1]):
    im = Image.open(f).convert("${recipe.mode}")
    w, h = im.size
    ${crop}
    if box: im = im.crop(box)
    for s in ${JSON.stringify(sizes)}:
        sys.stdout.buffer.write(im.resize((s, s), Image.Resampling.${recipe.filter.toUpperCase()}).tobytes())
`;
  const out = pythonBytes(script, [JSON.stringify(files)]);
  const ch = recipe.mode === 'RGB' ? 3 : 1;
  const res: Buffer[][] = [];
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    res.push(sizes.map((s) => out.subarray(at, (at += s * s * ch))));
  }
  return res;
}

describe('createItemProcessor', () => {
  const recipes: Simple[] = [
    { mode: 'RGB', crop: 'none', filter: 'bicubic' },
    { mode: 'L', crop: 'square', filter: 'bicubic' },
    { mode: 'RGB', crop: [90, 80], filter: 'lanczos' },
    { mode: 'L', crop: 'none', filter: 'box' },
  ];
  for (const recipe of recipes) {
    it(`equals Pillow for ${recipe.mode}, crop ${String(recipe.crop)}, ${recipe.filter}`, async () => {
      const sizes = [28, 64, 128];
      const want = pillow(recipe, sizes);
      // 0 threads: decode and cut on the main thread; 2: decoded and cut in the pool's threads.
      for (const threads of [0, 2]) {
        const ours = await runAll(opsOf(recipe), sizes, threads, 4);
        ours.forEach((px, i) => px.forEach((p, j) => expect(Buffer.from(p).equals(want[i]![j]!), `${files[i]} size ${sizes[j]}, ${threads} threads`).toBe(true)));
      }
    });
  }

  it('gives the same bytes with 0, 1 or 3 resampling threads and any number in flight', async () => {
    const recipe = opsOf(recipes[0]!);
    const sizes = [28, 224];
    const base = await runAll(recipe, sizes, 0, 1);
    for (const [threads, inFlight] of [[1, 4], [3, 8], [0, 6]] as const) {
      const got = await runAll(recipe, sizes, threads, inFlight);
      expect(got.map((r) => r.map((p) => Buffer.from(p).toString('base64')))).toEqual(base.map((r) => r.map((p) => Buffer.from(p).toString('base64'))));
    }
  });

  it('reports a truncated file as a DataError naming it, with and without the pool', async () => {
    for (const resampleThreads of [0, 1, 2]) {
      const proc = createItemProcessor({ converter: ham10000, sizes: [28], workers: 2, resampleThreads });
      try {
        const f = join(dir, 'broken.jpg');
        const cuts = [{ recipe: opsOf(recipes[0]!), regions: [undefined] }];
        const err = await proc.process(item(f), [readFileSync(f)], cuts).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataError);
        expect((err as Error).message).toMatch(/broken\.jpg/);
      } finally {
        await proc.close();
      }
    }
  });
});
