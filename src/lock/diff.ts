// diff A B: which datasets, splits and samples changed, appeared or disappeared between two builds.
// Each side is an output folder (its datasets.lock.json used when present) or a lock file. Samples are
// compared by per-sample hash (src/lock/content.ts) keyed by image_id from F.samples.csv, computed by
// decoding the outputs with the formats' readRecords(): the outputs are the truth, no sidecar files
// are needed, and any format works on either side. A side that is only a lock (no outputs beside it)
// is compared at split level, by the per-split content hashes the lock records.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FORMATS } from '../formats/index.js';
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

export interface SizeDiff {
  size: number;
  status: 'same' | 'changed' | 'appeared' | 'disappeared';
  /** 'samples': decoded per sample on both sides; 'splits': per-split content hashes from locks. */
  level: 'samples' | 'splits';
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
  sizes: SizeDiff[];
}

export interface DiffReport {
  a: string;
  b: string;
  datasets: DatasetDiff[];
  summary: { same: number; changed: number; appeared: number; disappeared: number };
}

export async function loadSide(arg: string): Promise<DiffSide> {
  const p = resolve(arg);
  const st = await stat(p).catch(() => null);
  if (!st) throw new DataError(`diff: ${arg} does not exist; pass two output folders or two lock files.`);
  if (st.isDirectory()) return { arg, dir: p, lock: (await readLockIfExists(join(p, LOCK_NAME))) ?? undefined };
  const lock = await readLock(p);
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
  const locked = side.lock?.datasets[flag];
  if (locked) return Object.keys(locked.sizes).map(Number);
  const names = await readdir(side.dir!);
  const re = new RegExp(`^${flag}(?:_(\\d+))?\\.json$`);
  return names.map((n) => re.exec(n)).filter((m): m is RegExpExecArray => !!m).map((m) => (m[1] ? Number(m[1]) : 28));
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

async function decodableFormat(side: DiffSide, flag: string, size: number): Promise<OutputFormat | null> {
  const base = baseNameFor(flag, size);
  const locked = side.lock?.datasets[flag]?.sizes[String(size)];
  const candidates = locked ? FORMATS.filter((f) => locked.formats[f.name]) : FORMATS;
  for (const f of candidates) {
    const present = await Promise.all(f.fileNames(base).map((n) => stat(join(side.dir!, n)).then(() => true, () => false)));
    if (present.every(Boolean)) return f;
  }
  return null;
}

/** image_id -> where it is and its sample hash, by decoding one format of the side's outputs. */
async function sampleHashes(side: DiffSide, flag: string, size: number): Promise<Map<string, SampleRef & { hash: string }> | null> {
  if (!side.dir) return null;
  const format = await decodableFormat(side, flag, size);
  if (!format) return null;
  const ids = await sampleIds(side.dir, flag);
  const out = new Map<string, SampleRef & { hash: string }>();
  const base = baseNameFor(flag, size);
  await contentOfRecords(format.readRecords(side.dir, base), (split, index, hash) => {
    const id = ids.get(`${split}:${index}`);
    if (id === undefined) throw new DataError(`${side.dir}: ${base} (${format.name}) has ${split}[${index}] but ${flag}.samples.csv has no such row`);
    out.set(id, { image_id: id, split, index, hash });
  });
  return out;
}

function emptySize(size: number, status: SizeDiff['status'], level: SizeDiff['level']): SizeDiff {
  return { size, status, level, changedSplits: [], changed: [], appeared: [], disappeared: [], moved: [] };
}

async function diffSize(a: DiffSide, b: DiffSide, flag: string, size: number): Promise<SizeDiff> {
  const [ha, hb] = [await sampleHashes(a, flag, size), await sampleHashes(b, flag, size)];
  if (ha && hb) {
    const d = emptySize(size, 'same', 'samples');
    const strip = (r: SampleRef): SampleRef => ({ image_id: r.image_id, split: r.split, index: r.index });
    for (const [id, x] of ha) {
      const y = hb.get(id);
      if (!y) d.disappeared.push(strip(x));
      else if (x.hash !== y.hash) d.changed.push({ image_id: id, a: strip(x), b: strip(y) });
      else if (x.split !== y.split) d.moved.push({ image_id: id, from: x.split, to: y.split });
    }
    for (const [id, y] of hb) if (!ha.has(id)) d.appeared.push(strip(y));
    const touched = new Set<SplitName>();
    for (const c of d.changed) touched.add(c.a.split).add(c.b.split);
    for (const m of d.moved) touched.add(m.from).add(m.to);
    for (const r of [...d.appeared, ...d.disappeared]) touched.add(r.split);
    d.changedSplits = SPLITS.filter((s) => touched.has(s));
    if (d.changedSplits.length > 0) d.status = 'changed';
    return d;
  }
  const la = a.lock?.datasets[flag]?.sizes[String(size)];
  const lb = b.lock?.datasets[flag]?.sizes[String(size)];
  if (!la || !lb) {
    throw new DataError(`diff: cannot compare ${baseNameFor(flag, size)}: neither decodable outputs nor a lock entry on both sides. Pass output folders.`);
  }
  const d = emptySize(size, 'same', 'splits');
  d.changedSplits = SPLITS.filter((s) => la.content.splits[s].sha256 !== lb.content.splits[s].sha256);
  if (d.changedSplits.length > 0) d.status = 'changed';
  return d;
}

export async function diffBuilds(aArg: string, bArg: string): Promise<DiffReport> {
  const [a, b] = [await loadSide(aArg), await loadSide(bArg)];
  const [da, db] = [await datasetsOf(a), await datasetsOf(b)];
  const flags = [...new Set([...da, ...db])].sort();
  const datasets: DatasetDiff[] = [];
  for (const flag of flags) {
    const counts = { a: da.has(flag) ? await countsOf(a, flag) : undefined, b: db.has(flag) ? await countsOf(b, flag) : undefined };
    if (!db.has(flag) || !da.has(flag)) {
      datasets.push({ flag, status: da.has(flag) ? 'disappeared' : 'appeared', counts, recipe: [], sizes: [] });
      continue;
    }
    const ra: LockDataset | undefined = a.lock?.datasets[flag];
    const rb: LockDataset | undefined = b.lock?.datasets[flag];
    const recipe = ra && rb ? jsonDifferences(ra.recipe, rb.recipe) : [];
    const [sa, sb] = [new Set(await sizesOf(a, flag)), new Set(await sizesOf(b, flag))];
    const sizes: SizeDiff[] = [];
    for (const size of [...new Set([...sa, ...sb])].sort((x, y) => x - y)) {
      if (!sb.has(size)) sizes.push(emptySize(size, 'disappeared', 'splits'));
      else if (!sa.has(size)) sizes.push(emptySize(size, 'appeared', 'splits'));
      else sizes.push(await diffSize(a, b, flag, size));
    }
    const countsDiffer = JSON.stringify(counts.a) !== JSON.stringify(counts.b);
    const changed = countsDiffer || recipe.length > 0 || sizes.some((s) => s.status !== 'same');
    datasets.push({ flag, status: changed ? 'changed' : 'same', counts, recipe, sizes });
  }
  const summary = { same: 0, changed: 0, appeared: 0, disappeared: 0 };
  for (const d of datasets) summary[d.status]++;
  return { a: a.arg, b: b.arg, datasets, summary };
}

const ref = (r: SampleRef): string => `${r.split}[${r.index}]`;

export function formatDiffReport(r: DiffReport, maxListed = 50): string {
  const lines: string[] = [];
  for (const d of r.datasets) {
    if (d.status === 'same') continue;
    lines.push(`${d.flag}: ${d.status}`);
    const c = (x?: Record<SplitName, number>): string => (x ? SPLITS.map((s) => `${s} ${x[s]}`).join(', ') : '-');
    if (JSON.stringify(d.counts.a) !== JSON.stringify(d.counts.b) || d.status !== 'changed') lines.push(`  counts: ${c(d.counts.a)} -> ${c(d.counts.b)}`);
    for (const x of d.recipe) lines.push(`  recipe: ${x}`);
    for (const s of d.sizes) {
      if (s.status === 'same') continue;
      if (s.status !== 'changed') {
        lines.push(`  size ${s.size}: ${s.status}`);
        continue;
      }
      if (s.level === 'splits') {
        lines.push(`  size ${s.size}: content changed in ${s.changedSplits.join(', ')} (locks only; pass output folders for samples)`);
        continue;
      }
      lines.push(`  size ${s.size}: ${s.changed.length} changed, ${s.appeared.length} appeared, ${s.disappeared.length} disappeared, ${s.moved.length} moved split (splits: ${s.changedSplits.join(', ')})`);
      const items = [
        ...s.changed.map((x) => `    changed      ${x.image_id}  ${ref(x.a)} -> ${ref(x.b)}`),
        ...s.appeared.map((x) => `    appeared     ${x.image_id}  ${ref(x)}`),
        ...s.disappeared.map((x) => `    disappeared  ${x.image_id}  ${ref(x)}`),
        ...s.moved.map((x) => `    moved        ${x.image_id}  ${x.from} -> ${x.to}`),
      ];
      lines.push(...items.slice(0, maxListed));
      if (items.length > maxListed) lines.push(`    ... ${items.length - maxListed} more (use --json)`);
    }
  }
  const s = r.summary;
  lines.push(`${s.changed} dataset${s.changed === 1 ? '' : 's'} changed, ${s.appeared} appeared, ${s.disappeared} disappeared, ${s.same} unchanged`);
  return lines.join('\n') + '\n';
}
