// Arrow IPC file per split, F_S_<split>.arrow (design §5), written with apache-arrow in record batches
// as images stream in: `image` FixedSizeList<uint8> tagged arrow.fixed_shape_tensor with its shape,
// `label` uint8 (or FixedSizeList<uint8>[14] for multi-label), then the provenance columns. A split
// without samples still gets its file (schema, no batches). Read back batch by batch from a file
// handle, so neither side holds more than one batch.
import { checkContainer, containerError } from './magic.js';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Arrow from 'apache-arrow';
import type { Data, DataType, Field, FixedSizeList, Schema, Uint8, Utf8, Vector } from 'apache-arrow';
import { SPLITS, type SplitName, labelColumns } from '../core/contract.js';
import { DataError } from '../core/errors.js';
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
  type SplitFileWriter,
} from './columnar.js';
import type { OutputFormat, ReadRecord, SinkContext, SinkRecord } from './sink.js';

export const TENSOR_EXTENSION = 'arrow.fixed_shape_tensor';

// apache-arrow (some 150 modules, a quarter of a second) loads when an Arrow file is first written or
// read: inspect, verify, diff and convert import this module whatever the format.
let arrowModule: typeof Arrow | undefined;

async function loadArrow(): Promise<typeof Arrow> {
  return (arrowModule ??= await import('apache-arrow'));
}

/** apache-arrow, once loadArrow() has run (every path here starts at an async entry that awaits it). */
function arrow(): typeof Arrow {
  if (!arrowModule) throw new Error('internal: apache-arrow used before loadArrow()');
  return arrowModule;
}

/** The Arrow schema of one split file. */
export function arrowSchema(ctx: SinkContext, split: SplitName): Schema {
  const { Field, FixedSizeList, Int32, Schema, Uint8, Utf8 } = arrow();
  const item = ctx.imageShape.reduce((a, b) => a * b, 1);
  const image = new Field(
    'image',
    new FixedSizeList(item, new Field('item', new Uint8(), false)),
    false,
    new Map([
      ['ARROW:extension:name', TENSOR_EXTENSION],
      ['ARROW:extension:metadata', JSON.stringify({ shape: ctx.imageShape })],
    ]),
  );
  const cols = labelColumns(ctx.spec);
  const label = new Field('label', cols === 1 ? new Uint8() : new FixedSizeList(cols, new Field('item', new Uint8(), false)), false);
  return new Schema(
    [
      image,
      label,
      new Field('split', new Utf8(), false),
      new Field('index', new Int32(), false),
      new Field('image_id', new Utf8(), false),
      new Field('group_id', new Utf8(), true),
      new Field('fine_label', new Utf8(), true),
    ],
    new Map([[MEDMNIST_META_KEY, JSON.stringify(embeddedInfo(ctx, split))], ...flatMetadata(ctx, split)]),
  );
}

/** Collects what the Arrow writer emits so the sink can write it to disk (and await it) after each batch. */
interface ChunkCollector extends Arrow.AsyncByteQueue {
  chunks: Uint8Array[];
}

function chunkCollector(): ChunkCollector {
  // The writer takes its sink only if it is an AsyncByteQueue, a class of the lazily loaded module.
  class Collector extends arrow().AsyncByteQueue implements ChunkCollector {
    chunks: Uint8Array[] = [];
    override write(value: Uint8Array): void {
      if (value.byteLength > 0) this.chunks.push(value);
    }
  }
  return new Collector();
}

const utf8 = new TextEncoder();

/** A Utf8 column of one batch, with a validity bitmap only when a value is null. */
function utf8Data(values: (string | null)[]): Data<Utf8> {
  const { makeData, Utf8 } = arrow();
  const encoded = values.map((v) => (v === null ? new Uint8Array(0) : utf8.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length;
  const data = new Uint8Array(offsets[values.length]!);
  encoded.forEach((e, i) => data.set(e, offsets[i]!));
  const nulls = values.filter((v) => v === null).length;
  if (nulls === 0) return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data });
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data, nullBitmap: bitmap, nullCount: nulls });
}

class ArrowSplitWriter implements SplitFileWriter {
  private readonly writer = new (arrow().RecordBatchFileWriter)();
  private readonly sink = chunkCollector();
  private readonly rows: number;
  private readonly item: number;
  private readonly cols: number;
  private pixels: Uint8Array;
  private labels: Uint8Array;
  private prov: { split: string[]; index: number[]; image_id: string[]; group_id: (string | null)[]; fine_label: (string | null)[] };
  private n = 0;
  private pos = 0;

  private constructor(private readonly fh: FileHandle, private readonly schema: Schema, ctx: SinkContext) {
    this.item = ctx.imageShape.reduce((a, b) => a * b, 1);
    this.cols = labelColumns(ctx.spec);
    this.rows = batchRows(this.item);
    this.pixels = new Uint8Array(this.rows * this.item);
    this.labels = new Uint8Array(this.rows * this.cols);
    this.prov = { split: [], index: [], image_id: [], group_id: [], fine_label: [] };
    this.writer.reset(this.sink, schema);
  }

  static async open(ctx: SinkContext, split: SplitName, path: string): Promise<ArrowSplitWriter> {
    await loadArrow();
    return new ArrowSplitWriter(await open(path, 'w'), arrowSchema(ctx, split), ctx);
  }

  private async drain(): Promise<void> {
    const chunks = this.sink.chunks;
    this.sink.chunks = [];
    for (const c of chunks) {
      await this.fh.write(c, 0, c.length, this.pos);
      this.pos += c.length;
    }
  }

  private async flushBatch(): Promise<void> {
    if (this.n === 0) return;
    const { Int32, makeData, RecordBatch, Struct, Uint8 } = arrow();
    const n = this.n;
    const fields = this.schema.fields;
    const image = makeData({
      type: fields[0]!.type as FixedSizeList<Uint8>,
      length: n,
      nullCount: 0,
      child: makeData({ type: new Uint8(), length: n * this.item, data: this.pixels.subarray(0, n * this.item) }),
    });
    const labelValues = makeData({ type: new Uint8(), length: n * this.cols, data: this.labels.subarray(0, n * this.cols) });
    const label =
      this.cols === 1
        ? labelValues
        : makeData({ type: fields[1]!.type as FixedSizeList<Uint8>, length: n, nullCount: 0, child: labelValues });
    const children: Data<DataType>[] = [
      image,
      label,
      utf8Data(this.prov.split),
      makeData({ type: new Int32(), length: n, data: Int32Array.from(this.prov.index) }),
      utf8Data(this.prov.image_id),
      utf8Data(this.prov.group_id),
      utf8Data(this.prov.fine_label),
    ];
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    this.writer.write(new RecordBatch(this.schema, struct));
    // Fresh buffers: the writer may still reference the old ones until drained.
    this.pixels = new Uint8Array(this.rows * this.item);
    this.labels = new Uint8Array(this.rows * this.cols);
    this.prov = { split: [], index: [], image_id: [], group_id: [], fine_label: [] };
    this.n = 0;
    await this.drain();
  }

  async add(r: SinkRecord): Promise<void> {
    if (r.pixels.length !== this.item) throw new Error(`arrow: image of ${r.pixels.length} bytes, expected ${this.item}`);
    this.pixels.set(r.pixels, this.n * this.item);
    this.labels.set(r.label, this.n * this.cols);
    const p = provenanceOf(r);
    this.prov.split.push(p.split);
    this.prov.index.push(p.index);
    this.prov.image_id.push(p.image_id);
    this.prov.group_id.push(p.group_id);
    this.prov.fine_label.push(p.fine_label);
    this.n++;
    if (this.n === this.rows) await this.flushBatch();
  }

  async close(): Promise<void> {
    await this.flushBatch();
    this.writer.finish();
    await this.drain();
    await this.fh.close();
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

export const arrowFormat: OutputFormat = {
  name: 'arrow',
  fileNames: (base) => splitFileNames(base, 'arrow'),
  async createSink(ctx) {
    return new PerSplitSink('arrow', ctx, 'arrow', (split, path) => ArrowSplitWriter.open(ctx, split, path));
  },
  async *readRecords(outDir, base) {
    for (const split of SPLITS) {
      const file = await openArrowFile(join(outDir, splitFileName(base, split, 'arrow')));
      try {
        if (file.info.split !== split) throw new DataError(`${file.path}: holds split ${file.info.split}, expected ${split}`);
        yield* file.records();
      } finally {
        await file.close();
      }
    }
  },
};

/** Shape from the arrow.fixed_shape_tensor extension metadata of the image field. */
export function tensorShapeOf(field: Field, what: string): number[] {
  const name = field.metadata.get('ARROW:extension:name');
  if (name !== TENSOR_EXTENSION) throw new DataError(`${what}: column image is not tagged ${TENSOR_EXTENSION} (got ${String(name)})`);
  const meta = field.metadata.get('ARROW:extension:metadata');
  const shape = (JSON.parse(meta ?? '{}') as { shape?: unknown }).shape;
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new DataError(`${what}: ${TENSOR_EXTENSION} metadata without a shape (${String(meta)})`);
  }
  return shape as number[];
}

export interface ArrowFile {
  path: string;
  info: EmbeddedInfo;
  /** Image shape from the tensor extension metadata. */
  shape: number[];
  records(): AsyncGenerator<ReadRecord>;
  close(): Promise<void>;
}

function fixedListValues(vec: Vector, size: number, what: string): Uint8Array {
  if (vec.data.length !== 1) throw new DataError(`${what}: column split into ${vec.data.length} chunks in one batch`);
  const d = vec.data[0]!;
  const child = d.children[0];
  if (!child || !(child.values instanceof Uint8Array)) throw new DataError(`${what}: not a list of uint8`);
  const start = (d.offset + child.offset) * size;
  return child.values.subarray(start, start + d.length * size);
}

/** Open one split file: schema checked, records streamed a batch at a time. */
export async function openArrowFile(path: string): Promise<ArrowFile> {
  await checkContainer(path, 'arrow');
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${path}: cannot open (${err.code ?? err.message})`);
  });
  try {
    const { RecordBatchReader } = await loadArrow();
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    if (!reader.isFile()) throw new DataError(`${path}: an Arrow stream, expected an Arrow IPC file`);
    const schema = reader.schema;
    const info = parseEmbeddedInfo(schema.metadata.get(MEDMNIST_META_KEY), path);
    const imageField = schema.fields.find((f) => f.name === 'image');
    if (!imageField) throw new DataError(`${path}: no image column`);
    const shape = tensorShapeOf(imageField, path);
    const item = shape.reduce((a, b) => a * b, 1);
    const cols = info.label_columns;
    for (const name of ['label', 'split', 'index']) {
      if (!schema.fields.some((f) => f.name === name)) throw new DataError(`${path}: no ${name} column`);
    }
    return {
      path,
      info,
      shape,
      async *records() {
        for await (const batch of reader) {
          const pixels = fixedListValues(batch.getChild('image')!, item, `${path} image`);
          const labelVec = batch.getChild('label')!;
          const labels = cols === 1 ? (labelVec.data[0]!.values as Uint8Array).subarray(labelVec.data[0]!.offset) : fixedListValues(labelVec, cols, `${path} label`);
          const splits = batch.getChild('split')!;
          const index = batch.getChild('index')!;
          for (let i = 0; i < batch.numRows; i++) {
            yield {
              split: splits.get(i) as SplitName,
              index: index.get(i) as number,
              pixels: pixels.subarray(i * item, (i + 1) * item),
              label: labels.subarray(i * cols, (i + 1) * cols),
            };
          }
        }
      },
      async close() {
        await fh.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw containerError(path, 'arrow', err);
  }
}
