// A small synthetic LiTS download in exactly the layout scan() reads: int16 HU volumes (air -1000 around
// an elliptic body of soft tissue, organ-like ellipsoids inside their boxes) as NIfTI-1, some .nii.gz,
// one test volume with swapped axes (test-volume-59) and one training volume without spacing (pixdim
// 1); box files in Xu et al.'s line format with CRLF. Blank samples on purpose: one box lies wholly in
// the air (every sample of it is blank) and a gas pocket fills one axial and one coronal plane of
// another box (those 2D samples are blank).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { writeNiftiInt16 } from '../../src/image/nifti.js';
import { rng } from '../_kit/synth.js';
import { ORGANS_BY_ID, selectSlices } from './spec.js';

interface FakeVolume {
  set: 'train' | 'test';
  number: number;
  dir: string;
  gz: boolean;
  swapped: boolean;
  noSpacing: boolean;
}

export function fakeVolumes(count: number): FakeVolume[] {
  const nTrain = Math.max(3, Math.floor(count / 15));
  const out: FakeVolume[] = [];
  for (let i = 0; i < nTrain; i++) {
    out.push({ set: 'train', number: i, dir: i < 2 ? 'Training Batch 1' : 'Training Batch 2', gz: i === 1, swapped: false, noSpacing: i === 2 });
  }
  out.push({ set: 'test', number: 0, dir: 'LITS-Challenge-Test-Data', gz: true, swapped: false, noSpacing: false });
  out.push({ set: 'test', number: 59, dir: 'LITS-Challenge-Test-Data', gz: false, swapped: true, noSpacing: false });
  return out;
}

export async function writeLitsFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const rnd = rng(o.seed * 7919 + 15);
  const vols = fakeVolumes(o.count);
  await mkdir(join(dir, 'annotations_of_training_set'), { recursive: true });
  await mkdir(join(dir, 'annotations_of_testing_set'), { recursive: true });
  for (const [vi, v] of vols.entries()) {
    const X = 40 + 4 * (vi % 3);
    const Y = 36 + 4 * (vi % 2);
    const Z = 20 + 3 * (vi % 4);
    const hu = new Int16Array(X * Y * Z);
    const at = (z: number, y: number, x: number) => (z * Y + y) * X + x;
    for (let z = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++) {
        for (let x = 0; x < X; x++) {
          const q = ((x - X / 2) / (0.45 * X)) ** 2 + ((y - Y / 2) / (0.45 * Y)) ** 2;
          hu[at(z, y, x)] = q < 1 ? Math.round(-60 + rnd() * 120) : -1000;
        }
      }
    }
    const lines: string[] = [];
    const box = (id: number, x0: number, x1: number, y0: number, y1: number, z0: number, z1: number) => {
      lines.push(`${ORGANS_BY_ID[id - 1]} ${id} ${x0} ${x1} ${y0} ${y1} ${z0} ${z1}`);
    };
    const used: number[] = [];
    for (let k = 0; k < 4; k++) {
      const id = ((vi * 4 + k) % ORGANS_BY_ID.length) + 1;
      used.push(id);
      const x0 = 5 + 8 * k, x1 = x0 + 9 + (vi % 3);
      const y0 = 8 + 3 * k, y1 = y0 + 12 + (vi % 4);
      const z0 = 2 + k, z1 = Z - 3 - ((vi + k) % 3);
      for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
        const q = ((2 * (z - z0)) / (z1 - z0) - 1) ** 2 + ((2 * (y - y0)) / (y1 - y0) - 1) ** 2 + ((2 * (x - x0)) / (x1 - x0) - 1) ** 2;
        if (q < 1.2) hu[at(z, y, x)] = Math.round(30 + 12 * id + rnd() * 90);
      }
      if (vi === 0 && k === 1) {
        // Gas: the first axial and the first coronal plane the slice rule picks are all air.
        const za = selectSlices(z0, z1, 'axial')[0]!;
        const yc = selectSlices(y0, y1, 'coronal')[0]!;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) hu[at(za, y, x)] = -1000;
        for (let z = z0; z < z1; z++) for (let x = x0; x < x1; x++) hu[at(z, yc, x)] = -1000;
      }
      box(id, x0, x1, y0, y1, z0, z1);
    }
    if (vi === 1) {
      // A box wholly in the air at the corner of the field of view: blank in every dataset.
      const id = [...Array(ORGANS_BY_ID.length).keys()].map((i) => i + 1).find((i) => !used.includes(i))!;
      box(id, 0, 4, 0, 4, 1, Z - 1);
    }
    const name = `${v.set === 'test' ? 'test-' : ''}volume-${v.number}.nii${v.gz ? '.gz' : ''}`;
    let bytes: Uint8Array;
    if (v.swapped) {
      // Stored with nibabel axes (x, z, y): C order [Y, Z, X].
      const t = new Int16Array(hu.length);
      for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) t.set(hu.subarray(at(z, y, 0), at(z, y, 0) + X), (y * Z + z) * X);
      bytes = writeNiftiInt16(t, [X, Z, Y], { spacing: [0.7, 2.5, 0.7] });
    } else {
      bytes = writeNiftiInt16(hu, [X, Y, Z], { spacing: v.noSpacing ? [1, 1, 1] : [0.8, 0.8, 2.5] });
    }
    await mkdir(join(dir, v.dir), { recursive: true });
    await writeFile(join(dir, v.dir, name), v.gz ? gzipSync(bytes, { level: 6 }) : bytes);
    const boxName = v.set === 'test' ? `annotations_of_testing_set/test-segmentation-${v.number}.txt` : `annotations_of_training_set/segmentation-${v.number}.txt`;
    await writeFile(join(dir, boxName), lines.map((l) => l + '\r\n').join(''));
  }
}
