// Reads BUSI as users have it: Dataset_BUSI_with_GT/{benign,malignant,normal}/ holding
// "<class> (<n>).png" images and their segmentation masks "<class> (<n>)_mask.png" (multifocal lesions
// add "_mask_1.png", "_mask_2.png"...). Masks are never read as images (sources.md §7): each must
// belong to an image in the same folder; an orphan mask means an image is missing and is an error.
import { join } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { DataError } from '../../src/core/errors.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { UniqueIds, findRoot, readClassFolders, stem } from '../_kit/class-folders.js';
import { BUSI_CLASSES, BUSI_LABEL, DATASET_FOLDER, breastmnist, source } from './spec.js';

const PNG_RE = /\.png$/i;
const IMAGE_RE = /^(benign|malignant|normal) \((\d+)\)\.png$/i;
const MASK_RE = /^(.*)_mask(?:_\d+)?\.png$/i;

export async function scanBusi(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const root = await findRoot(inputDir, (l) => l.dirs.some((d) => (BUSI_CLASSES as readonly string[]).includes(d)), 2, DATASET_FOLDER);
  if (!root) throw new DataError(`${inputDir}: ${DATASET_FOLDER}/ with benign/, malignant/ and normal/ not found (searched two levels down). ${source.instructions}`);
  const { images, companions } = await readClassFolders({
    root,
    classes: BUSI_CLASSES,
    isImage: (n) => PNG_RE.test(n),
    isCompanion: (n) => PNG_RE.test(n) && n.includes('_mask'),
    hint: source.instructions,
  });
  const ids = new UniqueIds();
  const samples: ImageSample[] = [];
  BUSI_CLASSES.forEach((cls, c) => {
    const names = new Set(images[c]);
    const masks = new Map<string, number>();
    for (const mask of companions[c]!) {
      const file = join(root, cls, mask);
      const m = MASK_RE.exec(mask);
      const owner = m ? `${m[1]}.png` : '';
      if (!m || !names.has(owner)) {
        throw new DataError(
          `${file}: a mask where an image should be: its image ${owner ? JSON.stringify(owner) : '(none: the name is not "<image>_mask[_n].png")'} is not in ${cls}/. Restore the image from the archive or remove the mask.`,
        );
      }
      masks.set(owner, (masks.get(owner) ?? 0) + 1);
    }
    for (const name of images[c]!) {
      const file = join(root, cls, name);
      const m = IMAGE_RE.exec(name);
      if (!m) throw new DataError(`${file}: unexpected image name; BUSI images are named "${cls} (<n>).png". Rename or remove it.`);
      if (m[1]!.toLowerCase() !== cls) {
        throw new DataError(`${file}: the file name says ${m[1]} but it lies in ${cls}/. Put it back in its class folder.`);
      }
      const id = stem(name);
      ids.add(id, file);
      samples.push({ id, file, label: [BUSI_LABEL[cls]], fineLabel: cls, meta: { masks: String(masks.get(name) ?? 0) } });
    }
  });
  return oneImagePerSample(breastmnist.flag, samples);
}
