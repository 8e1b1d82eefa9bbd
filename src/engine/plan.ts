// Stage 1 of a build: scan the source, split every dataset, and write down everything the later stages
// need as one serialisable BuildPlan (schemas/plan.schema.json). `process` and `pack` read only the plan,
// the raw files it names and the converter registry, so they can run on other machines.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type Converter, type DatasetSpec, type Item, type Sample, type SplitCounts, type SplitName } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { boundHeap } from '../core/heap.js';
import { splitSamples } from '../split/index.js';
import { TOOL_VERSION } from '../version.js';

export const PLAN_VERSION = 1;

/** A sample as the plan records it: its item by index into BuildPlan.items (split and index by position). */
export type PlanSample = Omit<Sample, 'item'> & { item: number };

export interface PlanDataset {
  flag: string;
  counts: SplitCounts;
  /** In output order: train, then val, then test; a sample's index is its position within its split. */
  samples: PlanSample[];
}

export interface PlanItem {
  id: string;
  /** POSIX paths relative to the plan's input folder. */
  files: string[];
  /** Total size of its files when planned (shards balance on it). */
  bytes: number;
}

export interface BuildOptions {
  sizes: number[];
  formats: string[];
  split: string;
  seed: number;
  formatOptions: Record<string, string | number | boolean>;
}

export interface BuildPlan {
  planVersion: typeof PLAN_VERSION;
  tool: { name: 'medmnist-build'; version: string };
  source: string;
  /** Absolute path of the raw download. */
  input: string;
  options: BuildOptions;
  /** Items in processing order: the order in which the outputs first need them. */
  items: PlanItem[];
  /** Tables scan() read (POSIX, relative to input): raw inputs of the lock besides the items. */
  metadataFiles: string[];
  datasets: PlanDataset[];
}

export function toPosixRelative(input: string, file: string): string {
  const rel = relative(input, file);
  if (rel === '' || rel.startsWith('..')) {
    throw new DataError(`input file ${file} is outside the --input folder ${input}; the plan and the lock record paths relative to it. Move the file below ${input}.`);
  }
  return rel.split(sep).join('/');
}

export function absoluteInput(plan: Pick<BuildPlan, 'input'>, rel: string): string {
  return resolve(plan.input, ...rel.split('/'));
}

/** Offset of each split's first sample in PlanDataset.samples. */
export function splitOffsets(counts: SplitCounts): Record<SplitName, number> {
  return { train: 0, val: counts.train, test: counts.train + counts.val };
}

/** The split and index of the sample at position `pos` of PlanDataset.samples. */
export function splitOf(counts: SplitCounts, pos: number): { split: SplitName; index: number } {
  if (pos < counts.train) return { split: 'train', index: pos };
  if (pos < counts.train + counts.val) return { split: 'val', index: pos - counts.train };
  return { split: 'test', index: pos - counts.train - counts.val };
}

export interface PlanRequest extends BuildOptions {
  converter: Converter;
  input: string;
  /** Dataset flags to build (--dataset; default: all the converter produces). */
  datasets?: readonly string[];
  /** Non-fatal notes (stderr by default). */
  warn?: (message: string) => void;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * realpath(file), resolving each folder once: a file that is not itself a link lies in its folder's
 * real path (a full realpath per file took 14 s for TissueMNIST's 236k stacks).
 */
function realPathOf(file: string, realDirs: Map<string, string>): string {
  try {
    if (lstatSync(file).isSymbolicLink()) return realOrSelf(file);
  } catch {
    return file;
  }
  const dir = dirname(file);
  let real = realDirs.get(dir);
  if (real === undefined) realDirs.set(dir, (real = realOrSelf(dir)));
  return join(real, basename(file));
}

/**
 * Inputs reached through a symbolic link that leaves --input are read (never skipped), and said so: the
 * lock records them by their path inside --input, so the target can change without the folder changing.
 */
function reportOutsideLinks(input: string, files: readonly string[], warn?: (m: string) => void): void {
  const root = realOrSelf(input);
  const outside: string[] = [];
  const realDirs = new Map<string, string>();
  for (const f of files) {
    const real = realPathOf(f, realDirs);
    const rel = relative(root, real);
    if (rel.startsWith('..') || isAbsolute(rel)) outside.push(`${f} -> ${real}`);
  }
  if (outside.length === 0) return;
  const say = warn ?? ((m: string) => process.stderr.write(`medmnist-build: ${m}\n`));
  say(
    `${outside.length} input file(s) are symbolic links (or lie in linked folders) that leave --input ${input}; they are read and locked by their path inside it: ` +
      outside.slice(0, 3).join(', ') + (outside.length > 3 ? `, ... (${outside.length - 3} more)` : ''),
  );
}

/** A file's size, 0 when it cannot be stat'ed (reading it later names the problem). */
function sizeOrZero(file: string): number {
  try {
    return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/**
 * One array per distinct label vector, shared by the samples that have it: a 1-element array per
 * sample held ~13 MB at TissueMNIST's 236k samples. Plan labels are never mutated.
 */
class LabelTable {
  private readonly byKey = new Map<string, number[]>();

  of(label: readonly number[]): number[] {
    const key = label.join(',');
    let shared = this.byKey.get(key);
    if (!shared) this.byKey.set(key, (shared = [...label]));
    return shared;
  }
}

/** Scan, split and order: the plan of a build (no pixels are read). */
export async function makePlan(req: PlanRequest): Promise<BuildPlan> {
  const { converter } = req;
  const input = resolve(req.input);
  const specs = datasetsOf(converter, req.datasets);
  const scan = await converter.scan(input);
  reportOutsideLinks(input, [...scan.metadataFiles, ...scan.items.flatMap((it) => it.files)], req.warn);
  // Scan items by id (scan index); the plan numbers them in the order the outputs first need them
  // (planIndex: scan index -> plan index; order: the reverse).
  const scanIndex = new Map<string, number>();
  scan.items.forEach((it, k) => scanIndex.set(it.id, k));
  if (scanIndex.size !== scan.items.length) throw new Error(`${converter.source.id}: scan() returned two items with one id`);
  const fileOf = (s: Sample) => {
    const k = scanIndex.get(s.item);
    return k === undefined ? undefined : scan.items[k]!.files[0];
  };
  const planIndex = new Int32Array(scan.items.length).fill(-1);
  const order: number[] = [];
  const datasets: PlanDataset[] = [];
  const itemOf: Int32Array[] = [];
  for (const spec of specs) {
    const samples = scan.samples[spec.flag] ?? [];
    if (samples.length === 0) throw new DataError(`${input}: no ${spec.flag} images found. ${converter.source.instructions}`);
    const resolve = scan.resolve?.[spec.flag];
    const splits = await splitSamples(samples, spec, { strategy: req.split, seed: req.seed, fileOf, ...(resolve ? { resolve } : {}) });
    const ordered = [...splits.train, ...splits.val, ...splits.test];
    const item = new Int32Array(ordered.length);
    ordered.forEach((s, pos) => {
      const k = scanIndex.get(s.item);
      if (k === undefined) throw new Error(`${converter.source.id}: sample ${s.id} names item ${s.item}, which scan() did not return`);
      if (planIndex[k]! < 0) planIndex[k] = order.push(k) - 1;
      item[pos] = planIndex[k]!;
    });
    itemOf.push(item);
    // Cast for now: each sample becomes a PlanSample in place below, once every dataset has looked up
    // its items by id.
    datasets.push({ flag: spec.flag, counts: { train: splits.train.length, val: splits.val.length, test: splits.test.length }, samples: ordered as unknown as PlanSample[] });
  }
  scanIndex.clear();
  // The scan's own sample objects become the plan's: `item` turns from an id into an index (a sample
  // object two datasets share gets the same index twice), and equal labels share one array. A copy
  // per sample doubled the memory of the plan while it was made (TissueMNIST: 236k samples).
  const labels = new LabelTable();
  datasets.forEach((d, di) =>
    d.samples.forEach((p, pos) => {
      p.item = itemOf[di]![pos]!;
      p.label = labels.of(p.label);
    }),
  );
  // One stat at a time, synchronously: a promise per file (236k for TissueMNIST) held ~1 GB at once,
  // and local stats are faster without the thread-pool round trip. Each scan item is let go once
  // planned, and its file list (absolute paths, by the contract) turns relative in place; a list two
  // items share is already relative the second time.
  const scanItems: (Item | null)[] = scan.items;
  const items: PlanItem[] = new Array(order.length);
  for (let idx = 0; idx < order.length; idx++) {
    const it = scanItems[order[idx]!]!;
    scanItems[order[idx]!] = null;
    const files = it.files;
    const done = files.length > 0 && !isAbsolute(files[0]!);
    let bytes = 0;
    for (const f of files) bytes += sizeOrZero(done ? absoluteInput({ input }, f) : f);
    if (!done) for (let k = 0; k < files.length; k++) files[k] = toPosixRelative(input, files[k]!);
    items[idx] = { id: it.id, files, bytes };
    boundHeap(); // the scan's items die as the plan's are made
  }
  return {
    planVersion: PLAN_VERSION,
    tool: { name: 'medmnist-build', version: TOOL_VERSION },
    source: converter.source.id,
    input,
    options: { sizes: [...req.sizes], formats: [...req.formats], split: req.split, seed: req.seed, formatOptions: { ...req.formatOptions } },
    items,
    metadataFiles: [...new Set(scan.metadataFiles)].map((f) => toPosixRelative(input, f)).sort(),
    datasets,
  };
}

/**
 * The plan of some of its datasets, with other sizes and formats, without scanning again: the items are
 * renumbered in the order in which the kept datasets first need them, as makePlan orders them.
 */
export function narrowPlan(plan: BuildPlan, flags: readonly string[], sizes: readonly number[], formats: readonly string[]): BuildPlan {
  const renumbered = new Map<number, number>();
  const datasets = plan.datasets
    .filter((d) => flags.includes(d.flag))
    .map((d) => ({
      ...d,
      samples: d.samples.map((s) => {
        let idx = renumbered.get(s.item);
        if (idx === undefined) renumbered.set(s.item, (idx = renumbered.size));
        return { ...s, item: idx };
      }),
    }));
  const items: PlanItem[] = new Array(renumbered.size);
  for (const [from, to] of renumbered) items[to] = plan.items[from]!;
  return { ...plan, options: { ...plan.options, sizes: [...sizes], formats: [...formats] }, items, datasets };
}

export function datasetsOf(converter: Converter, flags?: readonly string[]): DatasetSpec[] {
  if (!flags) return [...converter.datasets];
  return flags.map((f) => {
    const spec = converter.datasets.find((d) => d.flag === f);
    if (!spec) throw new UsageError(`${converter.source.id} does not build ${f}: it builds ${converter.datasets.map((d) => d.flag).join(', ')}`);
    return spec;
  });
}

export function specOf(converter: Converter, flag: string): DatasetSpec {
  return datasetsOf(converter, [flag])[0]!;
}

export async function readPlan(file: string): Promise<BuildPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--plan ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)}). Write one with \`medmnist-build plan\`.`);
  }
  let plan: BuildPlan;
  try {
    plan = JSON.parse(text) as BuildPlan;
  } catch {
    throw new DataError(`${file}: not a JSON build plan. Write one with \`medmnist-build plan\`.`);
  }
  if (plan?.planVersion !== PLAN_VERSION || !Array.isArray(plan.items) || !Array.isArray(plan.datasets)) {
    throw new DataError(`${file}: not a build plan of this medmnist-build (planVersion ${PLAN_VERSION}). Write one with \`medmnist-build plan\`.`);
  }
  if (plan.tool?.version !== TOOL_VERSION) {
    throw new DataError(`${file}: planned by medmnist-build ${plan.tool?.version}, this is ${TOOL_VERSION}; outputs could differ. Plan again with this version.`);
  }
  return plan;
}

/** Plan JSON, compact: its only readers are programs, and a 112k-sample plan stays tens of MB. */
export function planJson(plan: BuildPlan): string {
  return JSON.stringify(plan) + '\n';
}
