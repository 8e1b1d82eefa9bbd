// `npm run bench -- lits`: (1) one synthetic 512x512x1000 int16 LiTS volume with 11 organ boxes of
// plausible sizes, converted into all four datasets (sizes 28 and 64, NPZ) by the real CLI in a child
// process: peak RSS (/usr/bin/time), time per volume, loads per volume; (2) the documented default slice
// rule (converters/lits/spec.ts) against MedMNIST's official Organ{A,C,S} counts on a synthetic box
// table with the real per-organ box counts (sources.md §8.2) and plausible box sizes.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetInfo } from '../src/catalog/index.js';
import { writeNiftiInt16 } from '../src/image/nifti.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { rng } from '../converters/_kit/synth.js';
import { ORGANS_BY_ID, selectSlices, VIEWS } from '../converters/lits/spec.js';
import type { Bench } from './run.js';

/** Organ extents in mm (x, y, z), typical adult sizes. */
const ORGAN_MM: Record<string, [number, number, number]> = {
  liver: [170, 150, 160], 'kidney-right': [60, 60, 110], 'kidney-left': [60, 60, 110], 'femur-right': [50, 50, 100], 'femur-left': [50, 50, 100],
  bladder: [70, 60, 60], heart: [130, 100, 110], 'lung-right': [120, 160, 120], 'lung-left': [120, 160, 120], spleen: [100, 70, 110], pancreas: [150, 60, 60],
};
/** Xu et al.'s box counts per organ id 1..11 (sources.md §8.2): training, test. */
const BOXES_TRAIN = [131, 131, 129, 105, 109, 109, 53, 52, 52, 131, 131];
const BOXES_TEST = [70, 69, 70, 66, 66, 67, 28, 21, 21, 70, 70];
/** v2.2.4 blank removals (sources.md §8.3), added back to compare with what the rule picks before dropping. */
const BLANKS: Record<string, number> = { organamnist: 20, organcmnist: 77, organsmnist: 10 };

function sliceRuleTable(): void {
  const r = rng(2024);
  const thickness = [0.7, 0.8, 1.0, 1.0, 1.5, 2.0, 2.5, 5.0];
  const boxes: [number, number, number][] = [];
  for (const counts of [BOXES_TRAIN, BOXES_TEST]) {
    counts.forEach((n, i) => {
      const [x, y, z] = ORGAN_MM[ORGANS_BY_ID[i]!]!;
      for (let k = 0; k < n; k++) {
        const sxy = 0.55 + r() * 0.43; // in-plane spacing, mm
        const t = thickness[Math.floor(r() * thickness.length)]!;
        const f = 0.8 + r() * 0.4; // organ size variation
        boxes.push([Math.round((x * f) / sxy), Math.round((y * f) / sxy), Math.round((z * f) / t)]);
      }
    });
  }
  process.stdout.write(`\nslice rule vs official counts, synthetic box table (${boxes.length} boxes: real per-organ counts, plausible sizes):\n`);
  process.stdout.write('dataset      view      rule picks  official (v2.2.4 + blanks)  ratio\n');
  for (const view of VIEWS) {
    const flag = { axial: 'organamnist', coronal: 'organcmnist', sagittal: 'organsmnist' }[view];
    const axis = { axial: 2, coronal: 1, sagittal: 0 }[view]; // index into [x, y, z]
    const picks = boxes.reduce((n, b) => n + selectSlices(0, b[axis]!, view).length, 0);
    const c = datasetInfo(flag).officialCounts;
    const official = c.train + c.val + c.test + BLANKS[flag]!;
    process.stdout.write(`${flag.padEnd(12)} ${view.padEnd(9)} ${String(picks).padStart(10)}  ${String(official).padStart(26)}  ${(picks / official).toFixed(2)}\n`);
  }
}

async function bigVolume(work: string): Promise<void> {
  const input = join(work, 'raw');
  await rm(work, { recursive: true, force: true });
  await mkdir(join(input, 'Training Batch 1'), { recursive: true });
  const [X, Y, Z] = [512, 512, 1000];
  const hu = new Int16Array(X * Y * Z);
  const r = rng(7);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const row = (z * Y + y) * X;
      for (let x = 0; x < X; x++) {
        const q = ((x - 256) / 230) ** 2 + ((y - 256) / 200) ** 2;
        hu[row + x] = q < 1 ? 40 + ((x * 7 + y * 13 + z * 3) & 63) - ((r() * 16) | 0) : -1000;
      }
    }
  }
  await writeFile(join(input, 'Training Batch 1', 'volume-0.nii'), writeNiftiInt16(hu, [X, Y, Z], { spacing: [0.75, 0.75, 1] }));
  const lines: string[] = [];
  ORGANS_BY_ID.forEach((name, i) => {
    const [mx, my, mz] = ORGAN_MM[name]!;
    const [w, h, d] = [Math.round(mx / 0.75), Math.round(my / 0.75), Math.round(mz / 1)];
    const x0 = 40 + ((i * 37) % (X - w - 80)), y0 = 40 + ((i * 53) % (Y - h - 80)), z0 = 50 + ((i * 71) % (Z - d - 100));
    lines.push(`${name} ${i + 1} ${x0} ${x0 + w} ${y0} ${y0 + h} ${z0} ${z0 + d}`);
  });
  await writeFile(join(input, 'segmentation-0.txt'), lines.map((l) => l + '\r\n').join(''));
  const out = join(work, 'out');
  const t0 = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, join(PACKAGE_ROOT, 'bin', 'medmnist-build.js'), 'convert', '--source', 'lits', '--input', input, '--out', out, '--size', '28,64', '--workers', '2', '--no-fingerprint', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`convert failed: ${res.stderr}`);
  const rss = Number(/maxrss_kb=(\d+)/.exec(res.stderr)?.[1] ?? NaN) * 1024;
  const summary = JSON.parse(res.stdout) as { images: number; bytesRead: number; datasets: { flag: string; counts: Record<string, number> }[] };
  process.stdout.write(`synthetic 512x512x1000 int16 volume (${(hu.byteLength / 2 ** 20).toFixed(0)} MiB), 11 boxes -> 4 datasets at 28 and 64 (NPZ), workers 2:\n`);
  process.stdout.write(`  samples ${summary.images} (${summary.datasets.map((d) => `${d.flag} ${d.counts['train']! + d.counts['val']! + d.counts['test']!}`).join(', ')})\n`);
  process.stdout.write(`  raw bytes read ${summary.bytesRead} (file ${hu.byteLength + 352}: read once)\n`);
  process.stdout.write(`  peak RSS ${(rss / 2 ** 30).toFixed(2)} GiB (goal <= 1.5 GB); time per volume ${seconds.toFixed(1)} s (whole CLI run)\n`);
  await rm(work, { recursive: true, force: true });
}

export const litsBench: Bench = {
  name: 'lits',
  describe: 'LiTS: peak RSS and time on a 512x512x1000 int16 volume; default slice rule vs official counts',
  async run(work) {
    sliceRuleTable();
    await bigVolume(work);
  },
};
