// Reads an NIH ChestX-ray14 download as users have it (reference/sources.md §2): the twelve
// images_0NN.tar.gz extracted side by side (one merged images/ folder, or images_0NN/images/), the Box
// CXR8/ folder, or a flat folder; Data_Entry_2017_v2020.csv or Data_Entry_2017.csv (bracketed header
// names split into two columns each, optional trailing comma, `Patient Gender` or `Patient Sex`);
// train_val_list.txt and test_list.txt. PNG names are <8-digit patient>_<3-digit follow-up>.png.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ScanResult } from '../../src/core/contract.js';
import { DataError } from '../../src/core/errors.js';
import { readTable } from '../../src/core/csv.js';
import { oneImagePerSample, type ImageSample } from '../_kit/image-items.js';
import { assertInputDir, walkFiles } from '../_kit/scan-helpers.js';
import { FINDINGS, NO_FINDING, chestmnist, source } from './spec.js';

const IMAGE_RE = /^(\d{8})_(\d{3})\.png$/;
/** Metadata tables in order of preference: the 2020 revision replaces the 2017 file. */
const TABLES = ['Data_Entry_2017_v2020.csv', 'Data_Entry_2017.csv'] as const;
const LISTS = { train_val: 'train_val_list.txt', test: 'test_list.txt' } as const;
const REQUIRED = ['Image Index', 'Finding Labels', 'Follow-up #', 'Patient ID', 'Patient Age', 'View Position'] as const;

function findOne(files: readonly string[], name: string): string | undefined {
  const hits = files.filter((f) => basename(f) === name);
  if (hits.length > 1) throw new DataError(`several copies of ${name} found (${hits.join(', ')}); keep one and run again.`);
  return hits[0];
}

/** A list file: one PNG name per line; name -> 1-based line. */
async function readList(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  lines.forEach((raw, i) => {
    const name = raw.trim();
    if (!name) return;
    const where = `${file} line ${i + 1}`;
    if (!IMAGE_RE.test(name)) throw new DataError(`${where}: ${JSON.stringify(name)} is not an image name like 00000001_000.png.`);
    const prev = out.get(name);
    if (prev !== undefined) throw new DataError(`${where}: ${name} is listed twice (also on line ${prev}).`);
    out.set(name, i + 1);
  });
  return out;
}

/** The 14 label columns of a `|`-joined finding string; throws a message naming the bad finding. */
export function findingsToLabel(findings: string): number[] | string {
  const label = new Array<number>(FINDINGS.length).fill(0);
  const parts = findings.split('|').map((p) => p.trim());
  if (parts.length === 1 && parts[0] === NO_FINDING) return label;
  for (const p of parts) {
    if (p === NO_FINDING) return `${JSON.stringify(NO_FINDING)} together with findings in ${JSON.stringify(findings)}`;
    const k = (FINDINGS as readonly string[]).indexOf(p);
    if (k < 0) return `unknown finding ${JSON.stringify(p)}`;
    if (label[k]) return `finding ${JSON.stringify(p)} given twice`;
    label[k] = 1;
  }
  return label;
}

export async function scanNihCxr14(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const files = await walkFiles(inputDir);

  let table: string | undefined;
  for (const name of TABLES) if ((table ??= findOne(files, name))) break;
  if (!table) throw new DataError(`${inputDir}: neither ${TABLES.join(' nor ')} found. ${source.instructions}`);
  const other = TABLES.map((n) => findOne(files, n)).find((f) => f && f !== table);
  if (other) process.stderr.write(`nih-cxr14: using ${table}; ${other} is ignored (the 2020 revision replaces it).\n`);
  const listFiles = {} as Record<keyof typeof LISTS, string>;
  for (const [k, name] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) {
    const f = findOne(files, name);
    if (!f) throw new DataError(`${inputDir}: ${name} not found. It is part of the NIH download (${source.homepage}); put it in the input folder and run again.`);
    listFiles[k] = f;
  }

  const images = new Map<string, string>();
  for (const f of files) {
    const name = basename(f);
    if (!IMAGE_RE.test(name)) continue;
    const prev = images.get(name);
    if (prev) throw new DataError(`image ${name} is present twice: ${prev} and ${f}. Remove one copy and run again.`);
    images.set(name, f);
  }
  if (images.size === 0 && files.some((f) => /images_\d{3}\.tar\.gz$/.test(f))) {
    throw new DataError(`${inputDir}: no PNG images, only images_0NN.tar.gz archives: extract them (tar xzf) side by side and run again.`);
  }

  const lists = { train_val: await readList(listFiles.train_val), test: await readList(listFiles.test) };
  for (const [name, line] of lists.test) {
    const other = lists.train_val.get(name);
    if (other !== undefined) throw new DataError(`${listFiles.test} line ${line}: ${name} is also in ${listFiles.train_val} (line ${other}); an image belongs to one list.`);
  }

  const t = await readTable(table, REQUIRED);
  const sexColumn = t.header.includes('Patient Gender') ? 'Patient Gender' : t.header.includes('Patient Sex') ? 'Patient Sex' : null;
  if (!sexColumn) throw new DataError(`${table}: missing column 'Patient Gender' (or 'Patient Sex') (header has ${t.header.join(', ')}). Use the table as downloaded.`);
  const col = (values: Record<string, string>, ...names: string[]) => names.map((n) => values[n]).find((v) => v !== undefined) ?? '';

  const seen = new Map<string, number>();
  const samples: ImageSample[] = [];
  for (const { line, values } of t.rows) {
    const where = `${table} row ${line}`;
    const name = values['Image Index']!;
    const m = IMAGE_RE.exec(name);
    if (!m) throw new DataError(`${where}: Image Index ${JSON.stringify(name)} (column 'Image Index') is not a name like 00000001_000.png.`);
    const dup = seen.get(name);
    if (dup !== undefined) throw new DataError(`${where}: image ${name} is listed twice (also on row ${dup}). Each image must be listed once.`);
    seen.set(name, line);
    const findings = values['Finding Labels']!;
    const label = findingsToLabel(findings);
    if (typeof label === 'string') {
      throw new DataError(`${where}: ${label} for ${name} (column 'Finding Labels'); expected '|'-joined findings from ${FINDINGS.join(', ')}, or ${NO_FINDING}.`);
    }
    const patient = values['Patient ID']!;
    if (!/^\d+$/.test(patient)) throw new DataError(`${where}: Patient ID ${JSON.stringify(patient)} (column 'Patient ID') is not a number.`);
    const file = images.get(name);
    if (!file) throw new DataError(`${where}: image ${name} is listed but was not found below ${inputDir}. Extract all twelve images_0NN.tar.gz archives into the input folder.`);
    const inTest = lists.test.has(name);
    if (!inTest && !lists.train_val.has(name)) {
      throw new DataError(`${where}: image ${name} is in neither ${listFiles.train_val} nor ${listFiles.test}. Use the list files of the same NIH release.`);
    }
    samples.push({
      id: name.slice(0, -4),
      file,
      label,
      groupId: patient.padStart(8, '0'),
      fineLabel: findings,
      sourceSplit: inTest ? 'test' : 'train',
      meta: {
        follow_up: values['Follow-up #']!,
        age: values['Patient Age']!,
        sex: values[sexColumn]!,
        view_position: values['View Position']!,
        original_width: col(values, 'OriginalImage[Width'),
        original_height: col(values, 'Height]'),
        pixel_spacing_x: col(values, 'OriginalImagePixelSpacing[x'),
        pixel_spacing_y: col(values, 'y]'),
        nih_list: inTest ? 'test' : 'train_val',
      },
    });
  }
  for (const [k, list] of Object.entries(lists)) {
    for (const [name, line] of list) {
      if (!seen.has(name)) throw new DataError(`${listFiles[k as keyof typeof LISTS]} line ${line}: ${name} is not in ${table}. Use the list files of the same NIH release.`);
    }
  }
  const unlisted = [...images.keys()].filter((n) => !seen.has(n)).length;
  if (unlisted > 0) process.stderr.write(`nih-cxr14: ${unlisted} PNG image(s) below ${inputDir} are not in ${table} and are left out.\n`);
  return oneImagePerSample(chestmnist.flag, samples, [table, listFiles.train_val, listFiles.test]);
}
