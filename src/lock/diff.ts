// diff A B: which files, datasets, splits and samples changed, appeared or disappeared between two
// builds. Each side is an output folder (its datasets.lock.json used when present) or a lock file. For
// folders the outputs are the truth, not the locks: every output file of a dataset (listed by either
// lock or found on disk) is re-hashed on both sides, and where a format's files differ, that format is
// decoded on both sides (the formats' readRecords()) and samples are compared by per-sample hash
// (src/lock/content.ts) keyed by image_id from F.samples.csv. A side that is only a lock (no outputs
// beside it), or --locks-only, is compared at split level by the per-split content hashes of the locks.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FORMATS } from '../formats/index.js';
import { expectedOutputs, stripSlash } from './entry.js';
import { listFolder, sha256File } from './hash.js';
import { baseNameFor, type OutputFormat } from '../formats/sink.js';
import { SPLITS, type SplitName } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import { parseCsv } from '../core/csv.js';
import { contentOfRecords } from './content.js';
import { LOCK_NAME, readLock, readLockIfExists, type LockDataset, type Lockfile } from './lockfile.js';
import { jsonDifferences } from './recipe.js';

export interface DiffSide {
  arg: string;
  /** Output folder, when the side has outputs to decode. */
  dir?: string;
  lock?: Lockfile;
}

export interface SampleRef {
  image_id: string;
  split: SplitName;
  index: number;
}

/** An output file (or PNG folder) whose bytes differ between the two folders. */
export interface FileDiff {
  name: string;
  status: 'changed' | 'only in a' | 'only in b';
  /** For folders: the files inside that differ (capped). */
  detail?: string;
}

export interface SizeDiff {
  size: number;
  status: 'same' | 'changed' | 'appeared' | 'disappeared';
  /** 'samples': decoded per sample on both sides; 'splits': per-split content hashes from locks. */
  level: 'samples' | 'splits';
  /** Formats decoded to compare samples (those whose files differ). */
  formats?: string[];
  /** Outputs that could not be decoded on a side: why. */
  problems?: string[];
  changedSplits: SplitName[];
  changed: { image_id: string; a: SampleRef; b: SampleRef }[];
  appeared: SampleRef[];
  disappeared: SampleRef[];
  /** Same pixels and labels, now in another split. */
  moved: { image_id: string; from: SplitName; to: SplitName }[];
}

export interface DatasetDiff {
  flag: string;
  status: 'same' | 'changed' | 'appeared' | 'disappeared';
  counts: { a?: Record<SplitName, number>; b?: Record<SplitName, number> };
  recipe: string[];
  /** Output files that differ (folder sides only). */
  files: FileDiff[];
  sizes: SizeDiff[];
}

export interface DiffReport {
  a: string;
  b: string;
  datasets: DatasetDiff[];
  summary: { same: number; changed: number; appeared: number; disappeared: number };
}

export interface DiffOptions {
  /** Compare the lock files only (split-level content hashes): fast, trusts the locks. */
  locksOnly?: boolean;
}

export async function loadSide(arg: string, o: DiffOptions = {}): Promise<DiffSide> {
  const p = resolve(arg);
  const st = await stat(p).catch(() => null);
  if (!st) throw new DataError(`diff: ${arg} does not exist; pass two output folders or two lock files.`);
  if (st.isDirectory() && o.locksOnly) {
    const lock = await readLockIfExists(join(p, LOCK_NAME));
    if (!lock) throw new DataError(`diff --locks-only: ${arg} has no ${LOCK_NAME}; drop --locks-only to compare the folders' contents.`);
    return { arg, lock };
  }
  if (st.isDirectory()) return { arg, dir: p, lock: (await readLockIfExists(join(p, LOCK_NAME))) ?? undefined };
  const lock = await readLock(p);
  if (o.locksOnly) return { arg, lock };
  const dir = dirname(p);
  const hasOutputs = await Promise.all(Object.keys(lock.datasets).map((f) => stat(join(dir, `${f}.samples.csv`)).then(() => true, () => false)));
  return { arg, lock, dir: hasOutputs.length > 0 && hasOutputs.every(Boolean) ? dir : undefined };
}

async function folderDatasets(dir: string): Promise<Set<string>> {
  const names = await readdir(dir);
  return new Set(names.map((n) => /^([a-z0-9]+)\.samples\.csv$/.exec(n)?.[1]).filter((x): x is string => !!x));
}

async function datasetsOf(side: DiffSide): Promise<Set<string>> {
  const out = new Set(Object.keys(side.lock?.datasets ?? {}));
  if (side.dir) for (const f of await folderDatasets(side.dir)) out.add(f);
  return out;
}

async function sizesOf(side: DiffSide, flag: string): Promise<number[]> {
  const sizes = new Set(Object.keys(side.lock?.datasets[flag]?.sizes ?? {}).map(Number));
  if (side.dir) for (const s of await sizesOnDisk(side.dir, flag)) sizes.add(s);
  return [...sizes];
}

/** split:index -> image_id, from F.samples.csv. */
async function sampleIds(dir: string, flag: string): Promise<Map<string, string>> {
  const file = join(dir, `${flag}.samples.csv`);
  const rows = parseCsv(await readFile(file, 'utf8'), file);
  const header = rows[0] ?? [];
  const [si, ii, di] = ['split', 'index', 'image_id'].map((c) => header.indexOf(c));
  if (si! < 0 || ii! < 0 || di! < 0) throw new DataError(`${file}: expected columns split,index,image_id (header has ${header.join(',')})`);
  const out = new Map<string, string>();
  for (const r of rows.slice(1)) if (r.length > 1) out.set(`${r[si!]}:${r[ii!]}`, r[di!]!);
  return out;
}

async function countsOf(side: DiffSide, flag: string): Promise<Record<SplitName, number> | undefined> {
  if (side.dir) {
    const ids = await sampleIds(side.dir, flag).catch(() => null);
    if (ids) {
      const c = { train: 0, val: 0, test: 0 };
      for (const k of ids.keys()) c[k.slice(0, k.indexOf(':')) as SplitName]++;
      return c;
    }
  }
  return side.lock?.datasets[flag]?.counts;
}

/** Where an output belongs: samples.csv and cards have no size; a metadata JSON has no format. */
interface OutputTag {
  size?: number;
  format?: string;
}

/** The outputs of a dataset on a folder side: what its lock lists, and what is on disk for it. */
async function outputsOf(side: DiffSide, flag: string): Promise<Map<string, OutputTag>> {
  const out = new Map<string, OutputTag>();
  const locked = side.lock?.datasets[flag];
  if (locked) for (const e of expectedOutputs(flag, locked)) out.set(stripSlash(e.output.name), { ...(e.size !== undefined ? { size: e.size } : {}), ...(e.format ? { format: e.format } : {}) });
  const onDisk = new Set(await readdir(side.dir!));
  if (onDisk.has(`${flag}.samples.csv`)) out.set(`${flag}.samples.csv`, out.get(`${flag}.samples.csv`) ?? {});
  for (const size of await sizesOnDisk(side.dir!, flag)) {
    const base = baseNameFor(flag, size);
    if (onDisk.has(`${base}.json`)) out.set(`${base}.json`, { size });
    for (const f of FORMATS) for (const n of f.fileNames(base).map(stripSlash)) if (onDisk.has(n)) out.set(n, { size, format: f.name });
  }
  return out;
}

async function sizesOnDisk(dir: string, flag: string): Promise<number[]> {
  const re = new RegExp(`^${flag}(?:_(\\d+))?\\.json$`);
  return (await readdir(dir)).map((n) => re.exec(n)).filter((m): m is RegExpExecArray => !!m).map((m) => (m[1] ? Number(m[1]) : 28));
}

const MAX_FOLDER_DETAIL = 5;

/** Compare one output by its bytes on both sides (folders: their file manifests, with the files that differ). */
async function compareOutput(a: string, b: string, name: string): Promise<FileDiff | null> {
  const [ha, hb] = await Promise.all([sha256File(join(a, name)).catch(() => null), sha256File(join(b, name)).catch(() => null)]);
  if (!ha && !hb) return null;
  if (!hb) return { name, status: 'only in a' };
  if (!ha) return { name, status: 'only in b' };
  if (ha.sha256 === hb.sha256 && ha.bytes === hb.bytes) return null;
  const d: FileDiff = { name, status: 'changed' };
  if (ha.files !== undefined && hb.files !== undefined) {
    const [la, lb] = [await listFolder(join(a, name)), await listFolder(join(b, name))];
    const [sa, sb] = [new Set(la), new Set(lb)];
    const parts = [...la.filter((n) => !sb.has(n)).map((n) => `${n} only in a`), ...lb.filter((n) => !sa.has(n)).map((n) => `${n} only in b`)];
    for (const n of la) {
      if (!sb.has(n) || parts.length > MAX_FOLDER_DETAIL) continue;
      const [x, y] = await Promise.all([sha256File(join(a, name, n)), sha256File(join(b, name, n))]);
      if (x.sha256 !== y.sha256) parts.push(`${n} changed`);
    }
    d.detail = parts.slice(0, MAX_FOLDER_DETAIL).join(', ') + (parts.length > MAX_FOLDER_DETAIL ? ', ...' : '');
  }
  return d;
}

/** image_id -> where it is and its sample hash, by decoding `format` of the side's outputs. */
async function sampleHashes(side: DiffSide, flag: string, size: number, format: OutputFormat): Promise<Map<string, SampleRef & { hash: string }>> {
  const ids = await sampleIds(side.dir!, flag);
  const out = new Map<string, SampleRef & { hash: string }>();
  const base = baseNameFor(flag, size);
  await contentOfRecords(format.readRecords(side.dir!, base), (split, index, hash) => {
    const id = ids.get(`${split}:${index}`);
    if (id === undefined) throw new DataError(`${side.dir}: ${base} (${format.name}) has ${split}[${index}] but ${flag}.samples.csv has no such row`);
    out.set(id, { image_id: id, split, index, hash });
  });
  return out;
}

function emptySize(size: number, status: SizeDiff['status'], level: SizeDiff['level']): SizeDiff {
  return { size, status, level, changedSplits: [], changed: [], appeared: [], disappeared: [], moved: [] };
}

/** Add the sample differences between two decoded versions of one size to `d` (once per image_id). */
function addSampleDiff(d: SizeDiff, ha: Map<string, SampleRef & { hash: string }>, hb: Map<string, SampleRef & { hash: string }>): void {
  const strip = (r: SampleRef): SampleRef => ({ image_id: r.image_id, split: r.split, index: r.index });
  const seen = new Set([...d.changed, ...d.appeared, ...d.disappeared, ...d.moved].map((x) => x.image_id));
  for (const [id, x] of ha) {
    if (seen.has(id)) continue;
    const y = hb.get(id);
    if (!y) d.disappeared.push(strip(x));
    else if (x.hash !== y.hash) d.changed.push({ image_id: id, a: strip(x), b: strip(y) });
    else if (x.split !== y.split) d.moved.push({ image_id: id, from: x.split, to: y.split });
  }
  for (const [id, y] of hb) if (!ha.has(id) && !seen.has(id)) d.appeared.push(strip(y));
}

/** Both sides are folders: decode the formats whose files differ and compare their samples. */
async function diffSizeInFolders(a: DiffSide, b: DiffSide, flag: string, size: number, differing: readonly FileDiff[], tags: Map<string, OutputTag>): Promise<SizeDiff> {
  const d = emptySize(size, 'same', 'samples');
  const formats = [...new Set(differing.map((f) => tags.get(f.name)?.format).filter((x): x is string => !!x))].sort();
  d.formats = formats;
  const problems: string[] = [];
  for (const name of formats) {
    const format = FORMATS.find((f) => f.name === name)!;
    const decoded: (Map<string, SampleRef & { hash: string }> | null)[] = [];
    for (const [label, side] of [['a', a], ['b', b]] as const) {
      try {
        decoded.push(await sampleHashes(side, flag, size, format));
      } catch (err) {
        problems.push(`${label}: ${baseNameFor(flag, size)} (${name}) cannot be decoded: ${(err as Error).message.split('\n')[0]}`);
        decoded.push(null);
      }
    }
    if (decoded[0] && decoded[1]) addSampleDiff(d, decoded[0], decoded[1]);
  }
  if (problems.length > 0) d.problems = problems;
  const touched = new Set<SplitName>();
  for (const c of d.changed) touched.add(c.a.split).add(c.b.split);
  for (const m of d.moved) touched.add(m.from).add(m.to);
  for (const r of [...d.appeared, ...d.disappeared]) touched.add(r.split);
  d.changedSplits = SPLITS.filter((s) => touched.has(s));
  if (d.changedSplits.length > 0 || problems.length > 0 || differing.length > 0) d.status = 'changed';
  return d;
}

/** At least one side is only a lock: compare the per-split content hashes the locks record. */
function diffSizeByLocks(a: DiffSide, b: DiffSide, flag: string, size: number): SizeDiff {
  const la = a.lock?.datasets[flag]?.sizes[String(size)];
  const lb = b.lock?.datasets[flag]?.sizes[String(size)];
  if (!la || !lb) {
    throw new DataError(`diff: cannot compare ${baseNameFor(flag, size)}: neither outputs nor a lock entry on both sides. Pass two output folders, or two lock files.`);
  }
  const d = emptySize(size, 'same', 'splits');
  d.changedSplits = SPLITS.filter((s) => la.content.splits[s].sha256 !== lb.content.splits[s].sha256);
  if (d.changedSplits.length > 0) d.status = 'changed';
  return d;
}

export async function diffBuilds(aArg: string, bArg: string, o: DiffOptions = {}): Promise<DiffReport> {
  const [a, b] = [await loadSide(aArg, o), await loadSide(bArg, o)];
  const [da, db] = [await datasetsOf(a), await datasetsOf(b)];
  const flags = [...new Set([...da, ...db])].sort();
  const datasets: DatasetDiff[] = [];
  const folders = Boolean(a.dir && b.dir);
  for (const flag of flags) {
    const counts = { a: da.has(flag) ? await countsOf(a, flag) : undefined, b: db.has(flag) ? await countsOf(b, flag) : undefined };
    if (!db.has(flag) || !da.has(flag)) {
      datasets.push({ flag, status: da.has(flag) ? 'disappeared' : 'appeared', counts, recipe: [], files: [], sizes: [] });
      continue;
    }
    const ra: LockDataset | undefined = a.lock?.datasets[flag];
    const rb: LockDataset | undefined = b.lock?.datasets[flag];
    const recipe = ra && rb ? jsonDifferences(ra.recipe, rb.recipe) : [];
    const [sa, sb] = [new Set(await sizesOf(a, flag)), new Set(await sizesOf(b, flag))];
    const files: FileDiff[] = [];
    const tags = new Map<string, OutputTag>();
    if (folders) {
      for (const side of [a, b]) for (const [n, t] of await outputsOf(side, flag)) if (!tags.has(n)) tags.set(n, t);
      for (const name of [...tags.keys()].sort()) {
        const f = await compareOutput(a.dir!, b.dir!, name);
        if (f) files.push(f);
      }
    }
    const sizes: SizeDiff[] = [];
    for (const size of [...new Set([...sa, ...sb])].sort((x, y) => x - y)) {
      if (!sb.has(size)) sizes.push(emptySize(size, 'disappeared', 'splits'));
      else if (!sa.has(size)) sizes.push(emptySize(size, 'appeared', 'splits'));
      else if (folders) sizes.push(await diffSizeInFolders(a, b, flag, size, files.filter((f) => tags.get(f.name)?.size === size), tags));
      else sizes.push(diffSizeByLocks(a, b, flag, size));
    }
    const countsDiffer = JSON.stringify(counts.a) !== JSON.stringify(counts.b);
    const changed = countsDiffer || recipe.length > 0 || files.length > 0 || sizes.some((s) => s.status !== 'same');
    datasets.push({ flag, status: changed ? 'changed' : 'same', counts, recipe, files, sizes });
  }
  const summary = { same: 0, changed: 0, appeared: 0, disappeared: 0 };
  for (const d of datasets) summary[d.status]++;
  return { a: a.arg, b: b.arg, datasets, summary };
}

const ref = (r: SampleRef): string => `${r.split}[${r.index}]`;

/** The sample-level lines of a size, for grouping sizes whose lists are identical. */
function sampleItems(s: SizeDiff): string[] {
  return [
    ...s.changed.map((x) => `changed      ${x.image_id}  ${ref(x.a)} -> ${ref(x.b)}`),
    ...s.appeared.map((x) => `appeared     ${x.image_id}  ${ref(x)}`),
    ...s.disappeared.map((x) => `disappeared  ${x.image_id}  ${ref(x)}`),
    ...s.moved.map((x) => `moved        ${x.image_id}  ${x.from} -> ${x.to}`),
  ];
}

/**
 * The report as text. Sizes whose sample differences are the same (a split change moves the same
 * samples at every size) are listed once; each list shows at most `maxListed` lines (Infinity: all).
 */
export function formatDiffReport(r: DiffReport, maxListed = 20): string {
  const lines: string[] = [];
  const cap = (items: string[], indent: string): void => {
    lines.push(...items.slice(0, maxListed).map((x) => indent + x));
    if (items.length > maxListed) lines.push(`${indent}... ${items.length - maxListed} more (--all lists every one, --json gives them all)`);
  };
  for (const d of r.datasets) {
    if (d.status === 'same') continue;
    lines.push(`${d.flag}: ${d.status}`);
    const c = (x?: Record<SplitName, number>): string => (x ? SPLITS.map((s) => `${s} ${x[s]}`).join(', ') : '-');
    if (JSON.stringify(d.counts.a) !== JSON.stringify(d.counts.b) || d.status !== 'changed') lines.push(`  counts: ${c(d.counts.a)} -> ${c(d.counts.b)}`);
    cap(d.recipe.map((x) => `recipe: ${x}`), '  ');
    if (d.files.length > 0) {
      lines.push(`  files: ${d.files.length} differ`);
      cap(d.files.map((f) => `${f.status.padEnd(10)} ${f.name}${f.detail ? `  (${f.detail})` : ''}`), '    ');
    }
    const groups = new Map<string, SizeDiff[]>();
    for (const s of d.sizes) {
      if (s.status === 'same') continue;
      const key = s.status === 'changed' ? `${s.level}|${JSON.stringify(sampleItems(s))}|${JSON.stringify(s.changedSplits)}|${JSON.stringify(s.problems ?? [])}` : `${s.status}|${s.size}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const group of groups.values()) {
      const s = group[0]!;
      const label = group.length === 1 ? `size ${s.size}` : `sizes ${group.map((g) => g.size).join(', ')}`;
      if (s.status !== 'changed') {
        lines.push(`  ${label}: ${s.status}`);
        continue;
      }
      if (s.level === 'splits') {
        lines.push(`  ${label}: content changed in ${s.changedSplits.join(', ')} (locks only; pass output folders for samples)`);
        continue;
      }
      for (const p of s.problems ?? []) lines.push(`  ${label}: ${p}`);
      const items = sampleItems(s);
      if (items.length === 0) {
        if (!s.problems) lines.push(`  ${label}: bytes differ, decoded samples identical (${(s.formats ?? []).join(', ') || 'metadata only'})`);
        continue;
      }
      lines.push(`  ${label}: ${s.changed.length} changed, ${s.appeared.length} appeared, ${s.disappeared.length} disappeared, ${s.moved.length} moved split (splits: ${s.changedSplits.join(', ')})`);
      cap(items, '    ');
    }
  }
  const s = r.summary;
  lines.push(`${s.changed} dataset${s.changed === 1 ? '' : 's'} changed, ${s.appeared} appeared, ${s.disappeared} disappeared, ${s.same} unchanged`);
  return lines.join('\n') + '\n';
}
