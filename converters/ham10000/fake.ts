// A fake HAM10000 download in the real layout: HAM10000_metadata.csv (8 columns, current Dataverse
// release) and 600x450 RGB JPEGs split over HAM10000_images_part_1/ and _part_2/, with the real class
// mix and lesions that own several images.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { csvRow } from '../../src/core/csv.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { DX_CODES, REAL_CLASS_COUNTS } from './spec.js';

const DX_TYPES = ['histo', 'follow_up', 'consensus', 'confocal'];
const SITES = ['back', 'lower extremity', 'trunk', 'upper extremity', 'abdomen', 'face', 'chest', 'scalp'];
const COLOURS: [number, number, number][] = [
  [150, 80, 70], [170, 90, 100], [120, 90, 60], [140, 100, 80], [60, 40, 35], [110, 70, 50], [170, 40, 60],
];
// Images per lesion, with HAM10000's proportions (5,514 x1, 1,423 x2, 490 x3, 34 x4 ...).
const LESION_SIZES = [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3];

export async function writeHam10000Fake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x4a4d);
  const perClass = apportion(o.count, REAL_CLASS_COUNTS, 1);
  const part1 = join(dir, 'HAM10000_images_part_1');
  const part2 = join(dir, 'HAM10000_images_part_2');
  await mkdir(part1, { recursive: true });
  await mkdir(part2, { recursive: true });
  const lines = [csvRow(['lesion_id', 'image_id', 'dx', 'dx_type', 'age', 'sex', 'localization', 'dataset'])];
  let imageNo = 24306;
  let lesionNo = 0;
  let written = 0;
  const jobs: Promise<unknown>[] = [];
  for (let c = 0; c < DX_CODES.length; c++) {
    let left = perClass[c]!;
    while (left > 0) {
      const n = Math.min(left, LESION_SIZES[Math.floor(r() * LESION_SIZES.length)]!);
      left -= n;
      const lesion = `HAM_${String(lesionNo++).padStart(7, '0')}`;
      const age = String(5 * Math.floor(r() * 17) + 5) + '.0';
      const sex = r() < 0.5 ? 'male' : 'female';
      const site = SITES[Math.floor(r() * SITES.length)]!;
      const dxType = DX_TYPES[Math.floor(r() * DX_TYPES.length)]!;
      for (let k = 0; k < n; k++) {
        const id = `ISIC_${String(imageNo++).padStart(7, '0')}`;
        lines.push(csvRow([lesion, id, DX_CODES[c]!, dxType, age, sex, site, 'vidir_modern']));
        const pixels = synthImage({
          width: 600,
          height: 450,
          channels: 3,
          background: [200 + Math.floor(r() * 30), 150 + Math.floor(r() * 30), 130 + Math.floor(r() * 30)],
          blob: COLOURS[c]!,
          noise: 12,
          seed: (o.seed * 100003 + imageNo) >>> 0,
        });
        const folder = written++ % 2 === 0 ? part1 : part2;
        jobs.push(
          sharp(Buffer.from(pixels.buffer), { raw: { width: 600, height: 450, channels: 3 } })
            .jpeg({ quality: 90 })
            .toFile(join(folder, `${id}.jpg`)),
        );
        if (jobs.length >= 8) await Promise.all(jobs.splice(0));
      }
    }
  }
  await Promise.all(jobs);
  await writeFile(join(dir, 'HAM10000_metadata.csv'), lines.join(''));
}
