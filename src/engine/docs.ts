// The dataset card (F.card.md) and Croissant file (F.croissant.json) of every dataset a run built,
// written into the staging folder just before the commit, from the lock the commit will leave: the
// card describes every size and format the folder holds at the end of the run (sizes built by earlier
// runs included), not only this run's. Each size's facts come from its F_S.json (this run's, staged,
// or an earlier one in the output folder, checked against the lock's hash). The two files are outputs
// like any other: their hashes go into the lock entry (`docs`), so verify checks them and --frozen
// refuses a card that would change. Rendering is pure (src/metadata/card.ts, croissant.ts).
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogEntry, isCatalogFlag } from '../catalog/index.js';
import { DataError } from '../core/errors.js';
import { FORMATS } from '../formats/index.js';
import { baseNameFor } from '../formats/sink.js';
import { writeCanonicalJson } from '../lock/canonical.js';
import { listFolder, sha256File } from '../lock/hash.js';
import { readLock, validateLock, type LockDataset, type LockOutput, type Lockfile } from '../lock/lockfile.js';
import { renderCard } from '../metadata/card.js';
import { renderCroissant } from '../metadata/croissant.js';
import { cardName, croissantName, type DatasetDocsInput, type DocFile, type DocsSize } from '../metadata/dataset-docs.js';
import type { DatasetMetadata, FileRecord } from '../metadata/dataset-metadata.js';
import type { DatasetBuild } from './pack.js';

export interface DatasetDocsOptions {
  /** The datasets of this run; the card and Croissant records are added to their `files`. */
  builds: DatasetBuild[];
  /** The staging folder the docs are written into (committed with the outputs). */
  dir: string;
  /** The output folder (earlier sizes' F_S.json are read from it). */
  out: string;
  /**
   * The lock the commit will leave, or null (no lock: the docs describe this run's files only).
   * 'update': the staged new lock, rewritten here with the docs' hashes. 'frozen': the existing lock,
   * which the docs must match. `value`: what `path` holds, when the caller has it (not read again).
   */
  lock: { path: string; mode: 'update' | 'frozen'; value?: Lockfile } | null;
}

async function writeDoc(dir: string, name: string, text: string): Promise<DocFile> {
  await writeFile(join(dir, name), text);
  const h = await sha256File(join(dir, name));
  return { name, bytes: h.bytes, sha256: h.sha256 };
}

async function readMetadata(path: string, expected: LockOutput | null, what: string): Promise<DatasetMetadata> {
  if (expected) {
    const h = await sha256File(path).catch(() => null);
    if (!h || h.sha256 !== expected.sha256 || h.bytes !== expected.bytes) {
      throw new DataError(
        `${path}: ${h ? 'differs from' : 'missing, but listed in'} ${what}, and the dataset card is written from it; nothing was written. ` +
          'Run `medmnist-build verify` on the output folder to see what changed, then build that size again (or delete it from the folder and the lock).',
      );
    }
  }
  return JSON.parse(await readFile(path, 'utf8')) as DatasetMetadata;
}

const description = (flag: string, m: DatasetMetadata): string => (isCatalogFlag(flag) ? catalogEntry(flag).description : m.title);

/** The docs' view of a dataset from its lock entry: every size it lists. */
async function fromLock(b: DatasetBuild, entry: LockDataset, o: DatasetDocsOptions, lockPath: string): Promise<DatasetDocsInput> {
  const sizes: DocsSize[] = [];
  for (const key of Object.keys(entry.sizes).sort((x, y) => Number(x) - Number(y))) {
    const s = entry.sizes[key]!;
    const size = Number(key);
    // This run's sizes are staged; earlier ones are in the output folder already.
    const path = b.bySize[size] ? join(o.dir, s.metadata.name) : join(o.out, s.metadata.name);
    const metadata = await readMetadata(path, s.metadata, lockPath);
    sizes.push({ size, metadata, metadataFile: s.metadata, formats: Object.fromEntries(Object.entries(s.formats).map(([f, v]) => [f, v.files])) });
  }
  return { flag: b.flag, description: description(b.flag, sizes[0]!.metadata), samplesCsv: entry.samplesCsv, sizes };
}

/** Without a lock: this run's sizes and files. */
async function fromBuild(b: DatasetBuild, o: DatasetDocsOptions): Promise<DatasetDocsInput> {
  const byName = new Map(b.files.map((f) => [f.name.replace(/\/+$/, ''), f]));
  const doc = async (f: FileRecord): Promise<DocFile> => {
    const name = f.name.replace(/\/+$/, '');
    const st = await stat(join(o.dir, name));
    return { name, bytes: f.bytes, sha256: f.sha256, ...(st.isDirectory() ? { files: (await listFolder(join(o.dir, name))).length } : {}) };
  };
  const sizes: DocsSize[] = [];
  for (const size of Object.keys(b.bySize).map(Number).sort((x, y) => x - y)) {
    const base = baseNameFor(b.flag, size);
    const metaName = `${base}.json`;
    const formats: Record<string, DocFile[]> = {};
    for (const f of FORMATS) {
      const files = f.fileNames(base).map((n) => byName.get(n)).filter((x): x is FileRecord => x !== undefined);
      if (files.length > 0) formats[f.name] = await Promise.all(files.map(doc));
    }
    const metadata = await readMetadata(join(o.dir, metaName), null, '');
    sizes.push({ size, metadata, metadataFile: await doc(byName.get(metaName)!), formats });
  }
  const csv = byName.get(`${b.flag}.samples.csv`);
  if (!csv) throw new Error(`docs: ${b.flag}.samples.csv was not written`);
  return { flag: b.flag, description: description(b.flag, sizes[0]!.metadata), samplesCsv: await doc(csv), sizes };
}

/**
 * Write F.card.md and F.croissant.json of every built dataset into `o.dir`; return their names. With
 * a lock to update, record their hashes in it; under --frozen, refuse docs that differ from the lock.
 */
export async function writeDatasetDocs(o: DatasetDocsOptions): Promise<string[]> {
  const lock = o.lock ? (o.lock.value ?? (await readLock(o.lock.path))) : null;
  const names: string[] = [];
  const problems: string[] = [];
  for (const b of o.builds) {
    const entry = lock?.datasets[b.flag];
    if (lock && !entry) throw new Error(`docs: ${b.flag} is not in the lock ${o.lock!.path}`);
    const input = entry ? await fromLock(b, entry, o, o.lock!.path) : await fromBuild(b, o);
    const card = await writeDoc(o.dir, cardName(b.flag), renderCard(input));
    const croissant = await writeDoc(o.dir, croissantName(b.flag), renderCroissant(input, card));
    b.files.push(card, croissant);
    names.push(card.name, croissant.name);
    if (!entry) continue;
    if (o.lock!.mode === 'update') {
      entry.docs = { card, croissant };
      continue;
    }
    for (const [got, locked] of [[card, entry.docs?.card], [croissant, entry.docs?.croissant]] as const) {
      if (!locked) problems.push(`${got.name}: produced but not in the lock`);
      else if (locked.sha256 !== got.sha256 || locked.bytes !== got.bytes) {
        problems.push(`${got.name}: would change (${locked.bytes} bytes sha256 ${locked.sha256.slice(0, 12)} -> ${got.bytes} bytes sha256 ${got.sha256.slice(0, 12)})`);
      }
    }
  }
  if (problems.length > 0) {
    throw new DataError(
      `--frozen: dataset cards differ from ${o.lock!.path}; nothing was written.\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
        'Run without --frozen to rebuild and update the lock deliberately.',
    );
  }
  if (lock && o.lock!.mode === 'update') {
    validateLock(lock, `lock to be written to ${o.lock!.path}`);
    writeCanonicalJson(o.lock!.path, lock);
  }
  return names;
}

