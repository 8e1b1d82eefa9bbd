// ChestMNIST's Parquet label (issue 13): `label` holds the positive class indices, the Hugging Face
// `Sequence(ClassLabel(names))` form, and `label_vector` the 0/1 row of the NPZ. The nih-cxr14 fake
// download goes through the real CLI; DuckDB reads the Parquet, numpy (Debian's python3) the NPZ, and
// every row must agree. The expected `huggingface` JSON is written out here by hand, in the shape
// `datasets` serialises (features.py: Sequence {feature, length=-1 omitted, _type}; ClassLabel
// {names, _type}), not taken from our writer. With MEDMNIST_HF_PYTHON set to a python that has
// `datasets` and pyarrow, `load_dataset` itself is checked too.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nihCxr14 } from '../converters/nih-cxr14/index.js';
import { SPLITS, type SplitName } from '../src/core/contract.js';
import type { InspectReport } from '../src/formats/inspect.js';
import { cliOk, pythonOk, tempDir } from './support/run-cli.js';
import { spawnSync } from 'node:child_process';
import { MULTILABEL_PARQUET_COLUMNS } from './support/parquet-columns.js';

// MedMNIST's INFO['chestmnist']['label'], in order (medmnist/info.py).
const NAMES = [
  'atelectasis', 'cardiomegaly', 'effusion', 'infiltration', 'mass', 'nodule', 'pneumonia',
  'pneumothorax', 'consolidation', 'edema', 'emphysema', 'fibrosis', 'pleural', 'hernia',
];
const STR = { dtype: 'string', _type: 'Value' };
const EXPECTED_HF = {
  info: {
    features: {
      image: { _type: 'Image' },
      label: { feature: { names: NAMES, _type: 'ClassLabel' }, _type: 'Sequence' },
      label_vector: { feature: { dtype: 'uint8', _type: 'Value' }, _type: 'Sequence' },
      split: STR,
      index: { dtype: 'int32', _type: 'Value' },
      image_id: STR,
      group_id: STR,
      fine_label: STR,
    },
  },
};

let out: string;
/** numpy's view of the NPZ: per split, the (N,14) rows and np.flatnonzero of each. */
let npz: Record<SplitName, { rows: number[][]; positives: number[][] }>;
let db: DuckDBInstance;
let con: DuckDBConnection;
const file = (s: SplitName, size = 28): string => join(out, `${size === 28 ? 'chestmnist' : `chestmnist_${size}`}_${s}.parquet`);

beforeAll(async () => {
  const work = tempDir('parquet-multilabel');
  const raw = join(work, 'raw');
  out = join(work, 'out');
  await nihCxr14.writeFakeDownload(raw, { count: 90, seed: 4 });
  cliOk(['convert', '--source', 'nih-cxr14', '--input', raw, '--out', out, '--size', '28,64', '--format', 'npz,parquet', '--workers', '1']);
  npz = JSON.parse(
    pythonOk(
      `
import json, sys, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({s: {'rows': a[s + '_labels'].tolist(), 'positives': [np.flatnonzero(r).tolist() for r in a[s + '_labels']]}
                  for s in ['train', 'val', 'test']}))
`,
      [join(out, 'chestmnist.npz')],
    ),
  ) as typeof npz;
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
}, 180_000);

afterAll(async () => {
  con?.closeSync();
  db?.closeSync();
  if (out) await rm(join(out, '..'), { recursive: true, force: true });
});

describe('ChestMNIST Parquet: label = Sequence(ClassLabel) class indices, label_vector = the NPZ row', () => {
  it('the fake covers what matters: rows with no finding, one finding and several', () => {
    const all = SPLITS.flatMap((s) => npz[s].positives);
    expect(all.length).toBeGreaterThan(60);
    expect(all.some((p) => p.length === 0)).toBe(true);
    expect(all.some((p) => p.length === 1)).toBe(true);
    expect(all.some((p) => p.length >= 2)).toBe(true);
    expect(SPLITS.every((s) => npz[s].rows.every((r) => r.length === 14))).toBe(true);
  });

  it('DuckDB: every row of every split and size, label = np.flatnonzero(NPZ row), label_vector = the row', async () => {
    for (const size of [28, 64]) {
      for (const s of SPLITS) {
        const rows = (
          await con.runAndReadAll(`select "index", cast(label as integer[]) as label, label_vector from '${file(s, size)}' order by "index"`)
        ).getRowObjectsJson();
        expect(rows.length, `${size} ${s}`).toBe(npz[s].rows.length);
        rows.forEach((r, i) => {
          expect(r['index']).toBe(i);
          expect(r['label'], `${size} ${s}[${i}]`).toEqual(npz[s].positives[i]);
          expect(r['label_vector'], `${size} ${s}[${i}]`).toEqual(npz[s].rows[i]);
        });
      }
    }
  });

  it('DuckDB: column types and the Parquet schema (nullable lists, as datasets requires to keep the feature)', async () => {
    const types = (await con.runAndReadAll(`describe select * from '${file('train')}'`)).getRowObjectsJson();
    expect(types.map((t) => [t['column_name'], t['column_type']])).toEqual(MULTILABEL_PARQUET_COLUMNS);
    // datasets' Features.from_arrow_schema keeps a metadata feature only when pyarrow's field equals the
    // feature's own (list<int64>, nullable list and items): so OPTIONAL at both levels, INT64 items.
    const schema = (
      await con.runAndReadAll(`select name, type, repetition_type, converted_type from parquet_schema('${file('train')}') where name in ('label', 'label_vector', 'list', 'element')`)
    ).getRowObjectsJson();
    expect(schema).toEqual([
      { name: 'label', type: null, repetition_type: 'OPTIONAL', converted_type: 'LIST' },
      { name: 'list', type: null, repetition_type: 'REPEATED', converted_type: null },
      { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: null },
      { name: 'label_vector', type: null, repetition_type: 'OPTIONAL', converted_type: 'LIST' },
      { name: 'list', type: null, repetition_type: 'REPEATED', converted_type: null },
      { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'UINT_8' },
    ]);
  });

  it('the huggingface schema metadata is exactly the Sequence(ClassLabel(names)) feature set, in every split file', async () => {
    for (const s of SPLITS) {
      const kv = (
        await con.runAndReadAll(`select decode(value) v from parquet_kv_metadata('${file(s)}') where decode(key) = 'huggingface'`)
      ).getRowObjectsJson();
      expect(kv.length).toBe(1);
      expect(JSON.parse(String(kv[0]!['v']))).toEqual(EXPECTED_HF);
    }
  });

  it('our reader: inspect counts positives per class as numpy does, verify and diff read the files back', () => {
    for (const s of SPLITS) {
      const r = JSON.parse(cliOk(['inspect', file(s), '--json'])) as InspectReport;
      const sums = NAMES.map((_, k) => npz[s].rows.reduce((a, row) => a + row[k]!, 0));
      expect(r.histogram.map((h) => h.counts[s]), s).toEqual(sums);
      expect(r.histogram.map((h) => h.name)).toEqual(NAMES);
      expect(r.label).toEqual({ columns: 14, dtype: 'uint8' });
      expect(r.details['label']).toMatch(/class indices/);
    }
    cliOk(['verify', out]);
    const d = JSON.parse(cliOk(['diff', out, out, '--json'])) as { datasets: { sizes: { size: number; status: string; level: string }[] }[]; summary: Record<string, number> };
    expect(d.summary).toMatchObject({ same: 1, changed: 0 });
    expect(d.datasets[0]!.sizes.map((z) => [z.size, z.status, z.level])).toEqual([[28, 'same', 'samples'], [64, 'same', 'samples']]);
  });

  it('card and Croissant describe both label columns; every Croissant field names a column DuckDB finds in its file', async () => {
    const card = await readFile(join(out, 'chestmnist.card.md'), 'utf8');
    expect(card).toContain('In the Parquet files, `label` lists the columns whose value is 1, ascending (`[]` for none): the Hugging Face feature `Sequence(ClassLabel(names=...))`');
    expect(card).toContain('`label_vector` holds the 14 values of 0 or 1');
    type Field = { name: string; repeated?: boolean; references?: { field: { '@id': string } }; source: { fileObject: { '@id': string }; extract: { column: string } } };
    const doc = JSON.parse(await readFile(join(out, 'chestmnist.croissant.json'), 'utf8')) as { recordSet: { '@id': string; field: Field[] }[] };
    const sets = doc.recordSet.filter((r) => /^chestmnist(_64)?_(train|val|test)$/.test(r['@id']));
    expect(sets.length).toBe(6);
    for (const rs of sets) {
      const byName = new Map(rs.field.map((f) => [f.name, f]));
      expect([...byName.keys()]).toEqual(['image', 'label', 'label_vector', 'split', 'index', 'image_id', 'group_id', 'fine_label']);
      expect(byName.get('label')).toMatchObject({ repeated: true, references: { field: { '@id': 'chestmnist_labels/index' } } });
      expect(byName.get('label_vector')).toMatchObject({ repeated: true });
      expect(byName.get('label_vector')!.references).toBeUndefined();
      const path = join(out, byName.get('label')!.source.fileObject['@id']);
      const cols = (await con.runAndReadAll(`select column_name from (describe select * from '${path}')`)).getRowObjectsJson().map((r) => r['column_name']);
      for (const f of rs.field) expect(cols, `${rs['@id']} ${f.name}`).toContain(f.source.extract.column);
    }
  });

  const hfPython = process.env['MEDMNIST_HF_PYTHON'];
  it.runIf(hfPython)('Hugging Face datasets loads label as List/Sequence(ClassLabel) with the NPZ positives (MEDMNIST_HF_PYTHON)', () => {
    const r = spawnSync(
      hfPython!,
      [
        '-c',
        `
import json, sys, numpy as np, datasets
from datasets import ClassLabel, Sequence, Value
names = json.loads(sys.argv[3])
ds = datasets.load_dataset('parquet', data_files={'train': sys.argv[1]}, split='train')
assert ds.features['label'] == Sequence(ClassLabel(names=names)), ds.features['label']
assert ds.features['label_vector'] == Sequence(Value('uint8')), ds.features['label_vector']
rows = np.load(sys.argv[2])['train_labels']
assert ds['label'] == [np.flatnonzero(r).tolist() for r in rows]
assert ds['label_vector'] == rows.tolist()
print(len(ds))
`,
        file('train'),
        join(out, 'chestmnist.npz'),
        JSON.stringify(NAMES),
      ],
      { encoding: 'utf8', env: { ...process.env, HF_DATASETS_OFFLINE: '1', HF_HOME: join(out, '..', 'hf-home') } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBe(npz.train.rows.length);
  });
});
