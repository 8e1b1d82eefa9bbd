// Parquet file per split, F_S_<split>.parquet (design §5), with hyparquet-writer's incremental
// ParquetWriter: one row group per batch of images, flushed to disk before the next is encoded.
// Columns: image struct {bytes: PNG, path: string} (the Hugging Face Image convention), label, split
// (dictionary-encoded), index, image_id, group_id, fine_label. Single-label: label is uint8, the class
// index (ClassLabel). Multi-label (ChestMNIST): label is list<int64>, the ascending indices of the
// positive classes (Sequence(ClassLabel), what `datasets` itself stores), and label_vector is the
// list<uint8> of 0/1 values per class, MedMNIST's (N,14) row. Schema metadata: `huggingface` (features,
// so `datasets` decodes images and class names) and `medmnist` (shape, labels...). SNAPPY by default;
// statistics off for the image column.
import { checkContainer, containerError } from './magic.js';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileMetaData } from 'hyparquet';
import type { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { SPLITS, type SplitName, labelColumns } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import {
  batchRows,
  embeddedInfo,
  flatMetadata,
  MEDMNIST_META_KEY,
  parseEmbeddedInfo,
  PerSplitSink,
  provenanceOf,
  splitFileName,
  splitFileNames,
  type EmbeddedInfo,
  type Provenance,
  type SplitFileWriter,
} from './columnar.js';
import { decodePng, encodePngShared, pngGeometry } from './png-encode.js';
import { pngFileName } from './png-folder.js';
import type { OutputFormat, ReadRecord, SinkContext, SinkRecord } from './sink.js';

export const HF_META_KEY = 'huggingface';

// hyparquet and hyparquet-writer (some 80 modules) load when a Parquet file is first written or read:
// inspect, verify, diff and convert import this module whatever the format.
type Hyparquet = typeof import('hyparquet');
type HyparquetWriter = typeof import('hyparquet-writer');
let hyparquet: Promise<Hyparquet> | undefined;
let hyparquetWriter: Promise<HyparquetWriter> | undefined;
const loadHyparquet = (): Promise<Hyparquet> => (hyparquet ??= import('hyparquet'));
const loadHyparquetWriter = (): Promise<HyparquetWriter> => (hyparquetWriter ??= import('hyparquet-writer'));
/** The writer's schema element type (hyparquet-writer bundles its own hyparquet types). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
export type ParquetCodec = 'SNAPPY' | 'UNCOMPRESSED';

const UINT8: Pick<SchemaElement, 'type' | 'converted_type'> = { type: 'INT32', converted_type: 'UINT_8' };
const STRING: Pick<SchemaElement, 'type' | 'converted_type'> = { type: 'BYTE_ARRAY', converted_type: 'UTF8' };

/** Multi-label: the column beside `label` (the class indices) that holds MedMNIST's 0/1 row. */
export const LABEL_VECTOR_COLUMN = 'label_vector';

/**
 * A 3-level Parquet LIST, nullable at both levels although no value is ever null: pyarrow then reads
 * it as list<int64> / list<uint8> with nullable items, the very type `datasets` derives from the
 * feature. `datasets` (>= 2.17, Features.from_arrow_schema) uses a metadata feature only when the
 * file's Arrow field equals the feature's, nullability included; otherwise it drops the ClassLabel.
 */
function nullableList(name: string, element: Pick<SchemaElement, 'type' | 'converted_type'>): SchemaElement[] {
  return [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', ...element, repetition_type: 'OPTIONAL' },
  ];
}

export function parquetSchema(labelColumns: number): SchemaElement[] {
  const label: SchemaElement[] =
    labelColumns === 1
      ? [{ name: 'label', ...UINT8, repetition_type: 'REQUIRED' }]
      : [...nullableList('label', { type: 'INT64' }), ...nullableList(LABEL_VECTOR_COLUMN, UINT8)];
  return [
    { name: 'schema', num_children: labelColumns === 1 ? 7 : 8 },
    { name: 'image', repetition_type: 'REQUIRED', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    { name: 'path', ...STRING, repetition_type: 'OPTIONAL' },
    ...label,
    { name: 'split', ...STRING, repetition_type: 'REQUIRED' },
    { name: 'index', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'image_id', ...STRING, repetition_type: 'REQUIRED' },
    { name: 'group_id', ...STRING, repetition_type: 'OPTIONAL' },
    { name: 'fine_label', ...STRING, repetition_type: 'OPTIONAL' },
  ];
}

/**
 * Hugging Face `datasets` features, serialised as `datasets` does (Features.to_dict: dataclass fields
 * in order, defaults left out, `_type` last). Single-label: ClassLabel with the class names.
 * Multi-label: `Sequence(ClassLabel(names))` over the positive class indices, the `datasets` form of a
 * multi-label example, and `Sequence(Value('uint8'))` for label_vector. `Sequence` rather than the
 * `List` that datasets 4 writes: datasets 4 and 5 still read `Sequence` (as List), datasets 2 and 3
 * fail on `List`. No `length=14` on label_vector: Parquet has no fixed-size list, pyarrow reads the
 * column as list<uint8>, and `datasets` would drop a feature whose Arrow type differs from the file's.
 */
export function huggingFaceFeatures(ctx: SinkContext): Record<string, unknown> {
  const str = { dtype: 'string', _type: 'Value' };
  const names = { names: ctx.spec.labels, _type: 'ClassLabel' };
  const labels: Record<string, unknown> =
    labelColumns(ctx.spec) === 1
      ? { label: names }
      : { label: { feature: names, _type: 'Sequence' }, [LABEL_VECTOR_COLUMN]: { feature: { dtype: 'uint8', _type: 'Value' }, _type: 'Sequence' } };
  return {
    info: {
      features: {
        image: { _type: 'Image' },
        ...labels,
        split: str,
        index: { dtype: 'int32', _type: 'Value' },
        image_id: str,
        group_id: str,
        fine_label: str,
      },
    },
  };
}

// 3D sets: the image column is the Hugging Face `Array3D` feature ({shape: [S, S, S], dtype: uint8}),
// stored as datasets stores it, nested lists list<list<list<uint8>>> (first axis outermost), instead of
// the {bytes, path} PNG struct. Everything else is as for 2D.

/** The 2D schema with its image struct (image, bytes, path) replaced by a 3-level nested uint8 list. */
export function withArray3dImage(schema: readonly SchemaElement[]): SchemaElement[] {
  const i = schema.findIndex((e) => e.name === 'image');
  const list = (name: string): SchemaElement[] => [
    { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ];
  const image: SchemaElement[] = [...list('image'), ...list('element'), ...list('element'), { name: 'element', ...UINT8, repetition_type: 'REQUIRED' }];
  return [...schema.slice(0, i), ...image, ...schema.slice(i + 3)];
}

function array3dFeatures(ctx: SinkContext): Record<string, unknown> {
  const f = huggingFaceFeatures(ctx) as { info: { features: Record<string, unknown> } };
  f.info.features['image'] = { shape: ctx.imageShape, dtype: 'uint8', _type: 'Array3D' };
  return f;
}

/** [S, S, S] C-order bytes as nested arrays (first axis outermost). */
function nested3d(pixels: Uint8Array, shape: readonly number[]): number[][][] {
  const [d, h, w] = shape as [number, number, number];
  const out: number[][][] = new Array(d);
  for (let z = 0; z < d; z++) {
    const plane: number[][] = new Array(h);
    for (let y = 0; y < h; y++) plane[y] = Array.from(pixels.subarray((z * h + y) * w, (z * h + y + 1) * w));
    out[z] = plane;
  }
  return out;
}

const is3d = (ctx: SinkContext): boolean => ctx.spec.dims === 3 && ctx.imageShape.length === 3;

/** hyparquet-writer Writer that flushes each finished row group to a file, awaited before the next. */
interface FileByteWriter extends ByteWriter {
  flush(): Promise<void>;
}

function fileByteWriter(w: HyparquetWriter, fh: FileHandle): FileByteWriter {
  class FileWriter extends w.ByteWriter implements FileByteWriter {
    private pos = 0;
    constructor() {
      super(1 << 20);
    }
    async flush(): Promise<void> {
      const n = this.index;
      if (n === 0) return;
      await fh.write(new Uint8Array(this.buffer, 0, n), 0, n, this.pos);
      this.pos += n;
      this.index = 0;
    }
    override finish(): void {
      // Flushed by the sink (asynchronously) after ParquetWriter.finish().
    }
  }
  return new FileWriter();
}

interface PendingRow extends Provenance {
  /** Being encoded on the thread pool; awaited when the row group is written. */
  png: Promise<Uint8Array>;
  /** 3D sets: the volume as nested lists (Array3D), instead of a PNG. */
  volume?: number[][][];
  path: string;
  /** Single-label: the class index; multi-label: the positive class indices, ascending. */
  label: number | bigint[];
  /** Multi-label: the 0/1 value per class. */
  labelVector?: number[];
}

/** Ascending indices of the positive classes of a multi-label row of 0/1 values. */
export function positiveIndices(row: Uint8Array, where: string): bigint[] {
  const out: bigint[] = [];
  row.forEach((v, k) => {
    // A value other than 0/1 has no class-index form; the engine never makes one.
    if (v > 1) throw new Error(`${where}: multi-label value ${v} in column ${k}, expected 0 or 1`);
    if (v === 1) out.push(BigInt(k));
  });
  return out;
}

/** The 0/1 row of `columns` values from ascending class indices (what the label column holds). */
export function multiHot(indices: readonly (number | bigint)[], columns: number, where: string): Uint8Array {
  const out = new Uint8Array(columns);
  let prev = -1;
  for (const x of indices) {
    const k = Number(x);
    if (!Number.isInteger(k) || k <= prev || k >= columns) {
      throw new DataError(`${where}: label [${indices.map(String).join(', ')}] is not ascending class indices below ${columns}`);
    }
    out[k] = 1;
    prev = k;
  }
  return out;
}

function parquetCodec(ctx: SinkContext): ParquetCodec {
  const v = ctx.options['parquetCodec'] ?? 'SNAPPY';
  const c = String(v).toUpperCase();
  if (c !== 'SNAPPY' && c !== 'UNCOMPRESSED') throw new UsageError(`parquet codec ${String(v)}: choose SNAPPY or UNCOMPRESSED`);
  return c;
}

class ParquetSplitWriter implements SplitFileWriter {
  private rows: PendingRow[] = [];
  private readonly perGroup: number;
  private readonly geometry: { width: number; height: number; channels: 1 | 3 };
  private readonly volume: readonly number[] | null;
  private readonly multi: boolean;

  private constructor(
    private readonly fh: FileHandle,
    private readonly out: FileByteWriter,
    private readonly pq: ParquetWriter,
    ctx: SinkContext,
  ) {
    this.volume = is3d(ctx) ? ctx.imageShape : null;
    this.multi = labelColumns(ctx.spec) > 1;
    this.geometry = this.volume ? { width: 0, height: 0, channels: 1 } : pngGeometry(ctx.imageShape, `--format parquet for ${ctx.spec.flag}`);
    this.perGroup = batchRows(ctx.imageShape.reduce((a, b) => a * b, 1));
  }

  static async open(ctx: SinkContext, split: SplitName, path: string): Promise<ParquetSplitWriter> {
    if (!is3d(ctx)) pngGeometry(ctx.imageShape, `--format parquet for ${ctx.spec.flag}`);
    const codec = parquetCodec(ctx);
    const w = await loadHyparquetWriter();
    const fh = await open(path, 'w');
    const out = fileByteWriter(w, fh);
    const pq = new w.ParquetWriter({
      writer: out,
      schema: is3d(ctx) ? withArray3dImage(parquetSchema(labelColumns(ctx.spec))) : parquetSchema(labelColumns(ctx.spec)),
      codec,
      statistics: true,
      kvMetadata: [
        { key: HF_META_KEY, value: JSON.stringify(is3d(ctx) ? array3dFeatures(ctx) : huggingFaceFeatures(ctx)) },
        { key: MEDMNIST_META_KEY, value: JSON.stringify(embeddedInfo(ctx, split)) },
        ...flatMetadata(ctx, split).map(([key, value]) => ({ key, value })),
      ],
      createdBy: `medmnist-build version ${TOOL_VERSION}`,
    });
    return new ParquetSplitWriter(fh, out, pq, ctx);
  }

  private async writeGroup(): Promise<void> {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    const pngs = await Promise.all(rows.map((r) => r.png));
    await this.pq.write({
      rowGroupSize: rows.length,
      columnData: [
        // Statistics on PNG bytes would keep min/max blobs per row group: off for this column.
        { name: 'image', data: this.volume ? rows.map((r) => r.volume!) : rows.map((r, i) => ({ bytes: pngs[i]!, path: r.path })), statistics: false },
        { name: 'label', data: rows.map((r) => r.label) },
        ...(this.multi ? [{ name: LABEL_VECTOR_COLUMN, data: rows.map((r) => r.labelVector!) }] : []),
        { name: 'split', data: rows.map((r) => r.split), encoding: 'RLE_DICTIONARY' },
        { name: 'index', data: rows.map((r) => r.index) },
        { name: 'image_id', data: rows.map((r) => r.image_id) },
        { name: 'group_id', data: rows.map((r) => r.group_id) },
        { name: 'fine_label', data: rows.map((r) => r.fine_label) },
      ],
    });
  }

  async add(r: SinkRecord): Promise<void> {
    const { width, height, channels } = this.geometry;
    this.rows.push({
      ...provenanceOf(r),
      png: this.volume ? Promise.resolve(new Uint8Array(0)) : encodePngShared(r.pixels, width, height, channels),
      ...(this.volume ? { volume: nested3d(r.pixels, this.volume) } : {}),
      path: pngFileName(r.split, r.index, r.label),
      ...(this.multi
        ? { label: positiveIndices(r.label, `${r.split}[${r.index}]`), labelVector: Array.from(r.label) }
        : { label: r.label[0]! }),
    });
    if (this.rows.length === this.perGroup) await this.writeGroup();
  }

  async close(): Promise<void> {
    await this.writeGroup();
    await this.pq.finish();
    await this.out.flush();
    await this.fh.close();
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.rows.map((r) => r.png));
    await this.fh.close().catch(() => undefined);
  }
}

export const parquetFormat: OutputFormat = {
  name: 'parquet',
  fileNames: (base) => splitFileNames(base, 'parquet'),
  async createSink(ctx) {
    parquetCodec(ctx);
    if (!is3d(ctx)) pngGeometry(ctx.imageShape, `--format parquet for ${ctx.spec.flag}`);
    return new PerSplitSink('parquet', ctx, 'parquet', (split, path) => ParquetSplitWriter.open(ctx, split, path));
  },
  async *readRecords(outDir, base) {
    for (const split of SPLITS) {
      const file = await openParquetFile(join(outDir, splitFileName(base, split, 'parquet')));
      if (file.info.split !== split) throw new DataError(`${file.path}: holds split ${file.info.split}, expected ${split}`);
      yield* file.records();
    }
  },
};

export interface ParquetFile {
  path: string;
  info: EmbeddedInfo;
  metadata: FileMetaData;
  /** Key-value metadata of the file. */
  kv: Map<string, string>;
  /** How the label column stores labels (multi-label files of earlier versions: the 0/1 row). */
  labelLayout: LabelLayout;
  records(): AsyncGenerator<ReadRecord>;
}

interface ParquetRow {
  /** 2D: the PNG struct; 3D: nested lists (Array3D). */
  image: { bytes: Uint8Array | null; path: string | null } | number[][][] | null;
  /** Single-label: the class index; multi-label: class indices (INT64, read as bigint) or, in files of
   * earlier versions, the 0/1 row. */
  label: number | (number | bigint)[];
  label_vector?: number[];
  split: string;
  index: number;
}

/**
 * How a file stores its label: one class index; ascending class indices (list<int64>, beside the 0/1
 * row in label_vector); or, as medmnist-build wrote multi-label files before Sequence(ClassLabel), the
 * 0/1 row itself (list<uint8>), still read so that diff and verify work on older folders.
 */
export type LabelLayout = 'index' | 'indices' | 'row';

function labelLayout(schema: FileMetaData['schema'], path: string): LabelLayout {
  const i = schema.findIndex((e) => e.name === 'label');
  if (!schema[i]?.num_children) return 'index';
  const leaf = schema[i + 2];
  if (leaf?.type === 'INT64') {
    if (!schema.some((e) => e.name === LABEL_VECTOR_COLUMN)) throw new DataError(`${path}: multi-label file without its ${LABEL_VECTOR_COLUMN} column`);
    return 'indices';
  }
  return 'row';
}

/** A row's label as the 0/1 (multi-label) or one-value (single-label) array every format reads back. */
function rowLabel(row: ParquetRow, layout: LabelLayout, columns: number, where: string): Uint8Array {
  if (layout === 'index') return Uint8Array.of(Number(row.label));
  const values = Array.isArray(row.label) ? row.label : [row.label];
  if (layout === 'row') return Uint8Array.from(values, Number);
  const hot = multiHot(values, columns, `${where} label`);
  // The two label columns say the same thing; a file where they disagree is corrupt.
  const vector = row.label_vector ?? [];
  if (vector.length !== columns || vector.some((v, k) => v !== hot[k])) {
    throw new DataError(`${where}: label [${values.map(String).join(', ')}] and ${LABEL_VECTOR_COLUMN} [${vector.join(', ')}] disagree`);
  }
  return hot;
}

/** Open one split file; records() reads one row group at a time and decodes the PNGs. */
export async function openParquetFile(path: string): Promise<ParquetFile> {
  let metadata: FileMetaData;
  await checkContainer(path, 'parquet');
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await loadHyparquet();
  const file = await asyncBufferFromFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${path}: cannot open (${err.code ?? err.message})`);
  });
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw containerError(path, 'parquet', err);
  }
  const kv = new Map((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']));
  const info = parseEmbeddedInfo(kv.get(MEDMNIST_META_KEY), path);
  const names = new Set(metadata.schema.map((s) => s.name));
  for (const c of ['image', info.shape.length === 3 && info.shape[2] !== 3 ? 'element' : 'bytes', 'label', 'split', 'index']) {
    if (!names.has(c)) throw new DataError(`${path}: no ${c} column (not a medmnist-build Parquet file?)`);
  }
  const item = info.shape.reduce((a, b) => a * b, 1);
  const layout = labelLayout(metadata.schema, path);
  const columns = ['image', 'label', ...(layout === 'indices' ? [LABEL_VECTOR_COLUMN] : []), 'split', 'index'];
  return {
    path,
    info,
    metadata,
    kv,
    labelLayout: layout,
    async *records() {
      let start = 0;
      for (const group of metadata.row_groups) {
        const end = start + Number(group.num_rows);
        const rows = (await parquetReadObjects({
          file,
          metadata,
          rowStart: start,
          rowEnd: end,
          columns,
          utf8: false,
        })) as unknown as ParquetRow[];
        for (const [i, row] of rows.entries()) {
          const where = `${path} row ${start + i}`;
          if (Array.isArray(row.image)) {
            // 3D (Array3D): nested lists, first axis outermost.
            const flat = Uint8Array.from(row.image.flat(2));
            if (flat.length !== item) throw new DataError(`${where}: ${flat.length} values in image, expected shape [${info.shape.join(', ')}]`);
            yield { split: String(row.split) as SplitName, index: Number(row.index), pixels: flat, label: rowLabel(row, layout, info.label_columns, where) };
            continue;
          }
          const bytes = row.image?.bytes;
          if (!(bytes instanceof Uint8Array)) throw new DataError(`${where}: image.bytes is empty`);
          const png = decodePng(bytes, `${where} image`);
          if (png.data.length !== item) throw new DataError(`${where}: ${png.width}x${png.height}x${png.channels} image, expected shape [${info.shape.join(', ')}]`);
          yield { split: String(row.split) as SplitName, index: Number(row.index), pixels: png.data, label: rowLabel(row, layout, info.label_columns, where) };
        }
        start = end;
      }
    },
  };
}
