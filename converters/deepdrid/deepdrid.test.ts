// DeepDRiD -> RetinaMNIST on a fake repository snapshot: the shared conformance cases
// (test/support/converter-conformance.ts: Pillow-exact RGB pixels after the short-edge square crop at 28,
// 64 and 224 through the CLI, including one 1824x1736 image and one portrait; round trip; bad input) and
// DeepDRiD's own: the official sizes 1,080 / 120 / 400 with no patient in two splits on a count-faithful
// fake (1,600 images of 400 patients, scan and split only), the label rule and its irregular rows, the
// CSV path fallback, the official medmnist RetinaMNIST layout of the NPZ.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/contract.js';
import { pythonOk } from '../../test/support/run-cli.js';
import { describeConverter } from '../../test/support/converter-conformance.js';
import { splitSamples } from '../../src/split/index.js';
import { deepdrid } from './index.js';
import { retinamnist } from './spec.js';
import { resolvedById } from './scan.js';

const COUNT = 40;
const SIZES = [28, 64, 224];
const part = (d: string, p: 'training' | 'validation') => join(d, 'DeepDRiD-master', 'regular_fundus_images', `regular-fundus-${p}`);
const csvOf = (d: string, p: 'training' | 'validation' = 'training') => join(part(d, p), `regular-fundus-${p}.csv`);
function editCsv(d: string, f: (lines: string[]) => string[], p: 'training' | 'validation' = 'training'): void {
  const lines = readFileSync(csvOf(d, p), 'utf8').trimEnd().split('\n');
  writeFileSync(csvOf(d, p), f(lines).join('\n') + '\n');
}
/** Data row `row` (file line number) of the training CSV, as cells. */
const cells = (d: string, row: number) => readFileSync(csvOf(d), 'utf8').split('\n')[row - 1]!.split(',');

// A count-faithful fake: 400 patients x 4 images, 300 in the training folder and 100 in the validation folder.
let faithful: Promise<Sample[]> | null = null;
let faithfulDir = '';
function faithfulSamples(dir: string): Promise<Sample[]> {
  return (faithful ??= (async () => {
    faithfulDir = join(dir, 'faithful');
    await deepdrid.writeFakeDownload(faithfulDir, { count: 1600, seed: 7 });
    return (await deepdrid.scan(faithfulDir)).samples['retinamnist']!;
  })());
}

const fx = describeConverter(deepdrid, {
  fake: { count: COUNT, seed: 2 },
  sizes: SIZES,
  official: {
    retinamnist: { published: { train: 1080, val: 120, test: 400 }, samples: () => faithfulSamples(fx.dir) },
  },
  badInputs: [
    {
      name: 'a CSV row whose image is missing',
      damage: (d) => {
        const [pid, id] = cells(d, 3);
        rmSync(join(part(d, 'training'), 'Images', pid!, `${id}.jpg`));
      },
      message: (d) => {
        const [pid, id] = cells(d, 3);
        return `${csvOf(d)} row 3: image ${id} is listed but missing: neither ${join(part(d, 'training'), 'Images', pid!, `${id}.jpg`)} (column 'image_path') nor`;
      },
      keepsExistingOutput: true,
    },
    {
      name: 'an unknown grade',
      damage: (d) => editCsv(d, (l) => l.map((x, i) => (i === 4 ? x.split(',').map((c, j) => (j === 6 ? '5' : c)).join(',') : x))),
      message: (d) => `${csvOf(d)} row 5: unknown grade "5" for ${cells(d, 5)[1]} in column 'patient_DR_Level'; RetinaMNIST grades are 0, 1, 2, 3, 4`,
    },
    {
      name: 'an image on disk that the CSV does not list',
      damage: (d) => editCsv(d, (l) => [...l.slice(0, 1), ...l.slice(2)], 'validation'),
      message: (d) => /: image not listed in .*regular-fundus-validation\.csv, so its grade is unknown/,
    },
    {
      name: 'a missing column',
      damage: (d) => editCsv(d, (l) => l.map((x) => x.split(',').filter((_, j) => j !== 5).join(','))),
      message: (d) => `${csvOf(d)}: missing column 'right_eye_DR_Level'`,
    },
  ],
});

describe('deepdrid: source-specific', () => {
  it('count-faithful fake (1,600 images, 400 patients): official split 1,080 / 120 / 400, no patient in two splits, test = the validation folder', async () => {
    const samples = await faithfulSamples(fx.dir);
    expect(samples).toHaveLength(1600);
    expect(new Set(samples.map((s) => s.groupId)).size).toBe(400);
    const split = await splitSamples(samples, retinamnist, { strategy: 'official', seed: 0 });
    expect([split.train.length, split.val.length, split.test.length]).toEqual([1080, 120, 400]);
    const where = new Map<string, string>();
    for (const s of ['train', 'val', 'test'] as const) {
      for (const x of split[s]) {
        expect(where.get(x.groupId!) ?? s, `patient ${x.groupId}`).toBe(s);
        where.set(x.groupId!, s);
      }
    }
    const patients = (s: 'train' | 'val' | 'test') => new Set(split[s].map((x) => x.groupId)).size;
    expect([patients('train'), patients('val'), patients('test')]).toEqual([270, 30, 100]);
    expect(split.test.every((x) => x.sourceSplit === 'test')).toBe(true);
    expect(samples.filter((x) => x.sourceSplit === 'test')).toHaveLength(400);
    // Another seed: other patients, the same sizes.
    const again = await splitSamples(samples, retinamnist, { strategy: 'official', seed: 1 });
    expect([again.train.length, again.val.length, again.test.length]).toEqual([1080, 120, 400]);
    expect(new Set(again.val.map((x) => x.groupId))).not.toEqual(new Set(split.val.map((x) => x.groupId)));
  });

  it("label rule: the image's own eye column, else patient_DR_Level; irregular rows and the path fallback are recorded", async () => {
    const samples = (await fx.scan()).samples['retinamnist']!;
    for (const s of samples) {
      const m = s.meta!;
      const own = /_l\d+$/.test(s.id) ? 'left_eye_DR_Level' : 'right_eye_DR_Level';
      const want = m[own] !== '' ? own : 'patient_DR_Level';
      expect(s.fineLabel, s.id).toBe(want);
      expect(s.label, s.id).toEqual([Number(m[want])]);
    }
    // The irregular patient (as DeepDRiD's 56): r3 and l3 carry the other eye's column, so they fall back.
    const fallback = samples.filter((s) => s.fineLabel === 'patient_DR_Level').map((s) => s.id.replace(/^\d+_/, ''));
    expect(fallback.sort()).toEqual(['l3', 'r3']);
    // Its l3 row names a folder that does not exist: resolved by image_id, and said so.
    const resolved = resolvedById(samples);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatch(/^\d+_l3$/);
    const { rows } = await fx.converted();
    const row = rows['retinamnist']!.find((r) => r.image_id === resolved[0])!;
    expect(String(row['path_note'])).toMatch(/^image_path \\regular-fundus-training\\\d+-l3\\\d+_l3\.jpg not found; resolved by image_id$/);
  });

  it('the online-challenge and ultra-widefield folders are not read (its grade 5 is no error)', async () => {
    const scan = await fx.scan();
    expect(scan.items.every((i) => /regular-fundus-(training|validation)\/Images\/\d+\/\d+_[lr]\d\.jpg$/.test(i.files[0]!))).toBe(true);
    expect(scan.metadataFiles.map((f) => f.slice(fx.fake.length + 1))).toEqual([
      'DeepDRiD-master/regular_fundus_images/regular-fundus-training/regular-fundus-training.csv',
      'DeepDRiD-master/regular_fundus_images/regular-fundus-validation/regular-fundus-validation.csv',
    ]);
    expect(readFileSync(csvOf(fx.fake), 'utf8').split('\n')[1]).toMatch(/^\d+,\d+_l1,\\regular-fundus-training\\\d+\\\d+_l1\.jpg,[01],\d,,\d,\d+,\d+,\d+$/);
  });

  it('loads in the official medmnist RetinaMNIST layout: the six keys, uint8 (N,S,S,3), labels (N,1) in 0..4, Image.fromarray gives mode RGB', async () => {
    const { out, rows } = await fx.converted();
    const res = JSON.parse(
      pythonOk(
        `import sys, json, numpy as np
from PIL import Image
out, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
res = {}
for size in sizes:
    d = np.load("%s/retinamnist%s.npz" % (out, "" if size == 28 else "_%d" % size))
    r = {"keys": list(d.files)}
    for split in ("train", "val", "test"):
        imgs, labels = d[split + "_images"], d[split + "_labels"]
        r[split] = [list(imgs.shape), str(imgs.dtype), list(labels.shape), str(labels.dtype), Image.fromarray(imgs[0]).mode if len(imgs) else None, int(labels.max()) if len(labels) else 0]
    res[str(size)] = r
print(json.dumps(res))`,
        [out, SIZES.join(',')],
      ),
    ) as Record<string, Record<string, unknown>>;
    const n = (s: string) => rows['retinamnist']!.filter((r) => r.split === s).length;
    for (const size of SIZES) {
      const r = res[String(size)]!;
      expect(r['keys']).toEqual(['train_images', 'train_labels', 'val_images', 'val_labels', 'test_images', 'test_labels']);
      for (const s of ['train', 'val', 'test']) {
        const [shape, dtype, lshape, ldtype, mode, lmax] = r[s] as [number[], string, number[], string, string | null, number];
        expect([shape, dtype, lshape, ldtype]).toEqual([[n(s), size, size, 3], 'uint8', [n(s), 1], 'uint8']);
        expect(mode).toBe(n(s) > 0 ? 'RGB' : null);
        expect(lmax).toBeLessThanOrEqual(4);
      }
    }
  });
});
