// `convert`: plan -> process -> pack in one process (design §3). When every item yields exactly one
// sample (every 2D source), items are processed in output order and their pixels stream straight into
// the sinks. Otherwise (a CT volume cut into many samples) the item loop writes one shard into the
// output's temporary area and pack reads it back in output order: the same code as `process` + `pack`,
// so the bytes are the same whatever the path or shard count.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Converter, ConverterRegistry } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { collectGarbage } from '../core/heap.js';
import { getFormat } from '../formats/index.js';
import { acquireOutputFolder, releaseOutputFolder, SHARDS_PREFIX } from '../lock/output-transaction.js';
import { testPoint } from '../core/test-hooks.js';
import { HashedFileList } from '../lock/hashed-files.js';
import { processItems } from './items.js';
import { pack, planInputFiles, type DatasetBuild, type PackOptions, type RecordSource } from './pack.js';
import { assessFreshness, type DatasetFreshness } from './freshness.js';
import { InputHashCache } from '../lock/input-cache.js';
import { hashInputs } from '../lock/inputs.js';
import { LOCK_NAME, readLockIfExists } from '../lock/lockfile.js';
import { makePlan, narrowPlan, type BuildPlan } from './plan.js';
import { openShards, writeShard } from './shards.js';

export type { DatasetBuild, ProgressEvent } from './pack.js';
export type { DatasetFreshness } from './freshness.js';

export interface ConvertOptions extends PackOptions {
  source: string;
  input: string;
  sizes: number[];
  formats: string[];
  split: string;
  seed: number;
  /** Dataset flags of the source to build (default: all). */
  datasets?: string[];
  workers?: number;
  formatOptions?: Record<string, string | number | boolean>;
  /** Drop sizes and formats of these datasets that the folder holds but this run did not ask for. */
  prune?: boolean;
  /** Rebuild even datasets that are up to date. */
  force?: boolean;
}

export interface ConvertResult {
  source: string;
  plan: BuildPlan;
  datasets: DatasetBuild[];
  images: number;
  /** Raw bytes read (each item once). */
  bytesRead: number;
  seconds: number;
  /** The lock file written, or null (no lock, --frozen, or everything was up to date). */
  lockWritten: string | null;
  /** Per dataset of the source asked for: new, rebuilt or up to date, and why (empty without a lock). */
  freshness: DatasetFreshness[];
}

export function validateSizes(sizes: readonly number[]): void {
  if (sizes.length === 0) throw new UsageError('--size needs at least one size, e.g. --size 28,64');
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1 || s > 4096) throw new UsageError(`--size ${s} is not a size in pixels (1..4096)`);
  }
  if (new Set(sizes).size !== sizes.length) throw new UsageError(`--size lists a size twice: ${sizes.join(',')}`);
}

/** Images in flight at most: each holds a decoded image (up to the pixel budget) and its cuts. */
export const MAX_WORKERS = 64;

export function validateWorkers(workers: number | undefined): number {
  const w = workers ?? Math.min(availableParallelism(), MAX_WORKERS);
  if (!Number.isInteger(w) || w < 1 || w > MAX_WORKERS) throw new UsageError(`--workers ${workers} must be a whole number from 1 to ${MAX_WORKERS}`);
  return w;
}

/** True when the item loop yields records in output order (one sample per item). */
export function streamsInOrder(plan: BuildPlan, converter?: Converter): boolean {
  // Dropping samples changes later indexes, so pack must know what is dropped first: the shard path.
  if (converter?.datasets.some((d) => plan.datasets.some((p) => p.flag === d.flag) && d.recipe.some((o) => o.op === 'drop-blank'))) return false;
  const perItem = new Uint32Array(plan.items.length);
  for (const d of plan.datasets) for (const s of d.samples) perItem[s.item]!++;
  return perItem.every((n) => n === 1);
}

/** Each dataset of the plan against the lock (read here, and let go on return) and the output folder. */
async function assessAgainstLock(plan: BuildPlan, converter: Converter, lockPath: string, cache: InputHashCache | null, opts: ConvertOptions): Promise<DatasetFreshness[]> {
  const lock = await readLockIfExists(lockPath);
  const progress = { onProgress: opts.onProgress, subject: converter.source.id };
  const onFile = opts.onProgress && ((done: number, total: number) => opts.onProgress!({ step: 'hashing inputs', subject: converter.source.id, done, total }));
  return assessFreshness(plan, converter, lock, opts.out, { sizes: opts.sizes, formats: opts.formats, prune: opts.prune ?? false, force: opts.force ?? false }, () =>
    // Only called when the lock has an entry to compare with: the list is one path per raw file.
    cache ? cache.hashInputs(plan.input, planInputFiles(plan), onFile) : hashInputs(plan.input, planInputFiles(plan), progress),
  );
}

export async function convert(registry: ConverterRegistry, opts: ConvertOptions): Promise<ConvertResult> {
  const converter = registry.get(opts.source);
  validateSizes(opts.sizes);
  for (const f of opts.formats) getFormat(f);
  const workers = validateWorkers(opts.workers);
  // One writer per output folder for the whole run; taking the lock also recovers the folder from an
  // interrupted earlier run (src/lock/output-transaction.ts).
  acquireOutputFolder(opts.out);
  try {
    return await convertLocked(converter, workers, opts);
  } finally {
    releaseOutputFolder(opts.out);
  }
}

async function convertLocked(converter: Converter, workers: number, opts: ConvertOptions): Promise<ConvertResult> {
  const t0 = performance.now();
  const startedMs = Date.now();
  testPoint('convert-locked');
  let plan = await makePlan({
    converter,
    input: opts.input,
    sizes: opts.sizes,
    formats: [...new Set(opts.formats)],
    split: opts.split,
    seed: opts.seed,
    formatOptions: opts.formatOptions ?? {},
    ...(opts.datasets ? { datasets: opts.datasets } : {}),
  });
  testPoint('convert-planned');
  // The scan behind the plan (236k items and samples for TissueMNIST) is garbage now.
  collectGarbage();
  const lockPath = opts.lock === false ? null : (opts.lock ?? join(opts.out, LOCK_NAME));
  // --frozen hashes every input itself; other builds take unchanged inputs' hashes from the stat cache.
  const cache = lockPath && !opts.frozen ? InputHashCache.load(opts.out) : null;
  let freshness: DatasetFreshness[] = [];
  let keep: Record<string, number[]> | undefined;
  if (lockPath) {
    freshness = await assessAgainstLock(plan, converter, lockPath, cache, opts);
    // The lock as read and the inputs as hashed now (236k entries each for TissueMNIST) are garbage.
    collectGarbage();
    const todo = freshness.filter((f) => f.status !== 'up to date');
    if (todo.length === 0) {
      cache?.save();
      return { source: converter.source.id, plan, datasets: [], images: 0, bytesRead: 0, lockWritten: null, freshness, seconds: (performance.now() - t0) / 1000 };
    }
    // A frozen build is compared with the lock as asked; other builds extend what the folder holds.
    if (!opts.frozen) {
      const sizes = [...new Set(todo.flatMap((f) => f.sizes))].sort((a, b) => a - b);
      const formats = [...new Set(todo.flatMap((f) => f.formats))].sort();
      const datasets = todo.map((f) => f.flag);
      const same = datasets.length === plan.datasets.length && sizes.join() === [...opts.sizes].sort((a, b) => a - b).join() && formats.join() === [...new Set(opts.formats)].sort().join();
      if (!same) plan = narrowPlan(plan, datasets, sizes, formats);
      keep = Object.fromEntries(todo.map((f) => [f.flag, f.keep]));
    }
  }
  opts = { ...opts, ...(keep ? { keep } : {}) };
  let bytesRead = 0;
  const onRead = (n: number) => (bytesRead += n);
  const all = plan.items.map((_, i) => i);
  let result;
  if (streamsInOrder(plan, converter)) {
    // Handed over to pack once (for the lock), then let go: it is ~10 MB at TissueMNIST's 236k stacks.
    let files: HashedFileList | null = new HashedFileList(plan.items.reduce((n, it) => n + it.files.length, 0));
    const source: RecordSource = {
      records: (async function* () {
        for await (const r of processItems(plan, converter, all, workers, onRead)) {
          for (const f of r.files) files!.add(f);
          for (const c of r.cuts) yield c;
        }
      })(),
      itemFiles: () => {
        const all = files!;
        files = null;
        return all;
      },
    };
    result = await pack(plan, converter, source, opts);
  } else {
    // Spill: one shard in a temporary folder beside the outputs (same file system, cleaned up always).
    const dir = await mkdtemp(join(opts.out, SHARDS_PREFIX));
    try {
      const shard = { index: 0, count: 1 };
      await writeShard(plan, converter, shard, dir, processItems(plan, converter, all, workers, onRead, opts.onProgress));
      const set = await openShards(plan, converter, dir, 1);
      try {
        result = await pack(plan, converter, { records: set.records(), itemFiles: () => set.files, dropped: set.dropped }, opts);
      } finally {
        set.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (cache && result.lockWritten && result.inputFiles) {
    // Remember the input hashes this build took (those its lock entries list), so the next run decides
    // "up to date" from a stat; taken from pack, not by reading the lock back (50 MB for TissueMNIST).
    cache.record(plan.input, result.inputFiles, startedMs);
    collectGarbage(); // the lock staged and written, and its list of 236k objects, are garbage
    cache.save();
  }
  const { inputFiles: _inputFiles, ...packed } = result;
  return { source: converter.source.id, plan, ...packed, freshness, bytesRead, seconds: (performance.now() - t0) / 1000 };
}
