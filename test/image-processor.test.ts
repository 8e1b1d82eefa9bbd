// The engine's pixel stage end to end: sharp decode -> recipe, against live Pillow on real JPEG files,
// and the same bytes whatever the thread and in-flight settings.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { createImageProcessor } from '../src/image/processor.js';
import type { DatasetSpec, PixelRecipe, Sample } from '../src/core/contract.js';
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

function specWith(recipe: PixelRecipe): DatasetSpec {
  return { ...ham10000.datasets[0]!, recipe };
}

const sample = (f: string): Sample => ({ id: f, files: [f], label: [0] });

async function runAll(spec: DatasetSpec, sizes: number[], resampleThreads: number, inFlight: number): Promise<Uint8Array[][]> {
  const proc = await createImageProcessor({ converter: ham10000, spec, sizes, workers: 2, resampleThreads });
  try {
    const out: Uint8Array[][] = [];
    for await (const r of orderedMap(files, inFlight, (f) => proc.process(sample(f)))) out.push(r);
    return out;
  } finally {
    await proc.close();
  }
}

function pillow(recipe: PixelRecipe, sizes: number[]): Buffer[][] {
  const crop =
    recipe.crop.kind === 'center-square'
      ? 's = min(w, h); box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)'
      : recipe.crop.kind === 'center'
        ? `cw, ch = ${recipe.crop.width}, ${recipe.crop.height}; box = ((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)`
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

describe('createImageProcessor', () => {
  const recipes: PixelRecipe[] = [
    { mode: 'RGB', crop: { kind: 'none' }, filter: 'bicubic' },
    { mode: 'L', crop: { kind: 'center-square' }, filter: 'bicubic' },
    { mode: 'RGB', crop: { kind: 'center', width: 90, height: 80 }, filter: 'lanczos' },
    { mode: 'L', crop: { kind: 'none' }, filter: 'box' },
  ];
  for (const recipe of recipes) {
    it(`equals Pillow for ${recipe.mode}, crop ${recipe.crop.kind}, ${recipe.filter}`, async () => {
      const sizes = [28, 64, 128];
      const ours = await runAll(specWith(recipe), sizes, 0, 4);
      const want = pillow(recipe, sizes);
      ours.forEach((px, i) => px.forEach((p, j) => expect(Buffer.from(p).equals(want[i]![j]!), `${files[i]} size ${sizes[j]}`).toBe(true)));
    });
  }

  it('gives the same bytes with 0, 1 or 3 resampling threads and any number in flight', async () => {
    const spec = specWith(recipes[0]!);
    const sizes = [28, 224];
    const base = await runAll(spec, sizes, 0, 1);
    for (const [threads, inFlight] of [[1, 4], [3, 8], [0, 6]] as const) {
      const got = await runAll(spec, sizes, threads, inFlight);
      expect(got.map((r) => r.map((p) => Buffer.from(p).toString('base64')))).toEqual(base.map((r) => r.map((p) => Buffer.from(p).toString('base64'))));
    }
  });

  it('reports a truncated file as a DataError naming it, on the main thread and through the pool', async () => {
    for (const resampleThreads of [0, 1]) {
      const proc = await createImageProcessor({ converter: ham10000, spec: specWith(recipes[0]!), sizes: [28], workers: 2, resampleThreads });
      try {
        const err = await proc.process(sample(join(dir, 'broken.jpg'))).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataError);
        expect((err as Error).message).toMatch(/broken\.jpg/);
      } finally {
        await proc.close();
      }
    }
  });
});
