// Reads a HAM10000 download as users have it: HAM10000_metadata(.csv) and ISIC_XXXXXXX.jpg images in
// HAM10000_images_part_1/ and _part_2/, flat in one folder, or anywhere below the input folder.
import { basename } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { DataError } from '../../src/core/errors.js';
import { readTable } from '../../src/core/csv.js';
import { assertInputDir, walkFiles } from '../_kit/scan-helpers.js';
import { DX_CODES, dermamnist, source } from './spec.js';

const IMAGE_RE = /^(ISIC_\d{7})\.jpe?g$/i;
const METADATA_RE = /^HAM10000_metadata(\.csv|\.tab|\.txt)?$/i;
const REQUIRED = ['lesion_id', 'image_id', 'dx'] as const;

export async function scanHam10000(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const files = await walkFiles(inputDir);
  const metas = files.filter((f) => METADATA_RE.test(basename(f)));
  if (metas.length === 0) {
    throw new DataError(`${inputDir}: HAM10000_metadata.csv not found. ${source.instructions}`);
  }
  if (metas.length > 1) {
    throw new DataError(`${inputDir}: several metadata files found (${metas.join(', ')}); keep one and run again.`);
  }
  const metaFile = metas[0]!;

  const images = new Map<string, string>();
  for (const f of files) {
    const m = IMAGE_RE.exec(basename(f));
    if (!m) continue;
    const id = m[1]!;
    const prev = images.get(id);
    if (prev) throw new DataError(`image ${id} is present twice: ${prev} and ${f}. Remove one copy and run again.`);
    images.set(id, f);
  }

  const table = await readTable(metaFile, REQUIRED);
  const seen = new Map<string, number>();
  const samples: ImageSample[] = [];
  for (const { line, values } of table.rows) {
    const id = values['image_id']!;
    const where = `${metaFile} row ${line}`;
    if (!/^ISIC_\d{7}$/.test(id)) throw new DataError(`${where}: image_id ${JSON.stringify(id)} is not an ISIC_XXXXXXX id.`);
    const dup = seen.get(id);
    if (dup !== undefined) throw new DataError(`${where}: duplicate image_id ${id} (also on row ${dup}). Each image must be listed once.`);
    seen.set(id, line);
    const dx = values['dx']!;
    const label = (DX_CODES as readonly string[]).indexOf(dx);
    if (label < 0) {
      throw new DataError(`${where}: unknown dx code ${JSON.stringify(dx)} for ${id} (column 'dx'); expected one of ${DX_CODES.join(', ')}.`);
    }
    const lesion = values['lesion_id']!;
    if (!lesion) throw new DataError(`${where}: empty lesion_id for ${id} (column 'lesion_id').`);
    const file = images.get(id);
    if (!file) {
      throw new DataError(`${where}: image ${id} is listed but ${id}.jpg was not found below ${inputDir}. Unzip both image archives into the input folder.`);
    }
    samples.push({
      id,
      file,
      label: [label],
      groupId: lesion,
      fineLabel: dx,
      meta: Object.fromEntries(dermamnist.metaColumns!.map((c) => [c, values[c] ?? ''])),
    });
  }
  // Images present but not listed in the metadata are left out, and said so (never silently).
  const unlisted = [...images.keys()].filter((id) => !seen.has(id)).sort();
  if (unlisted.length > 0) {
    const shown = unlisted.slice(0, 5).join(', ') + (unlisted.length > 5 ? `, ... (${unlisted.length - 5} more)` : '');
    process.stderr.write(`medmnist-build: ${unlisted.length} image(s) below ${inputDir} are not listed in ${metaFile} and are left out: ${shown}\n`);
  }
  return oneImagePerSample(dermamnist.flag, samples, [metaFile]);
}
