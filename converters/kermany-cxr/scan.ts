// Reads ChestXRay2017 as users have it: chest_xray/{train,test}/{NORMAL,PNEUMONIA}/*.jpeg (Mendeley
// archive). The Kaggle copy adds a small chest_xray/val/ taken out of the source's training set (its
// train + val are commonly reported as 5,216 + 16 = the Mendeley 5,232); val/ images count as training
// images again, so the 9:1 rule sees the source's training set as a whole. source_folder records
// where each image lay.
//
// Patient ids and the finding come from the file names (sources.md §5):
//   person<N>_bacteria_<k>.jpeg / person<N>_virus_<k>.jpeg  -> patient person<N>, bacteria | virus
//   IM-<N>-<k>.jpeg, NORMAL2-IM-<N>-<k>.jpeg                -> patient IM-<N> / NORMAL2-IM-<N>, normal
//   NORMAL-<N>-<k>.jpeg, BACTERIA-<N>-<k>.jpeg, VIRUS-...   -> patient <N>, normal | bacteria | virus
// Other names are accepted without a patient id (each is then its own group) and finding = the class.
import { join } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { DataError } from '../../src/core/errors.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { UniqueIds, readPartFolders, stem } from '../_kit/class-folders.js';
import { CXR_CLASSES, pneumoniamnist, source } from './spec.js';

const JPEG_RE = /\.jpe?g$/i;

interface NameFacts {
  patient: string;
  finding: 'normal' | 'bacteria' | 'virus';
}

export function parseChestName(name: string): NameFacts | null {
  let m = /^person(\d+)_(bacteria|virus)_\d+\.jpe?g$/i.exec(name);
  if (m) return { patient: `person${m[1]}`, finding: m[2]!.toLowerCase() as NameFacts['finding'] };
  m = /^((?:NORMAL2-)?IM-\d+)-\d+\.jpe?g$/i.exec(name);
  if (m) return { patient: m[1]!, finding: 'normal' };
  m = /^(NORMAL|BACTERIA|VIRUS)-(\d+)-\d+\.jpe?g$/i.exec(name);
  if (m) return { patient: m[2]!, finding: m[1]!.toLowerCase() as NameFacts['finding'] };
  return null;
}

export async function scanKermanyCxr(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const { parts } = await readPartFolders(inputDir, CXR_CLASSES, (n) => JPEG_RE.test(n), 'ChestXRay2017 (chest_xray)', source.instructions);
  const ids = new UniqueIds();
  const samples: ImageSample[] = [];
  for (const { part, images, dir } of parts) {
    CXR_CLASSES.forEach((cls, label) => {
      for (const name of images[label]!) {
        const file = join(dir, cls, name);
        const facts = parseChestName(name);
        if (facts && (facts.finding === 'normal') !== (cls === 'NORMAL')) {
          throw new DataError(`${file}: the file name says ${facts.finding} but it lies in ${cls}/. Put it back in its class folder.`);
        }
        const id = stem(name);
        ids.add(id, file);
        samples.push({
          id,
          file,
          label: [label],
          ...(facts ? { groupId: facts.patient } : {}),
          fineLabel: facts?.finding ?? cls.toLowerCase(),
          ...(part === 'test' ? { sourceSplit: 'test' as const } : {}),
          meta: { source_folder: part },
        });
      }
    });
  }
  return oneImagePerSample(pneumoniamnist.flag, samples);
}
