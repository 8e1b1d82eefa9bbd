// `inspect` on every file the tool writes besides the dataset outputs (src/engine/inspect.ts), through
// the real CLI: F.samples.csv, F_S.json, datasets.lock.json (a build's and the repository's), the plan,
// shard.json, and generic markdown-with-front-matter / JSON-LD cards.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import type { DocumentReport } from '../src/engine/inspect.js';
import { cleanupTempDirs, cli, cliAsync, cliOk, ROOT, tempDir } from './support/run-cli.js';

let work: string;
let out: string;
let raw: string;

beforeAll(async () => {
  work = tempDir('inspect-docs');
  raw = join(work, 'raw');
  out = join(work, 'out');
  await ham10000.writeFakeDownload(raw, { count: 40, seed: 1 });
  const r = await cliAsync(['convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(cleanupTempDirs);

function inspect(file: string): DocumentReport {
  return JSON.parse(cliOk(['inspect', file, '--json'])) as DocumentReport;
}

describe('inspect on the files besides the dataset outputs', () => {
  it('F.samples.csv: counts per split, groups (and those in two splits), label histogram with names', async () => {
    const file = join(out, 'dermamnist.samples.csv');
    const r = inspect(file);
    expect(r.kind).toBe('samples-csv');
    const lock = JSON.parse(await readFile(join(out, 'datasets.lock.json'), 'utf8')) as { datasets: { dermamnist: { counts: Record<string, number> } } };
    const c = lock.datasets.dermamnist.counts;
    expect(r.facts['train/val/test']).toBe(`${c['train']}/${c['val']}/${c['test']}`);
    expect(r.facts['samples']).toBe(40);
    expect(r.facts['group column']).toBe('group_id (lesion_id)');
    expect(r.facts['groups in more than one split']).toEqual(expect.any(Number));
    const hist = r.tables[0]!;
    expect(hist.rows.map((x) => x[1])).toEqual([...ham10000.datasets[0]!.labels]);
    expect(hist.rows.reduce((a, x) => a + Number(x[5]), 0)).toBe(40);
    // The human text: one line per fact, then the table.
    const text = cliOk(['inspect', file]);
    expect(text).toMatch(/^samples-csv: per-sample provenance of dermamnist/m);
    expect(text).toMatch(/^group column: +group_id \(lesion_id\)$/m);
    expect(text).toMatch(/^5 +melanocytic nevi +\d+ +\d+ +\d+ +\d+$/m);
    // A damaged one is refused with the line at fault.
    const bad = join(work, 'dermamnist.samples.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[3] = lines[3]!.replace(/^train,2,/, 'train,7,');
    await writeFile(bad, lines.join('\n'));
    const refused = cli(['inspect', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 4: train index 7, expected 2');
  });

  it('F_S.json: what, where from, split, licence, files; schema-checked', () => {
    const r = inspect(join(out, 'dermamnist_64.json'));
    expect(r.kind).toBe('metadata');
    expect(r.facts).toMatchObject({ dataset: 'dermamnist (DermaMNIST)', size: 64, shape: '[64, 64, 3]', task: 'multi-class', labels: 7, schema: 'valid (schemas/dataset-metadata.schema.json)' });
    expect(String(r.facts['license'])).toMatch(/^CC-BY-NC-4\.0/);
    expect(r.tables[0]!.rows.map((x) => x[0])).toEqual(['dermamnist_64.npz', 'dermamnist.samples.csv']);
  });

  it('datasets.lock.json: one row per dataset; the repository lock with its official MD5s', () => {
    const r = inspect(join(out, 'datasets.lock.json'));
    expect(r.kind).toBe('lock');
    expect(r.facts['datasets']).toBe(1);
    const row = r.tables[0]!.rows[0]!;
    expect(row.slice(0, 5)).toEqual(['dermamnist', 'ham10000', '28,64', 'npz', 'official/0']);
    expect(row[6]).toBe('41'); // raw inputs
    expect(row[7]).toBe('5'); // samples.csv + (json + npz) per size
    expect(row[8]).toMatch(/^28: AUC [\d.]+ ACC [\d.]+$/);
    const repo = inspect(join(ROOT, 'datasets.lock.json'));
    expect(repo.facts['official']).toMatch(/^60 published NPZ MD5s of MedMNIST v3\.0\.2/);
    expect(repo.tables[0]!.rows.length).toBeGreaterThanOrEqual(10);
  });

  it('the plan and a shard.json', async () => {
    const planFile = join(work, 'b', 'plan.json');
    expect((await cliAsync(['plan', '--source', 'ham10000', '--input', raw, '--plan', planFile, '--count', '2'])).code).toBe(0);
    const p = inspect(planFile);
    expect(p.kind).toBe('plan');
    expect(p.facts).toMatchObject({ source: 'ham10000', input: raw, items: 40, sizes: '28', formats: 'npz', split: 'official, seed 0', 'metadata files': ['HAM10000_metadata.csv'] });
    expect(p.tables[0]!.rows[0]![0]).toBe('dermamnist');
    const shards = join(work, 'b', 'shards');
    expect((await cliAsync(['process', '--plan', planFile, '--shard', '1/2', '--shards', shards, '--quiet'])).code).toBe(0);
    const s = inspect(join(shards, 'shard-1-of-2', 'shard.json'));
    expect(s.kind).toBe('shard');
    expect(s.facts['shard']).toBe('1/2');
    const m = /^\[(\d+), 40\) \((\d+) items\)$/.exec(String(s.facts['items']));
    expect(m, String(s.facts['items'])).not.toBeNull();
    expect(Number(m![2])).toBe(40 - Number(m![1]));
    expect(s.tables[0]!.rows).toEqual([['dermamnist', m![2], '0']]);
    expect(s.tables[1]!.rows.map((x) => x[0])).toEqual(['dermamnist-28.bin']);
  });

  it('a markdown card with YAML front matter and a JSON-LD (Croissant) card, summarised generically', async () => {
    const cards = join(work, 'cards');
    await mkdir(cards);
    const md = join(cards, 'dermamnist.card.md');
    await writeFile(
      md,
      [
        '---',
        'pretty_name: DermaMNIST (regenerated)',
        'license: cc-by-nc-4.0',
        "size_categories: '1K<n<10K'",
        'task_categories:',
        '  - image-classification',
        'dataset_info:',
        '  features:',
        '    - name: image',
        '  splits:',
        '    - name: train',
        'description: >',
        '  Dermatoscopic images',
        '  of pigmented lesions.',
        '---',
        '',
        '# DermaMNIST',
        '',
        '## Licence',
        'Non-commercial.',
        '## Citation',
      ].join('\n'),
    );
    const c = inspect(md);
    expect(c.kind).toBe('card');
    expect(c.facts).toMatchObject({
      pretty_name: 'DermaMNIST (regenerated)',
      license: 'cc-by-nc-4.0',
      size_categories: '1K<n<10K',
      task_categories: 'image-classification',
      dataset_info: '(map of 2 keys)',
      description: 'Dermatoscopic images of pigmented lesions.',
      headings: ['# DermaMNIST', '## Licence', '## Citation'],
    });

    const ld = join(cards, 'dermamnist.croissant.json');
    await writeFile(
      ld,
      JSON.stringify({
        '@context': { '@language': 'en', '@vocab': 'https://schema.org/', cr: 'http://mlcommons.org/croissant/' },
        '@type': 'sc:Dataset',
        name: 'dermamnist',
        license: 'https://creativecommons.org/licenses/by-nc/4.0/',
        conformsTo: 'http://mlcommons.org/croissant/1.0',
        distribution: [
          { '@type': 'cr:FileObject', '@id': 'dermamnist.npz', name: 'dermamnist.npz', encodingFormat: 'application/zip', contentUrl: 'dermamnist.npz', sha256: 'ab'.repeat(32) },
          { '@type': 'cr:FileSet', '@id': 'png', name: 'png', encodingFormat: 'image/png', includes: 'dermamnist/*.png' },
        ],
        recordSet: [{ '@type': 'cr:RecordSet', name: 'samples', field: [{ name: 'image' }, { name: 'label' }] }],
      }),
    );
    const j = inspect(ld);
    expect(j.kind).toBe('json-ld');
    expect(j.facts).toMatchObject({ '@type': 'sc:Dataset', name: 'dermamnist', license: 'https://creativecommons.org/licenses/by-nc/4.0/', '@context': '3 terms' });
    expect(j.tables[0]!.rows).toEqual([
      ['dermamnist.npz', 'cr:FileObject', 'application/zip', 'dermamnist.npz', 'abababababab'],
      ['png', 'cr:FileSet', 'image/png', 'dermamnist/*.png', ''],
    ]);
    expect(j.tables[1]!.rows).toEqual([['samples', 'image, label']]);
  });

  it("the cards convert writes (F.card.md, F.croissant.json)", () => {
    const c = inspect(join(out, 'dermamnist.card.md'));
    expect(c.kind).toBe('card');
    expect(c.facts['license']).toBe('cc-by-nc-4.0');
    expect(String(c.facts['tags'])).toContain('medmnist');
    expect(c.facts['task_categories']).toBe('image-classification');
    expect(c.facts['headings']).toEqual(expect.arrayContaining([expect.stringMatching(/^# DermaMNIST/)]));
    const j = inspect(join(out, 'dermamnist.croissant.json'));
    expect(j.kind).toBe('json-ld');
    expect(j.facts).toMatchObject({ '@type': 'sc:Dataset', name: 'dermamnist', license: 'https://creativecommons.org/licenses/by-nc/4.0/' });
    expect(j.tables.find((t) => t.title === 'distribution')!.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['dermamnist.npz', 'dermamnist.samples.csv']));
  });

  it('refuses JSON it did not write, and --montage on a file without images', async () => {
    const other = join(work, 'package.json');
    await writeFile(other, '{"name": "x"}');
    const r = cli(['inspect', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a JSON file this tool did not write');
    const m = cli(['inspect', join(out, 'dermamnist.json'), '--montage', join(work, 'm.png')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('has no images');
  });
});
