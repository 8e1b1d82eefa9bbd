// Every output format through the real CLI on a fake HAM10000 download: round trip to the NPZ arrays,
// independent readers (numpy, Pillow, DuckDB, apache-arrow), byte-identical files across runs and
// worker counts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBBlobValue } from '@duckdb/node-api';
import { tableFromIPC, FixedSizeList } from 'apache-arrow';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { arrowFormat } from '../src/formats/arrow.js';
import { npzFormat, readNpz } from '../src/formats/npz.js';
import { parquetFormat } from '../src/formats/parquet.js';
import { pngFormat } from '../src/formats/png-folder.js';
import { SPLITS } from '../src/core/contract.js';
import { collect, treeBytes } from './formats-helpers.js';
import { cliOk, pythonOk } from './support/run-cli.js';

const FORMATS = 'npz,arrow,parquet,png';
const BASES = ['dermamnist', 'dermamnist_64'];

let work: string;
let raw: string;
const out = (name: string) => join(work, name);

function convert(dest: string, extra: string[]): void {
  cliOk(['convert', '--source', 'ham10000', '--input', raw, '--out', dest, '--size', '28,64', '--format', FORMATS, ...extra]);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'formats-cli-'));
  raw = join(work, 'raw');
  await ham10000.writeFakeDownload(raw, { count: 40, seed: 1 });
  convert(out('w1a'), ['--workers', '1']);
  convert(out('w1b'), ['--workers', '1']);
  convert(out('w2'), ['--workers', '2']);
  convert(out('z1'), ['--workers', '1', '--npz-compress']);
  convert(out('z2'), ['--workers', '2', '--npz-compress']);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('determinism', () => {
  it('writes byte-identical files across two runs and across --workers 1 and 2', async () => {
    const a = await treeBytes(out('w1a'));
    const names = [...a.keys()];
    // Every format of both sizes is there: npz, three arrow and parquet split files, PNG folder + CSV.
    for (const base of BASES) {
      expect(names).toContain(`${base}.npz`);
      expect(names).toContain(`${base}.csv`);
      for (const s of SPLITS) {
        expect(names).toContain(`${base}_${s}.arrow`);
        expect(names).toContain(`${base}_${s}.parquet`);
      }
      expect(names.filter((n) => n.startsWith(`${base}/`)).length).toBe(40);
    }
    for (const other of ['w1b', 'w2']) {
      const b = await treeBytes(out(other));
      expect([...b.keys()]).toEqual(names);
      for (const [k, v] of a) expect(Buffer.compare(v, b.get(k)!), `${other}/${k}`).toBe(0);
    }
  });

  it('writes byte-identical compressed NPZ across worker counts', async () => {
    for (const base of BASES) {
      const z1 = await readFile(join(out('z1'), `${base}.npz`));
      const z2 = await readFile(join(out('z2'), `${base}.npz`));
      expect(Buffer.compare(z1, z2)).toBe(0);
      const stored = await readFile(join(out('w1a'), `${base}.npz`));
      expect(z1.length).toBeLessThan(stored.length);
    }
  });
});

describe('round trip', () => {
  it('every format decodes to the NPZ arrays, compressed NPZ included', async () => {
    for (const base of BASES) {
      const ref = await collect(npzFormat, out('w1a'), base);
      expect(ref.length).toBe(40);
      const others = [
        await collect(npzFormat, out('z1'), base),
        await collect(arrowFormat, out('w1a'), base),
        await collect(parquetFormat, out('w1a'), base),
        await collect(pngFormat, out('w1a'), base),
      ];
      for (const got of others) {
        expect(got.map((r) => `${r.split}${r.index}`)).toEqual(ref.map((r) => `${r.split}${r.index}`));
        got.forEach((r, i) => {
          expect(Buffer.compare(r.pixels, ref[i]!.pixels)).toBe(0);
          expect([...r.label]).toEqual([...ref[i]!.label]);
        });
      }
    }
  });
});

describe('independent readers', () => {
  it('numpy loads stored and compressed NPZ with the same arrays', () => {
    const report = pythonOk(
      `
import json, sys, zipfile, numpy as np
res = {}
for base in ['dermamnist', 'dermamnist_64']:
    a = np.load(sys.argv[1] + '/' + base + '.npz')
    b = np.load(sys.argv[2] + '/' + base + '.npz')
    methods = sorted({i.compress_type for i in zipfile.ZipFile(sys.argv[2] + '/' + base + '.npz').infolist()})
    res[base] = {
        'keys': sorted(a.files), 'same': all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype for k in a.files),
        'shapes': {k: list(b[k].shape) for k in b.files}, 'dtypes': sorted({str(b[k].dtype) for k in b.files}),
        'methods': methods, 'crc_ok': zipfile.ZipFile(sys.argv[2] + '/' + base + '.npz').testzip() is None,
    }
print(json.dumps(res))
`,
      [out('w1a'), out('z1')],
    );
    const r = JSON.parse(report) as Record<string, { keys: string[]; same: boolean; shapes: Record<string, number[]>; dtypes: string[]; methods: number[]; crc_ok: boolean }>;
    for (const [base, size] of [['dermamnist', 28], ['dermamnist_64', 64]] as const) {
      const x = r[base]!;
      expect(x.keys).toEqual(['test_images', 'test_labels', 'train_images', 'train_labels', 'val_images', 'val_labels']);
      expect(x.same).toBe(true);
      expect(x.methods).toEqual([8]);
      expect(x.crc_ok).toBe(true);
      expect(x.dtypes).toEqual(['uint8']);
      expect(x.shapes['train_images']!.slice(1)).toEqual([size, size, 3]);
      const n = x.shapes['train_images']![0]! + x.shapes['val_images']![0]! + x.shapes['test_images']![0]!;
      expect(n).toBe(40);
    }
  });

  it('Pillow opens every PNG of the folder, equal to the NPZ arrays, CSV as medmnist save writes it', () => {
    const report = pythonOk(
      `
import json, os, sys, numpy as np
from PIL import Image
d = sys.argv[1]
res = {}
tags = {'TRAIN': 'train', 'VALIDATION': 'val', 'TEST': 'test'}
for base in ['dermamnist', 'dermamnist_64']:
    a = np.load(d + '/' + base + '.npz')
    rows = open(d + '/' + base + '.csv', newline='').read().split('\\n')
    assert rows[-1] == '', 'CSV must end with a newline'
    rows = [r.split(',') for r in rows[:-1]]
    expected = []
    for s in ['train', 'val', 'test']:
        for i in range(a[s + '_images'].shape[0]):
            lab = a[s + '_labels'][i]
            f = f"{s}{i}_{'_'.join(map(str, lab))}.png"
            expected.append([{'train': 'TRAIN', 'val': 'VALIDATION', 'test': 'TEST'}[s], f, ','.join(map(str, lab))])
    equal = 0
    modes = set()
    for tag, f, *lab in rows:
        s = tags[tag]; i = int(f[len(s):].split('_')[0])
        im = Image.open(os.path.join(d, base, f))
        modes.add(im.mode)
        if np.array_equal(np.asarray(im), a[s + '_images'][i]): equal += 1
    res[base] = {'rows_as_medmnist': rows == [[e[0], e[1], *e[2].split(',')] for e in expected], 'equal': equal,
                 'files': sorted(os.listdir(d + '/' + base)) == sorted(e[1] for e in expected), 'modes': sorted(modes)}
print(json.dumps(res))
`,
      [out('w1a')],
    );
    const r = JSON.parse(report) as Record<string, { rows_as_medmnist: boolean; equal: number; files: boolean; modes: string[] }>;
    for (const base of BASES) {
      expect(r[base]).toEqual({ rows_as_medmnist: true, equal: 40, files: true, modes: ['RGB'] });
    }
  });

  it('DuckDB reads the Parquet: counts, labels, PNG bytes equal to the NPZ, metadata and encodings', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      for (const base of BASES) {
        const npz = await readNpz(join(out('w1a'), `${base}.npz`));
        for (const split of SPLITS) {
          const file = join(out('w1a'), `${base}_${split}.parquet`).replaceAll("'", "''");
          const rows = (
            await con.runAndReadAll(
              `select image.bytes as bytes, octet_length(image.bytes) as n, image.path as path, label, split, "index", image_id from '${file}' order by "index"`,
            )
          ).getRowObjects();
          const images = npz[`${split}_images`]!;
          const labels = npz[`${split}_labels`]!;
          expect(rows.length).toBe(images.shape[0]);
          const item = images.data.length / images.shape[0]!;
          for (const [i, row] of rows.entries()) {
            expect(row['split']).toBe(split);
            expect(row['index']).toBe(i);
            // int64, ClassLabel's Arrow type: DuckDB BIGINT, read as bigint.
            expect(row['label']).toBe(BigInt(labels.data[i]!));
            const png = (row['bytes'] as DuckDBBlobValue).bytes;
            expect(Number(row['n'])).toBe(png.length);
            expect(row['path']).toBe(`${split}${i}_${labels.data[i]}.png`);
            const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
            expect(info.channels).toBe(3);
            expect(Buffer.compare(data, Buffer.from(images.data.subarray(i * item, (i + 1) * item)))).toBe(0);
          }
          const kv = (await con.runAndReadAll(`select decode(key) as k, decode(value) as v from parquet_kv_metadata('${file}')`)).getRowObjects();
          const hf = JSON.parse(String(kv.find((r) => r['k'] === 'huggingface')!['v'])) as {
            info: { features: Record<string, { _type: string; names?: string[] }> };
          };
          expect(hf.info.features['image']).toEqual({ _type: 'Image' });
          expect(hf.info.features['label']!._type).toBe('ClassLabel');
          expect(hf.info.features['label']!.names).toEqual(ham10000.datasets[0]!.labels);
          const cols = (
            await con.runAndReadAll(`select path_in_schema::varchar p, encodings::varchar e, compression::varchar c, stats_min_value is null as nostats from parquet_metadata('${file}')`)
          ).getRowObjects();
          for (const c of cols) expect(c['c']).toBe('SNAPPY');
          expect(cols.filter((c) => c['p'] === 'split').every((c) => String(c['e']).includes('RLE_DICTIONARY'))).toBe(true);
          const imageCols = cols.filter((c) => c['p'] === 'image, bytes' || c['p'] === 'image, path');
          expect(imageCols.length).toBeGreaterThan(0);
          expect(imageCols.every((c) => c['nostats'] === true)).toBe(true);
          expect(cols.filter((c) => c['p'] === 'index').every((c) => c['nostats'] === false)).toBe(true);
        }
      }
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('apache-arrow reads the Arrow files: fixed_shape_tensor metadata, columns, provenance', async () => {
    const samplesCsv = (await readFile(join(out('w1a'), 'dermamnist.samples.csv'), 'utf8')).trim().split('\n').slice(1);
    const provenance = new Map(samplesCsv.map((l) => {
      const [split, index, id, label, lesion, dx] = l.split(',');
      return [`${split}${index}`, { id, label: Number(label), lesion, dx }];
    }));
    for (const [base, size] of [['dermamnist', 28], ['dermamnist_64', 64]] as const) {
      const npz = await readNpz(join(out('w1a'), `${base}.npz`));
      for (const split of SPLITS) {
        const table = tableFromIPC(await readFile(join(out('w1a'), `${base}_${split}.arrow`)));
        const image = table.schema.fields.find((f) => f.name === 'image')!;
        expect(image.metadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
        expect(JSON.parse(image.metadata.get('ARROW:extension:metadata')!)).toEqual({ shape: [size, size, 3] });
        expect(image.type).toBeInstanceOf(FixedSizeList);
        expect((image.type as FixedSizeList).listSize).toBe(size * size * 3);
        expect(table.schema.fields.map((f) => f.name)).toEqual(['image', 'label', 'split', 'index', 'image_id', 'group_id', 'fine_label']);
        expect(table.schema.fields[1]!.type).toMatchObject({ bitWidth: 8, isSigned: false });
        const images = npz[`${split}_images`]!;
        expect(table.numRows).toBe(images.shape[0]);
        const item = size * size * 3;
        for (let i = 0; i < table.numRows; i++) {
          const row = table.get(i)!;
          const pixels = Uint8Array.from(row['image'] as Iterable<number>);
          expect(Buffer.compare(pixels, images.data.subarray(i * item, (i + 1) * item))).toBe(0);
          const p = provenance.get(`${split}${i}`)!;
          expect(row['split']).toBe(split);
          expect(row['index']).toBe(i);
          expect(row['label']).toBe(p.label);
          expect(row['image_id']).toBe(p.id);
          expect(row['group_id']).toBe(p.lesion);
          expect(row['fine_label']).toBe(p.dx);
        }
      }
    }
  });
});
