// Engine v2 on a converter whose items are int16 volumes (test/support/volume-converter.ts): one item
// -> many 2D samples in three views and 3D samples, each volume loaded once; window -> box crop ->
// resize checked live against numpy + Pillow; 3D outputs (N,S,S,S) in NPZ and a 3-element Arrow tensor
// shape; and plan + three shards + pack byte-identical to one convert.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConverterRegistry } from '../src/core/contract.js';
import { convert, streamsInOrder } from '../src/engine/convert.js';
import { processItems } from '../src/engine/items.js';
import { pack } from '../src/engine/pack.js';
import { absoluteInput, makePlan } from '../src/engine/plan.js';
import { openShards, shardItems, writeShard } from '../src/engine/shards.js';
import { cleanupTempDirs, pythonOk, tempDir } from './support/run-cli.js';
import { ORGANS, VIEWS, WINDOW, volumeConverter } from './support/volume-converter.js';

const SIZES = [8, 16];
let dir = '';
let input = '';

function registryOf(c: ReturnType<typeof volumeConverter>): ConverterRegistry {
  return { all: [c], get: () => c };
}

const options = { sizes: SIZES, formats: ['npz', 'arrow'], split: 'official', seed: 0, fingerprint: false, workers: 2 };

beforeAll(async () => {
  dir = tempDir('volumes');
  input = join(dir, 'raw');
  await volumeConverter().writeFakeDownload(input, { count: 3, seed: 5 });
});
afterAll(cleanupTempDirs);

const REFERENCE = String.raw`
import json, sys
import numpy as np
from PIL import Image
job = json.load(open(sys.argv[1]))
W, L = job["window"]["width"], job["window"]["level"]
def window(hu):
    v = (hu.astype(np.float64) - (L - W / 2)) / W * 255
    return np.clip(v, 0, 255).astype(np.uint8)
vols = {}
def vol(f, shape):
    if f not in vols:
        vols[f] = window(np.fromfile(f, dtype="<i2").reshape(shape))
    return vols[f]
bad = []
checked = 0
for ds in job["datasets"]:
    for size in job["sizes"]:
        name = ds["flag"] if size == 28 else "%s_%d" % (ds["flag"], size)
        npz = np.load("%s/%s.npz" % (job["out"], name))
        got = np.concatenate([npz["train_images"], npz["val_images"], npz["test_images"]])
        assert got.shape[1:] == ((size, size, size) if ds["dims"] == 3 else (size, size)), got.shape
        for k, s in enumerate(ds["samples"]):
            v = vol(s["file"], s["shape"])
            (z0, y0, x0), (z1, y1, x1) = s["box"]["start"], s["box"]["end"]
            c = v[z0:z1, y0:y1, x0:x1]
            if ds["dims"] == 2:
                a, i = s["slice"]["axis"], s["slice"]["index"] - s["box"]["start"][s["slice"]["axis"]]
                plane = np.take(c, i, axis=a)
                want = np.asarray(Image.fromarray(np.ascontiguousarray(plane), "L").resize((size, size), Image.BICUBIC))
            else:
                axial = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(z), "L").resize((size, size), Image.BICUBIC)) for z in c])
                want = np.empty((size, size, size), np.uint8)
                for y in range(size):
                    want[:, y, :] = np.asarray(Image.fromarray(np.ascontiguousarray(axial[:, y, :]), "L").resize((size, size), Image.BICUBIC))
            checked += 1
            if not np.array_equal(got[k], want):
                bad.append("%s size %d sample %s" % (ds["flag"], size, s["id"]))
print(json.dumps({"checked": checked, "bad": bad[:10]}))
`;

describe('engine v2 on int16 volumes', () => {
  it('cuts many 2D samples in three views and 3D samples from each volume, loading each once, Pillow-exact', async () => {
    const conv = volumeConverter();
    const out = join(dir, 'out-convert');
    const r = await convert(registryOf(conv), { ...options, source: conv.source.id, input, out });
    // Each volume loaded once for both datasets, and its file read once.
    expect([...conv.loads.values()]).toEqual([1, 1, 1]);
    const volumeBytes = readdirSync(input).filter((f) => f.endsWith('.i16')).reduce((n, f) => n + statSync(join(input, f)).size, 0);
    expect(r.bytesRead).toBe(volumeBytes);
    expect(streamsInOrder(r.plan)).toBe(false);
    const [d2, d3] = r.plan.datasets;
    expect(d3!.samples.length).toBe(3 * ORGANS.length);
    const views = new Set(d2!.samples.map((s) => s.meta!['view']));
    expect([...views].sort()).toEqual([...VIEWS].sort());
    expect(d2!.samples.length).toBeGreaterThan(100);

    const job = {
      out,
      sizes: SIZES,
      window: WINDOW,
      datasets: r.plan.datasets.map((d, di) => ({
        flag: d.flag,
        dims: di === 0 ? 2 : 3,
        samples: d.samples.map((s) => {
          const file = absoluteInput(r.plan, r.plan.items[s.item]!.files[0]!);
          const m = /_(\d+)x(\d+)x(\d+)\.i16$/.exec(file)!;
          return { id: s.id, file, shape: [Number(m[1]), Number(m[2]), Number(m[3])], box: s.region!.box, slice: s.region!.slice };
        }),
      })),
    };
    const jobFile = join(dir, 'job.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(jobFile, JSON.stringify(job)));
    const res = JSON.parse(pythonOk(REFERENCE, [jobFile])) as { checked: number; bad: string[] };
    expect(res.bad).toEqual([]);
    expect(res.checked).toBe((d2!.samples.length + d3!.samples.length) * SIZES.length);

    // 3D in Arrow: a fixed_shape_tensor with a 3-element shape.
    const table = tableFromIPC(readFileSync(join(out, 'testorgan3d_16_train.arrow')));
    const field = table.schema.fields.find((f) => f.name === 'image')!;
    expect(field.metadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(JSON.parse(field.metadata.get('ARROW:extension:metadata')!)).toMatchObject({ shape: [16, 16, 16] });
  });

  it('plan + process 0/3, 1/3, 2/3 + pack writes the same bytes as one convert', async () => {
    const conv = volumeConverter();
    const one = join(dir, 'out-one');
    await convert(registryOf(conv), { ...options, source: conv.source.id, input, out: one });
    const plan = await makePlan({ converter: conv, input, sizes: SIZES, formats: options.formats, split: 'official', seed: 0, formatOptions: {} });
    const shards = join(dir, 'shards');
    const covered: number[] = [];
    for (let i = 0; i < 3; i++) {
      const items = shardItems(plan, { index: i, count: 3 });
      covered.push(...items);
      await writeShard(plan, conv, { index: i, count: 3 }, shards, processItems(plan, conv, items, 2));
    }
    expect(covered).toEqual(plan.items.map((_, i) => i));
    const set = await openShards(plan, conv, shards, 3);
    const sharded = join(dir, 'out-sharded');
    try {
      await pack(plan, conv, { records: set.records(), itemFiles: () => set.files }, { out: sharded, fingerprint: false });
    } finally {
      set.close();
    }
    const names = readdirSync(one).filter((n) => !n.startsWith('.')).sort();
    expect(readdirSync(sharded).filter((n) => !n.startsWith('.')).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(sharded, n)).equals(readFileSync(join(one, n))), n).toBe(true);
  });
});
