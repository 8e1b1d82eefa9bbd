// Stage 3 of a build: stream every dataset's records, in output order, into the format sinks of every
// size; then write samples.csv and F_S.json, take the content hashes, and hand the finished folder to
// the lock (src/lock/convert-lock.ts) and the output transaction (src/lock/output-transaction.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageShape, labelColumns, type Converter, type DatasetSpec, type SplitCounts } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { getFormat } from '../formats/index.js';
import { baseNameFor, type DatasetSink, type SinkContext } from '../formats/sink.js';
import { ContentHashSink } from '../lock/content.js';
import { HashedFileList } from '../lock/hashed-files.js';
import { ConvertLock, type StagedLock } from '../lock/convert-lock.js';
import { bytesOf, sha256File } from '../lock/hash.js';
import { compareUtf8, inputsManifestHash } from '../lock/inputs.js';
import { LOCK_NAME, STAGED_LOCK_NAME, type ContentHash, type LockInputs } from '../lock/lockfile.js';
import { acquireOutputFolder, fsError, OutputTransaction, releaseOutputFolder } from '../lock/output-transaction.js';
import { boundHeap, collectGarbage } from '../core/heap.js';
import { testPoint } from '../core/test-hooks.js';
import { writeLinesSync } from '../core/text-writer.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { buildDatasetMetadata, type FileRecord } from '../metadata/dataset-metadata.js';
import { samplesCsvLines } from '../metadata/samples-csv.js';
import { writeDatasetDocs } from './docs.js';
import type { HashedFile } from './items.js';
import { absoluteInput, specOf, splitOf, type BuildPlan, type PlanDataset } from './plan.js';

export interface PackOptions {
  out: string;
  /** Lock file to merge the build into (default `<out>/datasets.lock.json`); false: write no lock. */
  lock?: string | false;
  /** Refuse inputs, recipe or outputs that differ from the lock; leave the lock as it is. */
  frozen?: boolean;
  /** Record the reference model's metrics in the lock as a semantic fingerprint (default true). */
  fingerprint?: boolean;
  /** Accept a semantic fingerprint that moved beyond the locked tolerance. */
  acceptDrift?: boolean;
  /** Non-fatal notes for the user (stderr in the CLI). */
  warn?: (message: string) => void;
  /** Progress of the long steps: 'samples' and 'hashing outputs' per dataset (src/core/progress.ts). */
  onProgress?: OnProgress;
  /** Per dataset, sizes already in the folder that stay as they are (src/lock/incremental.ts). */
  keep?: Readonly<Record<string, readonly number[]>>;
}

export type { ProgressEvent } from '../core/progress.js';

export interface PackRecord {
  dataset: number;
  pos: number;
  /** Pixels per size of plan.options.sizes. */
  pixels: Uint8Array[];
}

/** Where pack gets its records: the live item loop (convert) or shard files (process + pack). */
export interface RecordSource {
  records: AsyncIterable<PackRecord>;
  /** The raw item files as hashed when they were read; complete once `records` is consumed. Called once. */
  itemFiles(): Iterable<HashedFile>;
  /**
   * Per dataset, positions of samples the recipe dropped (drop-blank), known before packing (shards);
   * their records come with no pixels and are left out, later samples of the split move up.
   */
  dropped?: readonly ReadonlySet<number>[];
}

export interface DatasetBuild {
  flag: string;
  spec: DatasetSpec;
  counts: SplitCounts;
  /** Files written for this dataset (names relative to the output folder), with hashes. */
  files: FileRecord[];
  /** Per size: the files of that size. */
  bySize: Record<number, FileRecord[]>;
  /** Per size: the format-independent content hash of what was written. */
  content: Record<number, ContentHash>;
  /** Samples the recipe dropped as blank, per split (counts are what is left). */
  dropped: SplitCounts;
}

export interface PackResult {
  datasets: DatasetBuild[];
  images: number;
  /** The lock file written, or null (no lock, or --frozen). */
  lockWritten: string | null;
  /**
   * The raw inputs as this build hashed them and the lock lists them, compactly (null without a lock):
   * the stat cache keeps them after the lock's own objects are gone.
   */
  inputFiles: HashedFileList | null;
}

/** Lock entries and the frozen check need every raw input; this is the list a plan implies. */
export function planInputFiles(plan: BuildPlan): string[] {
  return [...plan.metadataFiles, ...plan.items.flatMap((it) => it.files)].map((f) => absoluteInput(plan, f));
}

/** Raw inputs of the lock: metadata tables hashed now, item files as the item loop hashed them. */
async function lockInputs(plan: BuildPlan, itemFiles: Iterable<HashedFile>): Promise<LockInputs> {
  const all: HashedFile[] = [...itemFiles];
  for (const rel of plan.metadataFiles) {
    const h = await sha256File(absoluteInput(plan, rel));
    all.push({ path: rel, bytes: h.bytes, sha256: h.sha256 });
  }
  // One entry per path, the last read (a table hashed now over an item file of the same path). The
  // sort is stable; sorting and keeping each run's last entry needs no map of 236k paths.
  all.sort((a, b) => compareUtf8(a.path, b.path));
  const files: HashedFile[] = [];
  for (let i = 0; i < all.length; i++) if (i + 1 === all.length || all[i + 1]!.path !== all[i]!.path) files.push(all[i]!);
  return { manifestSha256: inputsManifestHash(files), files };
}

export async function pack(plan: BuildPlan, converter: Converter, source: RecordSource, opts: PackOptions): Promise<PackResult> {
  // The whole run holds the output folder's lock (re-entrant: convert took it already).
  acquireOutputFolder(opts.out);
  try {
    return await packLocked(plan, converter, source, opts);
  } finally {
    releaseOutputFolder(opts.out);
  }
}

async function packLocked(plan: BuildPlan, converter: Converter, source: RecordSource, opts: PackOptions): Promise<PackResult> {
  const specs = plan.datasets.map((d) => specOf(converter, d.flag));
  const lockPath = opts.lock === false ? null : (opts.lock ?? join(opts.out, LOCK_NAME));
  if (opts.frozen && !lockPath) throw new UsageError('--frozen needs a lock file');
  // Under --frozen this hashes the inputs and refuses before anything is written.
  const locker = lockPath
    ? await ConvertLock.prepare(
        { ...plan.options, input: plan.input, out: opts.out, path: lockPath, frozen: opts.frozen ?? false, fingerprint: opts.fingerprint, acceptDrift: opts.acceptDrift, warn: opts.warn, keep: opts.keep, onProgress: opts.onProgress },
        converter,
        specs,
        () => planInputFiles(plan),
      )
    : null;

  const tx = await OutputTransaction.begin(opts.out);
  const builds: DatasetBuild[] = [];
  let images = 0;
  let staged: StagedLock | null = null;
  const it = source.records[Symbol.asyncIterator]();
  let inputs: LockInputs | null = null;
  let inputFiles: HashedFileList | null = null;
  try {
    const written: string[] = [];
    for (let di = 0; di < plan.datasets.length; di++) {
      const b = await packDataset(plan, converter, specs[di]!, di, it, tx, opts, source.dropped?.[di]);
      builds.push(b);
      written.push(...b.files.map((f) => f.name));
      images += b.counts.train + b.counts.val + b.counts.test;
      const nDropped = b.dropped.train + b.dropped.val + b.dropped.test;
      if (nDropped > 0) opts.warn?.(`${b.flag}: ${nDropped} blank sample(s) dropped (constant crops: train ${b.dropped.train}, val ${b.dropped.val}, test ${b.dropped.test}).`);
    }
    // The item loop's garbage (every record, through every sink) is dead; the lock's list is next.
    collectGarbage();
    inputs = locker ? await lockInputs(plan, source.itemFiles()) : null;
    inputFiles = inputs && HashedFileList.of(inputs.files);
    if (locker && inputs) await locker.check(builds, tx.tmpDir, inputs);
    // The new lock is staged with the outputs and committed with them (one journal, one commit point).
    testPoint('lock-staging');
    staged = locker ? await locker.stage(tx.path(STAGED_LOCK_NAME)) : null;
    testPoint('lock-staged');
    // Dataset cards and Croissant files, from the lock the commit leaves (src/engine/docs.ts).
    written.push(...(await writeDatasetDocs({ builds, dir: tx.tmpDir, out: opts.out, lock: staged ? { path: staged.staged, mode: 'update', value: staged.lock } : lockPath && opts.frozen ? { path: lockPath, mode: 'frozen' } : null })));
    await tx.commit(written, staged && lockPath ? { staged: staged.staged, to: lockPath } : undefined, staged?.remove ?? []);
  } catch (err) {
    const committed = tx.committed;
    await tx.abort();
    throw committed ? err : fsError(err, `cannot write the build into ${opts.out} (the output folder was left as it was)`);
  } finally {
    // pack reads exactly the records it expects, so the source's generator is still suspended after
    // its last yield (or at a failure): returning it runs its cleanup (the item loop's thread pool).
    await it.return?.(undefined);
  }
  return { datasets: builds, images, lockWritten: staged ? lockPath : null, inputFiles };
}


async function packDataset(
  plan: BuildPlan,
  converter: Converter,
  spec: DatasetSpec,
  di: number,
  records: AsyncIterator<PackRecord>,
  tx: OutputTransaction,
  opts: PackOptions,
  droppedPos: ReadonlySet<number> = new Set(),
): Promise<DatasetBuild> {
  const planned: PlanDataset = plan.datasets[di]!;
  const { sizes, formats: formatNames, formatOptions } = plan.options;
  const formats = [...new Set(formatNames)].map(getFormat);
  // Samples dropped by the recipe leave the dataset: counts and indexes are those of what is kept.
  const dropped: SplitCounts = { train: 0, val: 0, test: 0 };
  for (const pos of droppedPos) dropped[splitOf(planned.counts, pos).split]++;
  const ds: PlanDataset =
    droppedPos.size === 0
      ? planned
      : {
          ...planned,
          counts: { train: planned.counts.train - dropped.train, val: planned.counts.val - dropped.val, test: planned.counts.test - dropped.test },
          samples: planned.samples.filter((_, pos) => !droppedPos.has(pos)),
        };
  const counts = ds.counts;
  const sinks: { size: number; sink: DatasetSink }[] = [];
  const contentSinks = new Map<number, ContentHashSink>();
  const columns = labelColumns(spec);
  try {
    for (const size of sizes) {
      for (const format of formats) {
        const ctx: SinkContext = {
          spec,
          size,
          baseName: baseNameFor(spec.flag, size),
          dir: tx.tmpDir,
          counts,
          imageShape: imageShape(spec, size),
          options: formatOptions,
        };
        sinks.push({ size, sink: await format.createSink(ctx) });
      }
      const cs = new ContentHashSink();
      contentSinks.set(size, cs);
      sinks.push({ size, sink: cs });
    }
    const total = planned.samples.length;
    const tick = progressCounter(opts.onProgress, 'samples', total, { subject: spec.flag });
    let kept = 0;
    for (let pos = 0; pos < total; pos++) {
      const next = await records.next();
      if (next.done || next.value.dataset !== di || next.value.pos !== pos) {
        throw new Error(`pack: expected record ${spec.flag}[${pos}], got ${next.done ? 'the end' : `${plan.datasets[next.value.dataset]?.flag}[${next.value.pos}]`}`);
      }
      if (droppedPos.has(pos) !== (next.value.pixels.length === 0)) throw new Error(`pack: record ${spec.flag}[${pos}] disagrees with the dropped list`);
      if (droppedPos.has(pos)) {
        tick();
        continue;
      }
      const sample = ds.samples[kept]!;
      if (sample.label.length !== columns) {
        throw new DataError(`${spec.flag} sample ${sample.id}: ${sample.label.length} label values, the dataset has ${columns} label column(s)`);
      }
      const { split, index } = splitOf(counts, kept++);
      const label = Uint8Array.from(sample.label);
      for (const { size, sink } of sinks) {
        await sink.write({ split, index, sample, label, pixels: next.value.pixels[sizes.indexOf(size)]! });
      }
      tick();
      boundHeap();
      testPoint('pack-record');
    }
    const bySize: Record<number, FileRecord[]> = {};
    const finished: { size: number; name: string }[] = [];
    for (const { size, sink } of sinks) for (const name of await sink.finish()) finished.push({ size, name });
    const outputBytes = opts.onProgress ? await bytesOf(finished.map((f) => tx.path(f.name))) : 0;
    const hashing = progressCounter(opts.onProgress, 'hashing outputs', outputBytes, { subject: spec.flag, unit: 'bytes' });
    for (const { size, name } of finished) {
      const h = await sha256File(tx.path(name), hashing);
      (bySize[size] ??= []).push({ name, bytes: h.bytes, sha256: h.sha256 });
    }
    const files: FileRecord[] = [];
    const csvName = `${spec.flag}.samples.csv`;
    writeLinesSync(tx.path(csvName), samplesCsvLines(spec, ds));
    const csvHash = await sha256File(tx.path(csvName));
    const csvRecord = { name: csvName, bytes: csvHash.bytes, sha256: csvHash.sha256 };
    files.push(csvRecord);
    for (const size of sizes) {
      const sizeFiles = (bySize[size] ?? []).slice().sort((a, b) => (a.name < b.name ? -1 : 1));
      bySize[size] = sizeFiles;
      const meta = buildDatasetMetadata({
        spec,
        source: converter.source,
        size,
        imageShape: imageShape(spec, size),
        counts,
        dropped,
        splitStrategy: plan.options.split,
        seed: plan.options.seed,
        files: [...sizeFiles, csvRecord],
      });
      const metaName = `${baseNameFor(spec.flag, size)}.json`;
      await writeFile(tx.path(metaName), JSON.stringify(meta, null, 2) + '\n');
      const mh = await sha256File(tx.path(metaName));
      files.push(...sizeFiles, { name: metaName, bytes: mh.bytes, sha256: mh.sha256 });
    }
    const content: Record<number, ContentHash> = {};
    for (const [size, cs] of contentSinks) content[size] = cs.content;
    return { flag: spec.flag, spec, counts, files, bySize, content, dropped };
  } catch (err) {
    for (const { sink } of sinks) await sink.abort().catch(() => undefined);
    throw err;
  }
}
