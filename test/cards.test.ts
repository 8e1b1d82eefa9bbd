// Dataset cards (F.card.md, Hugging Face format) and Croissant files (F.croissant.json), the size in the
// Arrow/Parquet schema metadata, and one set of provenance column names, through the real CLI on a fake
// HAM10000 download, read back with independent readers: the yaml package and Debian's PyYAML (front
// matter), DuckDB (Parquet, the configs' data_files), apache-arrow, jsonld.js (Croissant, expanded
// offline).
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBBlobValue, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ham10000 } from '../converters/ham10000/index.js';
import { SPLITS } from '../src/core/contract.js';
import { parseCsv } from '../src/core/csv.js';
import { writeDatasetDocs } from '../src/engine/docs.js';
import type { DatasetBuild } from '../src/engine/pack.js';
import { sha256File } from '../src/lock/hash.js';
import { readLock } from '../src/lock/lockfile.js';
import { renderCard } from '../src/metadata/card.js';
import { CROISSANT_CONFORMS_TO } from '../src/metadata/croissant.js';
import { hfLicense, sizeConfigs, type DatasetDocsInput } from '../src/metadata/dataset-docs.js';
import type { DatasetMetadata } from '../src/metadata/dataset-metadata.js';
import { cliAsync, python } from './support/run-cli.js';

const FLAG = 'dermamnist';
let work: string;
let raw: string;
/** 28 and 64 px, NPZ + Arrow + Parquet. */
let two: string;
/** 28 px, NPZ only. */
let npzOnly: string;

async function convert(out: string, ...args: string[]): Promise<void> {
  const r = await cliAsync(['convert', '--source', 'ham10000', '--input', raw, '--out', out, ...args]);
  if (r.code !== 0) throw new Error(`convert ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
}

/** The card's YAML front matter (text between the first two `---` lines) and body. */
function splitCard(text: string): { yaml: string; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('card without YAML front matter');
  return { yaml: m[1]!, body: m[2]! };
}

interface FrontMatter {
  license: string;
  pretty_name: string;
  task_categories: string[];
  size_categories: string[];
  tags: string[];
  configs?: { config_name: string; default?: boolean; data_files: { split: string; path: string }[] }[];
}

const readCard = async (dir: string): Promise<string> => readFile(join(dir, `${FLAG}.card.md`), 'utf8');
const sql = (s: string): string => `'${s.replaceAll("'", "''")}'`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cards-'));
  raw = join(work, 'raw');
  await ham10000.writeFakeDownload(raw, { count: 40, seed: 3 });
  two = join(work, 'two');
  npzOnly = join(work, 'npz');
  await convert(two, '--size', '28,64', '--format', 'npz,arrow,parquet', '--workers', '1');
  await convert(npzOnly, '--size', '28', '--format', 'npz', '--workers', '1');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('dataset card (Hugging Face format)', () => {
  it('front matter parses (yaml) with one config per size selecting exactly that size\'s Parquet files', async () => {
    const fm = parseYaml(splitCard(await readCard(two)).yaml) as FrontMatter;
    expect(fm.license).toBe('cc-by-nc-4.0');
    expect(fm.pretty_name).toMatch(/DermaMNIST/);
    expect(fm.task_categories).toEqual(['image-classification']);
    expect(fm.size_categories).toEqual(['n<1K']);
    expect(fm.tags).toContain('medmnist');
    expect(fm.configs).toEqual([
      {
        config_name: 'size_28',
        default: true,
        data_files: [
          { split: 'train', path: 'dermamnist_train.parquet' },
          { split: 'validation', path: 'dermamnist_val.parquet' },
          { split: 'test', path: 'dermamnist_test.parquet' },
        ],
      },
      {
        config_name: 'size_64',
        data_files: [
          { split: 'train', path: 'dermamnist_64_train.parquet' },
          { split: 'validation', path: 'dermamnist_64_val.parquet' },
          { split: 'test', path: 'dermamnist_64_test.parquet' },
        ],
      },
    ]);
  });

  const hasPyYaml = python('import yaml').code === 0;
  it.runIf(hasPyYaml)('Debian\'s PyYAML reads the same front matter', async () => {
    const { yaml } = splitCard(await readCard(two));
    const r = python('import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))', [], { input: yaml });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(parseYaml(yaml));
  });

  it('DuckDB reading each config\'s data_files gets only rows of that size (schema metadata and image size)', async () => {
    const fm = parseYaml(splitCard(await readCard(two)).yaml) as FrontMatter;
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const lock = await readLock(join(two, 'datasets.lock.json'));
      const total = Object.values(lock.datasets[FLAG]!.counts).reduce((a, b) => a + b, 0);
      for (const c of fm.configs!) {
        const size = Number(c.config_name.replace('size_', ''));
        const files = `[${c.data_files.map((f) => sql(join(two, f.path))).join(', ')}]`;
        const rows = (
          await con.runAndReadAll(
            `select d.image.bytes as png, d.split as split, decode(k.value) as size from read_parquet(${files}, filename = true) d ` +
              `join parquet_kv_metadata(${files}) k on k.file_name = d.filename and decode(k.key) = 'medmnist:size'`,
          )
        ).getRowObjects();
        expect(rows.length).toBe(total);
        for (const r of rows) {
          expect(r['size']).toBe(String(size));
          // PNG IHDR: width and height, big-endian, at bytes 16 and 20.
          const png = Buffer.from((r['png'] as DuckDBBlobValue).bytes);
          expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
        }
        // Each data_files entry holds its own split only.
        for (const f of c.data_files) {
          const got = (await con.runAndReadAll(`select distinct split from read_parquet(${sql(join(two, f.path))})`)).getRowObjects();
          expect(got.map((g) => g['split'])).toEqual([f.split === 'validation' ? 'val' : f.split]);
        }
      }
      // What the configs avoid: a glob over the folder reads both sizes; the metadata tells them apart.
      const mixed = (
        await con.runAndReadAll(
          `select decode(value) as size, count(*) as files from parquet_kv_metadata(${sql(join(two, `${FLAG}_*.parquet`))}) where decode(key) = 'medmnist:size' group by all order by 1`,
        )
      ).getRowObjects();
      expect(mixed.map((m) => [m['size'], Number(m['files'])])).toEqual([['28', 3], ['64', 3]]);
      const kv = (await con.runAndReadAll(`select decode(key) as k, decode(value) as v from parquet_kv_metadata(${sql(join(two, 'dermamnist_64_val.parquet'))})`)).getRowObjects();
      const meta = Object.fromEntries(kv.map((r) => [r['k'], r['v']]));
      expect(meta['medmnist:flag']).toBe(FLAG);
      expect(meta['medmnist:split']).toBe('val');
      expect(meta['medmnist:tool_version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(JSON.parse(String(meta['medmnist']))).toMatchObject({ flag: FLAG, size: 64, split: 'val', shape: [64, 64, 3] });
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('body: labels, counts per split per size, recipe, split rule, sources, licence, citations, provenance meanings', async () => {
    const { body } = splitCard(await readCard(two));
    const meta = JSON.parse(await readFile(join(two, 'dermamnist_64.json'), 'utf8')) as DatasetMetadata;
    for (const name of Object.values(meta.labels)) expect(body).toContain(`| ${name} |`);
    const n = meta.n_samples;
    expect(body).toContain(`| 28 | ${n.train} | ${n.val} | ${n.test} | ${n.train + n.val + n.test} |`);
    expect(body).toContain(`| 64 | ${n.train} | ${n.val} | ${n.test} | ${n.train + n.val + n.test} |`);
    expect(body).toContain(JSON.stringify(meta.preprocessing.ops));
    expect(body).toContain(meta.split.rule);
    expect(body).toContain('CC-BY-NC-4.0');
    for (const c of meta.citations) expect(body).toContain(c);
    expect(body).toMatch(/\| `group_id` \| samples\.csv, Arrow, Parquet \| `lesion_id` \| HAM10000 lesion_id/);
    expect(body).toMatch(/\| `fine_label` \| samples\.csv, Arrow, Parquet \| `dx` \| HAM10000 dx/);
  });

  it('without Parquet: no configs, and the card says why', async () => {
    const { yaml, body } = splitCard(await readCard(npzOnly));
    const fm = parseYaml(yaml) as FrontMatter;
    expect(fm.configs).toBeUndefined();
    expect(fm.license).toBe('cc-by-nc-4.0');
    expect(body).toMatch(/No size in this folder has Parquet files, so the front matter has no `configs`/);
    expect(body).toContain('numpy.load("dermamnist.npz")');
  });

  it('renderer: a size without Parquet gets no config, the others keep theirs; licences map to Hub ids', async () => {
    const lock = await readLock(join(two, 'datasets.lock.json'));
    const entry = lock.datasets[FLAG]!;
    const sizes = await Promise.all(
      Object.entries(entry.sizes).map(async ([k, s]) => ({
        size: Number(k),
        metadata: JSON.parse(await readFile(join(two, s.metadata.name), 'utf8')) as DatasetMetadata,
        metadataFile: s.metadata,
        formats: Object.fromEntries(Object.entries(s.formats).map(([f, v]) => [f, v.files])),
      })),
    );
    const input: DatasetDocsInput = { flag: FLAG, description: 'd', samplesCsv: entry.samplesCsv, sizes };
    // Size 64 built without Parquet (a folder that accumulated sizes across runs).
    const partial: DatasetDocsInput = { ...input, sizes: sizes.map((s) => (s.size === 64 ? { ...s, formats: { npz: s.formats['npz']! } } : s)) };
    expect(sizeConfigs(partial).map((c) => c.name)).toEqual(['size_28']);
    const card = renderCard(partial);
    expect((parseYaml(splitCard(card).yaml) as FrontMatter).configs!.map((c) => c.data_files.map((f) => f.path))).toEqual([
      ['dermamnist_train.parquet', 'dermamnist_val.parquet', 'dermamnist_test.parquet'],
    ]);
    expect(card).toContain('Size(s) 64x64 have no Parquet files here and so no configuration');
    // Pure: the same input, the same bytes.
    expect(renderCard(input)).toBe(renderCard(JSON.parse(JSON.stringify(input)) as DatasetDocsInput));
    expect(hfLicense('CC-BY-4.0', 'u')).toEqual({ license: 'cc-by-4.0' });
    expect(hfLicense('NOASSERTION', 'u')).toEqual({ license: 'unknown' });
    expect(hfLicense('LicenseRef-NIH-CXR14', 'https://x')).toEqual({ license: 'other', license_name: 'nih-cxr14', license_link: 'https://x' });
  });
});

describe('Croissant 1.0', () => {
  const refuse = async (url: string): Promise<never> => {
    throw new Error(`network access refused: ${url}`);
  };

  it('expands offline (inline context) with its distribution and record sets; every sha256 matches the file', async () => {
    const doc = JSON.parse(await readFile(join(two, `${FLAG}.croissant.json`), 'utf8')) as Record<string, unknown>;
    const [graph] = await jsonld.expand(doc, { documentLoader: refuse });
    const values = (node: Record<string, unknown> | undefined, iri: string): unknown[] => (node?.[iri] as unknown[] | undefined) ?? [];
    const value = (node: Record<string, unknown>, iri: string): unknown => (values(node, iri)[0] as { '@value'?: unknown } | undefined)?.['@value'];
    expect(values(graph, '@type')).toEqual(['https://schema.org/Dataset']);
    expect(values(graph, 'http://purl.org/dc/terms/conformsTo')).toEqual([{ '@value': CROISSANT_CONFORMS_TO, '@language': 'en' }]);
    const distribution = values(graph, 'https://schema.org/distribution') as Record<string, unknown>[];
    const files = distribution.filter((d) => values(d, '@type').includes('http://mlcommons.org/croissant/FileObject'));
    // Every output of the flag but the Croissant file itself (and the lock, which is not the flag's).
    const lock = await readLock(join(two, 'datasets.lock.json'));
    const e = lock.datasets[FLAG]!;
    const expected = [e.samplesCsv, e.docs!.card, ...Object.values(e.sizes).flatMap((s) => [s.metadata, ...Object.values(s.formats).flatMap((f) => f.files)])]
      .map((o) => o.name)
      .sort();
    expect(files.map((f) => value(f, 'https://schema.org/contentUrl')).sort()).toEqual(expected);
    for (const f of files) {
      const name = String(value(f, 'https://schema.org/contentUrl'));
      const h = await sha256File(join(two, name));
      expect(value(f, 'https://schema.org/sha256'), name).toBe(h.sha256);
      expect(value(f, 'https://schema.org/contentSize'), name).toBe(`${h.bytes} B`);
      expect(value(f, 'https://schema.org/encodingFormat')).toBeTruthy();
    }
    const recordSets = values(graph, 'http://mlcommons.org/croissant/recordSet') as Record<string, unknown>[];
    const byId = new Map(recordSets.map((r) => [String(r['@id']).split('/').pop(), r]));
    for (const id of ['dermamnist_labels', 'dermamnist_train', 'dermamnist_64_val', 'dermamnist_samples']) expect(byId.has(id), id).toBe(true);
    const fields = values(byId.get('dermamnist_64_val'), 'http://mlcommons.org/croissant/field') as Record<string, unknown>[];
    expect(fields.map((f) => value(f, 'https://schema.org/name'))).toEqual(['image', 'label', 'split', 'index', 'image_id', 'group_id', 'fine_label']);
    for (const f of fields) {
      const source = values(f, 'http://mlcommons.org/croissant/source')[0] as Record<string, unknown>;
      const fileObject = values(source, 'http://mlcommons.org/croissant/fileObject')[0] as { '@id': string };
      expect(fileObject['@id']).toMatch(/dermamnist_64_val\.parquet$/);
      const extract = values(source, 'http://mlcommons.org/croissant/extract')[0] as Record<string, unknown>;
      expect(value(extract, 'http://mlcommons.org/croissant/column')).toBe(value(f, 'https://schema.org/name'));
    }
    // The context is inline (no URL to fetch): the documentLoader above was never needed.
    expect(typeof doc['@context']).toBe('object');
  });

  it('without Parquet: samples.csv and the class names are the record sets', async () => {
    const doc = JSON.parse(await readFile(join(npzOnly, `${FLAG}.croissant.json`), 'utf8')) as { recordSet: { '@id': string }[]; distribution: { name: string }[] };
    expect(doc.recordSet.map((r) => r['@id'])).toEqual(['dermamnist_labels', 'dermamnist_samples']);
    expect(doc.distribution.map((d) => d.name).sort()).toEqual(['dermamnist.card.md', 'dermamnist.json', 'dermamnist.npz', 'dermamnist.samples.csv']);
    await jsonld.expand(doc, { documentLoader: refuse });
  });
});

describe('one set of provenance column names', () => {
  it('samples.csv, Arrow and Parquet call the columns the same and agree row by row', async () => {
    const [header, ...rows] = parseCsv(await readFile(join(two, `${FLAG}.samples.csv`), 'utf8')).filter((r) => r.length > 1);
    expect(header!.slice(0, 6)).toEqual(['split', 'index', 'image_id', 'label', 'group_id', 'fine_label']);
    const csv = new Map(rows.map((r) => [`${r[0]}:${r[1]}`, Object.fromEntries(header!.map((h, i) => [h, r[i]!]))]));
    const provenance = ['split', 'index', 'image_id', 'group_id', 'fine_label'];
    const db = await DuckDBInstance.create(':memory:');
    const con: DuckDBConnection = await db.connect();
    try {
      for (const split of SPLITS) {
        const arrow = tableFromIPC(await readFile(join(two, `dermamnist_64_${split}.arrow`)));
        expect(arrow.schema.fields.map((f) => f.name)).toEqual(['image', 'label', ...provenance]);
        expect(arrow.schema.metadata.get('medmnist:size')).toBe('64');
        expect(arrow.schema.metadata.get('medmnist:split')).toBe(split);
        const file = sql(join(two, `dermamnist_64_${split}.parquet`));
        const cols = (await con.runAndReadAll(`select column_name from (describe select * from ${file})`)).getRowObjects().map((r) => r['column_name']);
        expect(cols).toEqual(['image', 'label', ...provenance]);
        const pq = (await con.runAndReadAll(`select ${provenance.map((c) => `"${c}"`).join(', ')} from ${file} order by "index"`)).getRowObjects();
        expect(pq.length).toBe(arrow.numRows);
        for (let i = 0; i < arrow.numRows; i++) {
          const a = arrow.get(i)!;
          const c = csv.get(`${split}:${i}`)!;
          for (const col of provenance) {
            expect(String(a[col])).toBe(c[col]);
            expect(String(pq[i]![col])).toBe(c[col]);
          }
        }
      }
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});

describe('cards are outputs: locked, verified, deterministic, from the final lock', () => {
  it('the lock lists both files; verify catches an edited card; a rebuild under --frozen reproduces them', async () => {
    const lock = await readLock(join(npzOnly, 'datasets.lock.json'));
    const docs = lock.datasets[FLAG]!.docs!;
    expect([docs.card.name, docs.croissant.name]).toEqual(['dermamnist.card.md', 'dermamnist.croissant.json']);
    for (const o of [docs.card, docs.croissant]) expect((await sha256File(join(npzOnly, o.name))).sha256).toBe(o.sha256);
    // --force rebuilds under --frozen: the docs are written again and compared with the lock.
    const again = await cliAsync(['convert', '--source', 'ham10000', '--input', raw, '--out', npzOnly, '--size', '28', '--format', 'npz', '--frozen', '--force']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('dermamnist: rebuilding: --force');
    const card = join(npzOnly, `${FLAG}.card.md`);
    const original = await readFile(card, 'utf8');
    await writeFile(card, original + '\nedited\n');
    const r = await cliAsync(['verify', npzOnly]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/modified: +dermamnist\.card\.md/);
    // A lock whose card hash is not what this build writes (the edited card, locked): --frozen refuses.
    const lockPath = join(npzOnly, 'datasets.lock.json');
    const l = JSON.parse(await readFile(lockPath, 'utf8')) as { datasets: Record<string, { docs: { card: { bytes: number; sha256: string } } }> };
    const edited = await sha256File(card);
    l.datasets[FLAG]!.docs.card = { ...l.datasets[FLAG]!.docs.card, bytes: edited.bytes, sha256: edited.sha256 };
    await writeFile(lockPath, JSON.stringify(l, null, 2) + '\n');
    const refused = await cliAsync(['convert', '--source', 'ham10000', '--input', raw, '--out', npzOnly, '--size', '28', '--format', 'npz', '--frozen', '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--frozen: dataset cards differ from .*datasets\.lock\.json; nothing was written\.\n +dermamnist\.card\.md: would change/);
    expect(await readFile(card, 'utf8')).toBe(original + '\nedited\n');
  });

  it('a folder that accumulates sizes across runs: the card describes all of them, configs only where Parquet is; --prune', async () => {
    const acc = join(work, 'acc');
    await convert(acc, '--size', '28', '--format', 'npz');
    await convert(acc, '--size', '64', '--format', 'parquet');
    const { yaml, body } = splitCard(await readCard(acc));
    expect((parseYaml(yaml) as FrontMatter).configs!.map((c) => [c.config_name, c.data_files.map((f) => f.path)])).toEqual([
      ['size_64', ['dermamnist_64_train.parquet', 'dermamnist_64_val.parquet', 'dermamnist_64_test.parquet']],
    ]);
    expect(body).toMatch(/\| 28 \| \[28, 28, 3\] \| npz \| dermamnist\.json, dermamnist\.npz \|/);
    expect(body).toMatch(/\| 64 \| \[64, 64, 3\] \| parquet \| dermamnist_64\.json, dermamnist_64_train\.parquet/);
    expect(body).toContain('Size(s) 28x28 have no Parquet files here and so no configuration');
    const croissant = JSON.parse(await readFile(join(acc, `${FLAG}.croissant.json`), 'utf8')) as { distribution: { name: string }[] };
    expect(croissant.distribution.map((d) => d.name)).toEqual(expect.arrayContaining(['dermamnist.npz', 'dermamnist.json', 'dermamnist_64_train.parquet']));
    expect((await cliAsync(['verify', acc])).code).toBe(0);
    // Pruned back to 28 px NPZ: no Parquet left, so no configs.
    await convert(acc, '--size', '28', '--format', 'npz', '--prune');
    expect((parseYaml(splitCard(await readCard(acc)).yaml) as FrontMatter).configs).toBeUndefined();
    const v = await cliAsync(['verify', acc]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('describes every size of the final lock, reading an earlier run\'s F_S.json from the folder', async () => {
    // This "run" built only size 64; the lock also holds 28 (built before). The card must list both.
    const staging = await mkdtemp(join(work, 'stage-'));
    const lockCopy = join(staging, 'lock.json');
    await copyFile(join(two, 'datasets.lock.json'), lockCopy);
    for (const name of ['dermamnist_64.json']) await copyFile(join(two, name), join(staging, name));
    const build = { flag: FLAG, files: [], bySize: { 64: [] } } as unknown as DatasetBuild;
    const names = await writeDatasetDocs({ builds: [build], dir: staging, out: two, lock: { path: lockCopy, mode: 'update' } });
    expect(names).toEqual(['dermamnist.card.md', 'dermamnist.croissant.json']);
    for (const n of names) expect(await readFile(join(staging, n), 'utf8')).toBe(await readFile(join(two, n), 'utf8'));
    const updated = await readLock(lockCopy);
    expect(updated.datasets[FLAG]!.docs).toEqual((await readLock(join(two, 'datasets.lock.json'))).datasets[FLAG]!.docs);
    // Without a lock (the engine's lock: false), the docs describe the run's own files: here the same.
    const entry = updated.datasets[FLAG]!;
    const flat = (xs: { name: string; bytes: number; sha256: string }[]) => xs.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 }));
    const bySize = Object.fromEntries(Object.entries(entry.sizes).map(([k, v]) => [Number(k), flat(Object.values(v.formats).flatMap((x) => x.files))]));
    const files = flat([entry.samplesCsv, ...Object.values(entry.sizes).flatMap((v) => [v.metadata, ...Object.values(v.formats).flatMap((x) => x.files)])]);
    const alone = await mkdtemp(join(work, 'nolock-'));
    for (const f of files) await copyFile(join(two, f.name), join(alone, f.name));
    const unlocked = { flag: FLAG, files, bySize } as unknown as DatasetBuild;
    expect(await writeDatasetDocs({ builds: [unlocked], dir: alone, out: alone, lock: null })).toEqual(names);
    for (const n of names) expect(await readFile(join(alone, n), 'utf8')).toBe(await readFile(join(two, n), 'utf8'));
    // An earlier size whose F_S.json no longer matches the lock stops the run, naming the file.
    const bad = await mkdtemp(join(work, 'bad-'));
    await copyFile(join(two, 'datasets.lock.json'), join(bad, 'lock.json'));
    const out2 = await mkdtemp(join(work, 'out2-'));
    await writeFile(join(out2, 'dermamnist.json'), '{}\n');
    await expect(writeDatasetDocs({ builds: [build], dir: staging, out: out2, lock: { path: join(bad, 'lock.json'), mode: 'update' } })).rejects.toThrow(
      /dermamnist\.json: differs from .*lock\.json, and the dataset card is written from it; nothing was written/,
    );
  });
});
