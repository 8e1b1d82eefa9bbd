// The sinks driven directly (as the engine drives them) with a multi-label gray dataset and an empty
// split, the PNG codec against Pillow, compressed NPZ against numpy and one-shot zlib, and errors.
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, FixedSizeList } from 'apache-arrow';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrowFormat } from '../src/formats/arrow.js';
import { FORMATS } from '../src/formats/index.js';
import { NPZ_DEFLATE_LEVEL, npzFormat, NpzFile, readNpz } from '../src/formats/npz.js';
import { openParquetFile, parquetFormat, parquetSchema } from '../src/formats/parquet.js';
import { embeddedInfo, MEDMNIST_META_KEY } from '../src/formats/columnar.js';
import { decodePng, encodePng } from '../src/formats/png-encode.js';
import { parsePngCsv, pngFormat } from '../src/formats/png-folder.js';
import type { OutputFormat, SinkContext, SinkRecord } from '../src/formats/sink.js';
import { SPLITS, type DatasetSpec, type SplitName } from '../src/core/contract.js';
import { DataError } from '../src/core/errors.js';
import { collect } from './formats-helpers.js';
import { pythonOk } from './support/run-cli.js';
import { MULTILABEL_PARQUET_COLUMNS } from './support/parquet-columns.js';

const S = 12;
const COUNTS: Record<SplitName, number> = { train: 5, val: 0, test: 3 };
const chest: DatasetSpec = {
  flag: 'fakechestmnist',
  title: 'FakeChestMNIST',
  task: 'multi-label, binary-class',
  labels: Array.from({ length: 14 }, (_, i) => `finding ${i}`),
  nChannels: 1,
  dims: 2,
  officialCounts: { train: 5, val: 0, test: 3 },
  split: { rule: 'ratio-7-1-2', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'L' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'patient_id',
};

/** Deterministic pseudo-random bytes. */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function records(): SinkRecord[] {
  const out: SinkRecord[] = [];
  let k = 0;
  for (const split of SPLITS) {
    for (let index = 0; index < COUNTS[split]; index++, k++) {
      const label = Uint8Array.from({ length: 14 }, (_, c) => ((k + c) % 3 === 0 ? 1 : 0));
      out.push({
        split,
        index,
        sample: { id: `img${k}`, label: [...label], ...(k % 2 ? { groupId: `p${k}` } : {}) },
        pixels: noise(S * S, k + 1),
        label,
      });
    }
  }
  return out;
}

let work: string;
const dirs: Record<string, string> = {};

function context(dir: string, options: SinkContext['options'] = {}): SinkContext {
  return { spec: chest, size: S, baseName: `fakechestmnist_${S}`, dir, counts: COUNTS, imageShape: [S, S], options };
}

async function build(format: OutputFormat, dir: string, options: SinkContext['options'] = {}): Promise<string[]> {
  const sink = await format.createSink(context(dir, options));
  for (const r of records()) await sink.write(r);
  return sink.finish();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'formats-sinks-'));
  for (const f of FORMATS) {
    dirs[f.name] = await mkdtemp(join(work, `${f.name}-`));
    expect((await build(f, dirs[f.name]!)).sort()).toEqual(f.fileNames(`fakechestmnist_${S}`).sort());
  }
  dirs['npzz'] = await mkdtemp(join(work, 'npzz-'));
  await build(npzFormat, dirs['npzz'], { npzCompress: true });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('multi-label gray dataset with an empty split', () => {
  it('every format reads back the records written', async () => {
    const want = records();
    for (const [name, dir] of Object.entries(dirs)) {
      const format = name === 'npzz' ? npzFormat : FORMATS.find((f) => f.name === name)!;
      const got = await collect(format, dir, `fakechestmnist_${S}`);
      expect(got.length, name).toBe(want.length);
      got.forEach((r, i) => {
        expect(`${r.split}${r.index}`).toBe(`${want[i]!.split}${want[i]!.index}`);
        expect(Buffer.compare(r.pixels, want[i]!.pixels), `${name} pixels ${i}`).toBe(0);
        expect([...r.label]).toEqual([...want[i]!.label]);
      });
    }
  });

  it('numpy loads the compressed NPZ: deflated members, empty val arrays, 14 label columns', () => {
    const out = pythonOk(
      `
import json, sys, zipfile, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({k: [list(a[k].shape), str(a[k].dtype), int(a[k].sum())] for k in a.files} |
                 {'methods': sorted({i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist()})}))
`,
      [join(dirs['npzz']!, `fakechestmnist_${S}.npz`)],
    );
    const r = JSON.parse(out) as Record<string, [number[], string, number]> & { methods: number[] };
    expect(r.methods).toEqual([8]);
    expect(r['train_images']![0]).toEqual([5, S, S]);
    expect(r['val_images']![0]).toEqual([0, S, S]);
    expect(r['val_labels']![0]).toEqual([0, 14]);
    expect(r['test_labels']![0]).toEqual([3, 14]);
    const want = records();
    expect(r['train_images']![2]).toBe(want.slice(0, 5).reduce((a, x) => a + x.pixels.reduce((p, q) => p + q, 0), 0));
    expect(r['test_labels']![2]).toBe(want.slice(5).reduce((a, x) => a + x.label.reduce((p, q) => p + q, 0), 0));
  });

  it('compressed members equal a one-shot deflate of the whole member (output independent of chunking)', async () => {
    const path = join(dirs['npzz']!, `fakechestmnist_${S}.npz`);
    const storedPath = join(dirs['npz']!, `fakechestmnist_${S}.npz`);
    const plain = await readNpz(storedPath);
    const stored = await NpzFile.open(storedPath);
    const f = await NpzFile.open(path);
    const fh = await open(path, 'r');
    const sh = await open(storedPath, 'r');
    try {
      expect(f.compressed).toBe(true);
      expect(stored.compressed).toBe(false);
      for (const m of f.members.values()) {
        const s = stored.member(m.key);
        const whole = Buffer.alloc(s.entry.size);
        expect((await sh.read(whole, 0, whole.length, s.entry.dataOffset)).bytesRead).toBe(whole.length);
        const raw = Buffer.alloc(m.entry.compressedSize);
        await fh.read(raw, 0, raw.length, m.entry.dataOffset);
        expect(Buffer.compare(raw, deflateRawSync(whole, { level: NPZ_DEFLATE_LEVEL })), m.key).toBe(0);
        expect((await f.read(m.key)).data).toEqual(plain[m.key]!.data);
      }
    } finally {
      await fh.close();
      await sh.close();
      await f.close();
      await stored.close();
    }
  });

  it('a corrupted compressed member is reported, not returned', async () => {
    const path = join(dirs['npzz']!, `fakechestmnist_${S}.npz`);
    const bad = join(work, 'bad.npz');
    const bytes = Buffer.from(await readFile(path));
    const f = await NpzFile.open(path);
    const m = f.member('train_images');
    await f.close();
    bytes[m.entry.dataOffset + Math.floor(m.entry.compressedSize / 2)]! ^= 0xff;
    await writeFile(bad, bytes);
    await expect(
      (async () => {
        const g = await NpzFile.open(bad);
        try {
          await g.read('train_images');
        } finally {
          await g.close();
        }
      })(),
    ).rejects.toThrow(/train_images\.npy (does not inflate|fails its CRC|has \d+ bytes)/);
  });

  it('DuckDB reads the multi-label Parquet (label = positive class indices, label_vector = 14 uint8) and the empty split file', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const file = (s: SplitName) => join(dirs['parquet']!, `fakechestmnist_${S}_${s}.parquet`);
      const rows = (await con.runAndReadAll(`select cast(label as integer[]) as label, label_vector, group_id, image_id from '${file('test')}' order by "index"`)).getRowObjectsJson();
      const want = records().filter((r) => r.split === 'test');
      expect(rows.map((r) => r['label'])).toEqual(want.map((r) => [...r.label].flatMap((v, k) => (v ? [k] : []))));
      expect(rows.map((r) => r['label_vector'])).toEqual(want.map((r) => [...r.label]));
      expect(rows.map((r) => r['group_id'])).toEqual(want.map((r) => r.sample.groupId ?? null));
      const empty = (await con.runAndReadAll(`select count(*)::int n from '${file('val')}'`)).getRowObjectsJson();
      expect(empty).toEqual([{ n: 0 }]);
      const types = (await con.runAndReadAll(`describe select * from '${file('train')}'`)).getRowObjectsJson();
      expect(types.map((t) => [t['column_name'], t['column_type']])).toEqual(MULTILABEL_PARQUET_COLUMNS);
      const hf = JSON.parse((await openParquetFile(file('train'))).kv.get('huggingface')!) as { info: { features: Record<string, unknown> } };
      expect(hf.info.features['label']).toEqual({ feature: { names: chest.labels, _type: 'ClassLabel' }, _type: 'Sequence' });
      expect(hf.info.features['label_vector']).toEqual({ feature: { dtype: 'uint8', _type: 'Value' }, _type: 'Sequence' });
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('Arrow: label is FixedSizeList<uint8>[14], gray tensor shape [S, S], the empty split has the schema and no rows', async () => {
    const t = tableFromIPC(await readFile(join(dirs['arrow']!, `fakechestmnist_${S}_train.arrow`)));
    const label = t.schema.fields[1]!;
    expect(label.type).toBeInstanceOf(FixedSizeList);
    expect((label.type as FixedSizeList).listSize).toBe(14);
    expect(JSON.parse(t.schema.fields[0]!.metadata.get('ARROW:extension:metadata')!)).toEqual({ shape: [S, S] });
    expect(t.getChild('group_id')!.toArray()).toEqual(records().slice(0, 5).map((r) => r.sample.groupId ?? null));
    const empty = tableFromIPC(await readFile(join(dirs['arrow']!, `fakechestmnist_${S}_val.arrow`)));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(t.schema.fields.map((f) => f.name));
  });

  it('PNG folder: CSV carries all 14 labels, file names join them with _', async () => {
    const csv = await readFile(join(dirs['png']!, `fakechestmnist_${S}.csv`), 'utf8');
    const first = records()[0]!;
    expect(csv.split('\n')[0]).toBe(`TRAIN,train0_${[...first.label].join('_')}.png,${[...first.label].join(',')}`);
    expect(csv.split('\n').filter((l) => l.startsWith('VALIDATION')).length).toBe(0);
    expect(parsePngCsv(csv, 'csv').length).toBe(8);
  });

  it('sinks refuse records out of order', async () => {
    for (const f of [npzFormat, arrowFormat, parquetFormat, pngFormat]) {
      const dir = await mkdtemp(join(work, `order-${f.name}-`));
      const sink = await f.createSink(context(dir));
      const rs = records();
      await expect(sink.write(rs[1]!), f.name).rejects.toThrow(/order|index/);
      await sink.abort();
    }
  });
});

describe('PNG codec', () => {
  it('Pillow decodes what we encode, gray and RGB, odd sizes; only IHDR, IDAT and IEND chunks', async () => {
    const cases: [number, number, 1 | 3][] = [[1, 1, 1], [5, 3, 1], [28, 28, 1], [17, 9, 3], [64, 64, 3]];
    const dir = await mkdtemp(join(work, 'png-'));
    for (const [k, [w, h, c]] of cases.entries()) {
      const px = noise(w * h * c, k + 7);
      // Half noise, half smooth rows, so several filter types get chosen.
      for (let i = 0; i < px.length / 2; i++) px[i] = (i * 3) & 0xff;
      const png = encodePng(px, w, h, c);
      expect(Buffer.compare(png, encodePng(px, w, h, c))).toBe(0);
      expect(Buffer.compare(decodePng(png, 'x').data, px)).toBe(0);
      await writeFile(join(dir, `${k}.png`), png);
      await writeFile(join(dir, `${k}.raw`), px);
    }
    const out = pythonOk(
      `
import json, sys, struct, numpy as np
from PIL import Image
res = []
for k, (w, h, c) in enumerate(json.loads(sys.argv[2])):
    im = Image.open(f'{sys.argv[1]}/{k}.png')
    raw = np.frombuffer(open(f'{sys.argv[1]}/{k}.raw', 'rb').read(), np.uint8).reshape((h, w, c) if c == 3 else (h, w))
    data = open(f'{sys.argv[1]}/{k}.png', 'rb').read()
    chunks, p = [], 8
    while p < len(data):
        n = struct.unpack('>I', data[p:p+4])[0]; chunks.append(data[p+4:p+8].decode()); p += 12 + n
    res.append([im.mode, list(im.size), bool(np.array_equal(np.asarray(im), raw)), chunks])
print(json.dumps(res))
`,
      [dir, JSON.stringify(cases)],
    );
    const r = JSON.parse(out) as [string, number[], boolean, string[]][];
    r.forEach(([mode, size, equal, chunks], k) => {
      const [w, h, c] = cases[k]!;
      expect(mode).toBe(c === 1 ? 'L' : 'RGB');
      expect(size).toEqual([w, h]);
      expect(equal).toBe(true);
      expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    });
  });

  it('rejects a corrupt PNG with a DataError naming it', () => {
    const png = Buffer.from(encodePng(noise(64, 1), 8, 8, 1));
    png[png.length - 20]! ^= 0xff;
    expect(() => decodePng(png, 'some.png')).toThrow(DataError);
    expect(() => decodePng(png, 'some.png')).toThrow(/some\.png/);
    expect(() => decodePng(png.subarray(0, 20), 'cut.png')).toThrow(/cut\.png/);
  });
});

/**
 * The Parquet schema medmnist-build wrote before its columns took the Arrow types of their Hugging Face
 * features (single-label 2D): REQUIRED image, label (uint8), split, index and image_id. Written out as
 * it was, so that files of that version keep reading back.
 */
const LEGACY_SCHEMA: ReturnType<typeof parquetSchema> = [
  { name: 'schema', num_children: 7 },
  { name: 'image', repetition_type: 'REQUIRED', num_children: 2 },
  { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
  { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'label', type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' },
  { name: 'split', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'index', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'image_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'group_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'fine_label', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
];

/** The 3D (Array3D) image column of that version: REQUIRED nested lists of REQUIRED uint8. */
const LEGACY_VOLUME: ReturnType<typeof parquetSchema> = [
  { name: 'image', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' },
];

const single2d: DatasetSpec = { ...chest, flag: 'fakedermamnist', task: 'multi-class', labels: ['a', 'b', 'c'], groupName: undefined };
const single3d: DatasetSpec = { ...single2d, flag: 'fakeorganmnist3d', dims: 3 };
const V = 4;

/** A one-split file of `spec` written directly with hyparquet-writer: `schema` and the given rows. */
async function singleLabelFile(
  name: string,
  spec: DatasetSpec,
  schema: ReturnType<typeof parquetSchema>,
  rows: { image: unknown; label: unknown; index?: unknown }[],
): Promise<string> {
  const shape = spec.dims === 3 ? [V, V, V] : [S, S];
  const ctx: SinkContext = { spec, size: shape[0]!, baseName: spec.flag, dir: work, counts: { train: rows.length, val: 0, test: 0 }, imageShape: shape, options: {} };
  const w = new ByteWriter();
  const pq = new ParquetWriter({ writer: w, schema, kvMetadata: [{ key: MEDMNIST_META_KEY, value: JSON.stringify(embeddedInfo(ctx, 'train')) }] });
  pq.write({
    columnData: [
      { name: 'image', data: rows.map((r) => r.image) },
      { name: 'label', data: rows.map((r) => r.label) },
      { name: 'split', data: rows.map(() => 'train') },
      { name: 'index', data: rows.map((r, i) => (r.index === undefined ? i : r.index)) },
      { name: 'image_id', data: rows.map((_, i) => `img${i}`) },
      { name: 'group_id', data: rows.map(() => null) },
      { name: 'fine_label', data: rows.map(() => null) },
    ],
  });
  pq.finish();
  const path = join(work, name);
  await writeFile(path, w.getBytes());
  return path;
}

/** [V, V, V] bytes as the nested lists of Array3D (first axis outermost). */
const nested = (px: Uint8Array): number[][][] =>
  Array.from({ length: V }, (_, z) => Array.from({ length: V }, (_, y) => Array.from(px.subarray((z * V + y) * V, (z * V + y + 1) * V))));

async function readAll(path: string): Promise<{ split: string; index: number; pixels: number[]; label: number[] }[]> {
  const out = [];
  for await (const r of (await openParquetFile(path)).records()) out.push({ split: r.split, index: r.index, pixels: [...r.pixels], label: [...r.label] });
  return out;
}

describe('readers on foreign or damaged files', () => {
  it('a CSV row that is not in medmnist save layout names its row', () => {
    expect(() => parsePngCsv('TRAIN,train0_1.png,1\nTRAINING,train1_1.png,1\n', 'x.csv')).toThrow(/x\.csv row 2: first column/);
    expect(() => parsePngCsv('TRAIN,train0_1.png,2\n', 'x.csv')).toThrow(/row 1: labels/);
    expect(() => parsePngCsv('TRAIN,train1_1.png,1\n', 'x.csv')).toThrow(/index 1, expected 0/);
  });

  it('a Parquet file without medmnist metadata is refused with a DataError', async () => {
    const w = new ByteWriter();
    const pq = new ParquetWriter({ writer: w, schema: [{ name: 'root', num_children: 1 }, { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' }] });
    pq.write({ columnData: [{ name: 'x', data: [1, 2] }] });
    pq.finish();
    const path = join(work, 'foreign.parquet');
    await writeFile(path, w.getBytes());
    await expect(openParquetFile(path)).rejects.toThrow(DataError);
    await expect(openParquetFile(path)).rejects.toThrow(/medmnist/);
  });

  /** A one-row multi-label split file written with `schema` and the given label columns. */
  async function chestFile(name: string, schema: ReturnType<typeof parquetSchema>, labels: { name: string; data: unknown[] }[]): Promise<string> {
    const w = new ByteWriter();
    const pq = new ParquetWriter({
      writer: w,
      schema,
      kvMetadata: [{ key: MEDMNIST_META_KEY, value: JSON.stringify(embeddedInfo(context(work), 'train')) }],
    });
    pq.write({
      columnData: [
        { name: 'image', data: [{ bytes: encodePng(noise(S * S, 1), S, S, 1), path: 'x.png' }] },
        ...labels,
        { name: 'split', data: ['train'] },
        { name: 'index', data: [0] },
        { name: 'image_id', data: ['img0'] },
        { name: 'group_id', data: [null] },
        { name: 'fine_label', data: [null] },
      ],
    });
    pq.finish();
    const path = join(work, name);
    await writeFile(path, w.getBytes());
    return path;
  }

  async function readLabels(path: string): Promise<number[][]> {
    const out: number[][] = [];
    for await (const r of (await openParquetFile(path)).records()) out.push([...r.label]);
    return out;
  }

  it('multi-label Parquet: label indices that are not ascending, or disagree with label_vector, are refused', async () => {
    const row = [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const ok = await chestFile('ok.parquet', parquetSchema(14), [{ name: 'label', data: [[1n, 4n]] }, { name: 'label_vector', data: [row] }]);
    expect(await readLabels(ok)).toEqual([row]);
    const disagree = await chestFile('disagree.parquet', parquetSchema(14), [{ name: 'label', data: [[1n, 5n]] }, { name: 'label_vector', data: [row] }]);
    await expect(readLabels(disagree)).rejects.toThrow(DataError);
    await expect(readLabels(disagree)).rejects.toThrow(/row 0: label \[1, 5\] and label_vector \[0, 1, 0, 0, 1,.*disagree/);
    for (const [name, bad] of [['unordered', [4n, 1n]], ['repeated', [1n, 1n]], ['range', [1n, 14n]]] as const) {
      const path = await chestFile(`${name}.parquet`, parquetSchema(14), [{ name: 'label', data: [bad] }, { name: 'label_vector', data: [row] }]);
      await expect(readLabels(path), name).rejects.toThrow(/is not ascending class indices below 14/);
    }
  });

  it('multi-label Parquet of earlier versions (label = the 0/1 row as list<uint8>, no label_vector) still reads back', async () => {
    const row = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const legacy = LEGACY_SCHEMA.filter((e) => e.name !== 'label');
    // The layout written before Sequence(ClassLabel): a REQUIRED list of 14 REQUIRED uint8 where label is.
    legacy.splice(legacy.findIndex((e) => e.name === 'split'), 0,
      { name: 'label', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' },
    );
    const path = await chestFile('legacy.parquet', legacy, [{ name: 'label', data: [row] }]);
    expect((await openParquetFile(path)).labelLayout).toBe('row');
    expect(await readLabels(path)).toEqual([row]);
  });

  it('single-label 2D and 3D Parquet of earlier versions (REQUIRED columns, uint8 label) still read back', async () => {
    const px = [noise(S * S, 3), noise(S * S, 4)];
    const p2 = await singleLabelFile('legacy-2d.parquet', single2d, LEGACY_SCHEMA, px.map((p, i) => ({ image: { bytes: encodePng(p, S, S, 1), path: `train${i}_${i + 1}.png` }, label: i + 1 })));
    expect(await readAll(p2)).toEqual(px.map((p, i) => ({ split: 'train', index: i, pixels: [...p], label: [i + 1] })));
    const vx = [noise(V ** 3, 5), noise(V ** 3, 6)];
    const legacy3d = [...LEGACY_SCHEMA.slice(0, 1), ...LEGACY_VOLUME, ...LEGACY_SCHEMA.slice(4)];
    const p3 = await singleLabelFile('legacy-3d.parquet', single3d, legacy3d, vx.map((v, i) => ({ image: nested(v), label: 2 - i })));
    expect(await readAll(p3)).toEqual(vx.map((v, i) => ({ split: 'train', index: i, pixels: [...v], label: [2 - i] })));
  });

  it('the current single-label layout (int64 label) reads back; nulls the schema now allows, and labels a uint8 cannot hold, are refused', async () => {
    const png = { bytes: encodePng(noise(S * S, 7), S, S, 1), path: 'train0_2.png' };
    const ok = await singleLabelFile('int64.parquet', single2d, parquetSchema(1), [{ image: png, label: 2n }]);
    expect((await readAll(ok))[0]!.label).toEqual([2]);
    for (const [name, row, message] of [
      ['null-label', { image: png, label: null }, /row 0: label is null/],
      ['null-index', { image: png, label: 1n, index: null }, /row 0: split or index is null/],
      ['null-image', { image: null, label: 1n }, /row 0: image\.bytes is empty/],
      ['wide-label', { image: png, label: 256n }, /row 0: label 256 is not a class index/],
      ['negative-label', { image: png, label: -1n }, /row 0: label -1 is not a class index/],
    ] as const) {
      const path = await singleLabelFile(`${name}.parquet`, single2d, parquetSchema(1), [row]);
      await expect(readAll(path), name).rejects.toThrow(DataError);
      await expect(readAll(path), name).rejects.toThrow(message);
    }
    const schema3d = [...parquetSchema(1).slice(0, 1), ...LEGACY_VOLUME.map((e) => ({ ...e, repetition_type: e.repetition_type === 'REPEATED' ? 'REPEATED' as const : 'OPTIONAL' as const })), ...parquetSchema(1).slice(4)];
    const volume = nested(noise(V ** 3, 8));
    const good = await singleLabelFile('volume.parquet', single3d, schema3d, [{ image: volume, label: 0n }]);
    expect((await readAll(good))[0]!.pixels.length).toBe(V ** 3);
    volume[1]![2]![3] = null as unknown as number;
    const holed = await singleLabelFile('volume-null.parquet', single3d, schema3d, [{ image: volume, label: 0n }]);
    await expect(readAll(holed)).rejects.toThrow(/row 0: image holds a null/);
  });
});
