// A fake ChestXRay2017 download in the Mendeley layout: chest_xray/{train,test}/{NORMAL,PNEUMONIA}/
// with the real file-name patterns (IM-0115-0001.jpeg, NORMAL2-IM-1427-0001.jpeg,
// person1_bacteria_1.jpeg, person1_virus_6.jpeg), gray JPEGs of varied landscape and portrait sizes,
// every fifth one stored RGB as 283 real files are, patients with several images, and a .DS_Store.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { CXR_CLASSES, CXR_TRAIN_COUNTS } from './spec.js';

const SIZES: [number, number][] = [[320, 272], [288, 330], [410, 300], [256, 251], [300, 200]];

export async function writeKermanyCxrFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x6378);
  const nTest = Math.max(4, Math.round(o.count / 6));
  const plan: ['train' | 'test', number[]][] = [
    ['train', apportion(Math.max(o.count - nTest, 4), CXR_TRAIN_COUNTS, 2)],
    ['test', apportion(nTest, [234, 390], 2)],
  ];
  const root = join(dir, 'chest_xray');
  let n = 0;
  let person = 1;
  let im = 115;
  let imageNo = 1;
  const jobs: Promise<unknown>[] = [];
  for (const [part, perClass] of plan) {
    for (let c = 0; c < CXR_CLASSES.length; c++) {
      const cls = CXR_CLASSES[c]!;
      const folder = join(root, part, cls);
      await mkdir(folder, { recursive: true });
      let left = perClass[c]!;
      while (left > 0) {
        // One patient, one to three images.
        const k = Math.min(left, 1 + Math.floor(r() * 3));
        left -= k;
        const names: string[] = [];
        if (cls === 'NORMAL') {
          const prefix = r() < 0.3 ? 'NORMAL2-IM' : 'IM';
          const p = String(im++).padStart(4, '0');
          for (let j = 1; j <= k; j++) names.push(`${prefix}-${p}-${String(j).padStart(4, '0')}.jpeg`);
        } else {
          const p = person++;
          for (let j = 0; j < k; j++) names.push(`person${p}_${r() < 0.6 ? 'bacteria' : 'virus'}_${imageNo++}.jpeg`);
        }
        for (const name of names) {
          const [w, h] = SIZES[n % SIZES.length]!;
          const rgb = n % 5 === 3;
          const g = 40 + Math.floor(r() * 60);
          const pixels = synthImage({
            width: w,
            height: h,
            channels: rgb ? 3 : 1,
            background: [g, g + 3, g - 2],
            blob: [200, 190, 185],
            noise: 18,
            seed: (o.seed * 15485863 + n++) >>> 0,
          });
          jobs.push(
            sharp(Buffer.from(pixels.buffer), { raw: { width: w, height: h, channels: rgb ? 3 : 1 } })
              .toColourspace(rgb ? 'srgb' : 'b-w')
              .jpeg({ quality: 90 })
              .toFile(join(folder, name)),
          );
          if (jobs.length >= 8) await Promise.all(jobs.splice(0));
        }
      }
    }
  }
  await Promise.all(jobs);
  await writeFile(join(root, 'train', '.DS_Store'), 'Bud1');
}
