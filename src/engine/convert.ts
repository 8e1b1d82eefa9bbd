// The engine: scan -> split -> decode -> pixel recipe (every size from one decode) -> sinks.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { getConverter } from '../../converters/index.js';
import { createImageProcessor, type ImageProcessor } from '../image/processor.js';
import { getFormat } from '../formats/index.js';
import { baseNameFor, type DatasetSink, type SinkContext } from '../formats/sink.js';
import { ContentHashSink } from '../lock/content.js';
import { ConvertLock } from '../lock/convert-lock.js';
import { sha256File } from '../lock/hash.js';
import { LOCK_NAME, type ContentHash } from '../lock/lockfile.js';
import { buildDatasetMetadata, type FileRecord } from '../metadata/dataset-metadata.js';
import { samplesCsvLines } from '../metadata/samples-csv.js';
import { splitSamples, type SplitSamples } from '../split/index.js';
import { SPLITS, type Converter, type DatasetSpec, type ScanResult, type SplitName } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { orderedMap } from '../core/ordered.js';
import { OutputTransaction } from '../lock/output-transaction.js';

export interface ConvertOptions {
  source: string;
  input: string;
  out: string;
  sizes: number[];
  formats: string[];
  split: string;
  seed: number;
  workers?: number;
  /** Only these dataset flags of the source (default: all it produces). */
  datasets?: string[];
  formatOptions?: Record<string, string | number | boolean>;
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
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  flag: string;
  done: number;
  total: number;
}

export interface DatasetBuild {
  flag: string;
  spec: DatasetSpec;
  counts: Record<SplitName, number>;
  splits: SplitSamples;
  /** Files written for this dataset (names relative to the output folder), with hashes. */
  files: FileRecord[];
  /** Per size: the files of that size. */
  bySize: Record<number, FileRecord[]>;
  /** Per size: the format-independent content hash of what was written. */
  content: Record<number, ContentHash>;
}

export interface ConvertResult {
  source: string;
  converter: Converter;
  scan: ScanResult;
  datasets: DatasetBuild[];
  images: number;
  seconds: number;
  /** The lock file written, or null (no lock, or --frozen). */
  lockWritten: string | null;
}

export function imageShapeFor(spec: DatasetSpec, size: number): number[] {
  return spec.nChannels === 3 ? [size, size, 3] : [size, size];
}

function validateSizes(sizes: number[]): void {
  if (sizes.length === 0) throw new UsageError('--size needs at least one size, e.g. --size 28,64');
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1 || s > 4096) throw new UsageError(`--size ${s} is not a size in pixels (1..4096)`);
  }
  if (new Set(sizes).size !== sizes.length) throw new UsageError(`--size lists a size twice: ${sizes.join(',')}`);
}

export async function convert(opts: ConvertOptions): Promise<ConvertResult> {
  const t0 = performance.now();
  const converter = getConverter(opts.source);
  validateSizes(opts.sizes);
  const formats = [...new Set(opts.formats)].map(getFormat);
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const wanted = opts.datasets ?? converter.datasets.map((d) => d.flag);
  const specs = converter.datasets.filter((d) => wanted.includes(d.flag));

  const scan = await converter.scan(opts.input);
  const plans: { spec: DatasetSpec; splits: SplitSamples }[] = [];
  for (const spec of specs) {
    const samples = scan.samples[spec.flag] ?? [];
    if (samples.length === 0) throw new DataError(`${opts.input}: no ${spec.flag} images found. ${converter.source.instructions}`);
    plans.push({ spec, splits: await splitSamples(samples, spec, { strategy: opts.split, seed: opts.seed }) });
  }

  // Lock (src/lock/convert-lock.ts): under --frozen this refuses before anything is written.
  const lockPath = opts.lock === false ? null : (opts.lock ?? join(opts.out, LOCK_NAME));
  if (opts.frozen && !lockPath) throw new UsageError('--frozen needs a lock file');
  const locker = lockPath
    ? await ConvertLock.prepare({ ...opts, path: lockPath, frozen: opts.frozen ?? false }, converter, specs, scan)
    : null;

  const tx = await OutputTransaction.begin(opts.out);
  const builds: DatasetBuild[] = [];
  let images = 0;
  try {
    const written: string[] = [];
    for (const { spec, splits } of plans) {
      const b = await buildDataset(converter, spec, splits, opts, formats, workers, tx);
      builds.push(b);
      written.push(...b.files.map((f) => f.name));
      images += SPLITS.reduce((a, s) => a + splits[s].length, 0);
    }
    await locker?.check(builds, tx.tmpDir);
    await tx.commit(written);
  } catch (err) {
    await tx.abort();
    throw err;
  }
  const lockWritten = locker && (await locker.write()) ? lockPath : null;
  return { source: converter.source.id, converter, scan, datasets: builds, images, seconds: (performance.now() - t0) / 1000, lockWritten };
}

async function buildDataset(
  converter: Converter,
  spec: DatasetSpec,
  splits: SplitSamples,
  opts: ConvertOptions,
  formats: ReturnType<typeof getFormat>[],
  workers: number,
  tx: OutputTransaction,
): Promise<DatasetBuild> {
  const counts = { train: splits.train.length, val: splits.val.length, test: splits.test.length };
  const sinks: { size: number; sink: DatasetSink }[] = [];
  const contentSinks = new Map<number, ContentHashSink>();
  let processor: ImageProcessor | null = null;
  try {
    processor = await createImageProcessor({ converter, spec, sizes: opts.sizes, workers });
    const proc = processor;
    for (const size of opts.sizes) {
      for (const format of formats) {
        const ctx: SinkContext = {
          spec,
          size,
          baseName: baseNameFor(spec.flag, size),
          dir: tx.tmpDir,
          counts,
          imageShape: imageShapeFor(spec, size),
          options: opts.formatOptions ?? {},
        };
        sinks.push({ size, sink: await format.createSink(ctx) });
      }
      const cs = new ContentHashSink();
      contentSinks.set(size, cs);
      sinks.push({ size, sink: cs });
    }
    const order = SPLITS.flatMap((split) => splits[split].map((sample, index) => ({ split, index, sample })));
    const total = order.length;
    let done = 0;
    const results = orderedMap(order, workers * 2, async (item) => ({ ...item, pixels: await proc.process(item.sample) }));
    for await (const r of results) {
      const label = Uint8Array.from(r.sample.label);
      for (const { size, sink } of sinks) {
        await sink.write({ split: r.split, index: r.index, sample: r.sample, label, pixels: r.pixels[opts.sizes.indexOf(size)]! });
      }
      done++;
      opts.onProgress?.({ flag: spec.flag, done, total });
    }
    const bySize: Record<number, FileRecord[]> = {};
    for (const { size, sink } of sinks) {
      const names = await sink.finish();
      for (const name of names) {
        const h = await sha256File(tx.path(name));
        (bySize[size] ??= []).push({ name, bytes: h.bytes, sha256: h.sha256 });
      }
    }
    const files: FileRecord[] = [];
    const csvName = `${spec.flag}.samples.csv`;
    await writeFile(tx.path(csvName), [...samplesCsvLines(spec, splits)].join(''));
    const csvHash = await sha256File(tx.path(csvName));
    files.push({ name: csvName, bytes: csvHash.bytes, sha256: csvHash.sha256 });
    for (const size of opts.sizes) {
      const sizeFiles = (bySize[size] ?? []).slice().sort((a, b) => (a.name < b.name ? -1 : 1));
      bySize[size] = sizeFiles;
      const meta = buildDatasetMetadata({
        spec,
        source: converter.source,
        size,
        imageShape: imageShapeFor(spec, size),
        counts,
        splitStrategy: opts.split,
        seed: opts.seed,
        files: [...sizeFiles, { name: csvName, bytes: csvHash.bytes, sha256: csvHash.sha256 }],
      });
      const metaName = `${baseNameFor(spec.flag, size)}.json`;
      await writeFile(tx.path(metaName), JSON.stringify(meta, null, 2) + '\n');
      const mh = await sha256File(tx.path(metaName));
      files.push(...sizeFiles, { name: metaName, bytes: mh.bytes, sha256: mh.sha256 });
    }
    const content: Record<number, ContentHash> = {};
    for (const [size, cs] of contentSinks) content[size] = cs.content;
    return { flag: spec.flag, spec, counts, splits, files, bySize, content };
  } catch (err) {
    for (const { sink } of sinks) await sink.abort().catch(() => undefined);
    throw err;
  } finally {
    await processor?.close();
  }
}
