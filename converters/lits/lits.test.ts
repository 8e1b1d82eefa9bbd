// LiTS -> OrganA/C/SMNIST + OrganMNIST3D on the fake download: every sample of every dataset checked
// live against an independent reference (nibabel reads the NIfTI, numpy windows, Pillow resizes:
// reference.py); each volume loaded once for all four datasets; blank samples dropped and counted;
// NPZ files in the official layouts; a manifest naming specific slices gives exactly those, in order;
// bad inputs refused naming the file and line.
import { readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { appendFile, cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Converter, ConverterRegistry } from '../../src/core/contract.js';
import { convert, type ConvertResult } from '../../src/engine/convert.js';
import { absoluteInput, type BuildPlan } from '../../src/engine/plan.js';
import { splitOf } from '../../src/engine/plan.js';
import { readNifti, writeNiftiInt16 } from '../../src/image/nifti.js';
import { cleanupTempDirs, cli, pythonOk, tempDir } from '../../test/support/run-cli.js';
import { lits } from './index.js';
import { scanLits } from './scan.js';
import { SWAPPED_AXES, WINDOW, selectSlices } from './spec.js';

const REFERENCE = join(import.meta.dirname, 'reference.py');
const FAKE = { count: 60, seed: 3 };
const FLAGS_2D = ['organamnist', 'organcmnist', 'organsmnist'];
let dir = '';
let input = '';

function counting(): { registry: ConverterRegistry; loads: Map<string, number> } {
  const loads = new Map<string, number>();
  const c: Converter = {
    ...lits,
    load: (item, bytes) => {
      loads.set(item.id, (loads.get(item.id) ?? 0) + 1);
      return lits.load!(item, bytes);
    },
  };
  return { registry: { all: [c], get: () => c }, loads };
}

/** Run reference.py on a finished convert: per dataset, every planned sample. */
function reference(r: ConvertResult, out: string, sizes: number[]): { checked: number; dropped: Record<string, Record<string, number>>; bad: string[]; volumes: number } {
  const plan: BuildPlan = r.plan;
  const job = {
    out,
    sizes,
    window: WINDOW,
    datasets: plan.datasets.map((d) => ({
      flag: d.flag,
      dims: d.flag === 'organmnist3d' ? 3 : 2,
      samples: d.samples.map((s, pos) => {
        const item = plan.items[s.item]!;
        return { id: s.id, file: absoluteInput(plan, item.files[0]!), swapped: SWAPPED_AXES.has(item.id), box: s.region!.box, slice: s.region!.slice, split: splitOf(d.counts, pos).split };
      }),
    })),
  };
  const jobFile = join(tempDir('lits-job'), 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  return JSON.parse(pythonOk(readFileSync(REFERENCE, 'utf8'), [jobFile]));
}

beforeAll(async () => {
  dir = tempDir('lits');
  input = join(dir, 'raw');
  await lits.writeFakeDownload(input, FAKE);
});
afterAll(cleanupTempDirs);

describe('lits: OrganA/C/SMNIST and OrganMNIST3D', () => {
  it('all four datasets at 28 and 64 from one read of each volume, equal to nibabel + numpy + Pillow; blanks dropped and counted; official NPZ layouts', async () => {
    const { registry, loads } = counting();
    const out = join(dir, 'out-all');
    const warnings: string[] = [];
    const r = await convert(registry, { source: 'lits', input, out, sizes: [28, 64], formats: ['npz'], split: 'official', seed: 0, fingerprint: false, workers: 2, warn: (m) => warnings.push(m) });
    // Each volume loaded once for all its samples in all four datasets; its file read once.
    expect(loads.size).toBe(r.plan.items.length);
    expect([...loads.values()].every((n) => n === 1)).toBe(true);
    const volumeBytes = r.plan.items.reduce((n, it) => n + statSync(absoluteInput(r.plan, it.files[0]!)).size, 0);
    expect(r.bytesRead).toBe(volumeBytes);

    const ref = reference(r, out, [28, 64]);
    expect(ref.bad).toEqual([]);
    const kept = r.datasets.reduce((n, d) => n + d.counts.train + d.counts.val + d.counts.test, 0);
    expect(ref.checked).toBe(kept * 2);
    // Blank samples: the reference's constant crops are exactly what was dropped, per split.
    for (const d of r.datasets) expect(d.dropped, d.flag).toEqual(ref.dropped[d.flag]);
    const total = (f: string) => Object.values(ref.dropped[f]!).reduce((a, b) => a + b, 0);
    expect(total('organamnist')).toBeGreaterThan(0);
    expect(total('organcmnist')).toBeGreaterThan(0);
    expect(total('organmnist3d')).toBe(1);
    expect(warnings.some((w) => /organmnist3d: 1 blank sample/.test(w))).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'organmnist3d_64.json'), 'utf8'));
    expect(meta.n_dropped_blank).toEqual(ref.dropped['organmnist3d']);

    // Split by CT scan: 4 training scans -> 3 train + 1 val (115/16 of 131 scaled), test scans -> test.
    for (const d of r.plan.datasets) {
      const scans = { train: new Set<string>(), val: new Set<string>(), test: new Set<string>() };
      d.samples.forEach((s, pos) => scans[splitOf(d.counts, pos).split].add(s.groupId!));
      expect([scans.train.size, scans.val.size, scans.test.size], d.flag).toEqual([3, 1, 2]);
      expect([...scans.test].every((g) => g.startsWith('test-'))).toBe(true);
    }
    const groups = (flag: string) => JSON.stringify(r.plan.datasets.find((d) => d.flag === flag)!.samples.map((s, pos) => [s.groupId, splitOf(r.plan.datasets.find((d) => d.flag === flag)!.counts, pos).split]).sort());
    expect(new Set(['organamnist', 'organmnist3d'].map((f) => JSON.stringify([...new Set(JSON.parse(groups(f)).map(String))].sort()))).size).toBe(1);

    // The official medmnist layouts (OrganAMNIST: 2D gray; OrganMNIST3D: (N,S,S,S)), checked with numpy.
    const layout = pythonOk(
      String.raw`
import json, sys, numpy as np
out = {}
for name, nd in [("organamnist", 2), ("organamnist_64", 2), ("organcmnist", 2), ("organsmnist", 2), ("organmnist3d", 3), ("organmnist3d_64", 3)]:
    z = np.load("%s/%s.npz" % (sys.argv[1], name))
    assert sorted(z.files) == sorted(["train_images", "train_labels", "val_images", "val_labels", "test_images", "test_labels"]), z.files
    for s in ["train", "val", "test"]:
        im, lb = z[s + "_images"], z[s + "_labels"]
        S = 28 if "_64" not in name else 64
        assert im.dtype == np.uint8 and lb.dtype == np.uint8, (im.dtype, lb.dtype)
        assert im.shape[1:] == (S,) * nd, im.shape
        assert lb.shape == (im.shape[0], 1), lb.shape
        assert lb.max() <= 10
    out[name] = [int(z[s + "_images"].shape[0]) for s in ["train", "val", "test"]]
print(json.dumps(out))`,
      [out],
    );
    const shapes = JSON.parse(layout) as Record<string, number[]>;
    const c3 = r.datasets.find((d) => d.flag === 'organmnist3d')!.counts;
    expect(shapes['organmnist3d_64']).toEqual([c3.train, c3.val, c3.test]);
  }, 120_000);

  it('2D datasets at 128 and 224 equal the reference too', async () => {
    const out = join(dir, 'out-2d');
    const r = await convert(counting().registry, { source: 'lits', input, out, sizes: [128, 224], formats: ['npz'], split: 'official', seed: 0, fingerprint: false, workers: 2, datasets: FLAGS_2D });
    const ref = reference(r, out, [128, 224]);
    expect(ref.bad).toEqual([]);
    expect(ref.checked).toBe(r.datasets.reduce((n, d) => n + d.counts.train + d.counts.val + d.counts.test, 0) * 2);
  }, 120_000);

  it('--split manifest:FILE with specific slices gives exactly those slices in that order; unresolved ids are refused, named', async () => {
    const scan = await scanLits(input);
    const v = scan.volumes.find((x) => x.key === 'train-3')!;
    const t = scan.volumes.find((x) => x.key === 'test-59')!;
    const b = v.boxes[2]!;
    const bt = t.boxes[0]!;
    const picked = selectSlices(b.start[2], b.end[2], 'sagittal');
    // Slices the default rule skips (the box's first and last), out of order, across splits.
    const ids = {
      train: [`train-3-${b.organ}-sagittal-${String(b.end[2] - 1).padStart(3, '0')}`, `train-3-${b.organ}-sagittal-${String(b.start[2]).padStart(3, '0')}`, `train-3-${b.organ}-sagittal-${String(picked[0]).padStart(3, '0')}`],
      val: [`val-3-${b.organ}-sagittal-${String(b.end[2] - 2).padStart(3, '0')}`],
      test: [`test-59-${bt.organ}-sagittal-${String(bt.end[2] - 1).padStart(3, '0')}`, `test-59-${bt.organ}-sagittal-${String(bt.start[2]).padStart(3, '0')}`],
    };
    const manifest = join(dir, 'organsmnist_manifest.csv');
    const rows = ['split,index,image_id', ...Object.entries(ids).flatMap(([s, list]) => list.map((id, i) => `${s},${i},${id}`))];
    await writeFile(manifest, rows.join('\n') + '\n');
    const out = join(dir, 'out-manifest');
    const res = cli(['convert', '--source', 'lits', '--input', input, '--out', out, '--size', '28,64', '--dataset', 'organsmnist', '--split', `manifest:${manifest}`, '--no-fingerprint']);
    expect(res.code, res.stderr).toBe(0);
    const csv = readFileSync(join(out, 'organsmnist.samples.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(csv.map((c) => [c[0], c[1], c[2]])).toEqual(Object.entries(ids).flatMap(([s, list]) => list.map((id, i) => [s, String(i), id.replace(/^val-/, 'train-')])));
    // Pixels of exactly those slices (reference on the plan a second, in-process convert makes).
    const r = await convert(counting().registry, { source: 'lits', input, out: join(dir, 'out-manifest-2'), sizes: [28, 64], formats: ['npz'], split: `manifest:${manifest}`, seed: 0, fingerprint: false, workers: 2, datasets: ['organsmnist'] });
    expect(r.plan.datasets[0]!.samples.map((s) => Number(s.meta!['slice']))).toEqual([b.end[2] - 1, b.start[2], picked[0], b.end[2] - 2, bt.end[2] - 1, bt.start[2]]);
    const ref = reference(r, join(dir, 'out-manifest-2'), [28, 64]);
    expect(ref.bad).toEqual([]);
    expect(ref.checked).toBe(12);
    expect(readFileSync(join(out, 'organsmnist_64.npz')).equals(readFileSync(join(dir, 'out-manifest-2', 'organsmnist_64.npz')))).toBe(true);

    const bad = join(dir, 'bad_manifest.csv');
    await writeFile(bad, `split,index,image_id\ntrain,0,${ids.train[0]}\ntrain,1,train-3-${b.organ}-sagittal-999\ntest,0,test-77-1-sagittal-003\ntest,1,train-3-${b.organ}-axial-010\n`);
    const r2 = cli(['convert', '--source', 'lits', '--input', input, '--out', join(dir, 'out-bad'), '--dataset', 'organsmnist', '--split', `manifest:${bad}`, '--no-fingerprint']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('3 image_id(s) do not resolve');
    for (const id of [`train-3-${b.organ}-sagittal-999`, 'test-77-1-sagittal-003', `train-3-${b.organ}-axial-010`]) expect(r2.stderr).toContain(id);
  }, 120_000);

  it('refuses a box outside its volume, a malformed box line and an unsupported NIfTI datatype, naming the file and line', async () => {
    const copy = join(dir, 'bad-box');
    await cp(input, copy, { recursive: true });
    const boxes = join(copy, 'annotations_of_training_set', 'segmentation-0.txt');
    await appendFile(boxes, 'pancreas 11 0 10 0 10 0 999\r\n');
    const n = readFileSync(boxes, 'utf8').split('\r\n').length - 1;
    await expect(scanLits(copy)).rejects.toThrow(`${boxes} line ${n}: z 0..999 lies outside the volume`);
    writeFileSync(boxes, 'liver 1 0 10 0 10\r\n');
    await expect(scanLits(copy)).rejects.toThrow(`${boxes} line 1:`);

    const nii = writeNiftiInt16(new Int16Array(8), [2, 2, 2]);
    new DataView(nii.buffer).setInt16(70, 128, true); // rgb24
    expect(() => readNifti(nii, 'x.nii')).toThrow(/datatype 128 \(rgb24\) is not supported/);
  });

  it('reads NIfTI headers in either byte order, scaled voxels and .nii.gz as nibabel does', () => {
    const vox = Int16Array.from({ length: 24 }, (_, i) => i * 37 - 400);
    const le = readNifti(writeNiftiInt16(vox, [4, 3, 2]), 'le.nii');
    expect(le.array.shape).toEqual([2, 3, 4]);
    expect([...le.array.data]).toEqual([...vox]);
    const be = readNifti(gzipSync(writeNiftiInt16(vox, [4, 3, 2], { bigEndian: true })), 'be.nii.gz');
    expect(be.header.littleEndian).toBe(false);
    expect([...be.array.data]).toEqual([...vox]);
    const scaled = readNifti(writeNiftiInt16(vox, [4, 3, 2], { slope: 2, inter: -1024 }), 's.nii');
    expect(scaled.array.dtype).toBe('float32');
    expect([...scaled.array.data]).toEqual([...vox].map((v) => v * 2 - 1024));
    const f = join(dir, 's.nii');
    writeFileSync(f, writeNiftiInt16(vox, [4, 3, 2], { slope: 2, inter: -1024, bigEndian: true }));
    const nib = pythonOk('import sys, nibabel as nib, numpy as np; a = nib.load(sys.argv[1]).get_fdata(); print(a.shape, a.transpose(2,1,0).ravel().astype(int).tolist())', [f]);
    expect(nib.trim()).toBe(`(4, 3, 2) [${[...vox].map((v) => v * 2 - 1024).join(', ')}]`);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });
});
