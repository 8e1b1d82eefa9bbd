// A fake NIH ChestX-ray14 download in the real layout: the twelve archives extracted side by side
// (images_001/images/ ... images_012/images/), Data_Entry_2017.csv (Patient Gender, trailing comma on
// every line) and Data_Entry_2017_v2020.csv (Patient Sex, trailing comma on data rows only, spacing with
// float noise), train_val_list.txt and test_list.txt split by patient. Small gray PNGs, one in nine RGBA
// (alpha varies and must be ignored), one in fifty 1024x1024; patients with skewed follow-up counts.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { rng, synthImage } from '../_kit/synth.js';
import { FINDINGS, NO_FINDING, REAL_FINDING_COUNTS } from './spec.js';

/** Images per patient, skewed like the real table (most patients once, a few many times). */
const FOLLOW_UPS = [1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 6, 9];
const HEADER = ['Image Index', 'Finding Labels', 'Follow-up #', 'Patient ID', 'Patient Age', 'SEX', 'View Position', 'OriginalImage[Width', 'Height]', 'OriginalImagePixelSpacing[x', 'y]'];

function pickWeighted(r: () => number, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

export async function writeNihCxr14Fake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x0c14);
  for (let a = 1; a <= 12; a++) await mkdir(join(dir, `images_${String(a).padStart(3, '0')}`, 'images'), { recursive: true });
  const rows2017: string[] = [HEADER.join(',').replace('SEX', 'Patient Gender') + ',\n'];
  const rows2020: string[] = [HEADER.join(',').replace('SEX', 'Patient Sex') + '\n'];
  const trainVal: string[] = [];
  const test: string[] = [];
  const jobs: Promise<unknown>[] = [];
  let patient = 0;
  let positives = 0;
  let i = 0;
  while (i < o.count) {
    patient++;
    const n = Math.min(o.count - i, FOLLOW_UPS[Math.floor(r() * FOLLOW_UPS.length)]!);
    const toTest = r() < 0.23;
    const sex = r() < 0.56 ? 'M' : 'F';
    const age0 = 10 + Math.floor(r() * 75);
    for (let f = 0; f < n; f++, i++) {
      const name = `${String(patient).padStart(8, '0')}_${String(f).padStart(3, '0')}.png`;
      // About 40 % negative; a positive image's first finding cycles through all 14 (so even a small
      // fake has every finding several times), up to two more follow the real label frequencies.
      let findings: string;
      if (i >= FINDINGS.length && r() < 0.4) findings = NO_FINDING;
      else {
        const k = new Set<number>([positives++ % FINDINGS.length]);
        const m = 1 + Math.floor(r() * r() * 3);
        while (k.size < m) k.add(pickWeighted(r, REAL_FINDING_COUNTS));
        findings = [...k].sort((a, b) => a - b).map((x) => FINDINGS[x]!).join('|');
      }
      const big = i % 50 === 3;
      const w = big ? 1024 : 48 + Math.floor(r() * 160);
      const h = big ? 1024 : r() < 0.7 ? w : 48 + Math.floor(r() * 160);
      const rgba = i % 9 === 5;
      const view = r() < 0.6 ? 'PA' : 'AP';
      const ow = 2000 + Math.floor(r() * 1000);
      const oh = 2000 + Math.floor(r() * 1000);
      const sp = r() < 0.5 ? '0.143' : '0.139';
      const cells = [name, findings, String(f), String(patient), String(age0 + Math.floor(f / 3)), sex, view, String(ow), String(oh)];
      rows2017.push([...cells, sp, sp].join(',') + ',\n');
      const noisy = sp === '0.143' ? '0.14300000000000002' : '0.139';
      rows2020.push([...cells, noisy, noisy].join(',') + ',\n');
      (toTest ? test : trainVal).push(name);

      const gray = synthImage({
        width: w,
        height: h,
        channels: 1,
        background: [40 + Math.floor(r() * 60), 0, 0],
        blob: [150 + Math.floor(r() * 100), 0, 0],
        noise: 14,
        seed: (o.seed * 100003 + i) >>> 0,
      });
      let raw: Uint8Array = gray;
      if (rgba) {
        // Near-gray RGB with channel offsets (Pillow's luma weights matter) and a varying alpha.
        raw = new Uint8Array(w * h * 4);
        for (let p = 0; p < w * h; p++) {
          const v = gray[p]!;
          raw[4 * p] = Math.min(255, v + 9);
          raw[4 * p + 1] = v;
          raw[4 * p + 2] = Math.max(0, v - 13);
          raw[4 * p + 3] = 255 - (p % 97);
        }
      }
      const archive = 1 + Math.floor((i * 12) / o.count);
      const file = join(dir, `images_${String(archive).padStart(3, '0')}`, 'images', name);
      jobs.push(
        (rgba
          ? sharp(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { raw: { width: w, height: h, channels: 4 } })
          : sharp(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w')
        )
          .png({ compressionLevel: 6 })
          .toFile(file),
      );
      if (jobs.length >= 8) await Promise.all(jobs.splice(0));
    }
  }
  await Promise.all(jobs);
  await writeFile(join(dir, 'Data_Entry_2017.csv'), rows2017.join(''));
  await writeFile(join(dir, 'Data_Entry_2017_v2020.csv'), rows2020.join(''));
  await writeFile(join(dir, 'train_val_list.txt'), trainVal.map((x) => x + '\n').join(''));
  await writeFile(join(dir, 'test_list.txt'), test.map((x) => x + '\n').join(''));
}
