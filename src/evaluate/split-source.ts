// One split of a built dataset, streamed in batches of images with their labels: from the NPZ directly
// (its header gives the shape), or from any other output format through its registered reader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getFormat } from '../formats/index.js';
import { NpzFile } from '../formats/npz.js';
import { baseNameFor, type ReadRecord } from '../formats/sink.js';
import { type DatasetInfo, type SplitName, labelColumns, imageShape } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';

export interface ImageBatch {
  /** Index in the split of the first image. */
  start: number;
  count: number;
  /** count images, uint8, C order (H, W) gray, (H, W, 3) RGB or (D, H, W) volumes. */
  pixels: Uint8Array;
  /** count x labelColumns label values. */
  labels: Uint8Array;
}

export interface SplitSource {
  /** Where the images come from (shown in messages). */
  path: string;
  /** Shape of one image: [H, W], [H, W, 3] or [D, H, W]. */
  itemShape: number[];
  labelColumns: number;
  /** Images in the split when the file says so up front (NPZ), else undefined. */
  count?: number;
  batches(size: number): AsyncGenerator<ImageBatch>;
}

export interface SplitLocation {
  root: string;
  flag: string;
  size: number;
  split: SplitName;
  spec: DatasetInfo;
  /** Output format to read; npz by default. */
  format?: string;
}

async function* npzBatches(path: string, split: SplitName, rows: number, labelColumns: number): AsyncGenerator<ImageBatch> {
  const f = await NpzFile.open(path);
  try {
    const labels = await f.read(`${split}_labels`);
    for await (const b of f.rows(`${split}_images`, rows)) {
      yield {
        start: b.start,
        count: b.count,
        pixels: b.data,
        labels: labels.data.subarray(b.start * labelColumns, (b.start + b.count) * labelColumns),
      };
    }
  } finally {
    await f.close();
  }
}

/** Group the records of one split (from any format's reader) into batches of `rows`. */
export async function* batchRecords(
  records: AsyncIterable<ReadRecord>,
  split: SplitName,
  rows: number,
  itemBytes: number,
  labelColumns: number,
  what: string,
): AsyncGenerator<ImageBatch> {
  let pixels = new Uint8Array(rows * itemBytes);
  let labels = new Uint8Array(rows * labelColumns);
  let count = 0;
  let start = 0;
  for await (const r of records) {
    if (r.split !== split) continue;
    if (r.pixels.length !== itemBytes) {
      throw new DataError(`${what} ${split} row ${r.index}: ${r.pixels.length} image bytes, expected ${itemBytes}`);
    }
    pixels.set(r.pixels, count * itemBytes);
    labels.set(r.label, count * labelColumns);
    if (++count === rows) {
      yield { start, count, pixels, labels };
      start += count;
      count = 0;
      pixels = new Uint8Array(rows * itemBytes);
      labels = new Uint8Array(rows * labelColumns);
    }
  }
  if (count > 0) yield { start, count, pixels: pixels.subarray(0, count * itemBytes), labels: labels.subarray(0, count * labelColumns) };
}

/** Open a split for streaming; throws UsageError naming the expected file when it is missing. */
export async function openSplit(loc: SplitLocation): Promise<SplitSource> {
  const base = baseNameFor(loc.flag, loc.size);
  const format = loc.format ?? 'npz';
  const columns = labelColumns(loc.spec);
  if (format === 'npz') {
    const path = join(loc.root, `${base}.npz`);
    if (!existsSync(path)) {
      throw new UsageError(`${path} not found: build it first (medmnist-build convert ... --out ${loc.root} --size ${loc.size}) or pass --root/--size`);
    }
    const f = await NpzFile.open(path);
    let itemShape: number[];
    let count: number;
    try {
      const imgs = f.member(`${loc.split}_images`).info.shape;
      const labs = f.member(`${loc.split}_labels`).info.shape;
      if (imgs[0] !== labs[0]) throw new DataError(`${path}: ${loc.split}_images has ${imgs[0]} items but ${loc.split}_labels has ${labs[0]}`);
      if ((labs[1] ?? 1) !== columns) {
        throw new DataError(`${path}: ${loc.split}_labels has ${labs[1] ?? 1} columns, ${loc.flag} has ${columns}`);
      }
      itemShape = imgs.slice(1);
      count = imgs[0] ?? 0;
    } finally {
      await f.close();
    }
    return { path, itemShape, labelColumns: columns, count, batches: (rows) => npzBatches(path, loc.split, rows, columns) };
  }
  const itemShape = imageShape(loc.spec, loc.size);
  const itemBytes = itemShape.reduce((a, b) => a * b, 1);
  const fmt = getFormat(format);
  const first = fmt.fileNames(base)[0] ?? base;
  return {
    path: join(loc.root, first),
    itemShape,
    labelColumns: columns,
    batches: (rows) => batchRecords(fmt.readRecords(loc.root, base), loc.split, rows, itemBytes, columns, `${base} (${format})`),
  };
}
