// Reads OCT2017 as users have it: OCT2017/{train,test}/{CNV,DME,DRUSEN,NORMAL}/<CLASS>-<patient>-<n>.jpeg
// (Mendeley archive). The Kaggle repackaging (kermany2018: a folder "OCT2017 " with train/val/test)
// is read too: its val/ images were taken out of the source's training set, so they count as training
// images again (the 9:1 rule then splits train + val afresh); source_folder records where each lay.
import { join } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { DataError } from '../../src/core/errors.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { UniqueIds, readPartFolders, stem } from '../_kit/class-folders.js';
import { OCT_CLASSES, octmnist, source } from './spec.js';

const JPEG_RE = /\.jpe?g$/i;
const NAME_RE = /^([A-Z]+)-(\d+)-(\d+)\.jpe?g$/i;

export async function scanKermanyOct(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const { parts } = await readPartFolders(inputDir, OCT_CLASSES, (n) => JPEG_RE.test(n), 'OCT2017', source.instructions);
  const ids = new UniqueIds();
  const samples: ImageSample[] = [];
  for (const { part, images, dir } of parts) {
    OCT_CLASSES.forEach((cls, label) => {
      for (const name of images[label]!) {
        const file = join(dir, cls, name);
        const m = NAME_RE.exec(name);
        if (!m) {
          throw new DataError(`${file}: file name is not <CLASS>-<patient id>-<n>.jpeg, so the patient id cannot be read. Rename it or remove it.`);
        }
        if (m[1]!.toUpperCase() !== cls) {
          throw new DataError(`${file}: the file name says class ${m[1]} but it lies in ${cls}/. Put it back in its class folder.`);
        }
        const id = stem(name);
        ids.add(id, file);
        samples.push({
          id,
          file,
          label: [label],
          groupId: m[2]!,
          ...(part === 'test' ? { sourceSplit: 'test' as const } : {}),
          meta: { source_folder: part },
        });
      }
    });
  }
  return oneImagePerSample(octmnist.flag, samples);
}
