// Reads the PBC download as users have it: PBC_dataset_normal_DIB/<class>/*.jpg with the eight class
// folders basophil ... platelet. File names inside the folders are not fixed by the source (sources.md
// §9), so any JPEG counts; ids are the file names without extension and must be unique.
import { join } from 'node:path';
import type { Item, ScanResult } from '../../src/core/contract.js';
import type { NdArray } from '../../src/core/ndarray.js';
import { DataError } from '../../src/core/errors.js';
import { rasterToArray } from '../../src/image/raster.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { UniqueIds, findRoot, readClassFolders, stem } from '../_kit/class-folders.js';
import { CROP, DATASET_FOLDER, PBC_CLASSES, bloodmnist, source } from './spec.js';

const JPEG_RE = /\.jpe?g$/i;

export async function scanPbc(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const root = await findRoot(inputDir, (l) => l.dirs.some((d) => (PBC_CLASSES as readonly string[]).includes(d)), 2, DATASET_FOLDER);
  if (!root) throw new DataError(`${inputDir}: ${DATASET_FOLDER}/ with the class folders ${PBC_CLASSES.join(', ')} not found (searched two levels down). ${source.instructions}`);
  const { images } = await readClassFolders({ root, classes: PBC_CLASSES, isImage: (n) => JPEG_RE.test(n), hint: source.instructions });
  const ids = new UniqueIds();
  const samples: ImageSample[] = [];
  PBC_CLASSES.forEach((cls, label) => {
    for (const name of images[label]!) {
      const file = join(root, cls, name);
      const id = stem(name);
      ids.add(id, file);
      samples.push({ id, file, label: [label] });
    }
  });
  return oneImagePerSample(bloodmnist.flag, samples);
}

/** Decode, refusing images too small for the 200 x 200 centre crop (Pillow would pad them with black). */
export async function loadPbc(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray> {
  const file = item.files[0]!;
  const { decodeImage } = await import('../../src/image/decode.js'); // loads sharp: on first use, not with `list`
  const img = await decodeImage(bytes[0]!, file);
  if (img.width < CROP || img.height < CROP) {
    throw new DataError(`${file}: ${img.width}x${img.height} pixels, smaller than BloodMNIST's ${CROP}x${CROP} centre crop (PBC images are 360x363). Remove this file or replace it with the original.`);
  }
  return rasterToArray(img);
}
