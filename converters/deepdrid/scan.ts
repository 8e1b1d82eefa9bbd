// Reads the DeepDRiD repository snapshot (sources.md §6): <root>/regular-fundus-{training,validation}/
// with Images/<patient_id>/<image_id>.jpg and regular-fundus-<part>.csv, <root> being
// regular_fundus_images/ found at or below --input. Everything else (Online-Challenge1&2-Evaluation,
// ultra-widefield_images, the source CSVs, Readme.docx) is not RetinaMNIST and is not read.
//
// Rows: the CSV's image_path uses Windows backslashes and omits Images/ (\regular-fundus-training\1\1_l1.jpg);
// it is read as Images/<the rest>. Where that file does not exist, the image is resolved by image_id as
// Images/<patient_id>/<image_id>.jpg, and the row's `path_note` provenance column says so. A row whose
// image is found neither way is an error naming the CSV row.
//
// Label: the grade of the image's own eye (left_eye_DR_Level for <pid>_l*, right_eye_DR_Level for
// <pid>_r*); where that column is empty (patient 56's irregular rows list 56_r3 with only the left eye
// column filled), patient_DR_Level. The column used is the sample's `label_source`; all three grades
// and the quality fields are kept as provenance. A grade outside 0-4 in any of them is an error.
import { join } from 'node:path';
import type { Sample, ScanResult } from '../../src/core/contract.js';
import { DataError } from '../../src/core/errors.js';
import { readTable } from '../../src/core/csv.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { findRoot } from '../_kit/class-folders.js';
import { assertInputDir, walkFiles } from '../_kit/scan-helpers.js';
import { existsSync } from 'node:fs';
import { GRADE_COLUMNS, IMAGES_FOLDER, PARTS, QUALITY_COLUMNS, REGULAR_FOLDER, REQUIRED_COLUMNS, retinamnist, source } from './spec.js';

const IMAGE_ID_RE = /^(\d+)_([lr])\d+$/;
const JPEG_RE = /\.jpe?g$/i;

export async function scanDeepdrid(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const names = PARTS.map((p) => p.folder);
  const root = await findRoot(inputDir, (l) => names.some((n) => l.dirs.includes(n)), 3, `DeepDRiD's ${REGULAR_FOLDER}/`);
  if (!root) throw new DataError(`${inputDir}: ${REGULAR_FOLDER}/ with ${names.join('/ and ')}/ not found (searched 3 levels down). ${source.instructions}`);

  const samples: ImageSample[] = [];
  const metadataFiles: string[] = [];
  const patientPart = new Map<string, string>();
  const seenIds = new Map<string, string>();
  for (const part of PARTS) {
    const dir = join(root, part.folder);
    const csv = join(dir, part.csv);
    const images = join(dir, IMAGES_FOLDER);
    if (!existsSync(dir)) throw new DataError(`${dir}: not found; RetinaMNIST needs both ${names.join(' and ')}. ${source.instructions}`);
    if (!existsSync(csv)) throw new DataError(`${csv}: not found; it holds the grades of ${part.folder}. ${source.instructions}`);
    if (!existsSync(images)) throw new DataError(`${images}: not found; it holds the images of ${part.folder} (${IMAGES_FOLDER}/<patient_id>/<image_id>.jpg). ${source.instructions}`);
    metadataFiles.push(csv);
    const onDisk = new Set((await walkFiles(images)).filter((f) => JPEG_RE.test(f)));
    const used = new Set<string>();
    const table = await readTable(csv, REQUIRED_COLUMNS);
    for (const { line, values } of table.rows) {
      const where = `${csv} row ${line}`;
      const pid = values['patient_id']!;
      const id = values['image_id']!;
      if (!/^\d+$/.test(pid)) throw new DataError(`${where}: patient_id ${JSON.stringify(pid)} is not a number (column 'patient_id').`);
      const m = IMAGE_ID_RE.exec(id);
      if (!m) throw new DataError(`${where}: image_id ${JSON.stringify(id)} is not <patient>_<l|r><n> (column 'image_id').`);
      if (m[1] !== pid) throw new DataError(`${where}: image_id ${id} does not belong to patient_id ${pid}.`);
      const dup = seenIds.get(id);
      if (dup) throw new DataError(`${where}: image_id ${id} is listed twice (also ${dup}). Each image must be listed once.`);
      seenIds.set(id, where);
      const other = patientPart.get(pid);
      if (other && other !== part.folder) {
        throw new DataError(`${where}: patient ${pid} is in both ${other} and ${part.folder}; a patient must lie in one part (the split keeps patients whole).`);
      }
      patientPart.set(pid, part.folder);

      // Grades: all three checked; the label is the image's own eye, else the patient's grade.
      for (const c of GRADE_COLUMNS) {
        const v = values[c]!;
        if (v !== '' && !/^[0-4]$/.test(v)) {
          throw new DataError(`${where}: unknown grade ${JSON.stringify(v)} for ${id} in column '${c}'; RetinaMNIST grades are 0, 1, 2, 3, 4 (ultra-widefield images, which use 5, are not read).`);
        }
      }
      const eyeColumn = m[2] === 'l' ? 'left_eye_DR_Level' : 'right_eye_DR_Level';
      const labelSource = values[eyeColumn] !== '' ? eyeColumn : 'patient_DR_Level';
      const grade = values[labelSource]!;
      if (grade === '') throw new DataError(`${where}: no grade for ${id}: columns '${eyeColumn}' and 'patient_DR_Level' are both empty.`);

      // The image: the CSV's path under Images/, else Images/<patient_id>/<image_id>.jpg.
      const rawPath = values['image_path']!;
      const parts = rawPath.split(/[\\/]+/).filter((s) => s !== '');
      const rest = parts[0] === part.folder ? parts.slice(1) : parts;
      const fromCsv = rest.length > 0 ? join(images, ...rest) : '';
      let file = fromCsv;
      let note = '';
      if (!fromCsv || !onDisk.has(fromCsv)) {
        const byId = join(images, pid, `${id}.jpg`);
        if (!onDisk.has(byId)) {
          throw new DataError(
            `${where}: image ${id} is listed but missing: neither ${fromCsv || '(empty image_path)'} (column 'image_path') nor ${byId} exists. Restore the image from the DeepDRiD repository.`,
          );
        }
        file = byId;
        note = `image_path ${rawPath} not found; resolved by image_id`;
      }
      if (used.has(file)) throw new DataError(`${where}: ${file} is already the image of another row.`);
      used.add(file);
      const meta: Record<string, string> = { path_note: note };
      for (const c of [...GRADE_COLUMNS, ...QUALITY_COLUMNS]) meta[c] = values[c]!;
      samples.push({
        id,
        file,
        label: [Number(grade)],
        groupId: pid,
        fineLabel: labelSource,
        ...(part.test ? { sourceSplit: 'test' as const } : {}),
        meta,
      });
    }
    const unlisted = [...onDisk].filter((f) => !used.has(f)).sort();
    if (unlisted.length > 0) {
      throw new DataError(`${unlisted[0]}: image not listed in ${csv}${unlisted.length > 1 ? ` (and ${unlisted.length - 1} more)` : ''}, so its grade is unknown. Remove it, or restore the CSV from the DeepDRiD repository.`);
    }
  }
  return oneImagePerSample(retinamnist.flag, samples, metadataFiles);
}

/** Samples of a scan that needed the image_id fallback (for reports and tests). */
export function resolvedById(samples: readonly Sample[]): string[] {
  return samples.filter((s) => (s.meta?.['path_note'] ?? '') !== '').map((s) => s.id);
}
