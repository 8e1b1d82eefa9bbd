// Parquet file per split, F_S_<split>.parquet (design §5), with hyparquet-writer's incremental
// ParquetWriter: one row group per batch of images, flushed to disk before the next is encoded.
// Columns: image struct {bytes: PNG, path: string} (the Hugging Face Image convention), label, split
// (dictionary-encoded), index, image_id, group_id, fine_label. Single-label: label is int64, the class
// index (ClassLabel). Multi-label (ChestMNIST): label is list<int64>, the ascending indices of the
// positive classes (Sequence(ClassLabel), what `datasets` itself stores), and label_vector is the
// list<uint8> of 0/1 values per class, MedMNIST's (N,14) row. Schema metadata: `huggingface` (features,
// so `datasets` decodes images and class names) and `medmnist` (shape, labels...). SNAPPY by default;
// statistics off for the image column.
//
// Every column is OPTIONAL (nullable) and has exactly the Arrow type `datasets` derives from its
// feature (features.py: Image.pa_type struct<bytes: binary, path: string>, ClassLabel.pa_type int64,
// Value(dtype), Sequence = list, Array3D = its extension type over nested lists), although no value but
// group_id / fine_label is ever null: `datasets` >= 2.17 (Features.from_arrow_schema) keeps a feature of
// the `huggingface` metadata only when pyarrow's field for the column equals the feature's own field,
// nullability included, and otherwise silently falls back to the plain Arrow type (undecoded
// {bytes, path} dicts, no class names). Files written before this (REQUIRED columns, uint8 label) are
// still read.
import { checkContainer, containerError } from './magic.js';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileMetaData } from 'hyparquet';
import type * as Arrow from 'apache-arrow';
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
/** Plain INT64: ClassLabel's Arrow type (int64), and Sequence(ClassLabel)'s items. */
const INT64: Pick<SchemaElement, 'type' | 'converted_type'> = { type: 'INT64' };
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
      ? [{ name: 'label', ...INT64, repetition_type: 'OPTIONAL' }]
      : [...nullableList('label', INT64), ...nullableList(LABEL_VECTOR_COLUMN, UINT8)];
  // All OPTIONAL, never null (but group_id, fine_label): see the top of this file.
  return [
    { name: 'schema', num_children: labelColumns === 1 ? 7 : 8 },
    { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    { name: 'path', ...STRING, repetition_type: 'OPTIONAL' },
    ...label,
    { name: 'split', ...STRING, repetition_type: 'OPTIONAL' },
    { name: 'index', type: 'INT32', repetition_type: 'OPTIONAL' },
    { name: 'image_id', ...STRING, repetition_type: 'OPTIONAL' },
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
// stored as datasets stores it, nested lists list<list<list<uint8>>> (first axis outermost, every level
// nullable), instead of the {bytes, path} PNG struct. Array3D's Arrow type is datasets' extension type
// Array3DExtensionType over those lists, which pyarrow restores only from an `ARROW:schema` entry (the
// serialised Arrow schema pyarrow itself writes): without it the feature is dropped and the volume
// comes back as plain nested lists. Everything else is as for 2D.

/** The 2D schema with its image struct (image, bytes, path) replaced by a 3-level nested uint8 list. */
export function withArray3dImage(schema: readonly SchemaElement[]): SchemaElement[] {
  const i = schema.findIndex((e) => e.name === 'image');
  const list = (name: string): SchemaElement[] => [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ];
  const image: SchemaElement[] = [...list('image'), ...list('element'), ...list('element'), { name: 'element', ...UINT8, repetition_type: 'OPTIONAL' }];
  return [...schema.slice(0, i), ...image, ...schema.slice(i + 3)];
}

/** pyarrow's key for the serialised Arrow schema in Parquet key-value metadata. */
export const ARROW_SCHEMA_KEY = 'ARROW:schema';
/** datasets' extension type name for Array3D (its module and class: datasets.features.features). */
export const ARRAY3D_EXTENSION = 'datasets.features.features.Array3DExtensionType';

/**
 * The `ARROW:schema` value of a 3D file: base64 of the IPC-encapsulated Arrow Schema message, as
 * pyarrow writes it (parquet/arrow/schema.cc), with the Arrow type `datasets` derives from each feature,
 * every field nullable. The image field carries the extension annotation of Array3DExtensionType:
 * `ARROW:extension:metadata` is its __arrow_ext_serialize__, json.dumps((shape, dtype)) in Python's
 * default separators. Fields are in the Parquet column order, as pyarrow pairs them by position. When
 * the entry is present pyarrow takes the schema metadata from it, not from the file's key-value
 * metadata, so it repeats all of `kv` (`huggingface` included), as pyarrow's own files do.
 */
async function array3dArrowSchema(ctx: SinkContext, kv: readonly { key: string; value: string }[]): Promise<string> {
  const A = await import('apache-arrow');
  const list = (t: Arrow.DataType): Arrow.List => new A.List(new A.Field('item', t, true));
  const field = (name: string, t: Arrow.DataType, metadata?: Map<string, string>): Arrow.Field => new A.Field(name, t, true, metadata);
  const ext = new Map([
    ['ARROW:extension:name', ARRAY3D_EXTENSION],
    ['ARROW:extension:metadata', `[[${ctx.imageShape.join(', ')}], "uint8"]`],
  ]);
  const multi = labelColumns(ctx.spec) > 1;
  const fields = [
    field('image', list(list(list(new A.Uint8()))), ext),
    ...(multi ? [field('label', list(new A.Int64())), field(LABEL_VECTOR_COLUMN, list(new A.Uint8()))] : [field('label', new A.Int64())]),
    field('split', new A.Utf8()),
    field('index', new A.Int32()),
    field('image_id', new A.Utf8()),
    field('group_id', new A.Utf8()),
    field('fine_label', new A.Utf8()),
  ];
  const schema = new A.Schema(fields, new Map(kv.map((e) => [e.key, e.value])));
  // A stream of no batches is the Schema message then the 8-byte end-of-stream marker.
  const stream = A.tableToIPC(new A.Table(schema), 'stream');
  return Buffer.from(stream.subarray(0, stream.length - 8)).toString('base64');
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
  /** Single-label: the class index; multi-label: the positive class indices, ascending (INT64). */
  label: bigint | bigint[];
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
    const kv = [
      { key: HF_META_KEY, value: JSON.stringify(is3d(ctx) ? array3dFeatures(ctx) : huggingFaceFeatures(ctx)) },
      { key: MEDMNIST_META_KEY, value: JSON.stringify(embeddedInfo(ctx, split)) },
      ...flatMetadata(ctx, split).map(([key, value]) => ({ key, value })),
    ];
    // Built before the file is opened, so that nothing is left open if it fails.
    const arrowSchema = is3d(ctx) ? [{ key: ARROW_SCHEMA_KEY, value: await array3dArrowSchema(ctx, kv) }] : [];
    const fh = await open(path, 'w');
    const out = fileByteWriter(w, fh);
    const pq = new w.ParquetWriter({
      writer: out,
      schema: is3d(ctx) ? withArray3dImage(parquetSchema(labelColumns(ctx.spec))) : parquetSchema(labelColumns(ctx.spec)),
      codec,
      statistics: true,
      kvMetadata: [...kv, ...arrowSchema],
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
        : { label: BigInt(r.label[0]!) }),
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

/** A row as hyparquet reads it. Columns are OPTIONAL (nullable) since the datasets-compatible types,
 * REQUIRED before: a null anywhere but group_id / fine_label means a damaged or foreign file. */
interface ParquetRow {
  /** 2D: the PNG struct; 3D: nested lists (Array3D). */
  image: { bytes: Uint8Array | null; path: string | null } | (number | null)[][][] | null;
  /** Single-label: the class index (INT64 read as bigint; uint8 in files of earlier versions);
   * multi-label: class indices (INT64, read as bigint) or, in files of earlier versions, the 0/1 row. */
  label: number | bigint | (number | bigint | null)[] | null;
  label_vector?: (number | null)[] | null;
  split: string | null;
  index: number | null;
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
  if (row.label === null || row.label === undefined) throw new DataError(`${where}: label is null`);
  if (layout === 'index') {
    // INT64 since the datasets-compatible types: a value the uint8 label of the other formats cannot
    // hold is refused, not wrapped.
    const v = Number(row.label);
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new DataError(`${where}: label ${String(row.label)} is not a class index (0-255)`);
    return Uint8Array.of(v);
  }
  const values = Array.isArray(row.label) ? row.label : [row.label];
  if (values.some((v) => v === null || v === undefined)) throw new DataError(`${where}: label [${values.map(String).join(', ')}] holds a null`);
  const given = values as (number | bigint)[];
  if (layout === 'row') return Uint8Array.from(given, Number);
  const hot = multiHot(given, columns, `${where} label`);
  // The two label columns say the same thing; a file where they disagree is corrupt.
  const vector = row.label_vector ?? [];
  if (vector.length !== columns || vector.some((v, k) => v !== hot[k])) {
    throw new DataError(`${where}: label [${given.map(String).join(', ')}] and ${LABEL_VECTOR_COLUMN} [${vector.map(String).join(', ')}] disagree`);
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
          if (row.split === null || row.split === undefined || row.index === null || row.index === undefined) {
            throw new DataError(`${where}: split or index is null`);
          }
          const split = String(row.split) as SplitName;
          if (Array.isArray(row.image)) {
            // 3D (Array3D): nested lists, first axis outermost.
            const values = row.image.flat(2);
            // A null voxel (or list) would silently become 0 in a Uint8Array.
            if (values.some((v) => typeof v !== 'number')) throw new DataError(`${where}: image holds a null`);
            const flat = Uint8Array.from(values as number[]);
            if (flat.length !== item) throw new DataError(`${where}: ${flat.length} values in image, expected shape [${info.shape.join(', ')}]`);
            yield { split, index: Number(row.index), pixels: flat, label: rowLabel(row, layout, info.label_columns, where) };
            continue;
          }
          const bytes = row.image?.bytes;
          if (!(bytes instanceof Uint8Array)) throw new DataError(`${where}: image.bytes is empty`);
          const png = decodePng(bytes, `${where} image`);
          if (png.data.length !== item) throw new DataError(`${where}: ${png.width}x${png.height}x${png.channels} image, expected shape [${info.shape.join(', ')}]`);
          yield { split, index: Number(row.index), pixels: png.data, label: rowLabel(row, layout, info.label_columns, where) };
        }
        start = end;
      }
    },
  };
}
