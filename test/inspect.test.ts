// `inspect` through the real CLI on every format: counts and histograms checked against numpy, class
// names from the sibling metadata, montages checked against a numpy re-implementation of
// skimage.util.montage on the same samples.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { inspectOutput, type InspectReport } from '../src/formats/inspect.js';
import { cli, cliOk, pythonOk } from './support/run-cli.js';

let work: string;
let out: string;
let truth: { counts: Record<string, number>; hist: Record<string, number[]> };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'inspect-'));
  const raw = join(work, 'raw');
  out = join(work, 'out');
  await ham10000.writeFakeDownload(raw, { count: 40, seed: 1 });
  cliOk(['convert', '--source', 'ham10000', '--input', raw, '--out', out, '--format', 'npz,arrow,parquet,png', '--npz-compress']);
  truth = JSON.parse(
    pythonOk(
      `
import json, sys, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({'counts': {s: int(a[s + '_images'].shape[0]) for s in ['train', 'val', 'test']},
                  'hist': {s: np.bincount(a[s + '_labels'][:, 0], minlength=7).tolist() for s in ['train', 'val', 'test']}}))
`,
      [join(out, 'dermamnist.npz')],
    ),
  ) as typeof truth;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function inspect(file: string, extra: string[] = []): InspectReport {
  return JSON.parse(cliOk(['inspect', file, '--json', ...extra])) as InspectReport;
}

describe('inspect', () => {
  it('reports shapes, dtypes, counts and the histogram with class names for every format', async () => {
    const whole = ['dermamnist.npz', 'dermamnist', 'dermamnist.csv'];
    const perSplit = { 'dermamnist_train.arrow': 'train', 'dermamnist_test.parquet': 'test', 'dermamnist_val.arrow': 'val', 'dermamnist_val.parquet': 'val' } as const;
    const names = ham10000.datasets[0]!.labels;
    for (const file of [...whole, ...Object.keys(perSplit)]) {
      // In-process here (the CLI's startup costs a second a call); the CLI is checked against it below.
      const r = JSON.parse(JSON.stringify(await inspectOutput(join(out, file)))) as InspectReport;
      const only = (perSplit as Record<string, string>)[file];
      expect(r.image).toEqual({ shape: [28, 28, 3], dtype: 'uint8' });
      expect(r.label).toEqual({ columns: 1, dtype: 'uint8' });
      expect(r.labelNamesFrom).toBe('metadata-json');
      expect(r.baseName).toBe('dermamnist');
      for (const s of ['train', 'val', 'test'] as const) {
        const n = only === undefined || only === s ? truth.counts[s]! : 0;
        if (only === undefined || only === s) expect(r.splits[s], `${file} ${s}`).toEqual({ count: n, images: [n, 28, 28, 3], labels: [n, 1] });
        else expect(r.splits[s]).toBeUndefined();
      }
      expect(r.histogram.map((h) => h.name)).toEqual(names);
      for (const h of r.histogram) {
        for (const s of ['train', 'val', 'test'] as const) {
          expect(h.counts[s], `${file} label ${h.label} ${s}`).toBe(only === undefined || only === s ? truth.hist[s]![h.label] : 0);
        }
      }
    }
    const viaCli = inspect(join(out, 'dermamnist.npz'));
    expect(viaCli).toEqual(JSON.parse(JSON.stringify(await inspectOutput(join(out, 'dermamnist.npz')))));
    expect(viaCli.details['compressed']).toBe(true);
    expect((await inspectOutput(join(out, 'dermamnist_test.parquet'))).details['codecs']).toEqual(['SNAPPY']);
  });

  it('prints a readable summary without --json', () => {
    const text = cliOk(['inspect', join(out, 'dermamnist_train.parquet')]);
    expect(text).toContain('melanocytic nevi');
    expect(text).toMatch(/train\s+\d+\s+\(\d+, 28, 28, 3\)/);
  });

  it('writes a montage equal to skimage-style montage of the same samples, from any format', async () => {
    const check = (png: string, split: string, grid: number, indices: number[]) =>
      JSON.parse(
        pythonOk(
          `
import json, sys, numpy as np
from PIL import Image
a = np.load(sys.argv[1]); imgs = a[sys.argv[2] + '_images'][json.loads(sys.argv[4])]
g = int(sys.argv[3]); n, h, w, c = imgs.shape
fill = imgs.mean(axis=(0, 1, 2)).astype(np.uint8)   # skimage.util.montage fill='mean'
out = np.empty((g * h, g * w, c), np.uint8); out[...] = fill
for k in range(n):
    r, q = divmod(k, g); out[r*h:(r+1)*h, q*w:(q+1)*w] = imgs[k]
m = Image.open(sys.argv[5])
print(json.dumps({'mode': m.mode, 'size': list(m.size), 'equal': bool(np.array_equal(np.asarray(m), out))}))
`,
          [join(out, 'dermamnist.npz'), split, String(grid), JSON.stringify(indices), png],
        ),
      ) as { mode: string; size: number[]; equal: boolean };

    const m1 = join(work, 'm1.png');
    const r1 = inspect(join(out, 'dermamnist.npz'), ['--montage', m1, '--montage-length', '3']);
    expect(r1.montage).toMatchObject({ split: 'train', samples: 9, grid: 3 });
    expect(r1.montage!.indices).toEqual(Array.from({ length: 9 }, (_, k) => Math.floor((k * truth.counts['train']!) / 9)));
    expect(check(m1, 'train', 3, r1.montage!.indices)).toEqual({ mode: 'RGB', size: [84, 84], equal: true });

    // Fewer samples than tiles: empty tiles take the mean colour, as skimage does.
    const m2 = join(work, 'm2.png');
    const r2 = inspect(join(out, 'dermamnist_val.parquet'), ['--montage', m2]);
    const nVal = truth.counts['val']!;
    const grid = Math.ceil(Math.sqrt(nVal));
    expect(r2.montage).toMatchObject({ split: 'val', samples: nVal, grid });
    expect(check(m2, 'val', grid, r2.montage!.indices)).toEqual({ mode: 'RGB', size: [28 * grid, 28 * grid], equal: true });

    const m3 = join(work, 'm3.png');
    inspect(join(out, 'dermamnist'), ['--montage', m3, '--montage-split', 'val']);
    expect(Buffer.compare(await readFile(m2), await readFile(m3))).toBe(0);
  });

  it('refuses what it cannot read with a usage or data error naming the file', async () => {
    const missing = cli(['inspect', join(work, 'nope.npz')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.npz');
    const txt = join(work, 'notes.txt');
    await writeFile(txt, 'hello');
    const unknown = cli(['inspect', txt]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('notes.txt');
    const fake = join(work, 'fake.npz');
    await writeFile(fake, 'not a zip');
    const bad = cli(['inspect', fake]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('fake.npz');
    const split = cli(['inspect', join(out, 'dermamnist.npz'), '--montage', join(work, 'x.png'), '--montage-split', 'dev']);
    expect(split.code).toBe(2);
  });
});
