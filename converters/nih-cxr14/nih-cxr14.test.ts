// NIH ChestX-ray14 -> ChestMNIST on a fake download: the shared conformance cases
// (test/support/converter-conformance.ts: Pillow-exact pixels at 28, 64, 128 and 224 through the CLI,
// official sizes on a count-faithful synthetic table, round trip, bad input), then this source's own:
// the accepted layouts, the patient-safe and prevalence-keeping official split at full scale, --split
// source, the official ChestMNIST NPZ layout in numpy, and evaluate against the official Evaluator.
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Sample } from '../../src/core/contract.js';
import { splitSamples } from '../../src/split/index.js';
import { rng } from '../_kit/synth.js';
import { describeConverter, readSamplesCsv } from '../../test/support/converter-conformance.js';
import { cli, pythonOk } from '../../test/support/run-cli.js';
import { nihCxr14 } from './index.js';
import { chestmnist, FINDINGS, REAL_FINDING_COUNTS, REAL_IMAGES, REAL_PATIENTS } from './spec.js';

const COUNT = 120;
const SIZES = [28, 64, 128, 224];
const PUBLISHED = { train: 78468, val: 11219, test: 22433 };

const csv2020 = (d: string) => join(d, 'Data_Entry_2017_v2020.csv');
const firstImage = (d: string) => readFileSync(csv2020(d), 'utf8').split('\n')[1]!.split(',')[0]!;
const imagePath = (d: string, name: string) => join(d, 'images_001', 'images', name);
function editCsv(d: string, f: (lines: string[]) => string[]): void {
  const lines = readFileSync(csv2020(d), 'utf8').trimEnd().split('\n');
  writeFileSync(csv2020(d), f(lines).join('\n') + '\n');
}

/**
 * A count-faithful synthetic label/patient table, no pixels: 112,120 images of 30,805 patients whose
 * follow-up counts are heavy-tailed (most patients 1-2 images, a few over 100, capped at 184 as in the real
 * table), and findings drawn per image at the real per-finding frequencies times a per-patient factor
 * (sick patients stay sick), so labels correlate within patients as in the real data.
 */
let table: Sample[] | null = null;
export function syntheticTable(): Sample[] {
  if (table) return table;
  const r = rng(2017);
  const sizes = Array.from({ length: REAL_PATIENTS }, () => Math.min(184, 1 + Math.floor(0.9 * (Math.pow(1 - r(), -1 / 1.25) - 1))));
  let total = sizes.reduce((a, b) => a + b, 0);
  while (total !== REAL_IMAGES) {
    const j = Math.floor(r() * sizes.length);
    if (total < REAL_IMAGES && sizes[j]! < 184) (sizes[j]!++, total++);
    else if (total > REAL_IMAGES && sizes[j]! > 1) (sizes[j]!--, total--);
  }
  const base = REAL_FINDING_COUNTS.map((c) => c / REAL_IMAGES);
  const out: Sample[] = [];
  sizes.forEach((n, p) => {
    const pid = String(p + 1).padStart(8, '0');
    const factor = 0.3 + 1.4 * r();
    for (let f = 0; f < n; f++) {
      const id = `${pid}_${String(f).padStart(3, '0')}`;
      out.push({ id, item: id, groupId: pid, label: base.map((b) => (r() < b * factor ? 1 : 0)) });
    }
  });
  return (table = out);
}

const fx = describeConverter(nihCxr14, {
  fake: { count: COUNT, seed: 1 },
  sizes: SIZES,
  official: { chestmnist: { published: PUBLISHED, samples: syntheticTable } },
  badInputs: [
    {
      name: 'a truncated PNG',
      damage: (d) => truncateSync(imagePath(d, firstImage(d)), 300),
      message: (d) => [new RegExp(`cannot decode image .*${firstImage(d)}`), imagePath(d, firstImage(d))],
    },
    {
      name: 'a CSV row with an unknown finding',
      damage: (d) => editCsv(d, (l) => [l[0]!, l[1]!, l[2]!.replace(/^([^,]*),[^,]*,/, '$1,Pneumonitis|Effusion,'), ...l.slice(3)]),
      message: (d) => [`${csv2020(d)} row 3: unknown finding "Pneumonitis"`, /column 'Finding Labels'/],
      keepsExistingOutput: true,
    },
    {
      name: 'a missing list file',
      damage: (d) => rmSync(join(d, 'test_list.txt')),
      message: (d) => `${d}: test_list.txt not found`,
    },
    {
      name: 'an image listed but absent',
      damage: (d) => rmSync(imagePath(d, firstImage(d))),
      message: (d) => `${csv2020(d)} row 2: image ${firstImage(d)} is listed but was not found`,
    },
    {
      name: 'an image listed twice in the table',
      damage: (d) => editCsv(d, (l) => [...l, l[1]!]),
      message: (d) => `${csv2020(d)} row ${COUNT + 2}: image ${firstImage(d)} is listed twice (also on row 2)`,
    },
    {
      name: 'a list naming an image the table lacks',
      damage: (d) => appendFileSync(join(d, 'train_val_list.txt'), '99999999_000.png\n'),
      message: (d) => new RegExp(`${join(d, 'train_val_list.txt')} line \\d+: 99999999_000\\.png is not in ${csv2020(d)}`),
    },
  ],
});

function patientsDisjoint(rows: { split: string; group: string }[]): boolean {
  const at = new Map<string, string>();
  for (const r of rows) {
    if ((at.get(r.group) ?? r.split) !== r.split) return false;
    at.set(r.group, r.split);
  }
  return true;
}

describe('nih-cxr14: source-specific', () => {
  it('the fake has the twelve-archive layout, both tables, list files, gray and RGBA PNGs, some 1024x1024', () => {
    const raw = fx.fake;
    expect(readdirSync(raw).sort()).toEqual([
      'Data_Entry_2017.csv', 'Data_Entry_2017_v2020.csv',
      ...Array.from({ length: 12 }, (_, i) => `images_${String(i + 1).padStart(3, '0')}`),
      'test_list.txt', 'train_val_list.txt',
    ]);
    const modes = pythonOk(
      `import sys, glob, collections; from PIL import Image
c = collections.Counter((Image.open(p).mode, Image.open(p).size == (1024, 1024)) for p in glob.glob(sys.argv[1] + '/images_0*/images/*.png'))
print(sorted(c.items()))`,
      [raw],
    );
    expect(modes).toMatch(/\('L', False\), \d+\).*\('L', True\), \d+\).*\('RGBA', False\), \d+\)/);
    const names = readFileSync(csv2020(raw), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    const patients = new Map<string, number>();
    for (const n of names) patients.set(n.slice(0, 8), (patients.get(n.slice(0, 8)) ?? 0) + 1);
    expect(Math.max(...patients.values())).toBeGreaterThan(3);
    const lists = ['train_val_list.txt', 'test_list.txt'].map((f) => readFileSync(join(raw, f), 'utf8').trim().split('\n'));
    expect(lists[0]!.length + lists[1]!.length).toBe(COUNT);
  });

  it('accepts the layouts users have: merged images/, the Box CXR8/ folder, a flat folder, the 2017 table alone', async () => {
    const ref = await fx.scan();
    const summary = async (dir: string) =>
      (await nihCxr14.scan(dir)).samples['chestmnist']!.map((s) => [s.id, s.label.join(''), s.groupId, s.sourceSplit, s.meta?.['sex']].join(' '));
    const want = ref.samples['chestmnist']!.map((s) => [s.id, s.label.join(''), s.groupId, s.sourceSplit, s.meta?.['sex']].join(' '));
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const merged = await fx.variant('merged');
      mkdirSync(join(merged, 'images'));
      for (let a = 1; a <= 12; a++) {
        const d = join(merged, `images_${String(a).padStart(3, '0')}`);
        for (const f of readdirSync(join(d, 'images'))) renameSync(join(d, 'images', f), join(merged, 'images', f));
        rmSync(d, { recursive: true });
      }
      expect(await summary(merged)).toEqual(want);
      const box = fx.dir + '/box';
      mkdirSync(box);
      cpSync(merged, join(box, 'CXR8'), { recursive: true });
      expect(await summary(box)).toEqual(want);
      const flat = await fx.variant('flat');
      for (let a = 1; a <= 12; a++) {
        const d = join(flat, `images_${String(a).padStart(3, '0')}`);
        for (const f of readdirSync(join(d, 'images'))) renameSync(join(d, 'images', f), join(flat, f));
      }
      expect(await summary(flat)).toEqual(want);
      const old = await fx.variant('table-2017');
      rmSync(csv2020(old));
      const s2017 = (await nihCxr14.scan(old)).samples['chestmnist']!;
      expect(s2017.map((s) => [s.id, s.label.join(''), s.groupId, s.sourceSplit, s.meta?.['sex']].join(' '))).toEqual(want);
      expect(s2017[0]!.meta).toMatchObject({ pixel_spacing_x: expect.stringMatching(/^0\.1(43|39)$/), original_width: expect.stringMatching(/^\d{4}$/) });
      // An image the table does not list: a warning with the count, never included.
      const extra = await fx.variant('unlisted');
      cpSync(imagePath(extra, firstImage(extra)), join(extra, 'images_012', 'images', '99999999_000.png'));
      spy.mockClear();
      expect(await summary(extra)).toEqual(want);
      expect(spy.mock.calls.map((c) => String(c[0])).join('')).toMatch(/1 PNG image\(s\) below .* are not in .*Data_Entry_2017_v2020\.csv and are left out/);
    } finally {
      spy.mockRestore();
    }
  });

  it('labels: 14 columns in MedMNIST order from the |-joined findings; No Finding = all zeros; provenance columns', async () => {
    const rows = (await fx.converted()).rows['chestmnist']!;
    expect(chestmnist.labels).toHaveLength(14);
    expect(FINDINGS.map((f) => f.toLowerCase().replace('pleural_thickening', 'pleural'))).toEqual([...chestmnist.labels]);
    for (const r of rows) {
      const want = FINDINGS.map((f) => (String(r['fine_label']).split('|').includes(f) ? 1 : 0)).join('_');
      expect(r.label, r.image_id).toBe(want);
      expect(String(r.image_id)).toMatch(/^\d{8}_\d{3}$/);
      expect(r['group_id']).toBe(String(r.image_id).slice(0, 8));
      expect(r['follow_up']).toBe(String(Number(String(r.image_id).slice(9))));
      expect(['M', 'F']).toContain(r['sex']);
      expect(['PA', 'AP']).toContain(r['view_position']);
      expect(r['pixel_spacing_y']).toMatch(/^0\.1/);
    }
    expect(rows.some((r) => r['fine_label'] === 'No Finding')).toBe(true);
  });

  it('official on the fake: whole patients per split, sizes scaled from 78,468 / 11,219 / 22,433, deterministic', async () => {
    const { out, rows } = { ...(await fx.converted()), rows: (await fx.converted()).rows['chestmnist']! };
    expect(patientsDisjoint(rows.map((r) => ({ split: r.split, group: String(r['group_id']) })))).toBe(true);
    const counts = { train: 0, val: 0, test: 0 };
    for (const r of rows) counts[r.split as keyof typeof counts]++;
    // 120 * 78468 / 112120 = 83.98, * 11219 / 112120 = 12.01, * 22433 / 112120 = 24.01 (largest remainder).
    expect(counts).toEqual({ train: 84, val: 12, test: 24 });
    const meta = JSON.parse(readFileSync(join(out, 'chestmnist.json'), 'utf8')) as { split: { rule: string }; n_samples: unknown };
    expect(meta.split.rule).toMatch(/iterative stratification, Sechidis et al\. 2011/);
    expect(meta.n_samples).toEqual(counts);
    const scanned = (await fx.scan()).samples['chestmnist']!;
    const a = await splitSamples(scanned, chestmnist, { strategy: 'official', seed: 0 });
    const b = await splitSamples([...scanned].reverse(), chestmnist, { strategy: 'official', seed: 0 });
    for (const s of ['train', 'val', 'test'] as const) {
      expect(a[s].map((x) => x.id)).toEqual(rows.filter((r) => r.split === s).map((r) => r.image_id));
      expect(b[s].map((x) => x.id)).toEqual(a[s].map((x) => x.id));
    }
  });

  it('official on the count-faithful 112,120-image table: exact sizes, no patient in two splits, every prevalence within 1 point, in seconds', async () => {
    const samples = syntheticTable();
    expect(samples).toHaveLength(REAL_IMAGES);
    const patients = new Map<string, number>();
    for (const s of samples) patients.set(s.groupId!, (patients.get(s.groupId!) ?? 0) + 1);
    expect(patients.size).toBe(REAL_PATIENTS);
    const followUps = [...patients.values()].sort((a, b) => b - a);
    const t0 = performance.now();
    const split = await splitSamples(samples, chestmnist, { strategy: 'official', seed: 0 });
    const ms = performance.now() - t0;
    expect({ train: split.train.length, val: split.val.length, test: split.test.length }).toEqual(PUBLISHED);
    const rows = (['train', 'val', 'test'] as const).flatMap((s) => split[s].map((x) => ({ split: s, group: x.groupId! })));
    expect(patientsDisjoint(rows)).toBe(true);
    const all = FINDINGS.map((_, l) => samples.reduce((a, s) => a + s.label[l]!, 0) / samples.length);
    let worst = 0;
    for (const s of ['train', 'val', 'test'] as const) {
      FINDINGS.forEach((f, l) => {
        const p = split[s].reduce((a, x) => a + x.label[l]!, 0) / split[s].length;
        worst = Math.max(worst, Math.abs(p - all[l]!));
        expect(Math.abs(p - all[l]!), `${s} ${f}: ${p} vs ${all[l]}`).toBeLessThanOrEqual(0.01);
      });
    }
    const single = followUps.filter((n) => n === 1).length;
    process.stdout.write(
      `chestmnist official split of ${samples.length} images / ${patients.size} patients (${single} with one image, largest ${followUps[0]}): ` +
        `${split.train.length} / ${split.val.length} / ${split.test.length} in ${(ms / 1000).toFixed(2)} s; largest prevalence difference ${(worst * 100).toFixed(3)} points\n`,
    );
  }, 60_000);

  it('--split source: test_list.txt is the test split, train_val_list.txt split 7:1 by patient; convert prints the counts', async () => {
    const out = join(fx.dir, 'out-source');
    const r = cli(['convert', '--source', 'nih-cxr14', '--input', fx.fake, '--out', out, '--split', 'source']);
    expect(r.code, r.stderr).toBe(0);
    const rows = await readSamplesCsv(join(out, 'chestmnist.samples.csv'));
    const list = (f: string) => readFileSync(join(fx.fake, f), 'utf8').trim().split('\n').map((x) => x.slice(0, -4)).sort();
    expect(rows.filter((x) => x.split === 'test').map((x) => x.image_id).sort()).toEqual(list('test_list.txt'));
    const n = list('train_val_list.txt').length;
    const [train, val, test] = [Math.trunc(n * 0.875), n - Math.trunc(n * 0.875), COUNT - n];
    // The summary table: dataset, size, format, train, val, test, files, bytes.
    expect(r.stderr).toMatch(new RegExp(`^chestmnist +28 +npz +${train} +${val} +${test} +1 `, 'm'));
    expect(rows.filter((x) => x.split === 'train')).toHaveLength(Math.trunc(n * 0.875));
    expect(rows.filter((x) => x.split === 'val')).toHaveLength(n - Math.trunc(n * 0.875));
    expect(patientsDisjoint(rows.filter((x) => x.split !== 'test').map((x) => ({ split: x.split, group: String(x['group_id']) })))).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'chestmnist.json'), 'utf8')) as { split: { strategy: string; rule: string } };
    expect(meta.split).toMatchObject({ strategy: 'source', rule: expect.stringMatching(/^source test list = test; the rest: train = trunc\(n\*0\.875\)/) });
  });

  it('the NPZ loads as the official medmnist ChestMNIST does: images (N,S,S) uint8, labels (N,14) uint8, every size', async () => {
    const { out } = await fx.converted();
    const res = JSON.parse(
      pythonOk(
        `import sys, json
import numpy as np
from PIL import Image
out = {}
for size in (28, 64, 128, 224):
    npz = np.load(sys.argv[1] + '/chestmnist%s.npz' % ('' if size == 28 else '_%d' % size))
    assert sorted(npz.files) == sorted(['train_images', 'train_labels', 'val_images', 'val_labels', 'test_images', 'test_labels'])
    for split in ('train', 'val', 'test'):
        # medmnist.dataset.MedMNIST2D: imgs = npz[f"{split}_images"], labels = npz[f"{split}_labels"];
        # __getitem__: Image.fromarray(img) and target = label.astype(int).
        imgs, labels = npz[split + '_images'], npz[split + '_labels']
        assert imgs.dtype == np.uint8 and labels.dtype == np.uint8
        assert imgs.shape[1:] == (size, size) and labels.shape == (imgs.shape[0], 14), (imgs.shape, labels.shape)
        assert Image.fromarray(imgs[0]).mode == 'L' and labels[0].astype(int).shape == (14,)
        assert set(np.unique(labels)) <= {0, 1}
        out['%d %s' % (size, split)] = [list(imgs.shape), list(labels.shape)]
print(json.dumps(out))`,
        [out],
      ),
    ) as Record<string, number[][]>;
    expect(res['28 train']).toEqual([[84, 28, 28], [84, 14]]);
    expect(res['224 test']).toEqual([[24, 224, 224], [24, 14]]);
  });

  it('evaluate on ChestMNIST: multi-label AUC and ACC equal the official Evaluator (numpy + scikit-learn)', async () => {
    const { out } = await fx.converted();
    const work = join(fx.dir, 'eval');
    mkdirSync(work);
    const r = cli(['evaluate', '--flag', 'chestmnist', '--root', out, '--fit-reference', join(work, 'ref.onnx'), '--device', 'cpu', '--save-dir', work, '--run', 'ci', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { task: string; images: number; activation: string; metrics: { auc: number; acc: number }; resultFile: string };
    expect(j).toMatchObject({ task: 'multi-label, binary-class', images: 24, activation: 'sigmoid' });
    // getAUC / getACC of medmnist/evaluator.py for the multi-label task, on the labels of the NPZ.
    const official = JSON.parse(
      pythonOk(
        `import sys, json
import numpy as np
from sklearn.metrics import roc_auc_score, accuracy_score
y_true = np.load(sys.argv[1] + '/chestmnist.npz')['test_labels']
t = np.loadtxt(sys.argv[2], delimiter=',', ndmin=2); t = t[np.argsort(t[:, 0], kind='stable')]
y_score = t[:, 1:]
auc = sum(roc_auc_score(y_true[:, i], y_score[:, i]) for i in range(y_score.shape[1])) / y_score.shape[1]
acc = sum(accuracy_score(y_true[:, l], y_score[:, l] > 0.5) for l in range(y_true.shape[1])) / y_true.shape[1]
print(json.dumps({'auc': auc, 'acc': acc, 'cols': int(y_score.shape[1])}))`,
        [out, j.resultFile],
      ),
    ) as { auc: number; acc: number; cols: number };
    expect(official.cols).toBe(14);
    expect(Math.abs(official.auc - j.metrics.auc)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(official.acc - j.metrics.acc)).toBeLessThanOrEqual(1e-12);
    process.stdout.write(`chestmnist evaluate (fake, test 24): AUC ${j.metrics.auc} ACC ${j.metrics.acc}; official Evaluator AUC ${official.auc} ACC ${official.acc}\n`);
  });
});
