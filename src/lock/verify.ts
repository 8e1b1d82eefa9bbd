// verify: re-hash an output folder against a lock and report each difference the way `dvc status`
// does: missing, modified, unexpected, stale recipe; with --content, decoded content that differs; with
// --inputs, raw inputs that changed since the build.
import { accessSync, constants, existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { DataError } from '../core/errors.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { acquireOutputFolder, FOLDER_LOCK_NAME, JOURNAL_NAME, needsRecovery, releaseOutputFolder, SHARDS_PREFIX, TMP_PREFIX, TRASH_PREFIX } from './output-transaction.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FORMATS } from '../formats/index.js';
import { baseNameFor } from '../formats/sink.js';
import { SPLITS, type Converter, type ConverterRegistry } from '../core/contract.js';
import { contentOfRecords } from './content.js';
import { expectedOutputs } from './entry.js';
import { sha256File } from './hash.js';
import { compareInputs, compareUtf8, hashInputs, inputsManifestHash } from './inputs.js';
import { INPUT_CACHE_NAME } from './input-cache.js';
import { LOCK_NAME, readLock, type LockDataset, type LockInputs } from './lockfile.js';
import { buildRecipe, fieldDifferences, recipeHash } from './recipe.js';
import { fingerprintFormat, fingerprintOf, semanticDrift } from './semantic.js';

export type ChangeKind = 'lock' | 'missing' | 'modified' | 'unexpected' | 'stale recipe' | 'content' | 'semantic' | 'input missing' | 'input modified' | 'input unexpected' | 'input error';

export interface VerifyChange {
  kind: ChangeKind;
  /** The dataset flag, absent for unexpected files. */
  dataset?: string;
  /** Output name, raw input path, or recipe field. */
  name: string;
  detail?: string;
}

export interface VerifyOptions {
  /** The converters of this build of the tool (the CLI passes converters/index.ts's registry). */
  registry: ConverterRegistry;
  lock?: string;
  content?: boolean;
  /** Re-fit the reference model and compare with the semantic fingerprints recorded in the lock. */
  semantic?: boolean;
  /** Raw download folders to re-hash: by source id, or `*` for any source not named. */
  inputs?: Record<string, string>;
  /** Where recovery of an interrupted run is reported (default stderr). */
  notes?: (line: string) => void;
  /** Progress: 'hashing outputs' (bytes), 'decoding' (with content), 'hashing inputs', the fit (semantic). */
  onProgress?: OnProgress;
}

export interface VerifyReport {
  dir: string;
  lock: string;
  /** Outputs re-hashed. */
  checkedOutputs: number;
  /** (dataset, size, format) triples decoded with --content. */
  checkedContent: number;
  checkedInputs: number;
  /** Semantic fingerprints recomputed with --semantic. */
  checkedSemantic: number;
  changes: VerifyChange[];
}

const short = (h: string): string => h.slice(0, 12);

export function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device file';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/** Re-hash the outputs a lock entry expects in `dir`; push each difference. Returns outputs found. */
export async function checkOutputs(dir: string, flag: string, d: LockDataset, changes: VerifyChange[], onBytes?: (n: number) => void): Promise<number> {
  let n = 0;
  for (const { output: o } of expectedOutputs(flag, d)) {
    const path = join(dir, o.name);
    const wantFolder = o.files !== undefined;
    const name = wantFolder ? `${o.name}/` : o.name; // folders shown as folders
    const st = await stat(path).catch(() => null);
    if (!st) {
      changes.push({ kind: 'missing', dataset: flag, name });
      continue;
    }
    n++;
    if (!st.isDirectory() && !st.isFile()) {
      changes.push({ kind: 'modified', dataset: flag, name, detail: `${specialKind(st)} where the lock has a ${wantFolder ? 'folder' : 'file'}` });
      continue;
    }
    if (wantFolder !== st.isDirectory()) {
      changes.push({ kind: 'modified', dataset: flag, name, detail: wantFolder ? 'a file where the lock has a folder' : 'a folder where the lock has a file' });
      continue;
    }
    let h;
    try {
      h = await sha256File(path, onBytes);
    } catch (err) {
      changes.push({ kind: 'modified', dataset: flag, name, detail: `cannot be read: ${(err as Error).message}` });
      continue;
    }
    if (h.sha256 !== o.sha256 || h.bytes !== o.bytes) {
      const parts = [`sha256 ${short(o.sha256)} -> ${short(h.sha256)}`];
      if (h.bytes !== o.bytes) parts.push(`${o.bytes} -> ${h.bytes} bytes`);
      if (wantFolder && h.files !== o.files) parts.push(`${o.files} -> ${h.files} files`);
      changes.push({ kind: 'modified', dataset: flag, name, detail: parts.join(', ') });
    }
  }
  return n;
}

/** Fields of a lock entry that must agree with each other (a hand-edited lock fails here). */
function checkLockEntry(flag: string, d: LockDataset, changes: VerifyChange[]): void {
  const bad = (name: string, detail: string): void => void changes.push({ kind: 'lock', dataset: flag, name, detail });
  const own = inputsManifestHash(d.inputs.files);
  if (own !== d.inputs.manifestSha256) bad('inputs', `the raw-input file list hashes to ${short(own)}, manifestSha256 says ${short(d.inputs.manifestSha256)} (edited by hand?)`);
  const paths = d.inputs.files.map((f) => f.path);
  if (paths.some((p, i) => i > 0 && compareUtf8(paths[i - 1]!, p) >= 0)) bad('inputs.files', 'not sorted by path, or a path listed twice');
  if (paths.some((p) => p === '' || p.startsWith('/') || p.split('/').includes('..'))) bad('inputs.files', 'a path that is not relative to the input folder');
  if (d.source !== d.recipe.source) bad('source', `${d.source}, the recipe says ${d.recipe.source}`);
  if (d.recipe.dataset !== flag) bad('recipe.dataset', `${d.recipe.dataset}, the entry is ${flag}`);
  const sizes = Object.keys(d.sizes).map(Number);
  for (const s of sizes) if (!d.recipe.sizes.includes(s)) bad(`sizes.${s}`, `size ${s} is not in recipe.sizes [${d.recipe.sizes.join(',')}]`);
  for (const [size, s] of Object.entries(d.sizes)) {
    for (const f of Object.keys(s.formats)) if (!d.recipe.formats.includes(f)) bad(`sizes.${size}.formats.${f}`, `format ${f} is not in recipe.formats [${d.recipe.formats.join(',')}]`);
    for (const k of SPLITS) {
      if (s.content.splits[k].count !== d.counts[k]) bad(`sizes.${size}.content.splits.${k}.count`, `${s.content.splits[k].count}, counts.${k} says ${d.counts[k]}`);
    }
  }
}

/** The recipe this tool would use for the locked options, and what the outputs' metadata records. */
async function checkRecipe(registry: ConverterRegistry, dir: string, flag: string, d: LockDataset, changes: VerifyChange[]): Promise<void> {
  const stale = (name: string, detail?: string): void => void changes.push({ kind: 'stale recipe', dataset: flag, name, detail });
  if (recipeHash(d.recipe) !== d.recipeSha256) stale('recipeSha256', 'does not match the recorded recipe (was the lock edited by hand?)');
  const converter = registry.all.find((c) => c.source.id === d.recipe.source);
  const spec = converter?.datasets.find((s) => s.flag === flag);
  if (!converter || !spec) stale('source', `${d.recipe.source}/${flag} is not built by this medmnist-build`);
  else {
    const r = d.recipe;
    const now = buildRecipe(converter.source.id, spec, { ...r, split: r.split.strategy === 'manifest' ? 'manifest:' : r.split.strategy, seed: r.split.seed }, r.split.manifestSha256);
    for (const f of fieldDifferences(r, now)) stale(f.path, `${f.a} in the lock, ${f.b} in this medmnist-build`);
  }
  for (const f of d.recipe.formats) {
    if (!FORMATS.some((x) => x.name === f)) stale(`formats`, `format ${f} is not known to this medmnist-build`);
  }
  // What the outputs themselves say they were built with (F_S.json), against the lock's recipe.
  for (const [size, s] of Object.entries(d.sizes)) {
    let meta: Record<string, unknown>;
    try {
      if (!(await stat(join(dir, s.metadata.name))).isFile()) continue; // reported as modified
      meta = JSON.parse(await readFile(join(dir, s.metadata.name), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // missing or unreadable: reported as missing / modified
    }
    const split = (meta['split'] ?? {}) as { strategy?: string; seed?: number };
    const pre = (meta['preprocessing'] ?? {}) as Record<string, unknown>;
    const tool = (meta['tool'] ?? {}) as { version?: string };
    const built = {
      'split.strategy': String(split.strategy ?? '').startsWith('manifest:') ? 'manifest' : split.strategy,
      'split.seed': split.seed,
      pixels: pre['ops'],
      'tool.version': tool.version,
      size: meta['size'],
    };
    const locked = {
      'split.strategy': d.recipe.split.strategy,
      'split.seed': d.recipe.split.seed,
      pixels: d.recipe.pixels,
      'tool.version': d.recipe.tool.version,
      size: Number(size),
    };
    for (const f of fieldDifferences(locked, built)) stale(f.path, `${f.a} in the lock, ${f.b} in ${s.metadata.name}`);
  }
}

/** Records of a reader, each one counted. */
async function* counted<T>(records: AsyncIterable<T>, tick: () => void): AsyncGenerator<T> {
  for await (const r of records) {
    tick();
    yield r;
  }
}

const samplesOf = (d: LockDataset): number => d.counts.train + d.counts.val + d.counts.test;

async function checkContent(dir: string, flag: string, d: LockDataset, changes: VerifyChange[], tick: (n?: number) => void): Promise<number> {
  let n = 0;
  for (const [size, s] of Object.entries(d.sizes)) {
    const base = baseNameFor(flag, Number(size));
    for (const [format, f] of Object.entries(s.formats)) {
      const fmt = FORMATS.find((x) => x.name === format);
      if (!fmt) continue; // reported as a stale recipe
      const present = await Promise.all(f.files.map((o) => stat(join(dir, o.name)).then((st) => st.isFile() || st.isDirectory(), () => false)));
      if (present.includes(false)) {
        tick(samplesOf(d));
        continue; // reported as missing
      }
      const name = `${base} (${format})`;
      n++;
      try {
        const got = await contentOfRecords(counted(fmt.readRecords(dir, base), tick));
        if (got.sha256 !== s.content.sha256) {
          const splits = SPLITS.filter((k) => got.splits[k].sha256 !== s.content.splits[k].sha256).map(
            (k) => `${k}${got.splits[k].count !== s.content.splits[k].count ? ` ${s.content.splits[k].count} -> ${got.splits[k].count} samples` : ''}`,
          );
          changes.push({ kind: 'content', dataset: flag, name, detail: `decoded arrays and labels differ in ${splits.join(', ')}` });
        }
      } catch (err) {
        changes.push({ kind: 'content', dataset: flag, name, detail: `cannot decode: ${(err as Error).message}` });
      }
    }
  }
  return n;
}

async function checkInputs(
  registry: ConverterRegistry,
  lockDatasets: [string, LockDataset][],
  dirs: Record<string, string>,
  changes: VerifyChange[],
  onProgress?: OnProgress,
): Promise<number> {
  const bySource = new Map<string, LockInputs | Error>();
  let n = 0;
  for (const [flag, d] of lockDatasets) {
    const raw = dirs[d.source] ?? dirs['*'];
    if (!raw) continue;
    let now = bySource.get(d.source);
    if (!now) {
      const converter: Converter | undefined = registry.all.find((c) => c.source.id === d.source);
      try {
        if (!converter) throw new Error(`source ${d.source} is not known to this medmnist-build`);
        const scan = await converter.scan(resolve(raw));
        now = await hashInputs(resolve(raw), [...scan.metadataFiles, ...scan.items.flatMap((it) => it.files)], { onProgress, subject: d.source });
      } catch (err) {
        now = err as Error;
      }
      bySource.set(d.source, now);
    }
    if (now instanceof Error) {
      changes.push({ kind: 'input error', dataset: flag, name: raw, detail: now.message });
      continue;
    }
    n += now.files.length;
    for (const c of compareInputs(d.inputs, now)) changes.push({ kind: `input ${c.kind}`, dataset: flag, name: c.path, detail: c.detail });
  }
  return n;
}

async function checkSemantic(registry: ConverterRegistry, dir: string, flag: string, d: LockDataset, changes: VerifyChange[], onProgress?: OnProgress): Promise<number> {
  const spec = registry.all.flatMap((c) => c.datasets).find((s) => s.flag === flag);
  let n = 0;
  for (const [size, s] of Object.entries(d.sizes)) {
    if (!s.semantic) continue;
    const name = `${baseNameFor(flag, Number(size))} (reference model)`;
    if (!spec) {
      changes.push({ kind: 'semantic', dataset: flag, name, detail: 'no converter of this version builds this dataset' });
      continue;
    }
    try {
      const now = await fingerprintOf(dir, spec, Number(size), fingerprintFormat(d.recipe.formats), onProgress);
      n++;
      for (const p of semanticDrift(d, Number(size), now)) changes.push({ kind: 'semantic', dataset: flag, name, detail: p });
    } catch (err) {
      changes.push({ kind: 'semantic', dataset: flag, name, detail: `cannot evaluate: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  return n;
}

/** What the leftovers of an interrupted run in a read-only folder are, and whether they may be deleted by hand. */
function leftoversAdvice(dir: string): string {
  const names = readdirSync(dir).filter((n) => n.startsWith(TMP_PREFIX) || n.startsWith(SHARDS_PREFIX) || n.startsWith(TRASH_PREFIX)).sort();
  if (existsSync(join(dir, JOURNAL_NAME))) return `Do not delete ${JOURNAL_NAME}: it completes a committed build.`;
  return names.length ? `The temporary folders (${names.join(', ')}) hold uncommitted outputs only: safe to delete.` : '';
}

export async function verifyOutputs(dirArg: string, o: VerifyOptions): Promise<VerifyReport> {
  const dir = resolve(dirArg);
  // Verify holds the folder's lock too: it never reads a folder a build is committing into, and it
  // first recovers the folder from an interrupted run (roll forward or back), as every command does.
  // A folder it cannot write (read-only mount) is read as it is, unless it needs recovery.
  const st = statSync(dir, { throwIfNoEntry: false });
  let writable = false;
  try {
    accessSync(dir, constants.W_OK);
    writable = Boolean(st?.isDirectory());
  } catch {
    /* read-only */
  }
  if (st?.isDirectory() && !writable && needsRecovery(dir)) {
    throw new DataError(`${dir} holds the journal or temporary folders of an interrupted run, and is read-only here; run \`medmnist-build verify ${dir}\` where it is writable to recover it. ${leftoversAdvice(dir)}`);
  }
  if (!writable) return verifyLocked(dir, o);
  acquireOutputFolder(dir, o.notes, { create: false });
  try {
    return await verifyLocked(dir, o);
  } finally {
    releaseOutputFolder(dir);
  }
}

async function verifyLocked(dir: string, o: VerifyOptions): Promise<VerifyReport> {
  const lockPath = resolve(o.lock ?? join(dir, LOCK_NAME));
  const lock = await readLock(lockPath);
  let checkedOutputs = 0;
  let checkedContent = 0;
  let checkedSemantic = 0;
  const datasets = Object.entries(lock.datasets).sort(([a], [b]) => (a < b ? -1 : 1));
  const expected = new Set<string>();
  // One pass per kind of check (so each is one progress step); each dataset's changes stay together,
  // in the order outputs, recipe, content, semantic.
  const perDataset = new Map<string, VerifyChange[]>(datasets.map(([flag]) => [flag, []]));
  const outputs = datasets.flatMap(([flag, d]) => expectedOutputs(flag, d).map((e) => e.output));
  const hashing = progressCounter(o.onProgress, 'hashing outputs', outputs.reduce((a, x) => a + x.bytes, 0), { unit: 'bytes' });
  for (const [flag, d] of datasets) {
    const changes = perDataset.get(flag)!;
    for (const e of expectedOutputs(flag, d)) expected.add(e.output.name);
    checkLockEntry(flag, d, changes);
    checkedOutputs += await checkOutputs(dir, flag, d, changes, hashing);
    await checkRecipe(o.registry, dir, flag, d, changes);
  }
  hashing.finish();
  if (o.content) {
    // Every sample of every (size, format) the lock lists is decoded once.
    const samples = datasets.reduce((a, [, d]) => a + samplesOf(d) * Object.values(d.sizes).reduce((b, s) => b + Object.keys(s.formats).length, 0), 0);
    const decoding = progressCounter(o.onProgress, 'decoding samples', samples);
    for (const [flag, d] of datasets) checkedContent += await checkContent(dir, flag, d, perDataset.get(flag)!, decoding);
    decoding.finish();
  }
  if (o.semantic) {
    for (const [flag, d] of datasets) checkedSemantic += await checkSemantic(o.registry, dir, flag, d, perDataset.get(flag)!, o.onProgress);
  }
  const changes = [...perDataset.values()].flat();
  const checkedInputs = o.inputs ? await checkInputs(o.registry, datasets, o.inputs, changes, o.onProgress) : 0;
  // Unexpected: anything else at the top of the output folder, except lock files.
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    if (expected.has(name) || name === LOCK_NAME || name === FOLDER_LOCK_NAME || name === INPUT_CACHE_NAME) continue;
    if (dirname(lockPath) === dir && name === basename(lockPath)) continue;
    changes.push({ kind: 'unexpected', name });
  }
  return { dir, lock: lockPath, checkedOutputs, checkedContent, checkedInputs, checkedSemantic, changes };
}

/** dvc-status-like text: changes grouped by dataset, one line each. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  const groups = new Map<string, VerifyChange[]>();
  for (const c of r.changes) {
    const k = c.dataset ?? '';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(c);
  }
  for (const [k, cs] of groups) {
    lines.push(k ? `${k}:` : 'not in the lock:');
    for (const c of cs) lines.push(`\t${(c.kind + ':').padEnd(18)} ${c.name}${c.detail ? `  (${c.detail})` : ''}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
