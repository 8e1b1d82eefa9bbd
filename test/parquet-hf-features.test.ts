// The Parquet files keep their Hugging Face features when `datasets` loads them. `datasets` >= 2.17
// (Features.from_arrow_schema) uses a feature of the `huggingface` metadata only when pyarrow's field
// equals the feature's own Arrow field, nullability included, so every column must be nullable and of
// the type datasets derives (features.py: Image.pa_type struct<bytes: binary, path: string>,
// ClassLabel.pa_type int64, Value(dtype), Sequence = list, Array3D = Array3DExtensionType over nested
// lists, restored by pyarrow from the `ARROW:schema` entry). The real CLI's demo writes every source's
// Parquet. Always on (no `datasets`): DuckDB's view of each file's Parquet schema, written out here by
// hand as datasets itself writes these types (a file from `Dataset.to_parquet` has the same
// repetitions, physical and converted types); labels and 3D volumes equal the NPZ as numpy reads it;
// the 3D `ARROW:schema`. With MEDMNIST_HF_PYTHON set to a python that has `datasets`, pyarrow and
// Pillow, support/hf_features_check.py loads the files with `load_dataset` and checks the features
// (built there from the catalog) and every decoded row against numpy.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC, type Field } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPLITS, type SplitName } from '../src/core/contract.js';
import { cleanupTempDirs, cliAsync, pythonOk, ROOT, tempDir } from './support/run-cli.js';

type Row = { name: string; type: string | null; repetition_type: string | null; converted_type: string | null; num_children: number | null };
const group = (name: string, repetition: string, converted: string | null, children: number): Row => ({ name, type: null, repetition_type: repetition, converted_type: converted, num_children: children });
const leaf = (name: string, type: string, repetition: string, converted: string | null = null): Row => ({ name, type, repetition_type: repetition, converted_type: converted, num_children: null });
/** A nullable 3-level LIST (pyarrow's list<T>: nullable list, nullable items). */
const list = (name: string): Row[] => [group(name, 'OPTIONAL', 'LIST', 1), group('list', 'REPEATED', null, 1)];
const PROVENANCE: Row[] = [
  leaf('split', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8'),
  leaf('index', 'INT32', 'OPTIONAL'),
  leaf('image_id', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8'),
  leaf('group_id', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8'),
  leaf('fine_label', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8'),
];
/** Image(): struct<bytes: binary, path: string>, nullable struct and fields. */
const IMAGE: Row[] = [group('image', 'OPTIONAL', null, 2), leaf('bytes', 'BYTE_ARRAY', 'OPTIONAL'), leaf('path', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8')];
/** Array3D(uint8): list<list<list<uint8>>>, every level nullable. */
const VOLUME: Row[] = [...list('image'), ...list('element'), ...list('element'), leaf('element', 'INT32', 'OPTIONAL', 'UINT_8')];
/** ClassLabel: int64. */
const CLASS_LABEL: Row[] = [leaf('label', 'INT64', 'OPTIONAL')];
/** Sequence(ClassLabel): list<int64>; Sequence(Value('uint8')): list<uint8>. */
const MULTI_LABEL: Row[] = [...list('label'), leaf('element', 'INT64', 'OPTIONAL'), ...list('label_vector'), leaf('element', 'INT32', 'OPTIONAL', 'UINT_8')];
const root = (n: number): Row => ({ name: 'schema', type: null, repetition_type: null, converted_type: null, num_children: n });
const EXPECTED_SCHEMA = {
  single2d: [root(7), ...IMAGE, ...CLASS_LABEL, ...PROVENANCE],
  multi2d: [root(8), ...IMAGE, ...MULTI_LABEL, ...PROVENANCE],
  single3d: [root(7), ...VOLUME, ...CLASS_LABEL, ...PROVENANCE],
};
const kindOf = (flag: string): keyof typeof EXPECTED_SCHEMA => (flag === 'chestmnist' ? 'multi2d' : flag.endsWith('3d') ? 'single3d' : 'single2d');

let out: string;
let flags: string[];
/** numpy's view of each NPZ: per split, the label rows and (3D) the SHA-256 of each volume's bytes. */
let npz: Record<string, Record<SplitName, { labels: number[][]; volumes: string[] | null }>>;
let db: DuckDBInstance;
let con: DuckDBConnection;
const file = (flag: string, s: SplitName): string => join(out, `${flag}_${s}.parquet`);

beforeAll(async () => {
  out = join(tempDir('parquet-hf'), 'out');
  const r = await cliAsync(['demo', '--out', out, '--format', 'npz,parquet', '--quiet']);
  if (r.code !== 0) throw new Error(`demo exited ${r.code}:\n${r.stderr}`);
  flags = (await readdir(out)).filter((n) => n.endsWith('_train.parquet')).map((n) => n.replace(/_train\.parquet$/, '')).sort();
  npz = JSON.parse(
    pythonOk(
      `
import hashlib, json, sys, numpy as np
res = {}
for flag in sys.argv[2:]:
    a = np.load(f'{sys.argv[1]}/{flag}.npz')
    vol = a['train_images'].ndim == 4 and a['train_images'].shape[-1] != 3
    res[flag] = {s: {'labels': a[s + '_labels'].tolist(),
                     'volumes': [hashlib.sha256(v.tobytes()).hexdigest() for v in a[s + '_images']] if vol else None}
                 for s in ['train', 'val', 'test']}
print(json.dumps(res))
`,
      [out, ...flags],
    ),
  ) as typeof npz;
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
}, 180_000);

afterAll(() => {
  con?.closeSync();
  db?.closeSync();
  cleanupTempDirs();
});

describe('Parquet columns have the Arrow types of their Hugging Face features, all nullable', () => {
  it('the demo wrote the three kinds: single-label 2D, multi-label ChestMNIST, 3D OrganMNIST3D', () => {
    expect(flags).toContain('dermamnist');
    expect(flags).toContain('chestmnist');
    expect(flags).toContain('organmnist3d');
    expect(flags.length).toBeGreaterThanOrEqual(10);
  });

  it('DuckDB: the Parquet schema of every split file of every dataset', async () => {
    for (const flag of flags) {
      for (const s of SPLITS) {
        const rows = (
          await con.runAndReadAll(`select name, type, repetition_type, converted_type, num_children::int num_children from parquet_schema('${file(flag, s)}')`)
        ).getRowObjectsJson();
        expect(rows, `${flag} ${s}`).toEqual(EXPECTED_SCHEMA[kindOf(flag)]);
      }
    }
  });

  it('DuckDB: column types, every column nullable, and no nulls but in group_id and fine_label', async () => {
    const types = {
      single2d: ['STRUCT(bytes BLOB, path VARCHAR)', 'BIGINT'],
      multi2d: ['STRUCT(bytes BLOB, path VARCHAR)', 'BIGINT[]', 'UTINYINT[]'],
      single3d: ['UTINYINT[][][]', 'BIGINT'],
    };
    for (const flag of flags) {
      const f = file(flag, 'train');
      const d = (await con.runAndReadAll(`describe select * from '${f}'`)).getRowObjectsJson();
      expect(d.map((r) => r['column_type']), flag).toEqual([...types[kindOf(flag)], 'VARCHAR', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR']);
      expect(d.every((r) => r['null'] === 'YES'), flag).toBe(true);
      const nulls = (
        await con.runAndReadAll(`select count(*)::int n from '${f}' where image is null or label is null or split is null or "index" is null or image_id is null`)
      ).getRowObjectsJson();
      expect(nulls, flag).toEqual([{ n: 0 }]);
    }
  });

  it('DuckDB: labels equal the NPZ labels (numpy), every dataset and split', async () => {
    for (const flag of flags) {
      const multi = kindOf(flag) === 'multi2d';
      for (const s of SPLITS) {
        const rows = (
          await con.runAndReadAll(`select "index", ${multi ? 'label_vector' : 'label::integer'} as l from '${file(flag, s)}' order by "index"`)
        ).getRowObjectsJson();
        const want = npz[flag]![s].labels;
        expect(rows.map((r) => r['index']), `${flag} ${s}`).toEqual(want.map((_, i) => i));
        expect(rows.map((r) => (multi ? r['l'] : [r['l']])), `${flag} ${s}`).toEqual(want);
      }
    }
  });

  it('DuckDB: OrganMNIST3D volumes (Array3D nested lists, first axis outermost) equal the NPZ volumes (numpy)', async () => {
    for (const s of SPLITS) {
      const rows = (await con.runAndReadAll(`select flatten(flatten(image)) v from '${file('organmnist3d', s)}' order by "index"`)).getRowObjectsJson();
      const want = npz['organmnist3d']![s].volumes!;
      expect(rows.length, s).toBe(want.length);
      rows.forEach((r, i) => {
        const v = Uint8Array.from(r['v'] as number[]);
        expect(v.length).toBe(28 ** 3);
        expect(createHash('sha256').update(v).digest('hex'), `${s}[${i}]`).toBe(want[i]);
      });
    }
  });

  it('3D: ARROW:schema restores the image as datasets\' Array3DExtensionType, nullable fields, repeating the key-value metadata', async () => {
    for (const s of SPLITS) {
      const kv = new Map(
        (await con.runAndReadAll(`select decode(key) k, decode(value) v from parquet_kv_metadata('${file('organmnist3d', s)}')`))
          .getRowObjectsJson()
          .map((r) => [String(r['k']), String(r['v'])]),
      );
      // The entry is an encapsulated IPC Schema message: read it as a stream with no record batches.
      const message = Buffer.from(kv.get('ARROW:schema')!, 'base64');
      const schema = tableFromIPC(Buffer.concat([message, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])])).schema;
      const describe = (f: Field): string => `${f.name}: ${String(f.type)}${f.nullable ? '' : ' not null'}`;
      expect(schema.fields.map(describe)).toEqual([
        'image: List<List<List<Uint8>>>',
        'label: Int64',
        'split: Utf8',
        'index: Int32',
        'image_id: Utf8',
        'group_id: Utf8',
        'fine_label: Utf8',
      ]);
      const image = schema.fields[0]!;
      expect(Object.fromEntries(image.metadata)).toEqual({
        'ARROW:extension:name': 'datasets.features.features.Array3DExtensionType',
        // json.dumps(((28, 28, 28), 'uint8')), Array3DExtensionType.__arrow_ext_serialize__.
        'ARROW:extension:metadata': '[[28, 28, 28], "uint8"]',
      });
      // Nested list items nullable too (pyarrow's pa.list_).
      let t = image.type as { children?: Field[] };
      for (let depth = 0; depth < 3; depth++) {
        const child = t.children![0]!;
        expect(child.nullable).toBe(true);
        t = child.type as { children?: Field[] };
      }
      kv.delete('ARROW:schema');
      expect(Object.fromEntries(schema.metadata)).toEqual(Object.fromEntries(kv));
      expect(JSON.parse(kv.get('huggingface')!)).toMatchObject({ info: { features: { image: { shape: [28, 28, 28], dtype: 'uint8', _type: 'Array3D' } } } });
    }
  });

  const hfPython = process.env['MEDMNIST_HF_PYTHON'];
  it.runIf(hfPython)('Hugging Face datasets keeps Image / ClassLabel / Sequence(ClassLabel) / Array3D and decodes every row to the NPZ (MEDMNIST_HF_PYTHON)', () => {
    const flagsToLoad = ['dermamnist', 'pneumoniamnist', 'chestmnist', 'organmnist3d'];
    const r = spawnSync(hfPython!, [join(ROOT, 'test', 'support', 'hf_features_check.py'), out, join(ROOT, 'src', 'catalog', 'medmnist-info.json'), ...flagsToLoad], {
      encoding: 'utf8',
      env: { ...process.env, HF_DATASETS_OFFLINE: '1', HF_HOME: join(out, '..', 'hf-home') },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    for (const flag of flagsToLoad) {
      const counts = SPLITS.map((s) => npz[flag]![s].labels.length);
      expect(report[flag], flag).toEqual({ train: counts[0], validation: counts[1], test: counts[2] });
    }
  });
});
