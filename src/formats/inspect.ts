// `inspect FILE` for every output format: open by path (NPZ, one Arrow or Parquet split file, a PNG
// folder or its CSV), stream the records once for counts and the label histogram, and optionally a
// second time to cut a montage: a grid of samples like medmnist's `montage()` (skimage.util.montage:
// ceil(sqrt(n)) tiles a side, empty tiles filled with the mean, no padding). medmnist picks samples at
// random; we pick them evenly spaced through the split so the montage is deterministic.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SPLITS, type SplitName } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { openArrowFile } from './arrow.js';
import { NpzFile, readNpzRecords } from './npz.js';
import { openParquetFile } from './parquet.js';
import { decodeGif } from './gif-encode.js';
import { decodePng, encodePng } from './png-encode.js';
import { parsePngCsv, readPngFolder } from './png-folder.js';
import type { ReadRecord } from './sink.js';

export type InspectFormat = 'npz' | 'arrow' | 'parquet' | 'png';

export interface OpenedOutput {
  path: string;
  format: InspectFormat;
  /** `F_S`, from the file name. */
  baseName: string;
  /** Image shape: declared by the file (NPZ, Arrow, Parquet); for PNG folders, that of the first image. */
  imageShape: number[];
  labelColumns: number;
  /** Class names embedded in the file, if any. */
  embeddedLabels: string[] | null;
  task: string | null;
  /** Extra facts of the container (NPZ compression, Parquet codec...). */
  details: Record<string, unknown>;
  records(): AsyncGenerator<ReadRecord>;
}

const SPLIT_FILE_RE = /^(.+)_(train|val|test)\.(arrow|parquet)$/;

/** Recognise and open an output by its path. */
export async function openOutput(given: string): Promise<OpenedOutput> {
  const path = given.length > 1 ? given.replace(/\/+$/, '') : given;
  const st = await stat(path).catch(() => null);
  if (!st) throw new UsageError(`${path}: no such file or folder`);
  const name = basename(path);
  if (st.isDirectory() || name.endsWith('.csv')) {
    const folder = st.isDirectory() ? path : path.slice(0, -4);
    const csv = st.isDirectory() ? `${path}.csv` : path;
    if (!(await stat(csv).catch(() => null))) throw new UsageError(`${path}: a folder without ${basename(csv)} next to it is not a medmnist-build PNG folder`);
    const rows = parsePngCsv(await readFile(csv, 'utf8'), csv);
    let imageShape: number[] = [];
    if (rows[0]?.file.endsWith('.gif')) {
      // 3D: an animated GIF, one frame per slice.
      const g = decodeGif(await readFile(join(folder, rows[0].file)), join(folder, rows[0].file));
      imageShape = [g.frames, g.height, g.width];
    } else if (rows[0]) {
      const first = decodePng(await readFile(join(folder, rows[0].file)), join(folder, rows[0].file));
      imageShape = first.channels === 1 ? [first.height, first.width] : [first.height, first.width, 3];
    }
    return {
      path,
      format: 'png',
      baseName: basename(folder),
      imageShape,
      labelColumns: rows[0]?.label.length ?? 1,
      embeddedLabels: null,
      task: null,
      details: { csv, rows: rows.length },
      records: () => readPngFolder(csv, folder),
    };
  }
  if (name.endsWith('.npz')) {
    const f = await NpzFile.open(path).catch((err: Error) => {
      throw new DataError(err.message);
    });
    try {
      const images = f.member('train_images').info.shape;
      const labels = f.member('train_labels').info.shape;
      return {
        path,
        format: 'npz',
        baseName: name.slice(0, -4),
        imageShape: images.slice(1),
        labelColumns: labels[1] ?? 1,
        embeddedLabels: null,
        task: null,
        details: {
          compressed: f.compressed,
          members: Object.fromEntries([...f.members.values()].map((m) => [m.key, { shape: m.info.shape, dtype: 'uint8' }])),
        },
        records: () => readNpzRecords(path),
      };
    } finally {
      await f.close();
    }
  }
  const m = SPLIT_FILE_RE.exec(name);
  if (m && m[3] === 'arrow') {
    const f = await openArrowFile(path);
    await f.close();
    return {
      path,
      format: 'arrow',
      baseName: m[1]!,
      imageShape: f.shape,
      labelColumns: f.info.label_columns,
      embeddedLabels: f.info.labels,
      task: f.info.task,
      details: { extension: 'arrow.fixed_shape_tensor', split: f.info.split },
      async *records() {
        const g = await openArrowFile(path);
        try {
          yield* g.records();
        } finally {
          await g.close();
        }
      },
    };
  }
  if (m && m[3] === 'parquet') {
    const f = await openParquetFile(path);
    const codecs = [...new Set(f.metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))];
    return {
      path,
      format: 'parquet',
      baseName: m[1]!,
      imageShape: f.info.shape,
      labelColumns: f.info.label_columns,
      embeddedLabels: f.info.labels,
      task: f.info.task,
      details: {
        codecs,
        row_groups: f.metadata.row_groups.length,
        huggingface: f.kv.has('huggingface'),
        split: f.info.split,
        // Multi-label only, so single-label reports are as before.
        ...(f.labelLayout === 'indices' ? { label: 'positive class indices (Sequence(ClassLabel)); 0/1 per class in label_vector' } : {}),
        ...(f.labelLayout === 'row' ? { label: '0/1 per class (written before Sequence(ClassLabel))' } : {}),
      },
      records: () => f.records(),
    };
  }
  throw new UsageError(`${path}: not an output this tool writes (F_S.npz, F_S_<split>.arrow, F_S_<split>.parquet, a PNG folder F_S or F_S.csv)`);
}

export interface HistogramRow {
  /** Label value (single-label) or label column (multi-label: count of positives). */
  label: number;
  name: string | null;
  counts: Record<SplitName, number>;
  total: number;
}

export interface InspectReport {
  file: string;
  format: InspectFormat;
  baseName: string;
  task: string | null;
  image: { shape: number[]; dtype: 'uint8' };
  label: { columns: number; dtype: 'uint8' };
  /** Per split present: record count and array shapes as numpy would show them. */
  splits: Partial<Record<SplitName, { count: number; images: number[]; labels: number[] }>>;
  total: number;
  /** Where the class names came from: the sibling F_S.json, the file's own metadata, or nowhere. */
  labelNamesFrom: 'metadata-json' | 'embedded' | null;
  histogram: HistogramRow[];
  details: Record<string, unknown>;
  montage?: { path: string; split: SplitName; samples: number; grid: number; indices: number[] };
}

/** Class names from `<dir>/<F_S>.json` (the dataset metadata written next to every output). */
async function labelsFromMetadata(dir: string, baseName: string): Promise<string[] | null> {
  const text = await readFile(join(dir, `${baseName}.json`), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const labels = (JSON.parse(text) as { labels?: Record<string, string> }).labels;
    if (!labels) return null;
    const out: string[] = [];
    for (const [k, v] of Object.entries(labels)) out[Number(k)] = v;
    return out;
  } catch {
    return null;
  }
}

export interface MontageOptions {
  path: string;
  /** Split to draw from (default: train, else the first split present). */
  split?: SplitName;
  /** Tiles per side at most (medmnist's `length`, default 20). */
  length?: number;
}

export async function inspectOutput(path: string, montage?: MontageOptions): Promise<InspectReport> {
  const out = await openOutput(path);
  const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const hist = new Map<number, Record<SplitName, number>>();
  const imageShape = out.imageShape;
  const item = imageShape.reduce((a, b) => a * b, 1);
  for await (const r of out.records()) {
    if (r.pixels.length !== item) throw new DataError(`${path}: ${r.split}[${r.index}] has ${r.pixels.length} pixel bytes, expected ${item}`);
    counts[r.split]++;
    if (out.labelColumns === 1) bump(hist, r.label[0]!, r.split);
    else r.label.forEach((v, col) => (v ? bump(hist, col, r.split) : hist.has(col) || hist.set(col, { train: 0, val: 0, test: 0 })));
  }
  const dirNames = await labelsFromMetadata(dirname(out.path), out.baseName);
  const names = dirNames ?? out.embeddedLabels;
  // Every known class gets a row, zero or not.
  names?.forEach((_, k) => hist.has(k) || hist.set(k, { train: 0, val: 0, test: 0 }));
  const splits: InspectReport['splits'] = {};
  for (const s of SPLITS) {
    if (counts[s] > 0 || out.format === 'npz') {
      splits[s] = { count: counts[s], images: [counts[s], ...imageShape], labels: [counts[s], out.labelColumns] };
    }
  }
  const histogram = [...hist.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([label, c]) => ({ label, name: names?.[label] ?? null, counts: c, total: c.train + c.val + c.test }));
  const report: InspectReport = {
    file: out.path,
    format: out.format,
    baseName: out.baseName,
    task: out.task,
    image: { shape: imageShape, dtype: 'uint8' },
    label: { columns: out.labelColumns, dtype: 'uint8' },
    splits,
    total: counts.train + counts.val + counts.test,
    labelNamesFrom: dirNames ? 'metadata-json' : out.embeddedLabels ? 'embedded' : null,
    histogram,
    details: out.details,
  };
  if (montage) report.montage = await writeMontage(out, imageShape, counts, montage);
  return report;
}

function bump(hist: Map<number, Record<SplitName, number>>, key: number, split: SplitName): void {
  let c = hist.get(key);
  if (!c) hist.set(key, (c = { train: 0, val: 0, test: 0 }));
  c[split]++;
}

/** Evenly spaced indices: n of count, first = 0. */
export function montageIndices(count: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.floor((k * count) / n));
}

async function writeMontage(
  out: OpenedOutput,
  shape: number[],
  counts: Record<SplitName, number>,
  o: MontageOptions,
): Promise<NonNullable<InspectReport['montage']>> {
  const split = o.split ?? (counts.train > 0 ? 'train' : SPLITS.find((s) => counts[s] > 0));
  if (!split || counts[split] === 0) throw new UsageError(`${out.path}: no ${o.split ?? ''} samples to make a montage of`);
  const length = o.length ?? 20;
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`--montage-length ${length} must be a positive integer`);
  const n = Math.min(length * length, counts[split]);
  const indices = montageIndices(counts[split], n);
  // 3D volumes [S, S, S]: the middle slice of each.
  const is3d = shape.length === 3 && shape[2] !== 3;
  const [h, w] = [shape[0]!, shape[1]!];
  const ch: 1 | 3 = shape.length === 3 && shape[2] === 3 ? 3 : 1;
  const tile = h * w * ch;
  const wanted = new Map(indices.map((idx, k) => [idx, k]));
  const tiles: Uint8Array[] = new Array<Uint8Array>(n);
  for await (const r of out.records()) {
    if (r.split !== split) continue;
    const k = wanted.get(r.index);
    if (k === undefined) continue;
    tiles[k] = is3d ? r.pixels.slice(Math.floor(shape[0]! / 2) * tile, (Math.floor(shape[0]! / 2) + 1) * tile) : r.pixels.slice();
  }
  const grid = Math.ceil(Math.sqrt(n));
  // skimage fills empty tiles with the mean of the selected images per channel, cast to uint8 (truncation).
  const sums = new Array<number>(ch).fill(0);
  for (const t of tiles) for (let i = 0; i < t.length; i++) sums[i % ch]! += t[i]!;
  const fill = sums.map((s) => Math.trunc(s / (n * h * w)));
  const W = grid * w;
  const img = new Uint8Array(grid * h * W * ch);
  for (let i = 0; i < img.length; i++) img[i] = fill[i % ch]!;
  tiles.forEach((t, k) => {
    const top = Math.floor(k / grid) * h;
    const left = (k % grid) * w;
    for (let y = 0; y < h; y++) img.set(t.subarray(y * w * ch, (y + 1) * w * ch), ((top + y) * W + left) * ch);
  });
  await writeFile(o.path, encodePng(img, W, grid * h, ch));
  return { path: o.path, split, samples: n, grid, indices };
}
