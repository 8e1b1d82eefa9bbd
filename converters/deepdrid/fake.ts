// A fake DeepDRiD repository snapshot in the real layout (sources.md §6):
//   DeepDRiD-master/regular_fundus_images/regular-fundus-{training,validation}/
//     Images/<patient_id>/<patient_id>_<l|r><n>.jpg  and  regular-fundus-<part>.csv
// with the real CSV header, Windows-backslash image_path values that omit Images/, one eye column filled
// per row, patient_DR_Level = the worse eye, and non-contiguous patient ids (every 4th patient is in the
// validation part). Quirks of the real CSV: one irregular patient (as patient 56: images l1, r3, l3, r2,
// with the eye columns of r3 and l3 swapped, so their own eye's column is empty) and one row whose
// image_path names a folder that does not exist (resolved by image_id). Also present and ignored: an
// Online-Challenge1&2-Evaluation folder and an ultra-widefield part with a grade 5.
// Pixels: the first image is 1824x1736 RGB (the real geometry), one is portrait, the rest small, so a
// count-faithful fake (1,600 images of 400 patients) writes quickly.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { csvRow } from '../../src/core/csv.js';
import { rng, synthImage } from '../_kit/synth.js';
import { CSV_HEADER } from './spec.js';

export const FAKE_ROOT = 'DeepDRiD-master';
const GRADE_WEIGHTS = [0.44, 0.12, 0.2, 0.16, 0.08];
const QUALITY = ['1', '4', '6', '8', '10'];
const ARTIFACT = ['0', '1', '4', '6', '8', '10'];

async function jpeg(file: string, w: number, h: number, seed: number): Promise<void> {
  const pixels = synthImage({ width: w, height: h, channels: 3, background: [20, 8, 4], blob: [190, 90, 40], noise: 10, seed });
  await sharp(Buffer.from(pixels.buffer), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

export async function writeDeepdridFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0xd33d);
  const pick = (w: readonly number[]) => {
    let x = r();
    for (let i = 0; i < w.length; i++) if ((x -= w[i]!) < 0) return i;
    return w.length - 1;
  };
  // At least 10 patients (8 in the training folder), so that its 9:1 patient split has a val patient.
  const nPatients = Math.max(10, Math.ceil(o.count / 4));
  const regular = join(dir, FAKE_ROOT, 'regular_fundus_images');
  const lines: Record<string, string[]> = { training: [csvRow([...CSV_HEADER])], validation: [csvRow([...CSV_HEADER])] };
  let pid = 0;
  let n = 0;
  let irregularDone = false;
  const jobs: Promise<unknown>[] = [];
  for (let k = 0; k < nPatients; k++) {
    pid += 1 + (r() < 0.25 ? 1 : 0);
    const part = k % 4 === 3 ? 'validation' : 'training';
    const folder = `regular-fundus-${part}`;
    const grade = k < 5 ? k : pick(GRADE_WEIGHTS);
    const other = Math.floor(r() * (grade + 1));
    const [left, right] = r() < 0.5 ? [grade, other] : [other, grade];
    const irregular = part === 'training' && !irregularDone && k >= 1;
    if (irregular) irregularDone = true;
    const names = irregular ? ['l1', 'r3', 'l3', 'r2'] : ['l1', 'l2', 'r1', 'r2'];
    await mkdir(join(regular, folder, 'Images', String(pid)), { recursive: true });
    names.forEach((eyeNo, j) => {
      const id = `${pid}_${eyeNo}`;
      // The irregular patient's r3 and l3 rows carry the other eye's column (as patient 56's do).
      const eye = irregular && (j === 1 || j === 2) ? (eyeNo[0] === 'l' ? 'r' : 'l') : eyeNo[0]!;
      const cols = eye === 'l' ? [String(left), ''] : ['', String(right)];
      const csvPath = irregular && j === 2 ? `\\${folder}\\${pid}-${eyeNo}\\${id}.jpg` : `\\${folder}\\${pid}\\${id}.jpg`;
      const q = [r() < 0.5 ? '0' : '1', QUALITY[Math.floor(r() * 5)]!, QUALITY[1 + Math.floor(r() * 4)]!, ARTIFACT[Math.floor(r() * 6)]!];
      lines[part]!.push(csvRow([String(pid), id, csvPath, q[0]!, cols[0]!, cols[1]!, String(Math.max(left, right)), q[1]!, q[2]!, q[3]!]));
      const [w, h] = n === 0 ? [1824, 1736] : n === 5 ? [145, 152] : [152, 145];
      jobs.push(jpeg(join(regular, folder, 'Images', String(pid), `${id}.jpg`), w, h, (o.seed * 48271 + n++) >>> 0));
    });
    if (jobs.length >= 16) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  for (const part of ['training', 'validation']) {
    await writeFile(join(regular, `regular-fundus-${part}`, `regular-fundus-${part}.csv`), lines[part]!.join(''));
  }
  // Not RetinaMNIST: present in the snapshot, never read.
  const online = join(regular, 'Online-Challenge1&2-Evaluation', 'Images', String(pid + 1));
  await mkdir(online, { recursive: true });
  await jpeg(join(online, `${pid + 1}_l1.jpg`), 64, 61, o.seed + 1);
  const uwf = join(dir, FAKE_ROOT, 'ultra-widefield_images', 'ultra-widefield-training');
  await mkdir(join(uwf, 'Images', '1'), { recursive: true });
  await jpeg(join(uwf, 'Images', '1', '1_l1.jpg'), 64, 61, o.seed + 2);
  await writeFile(join(uwf, 'ultra-widefield-training.csv'), csvRow(['patient_id', 'image_id', 'image_path', 'DR_level']) + csvRow(['1', '1_l1', '\\ultra-widefield-training\\1\\1_l1.jpg', '5']));
  await writeFile(join(dir, FAKE_ROOT, 'README.md'), '# DeepDRiD (fake snapshot written by medmnist-build)\n');
}
