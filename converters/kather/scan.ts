// Reads the Kather download as users have it: NCT-CRC-HE-100K/ (or NCT-CRC-HE-100K-NONORM/) and
// CRC-VAL-HE-7K/ side by side, each with the nine class folders of <CLASS>-<id>.tif tiles. The folder
// holding the two archives may be --input itself or up to two levels below it.
import { join } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { DataError } from '../../src/core/errors.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { UniqueIds, findRoot, listDir, readClassFolders, stem } from '../_kit/class-folders.js';
import { KATHER_CLASSES, TEST_ARCHIVE, TRAIN_ARCHIVE, TRAIN_ARCHIVE_NONORM, pathmnist, source } from './spec.js';

const TIFF_RE = /\.tiff?$/i;
const ARCHIVES = [TRAIN_ARCHIVE, TRAIN_ARCHIVE_NONORM, TEST_ARCHIVE];

export async function scanKather(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const root = await findRoot(inputDir, (l) => l.dirs.some((d) => ARCHIVES.includes(d)), 2, 'the Kather archives');
  if (!root) throw new DataError(`${inputDir}: neither ${TRAIN_ARCHIVE}/ nor ${TEST_ARCHIVE}/ found (searched two levels down). ${source.instructions}`);
  const { dirs } = await listDir(root);
  const hasNorm = dirs.includes(TRAIN_ARCHIVE);
  const hasNoNorm = dirs.includes(TRAIN_ARCHIVE_NONORM);
  if (hasNorm && hasNoNorm) {
    throw new DataError(
      `${root}: both ${TRAIN_ARCHIVE}/ and ${TRAIN_ARCHIVE_NONORM}/ are present; PathMNIST uses one training set. Move the one you do not want (MedMNIST used the colour-normalised ${TRAIN_ARCHIVE}) out of ${root}.`,
    );
  }
  if (!hasNorm && !hasNoNorm) throw new DataError(`${join(root, TRAIN_ARCHIVE)}: not found; it is PathMNIST's train/val source. ${source.instructions}`);
  if (!dirs.includes(TEST_ARCHIVE)) throw new DataError(`${join(root, TEST_ARCHIVE)}: not found; it is PathMNIST's test set. ${source.instructions}`);

  const ids = new UniqueIds();
  const samples: ImageSample[] = [];
  for (const archive of [hasNorm ? TRAIN_ARCHIVE : TRAIN_ARCHIVE_NONORM, TEST_ARCHIVE]) {
    const dir = join(root, archive);
    const { images } = await readClassFolders({ root: dir, classes: KATHER_CLASSES, isImage: (n) => TIFF_RE.test(n), hint: source.instructions });
    KATHER_CLASSES.forEach((cls, label) => {
      for (const name of images[label]!) {
        const file = join(dir, cls, name);
        // Tiles are named <CLASS>-...: a tile named after another class was moved by hand.
        const prefix = name.split('-')[0]!;
        if (prefix !== cls && (KATHER_CLASSES as readonly string[]).includes(prefix)) {
          throw new DataError(`${file}: the file name says class ${prefix} but it lies in ${cls}/. Put it back in ${prefix}/ or re-extract the archive.`);
        }
        const id = stem(name);
        ids.add(id, file);
        samples.push({
          id,
          file,
          label: [label],
          ...(archive === TEST_ARCHIVE ? { sourceSplit: 'test' as const } : {}),
          meta: { archive },
        });
      }
    });
  }
  return oneImagePerSample(pathmnist.flag, samples);
}
