// A fake OCT2017 download in the Mendeley layout: OCT2017/{train,test}/<CLASS>/<CLASS>-<patient>-<n>.jpeg,
// 8-bit gray JPEGs of the real widths (512 and 768 by 496: never square, so the centre crop matters),
// the training set's class mix, patients with several B-scans and in several classes, and one patient
// in both train and test as in the real set.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { OCT_CLASSES, OCT_TRAIN_COUNTS } from './spec.js';

const SIZES: [number, number][] = [[512, 496], [768, 496], [512, 496], [384, 496]];

export async function writeKermanyOctFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x6f63);
  const nTest = Math.max(OCT_CLASSES.length, Math.round(o.count / 5));
  const plan: ['train' | 'test', number[]][] = [
    ['train', apportion(Math.max(o.count - nTest, 2 * OCT_CLASSES.length), OCT_TRAIN_COUNTS, 2)],
    ['test', apportion(nTest, [1, 1, 1, 1], 1)],
  ];
  // Patient numbers are shared across classes: a patient may have CNV and NORMAL scans.
  const patients = Array.from({ length: Math.max(3, Math.ceil(o.count / 3)) }, (_, i) => 1000000 + 7919 * (i + 1) + o.seed);
  const scanNo = new Map<number, number>();
  let n = 0;
  let firstTrainPatient = -1;
  const jobs: Promise<unknown>[] = [];
  for (const [part, perClass] of plan) {
    for (let c = 0; c < OCT_CLASSES.length; c++) {
      const cls = OCT_CLASSES[c]!;
      const folder = join(dir, 'OCT2017', part, cls);
      await mkdir(folder, { recursive: true });
      for (let k = 0; k < perClass[c]!; k++) {
        let patient = patients[Math.floor(r() * patients.length)]!;
        if (part === 'train' && firstTrainPatient < 0) firstTrainPatient = patient;
        if (part === 'test' && c === 0 && k === 0) patient = firstTrainPatient;
        const no = (scanNo.get(patient) ?? 0) + 1;
        scanNo.set(patient, no);
        const [w, h] = SIZES[n % SIZES.length]!;
        const g = 20 + Math.floor(r() * 40);
        const pixels = synthImage({ width: w, height: h, channels: 1, background: [g, g, g], blob: [150 + 20 * c, 0, 0], noise: 25, seed: (o.seed * 104729 + n++) >>> 0 });
        jobs.push(
          sharp(Buffer.from(pixels.buffer), { raw: { width: w, height: h, channels: 1 } })
            .toColourspace('b-w')
            .jpeg({ quality: 92 })
            .toFile(join(folder, `${cls}-${patient}-${no}.jpeg`)),
        );
        if (jobs.length >= 8) await Promise.all(jobs.splice(0));
      }
    }
  }
  await Promise.all(jobs);
}
