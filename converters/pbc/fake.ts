// A fake PBC download in the real layout: PBC_dataset_normal_DIB/<class>/<PREFIX>_<n>.jpg, 360x363
// RGB JPEGs (one 366x369, as a few real ones are slightly off), the commonly quoted class mix and a
// .DS_Store. The file-name prefixes imitate common copies; scan() does not depend on them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { DATASET_FOLDER, PBC_CLASSES, PBC_COUNTS } from './spec.js';

const PREFIX = ['BA', 'EO', 'ERB', 'MY', 'LY', 'MO', 'SNE', 'PLATELET'];
const STAIN: [number, number, number][] = [
  [90, 40, 120], [200, 110, 90], [120, 50, 110], [140, 80, 150], [100, 60, 140], [150, 110, 170], [160, 100, 160], [170, 130, 180],
];

export async function writePbcFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x7062);
  const perClass = apportion(o.count, PBC_COUNTS, 2);
  const root = join(dir, DATASET_FOLDER);
  let n = 0;
  const jobs: Promise<unknown>[] = [];
  for (let c = 0; c < PBC_CLASSES.length; c++) {
    const folder = join(root, PBC_CLASSES[c]!);
    await mkdir(folder, { recursive: true });
    for (let k = 0; k < perClass[c]!; k++) {
      const [w, h] = n === 5 ? [366, 369] : [360, 363];
      const bg: [number, number, number] = [225 + Math.floor(r() * 20), 200 + Math.floor(r() * 20), 170 + Math.floor(r() * 20)];
      const pixels = synthImage({ width: w, height: h, channels: 3, background: bg, blob: STAIN[c]!, noise: 14, seed: (o.seed * 32452843 + n++) >>> 0 });
      const name = `${PREFIX[c]}_${100000 + 7 * n + Math.floor(r() * 7)}.jpg`;
      jobs.push(sharp(Buffer.from(pixels.buffer), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toFile(join(folder, name)));
      if (jobs.length >= 8) await Promise.all(jobs.splice(0));
    }
  }
  await Promise.all(jobs);
  await writeFile(join(root, '.DS_Store'), 'Bud1');
}
