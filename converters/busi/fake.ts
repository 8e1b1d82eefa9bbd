// A fake BUSI download in the real layout: Dataset_BUSI_with_GT/{benign,malignant,normal}/ with
// "<class> (<n>).png" images stored as RGB PNG (as the real ones are) of varied sizes, a binary mask
// "<class> (<n>)_mask.png" beside every image, a second mask "_mask_1.png" for a multifocal benign case,
// the real class mix and a .DS_Store.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { BUSI_CLASSES, BUSI_COUNTS, DATASET_FOLDER } from './spec.js';

const SIZES: [number, number][] = [[240, 200], [198, 230], [260, 219], [211, 187]];

export async function writeBusiFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x6275);
  const perClass = apportion(o.count, BUSI_CLASSES.map((c) => BUSI_COUNTS[c]), 2);
  const root = join(dir, DATASET_FOLDER);
  let n = 0;
  const jobs: Promise<unknown>[] = [];
  for (let c = 0; c < BUSI_CLASSES.length; c++) {
    const cls = BUSI_CLASSES[c]!;
    const folder = join(root, cls);
    await mkdir(folder, { recursive: true });
    for (let k = 1; k <= perClass[c]!; k++) {
      const [w, h] = SIZES[n % SIZES.length]!;
      const g = 30 + Math.floor(r() * 50);
      const pixels = synthImage({ width: w, height: h, channels: 3, background: [g, g, g], blob: [15, 15, 15], noise: 30, seed: (o.seed * 49979687 + n++) >>> 0 });
      // Ultrasound is gray, yet stored as RGB: equal channels, as in most real files; every third image
      // keeps colour, as the ones with coloured annotations do, so the RGB -> L rounding is exercised.
      if (n % 3 !== 1) for (let i = 0; i < pixels.length; i += 3) pixels[i + 1] = pixels[i + 2] = pixels[i]!;
      const base = `${cls} (${k})`;
      jobs.push(sharp(Buffer.from(pixels.buffer), { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(folder, `${base}.png`)));
      const masks = cls === 'benign' && k === 2 ? 2 : 1;
      for (let m = 0; m < masks; m++) {
        const mask = new Uint8Array(w * h);
        if (cls !== 'normal') {
          const cx = w * (0.3 + 0.4 * r());
          const cy = h * (0.3 + 0.4 * r());
          const rad = Math.min(w, h) * (0.1 + 0.1 * r());
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < rad * rad) mask[y * w + x] = 255;
        }
        const name = m === 0 ? `${base}_mask.png` : `${base}_mask_${m}.png`;
        jobs.push(sharp(Buffer.from(mask.buffer), { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').png().toFile(join(folder, name)));
      }
      if (jobs.length >= 8) await Promise.all(jobs.splice(0));
    }
  }
  await Promise.all(jobs);
  await writeFile(join(root, '.DS_Store'), 'Bud1');
}
