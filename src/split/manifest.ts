// --split manifest:FILE: membership and order from a MedMNIST-style mapping CSV with columns
// split,index,image_id (other columns are ignored), as the MedMNIST team publishes per dataset
// (first DermaMNIST row: train,0,ISIC_0027615). Row `split,i,id` puts the scanned image `id` at
// position i of that split. split is train, val (or validation) or test, in any case; the indexes of
// each split must run 0..n-1 without gaps or repeats. image_id is matched against the scanned image
// ids, then against image file names (ISIC_0027615.jpg). Every listed image must be in the input, and
// every split must have rows (a header-only or partial file is refused);
// scanned images the file does not list are left out (one line on stderr says how many).
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatasetSpec, Sample, SplitName } from '../core/contract.js';
import { SPLITS } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { readTable } from '../core/csv.js';
import type { SplitSamples } from './official.js';

const SPLIT_NAMES: Record<string, SplitName> = { train: 'train', val: 'val', validation: 'val', test: 'test' };

/** Scanned samples by id, and by file name where that name is not ambiguous. */
function lookup(samples: readonly Sample[], fileOf: (s: Sample) => string | undefined): (imageId: string) => Sample | undefined {
  const byId = new Map<string, Sample>();
  for (const s of samples) byId.set(s.id, s);
  const byName = new Map<string, Sample | null>();
  for (const s of samples) {
    const name = basename(fileOf(s) ?? '');
    if (!name || byId.has(name)) continue;
    byName.set(name, byName.has(name) ? null : s);
  }
  return (imageId) => byId.get(imageId) ?? byName.get(imageId) ?? undefined;
}

export async function splitManifest(
  samples: readonly Sample[],
  spec: DatasetSpec,
  file: string,
  fileOf: (s: Sample) => string | undefined = () => undefined,
  resolve?: (imageId: string) => Sample | undefined,
): Promise<SplitSamples> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new UsageError(`--split manifest:${file}: no such file. Give the path of a CSV with columns split,index,image_id.`);
  const table = await readTable(file, ['split', 'index', 'image_id']);
  const scanned = lookup(samples, fileOf);
  const find = resolve ? (id: string) => scanned(id) ?? resolve(id) : scanned;
  const unresolved: string[] = [];
  const rows: Record<SplitName, { index: number; line: number; sample: Sample }[]> = { train: [], val: [], test: [] };
  const usedBy = new Map<string, number>();
  for (const { line, values } of table.rows) {
    const where = `${file} row ${line}`;
    const split = SPLIT_NAMES[values['split']!.toLowerCase()];
    if (!split) throw new DataError(`${where}: split ${JSON.stringify(values['split'])} (column 'split') is not train, val or test.`);
    const rawIndex = values['index']!;
    if (!/^\d+$/.test(rawIndex)) throw new DataError(`${where}: index ${JSON.stringify(rawIndex)} (column 'index') is not a non-negative integer.`);
    const imageId = values['image_id']!;
    if (!imageId) throw new DataError(`${where}: image_id is empty (column 'image_id').`);
    const sample = find(imageId);
    if (!sample && resolve) {
      // Sources that can cut any sample (LiTS slices) name every id that does not resolve at once.
      unresolved.push(`row ${line}: ${imageId}`);
      continue;
    }
    if (!sample) {
      throw new DataError(
        `${where}: image_id ${JSON.stringify(imageId)} is not among the ${samples.length} ${spec.flag} images scanned from the input. Use the mapping file of this dataset, and check that the input holds the complete download.`,
      );
    }
    const prev = usedBy.get(sample.id);
    if (prev !== undefined) throw new DataError(`${where}: image ${sample.id} is listed twice (also on row ${prev}). Each image may appear once.`);
    usedBy.set(sample.id, line);
    rows[split].push({ index: Number(rawIndex), line, sample });
  }
  if (unresolved.length > 0) {
    throw new DataError(
      `${file}: ${unresolved.length} image_id(s) do not resolve to a ${spec.flag} sample of the input: ${unresolved.slice(0, 20).join('; ')}${unresolved.length > 20 ? `; ... (${unresolved.length - 20} more)` : ''}. Use the mapping file of this dataset, and check that the input holds the complete download.`,
    );
  }
  if (table.rows.length === 0) {
    throw new DataError(`${file} lists no samples (only its header): a mapping file names every image of the dataset with its split and index. Use the mapping file of ${spec.flag}.`);
  }
  const out: SplitSamples = { train: [], val: [], test: [] };
  for (const split of SPLITS) {
    const list = rows[split].sort((a, b) => a.index - b.index || a.line - b.line);
    list.forEach((r, i) => {
      if (r.index !== i) {
        const what = r.index < i ? `repeats index ${r.index}` : `skips index ${i}`;
        throw new DataError(`${file} row ${r.line}: split ${split} ${what}; the indexes of each split must run 0..n-1 once each.`);
      }
    });
    out[split] = list.map((r) => r.sample);
  }
  // A MedMNIST mapping file covers train, val and test; a split without rows would silently build empty.
  const empty = SPLITS.filter((s) => rows[s].length === 0);
  if (empty.length > 0) {
    throw new DataError(
      `${file} has no ${empty.join(' or ')} rows (train ${rows.train.length}, val ${rows.val.length}, test ${rows.test.length}): a mapping file must cover every split, or the build would have an empty ${empty[0]} split. Use the complete mapping file of ${spec.flag}.`,
    );
  }
  const left = samples.filter((s) => !usedBy.has(s.id)).length;
  if (left > 0) process.stderr.write(`${spec.flag}: ${left} scanned image(s) not listed in ${file} are left out, as the manifest defines membership.\n`);
  return out;
}
