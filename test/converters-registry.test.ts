// Every registered converter keeps its tests and published checksums in its own folder (design §2):
// converters/<source id>/ with checksums.tsv (parsed strictly, naming exactly the spec's downloads) and
// <source id>.test.ts calling the conformance harness. And the checksums.tsv parser refuses bad files.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../converters/index.js';
import { SOURCE_SPECS } from '../converters/specs.js';
import { CHECKSUM_COLUMNS, converterFolder, layoutFilePatterns, layoutPattern, parseChecksumsTsv } from './support/converter-conformance.js';
import { cleanupTempDirs, tempDir } from './support/run-cli.js';

const HEADER = CHECKSUM_COLUMNS.join('\t');
const MD5 = '035777cf327776a71a05c95da6d6325f';

describe('converter specs without their code (`list`)', () => {
  it('SOURCE_SPECS holds the same source and dataset objects as the registry, in its order', () => {
    expect(SOURCE_SPECS.map((s) => s.source)).toEqual(REGISTRY.all.map((c) => c.source));
    for (const [i, s] of SOURCE_SPECS.entries()) {
      expect(s.source).toBe(REGISTRY.all[i]!.source);
      expect(s.datasets).toEqual(REGISTRY.all[i]!.datasets);
      s.datasets.forEach((d, j) => expect(d).toBe(REGISTRY.all[i]!.datasets[j]));
    }
  });
});

describe('converter folders', () => {
  for (const c of REGISTRY.all) {
    it(`${c.source.id}: checksums.tsv parses and names the spec's downloads; ${c.source.id}.test.ts runs the harness`, () => {
      const dir = converterFolder(c);
      const tsv = join(dir, 'checksums.tsv');
      expect(existsSync(tsv), tsv).toBe(true);
      const rows = parseChecksumsTsv(readFileSync(tsv, 'utf8'), tsv);
      expect(rows.map((r) => r.file)).toEqual(c.source.downloads.map((d) => d.name));
      const test = join(dir, `${c.source.id}.test.ts`);
      expect(existsSync(test), test).toBe(true);
      // Volume sources (a load() of their own, samples with regions) are beyond the harness's live Pillow
      // check of 2D image files: their test file runs its own independent reference (reference.py).
      expect(readFileSync(test, 'utf8')).toMatch(c.load ? /describeConverter\(|reference\.py/ : /describeConverter\(/);
    });
  }
});

describe('source layouts (SourceInfo.layout, shown by `list`)', () => {
  afterAll(cleanupTempDirs);
  for (const c of REGISTRY.all) {
    it(`${c.source.id}: the layout names every file scan reads from the fake download`, async () => {
      const fake = tempDir(`layout-${c.source.id}`);
      await c.writeFakeDownload(fake, { count: 24, seed: 0 });
      const scan = await c.scan(fake);
      const patterns = layoutFilePatterns(c.source.layout);
      expect(patterns.length, 'SourceInfo.layout names no file').toBeGreaterThan(0);
      const read = [...scan.metadataFiles, ...scan.items.flatMap((i) => i.files)].map((f) => relative(fake, f).split(sep).join('/'));
      const unmatched = read.filter((f) => !patterns.some((p) => p.re.test(f)));
      expect(unmatched, `files scan reads that no layout line names:\n${c.source.layout.join('\n')}`).toEqual([]);
    });
  }

  it('reads the pattern syntax: * within a name, <name> one part, {a,b} alternatives, folders by indent', () => {
    const p = layoutFilePatterns(['OCT2017/  # comment', '  train/{CNV,DME}/*.jpeg', 'x/<class> (<n>).png', 'v-<n>.nii{,.gz}']);
    expect(p.map((x) => x.re.source)).toEqual(['^OCT2017\\/train\\/(?:CNV|DME)\\/[^/]*\\.jpeg$', '^x\\/[^/]+ \\([^/]+\\)\\.png$', '^v-[^/]+\\.nii(?:|\\.gz)$']);
    expect(p[0]!.re.test('OCT2017/train/DME/a.jpeg')).toBe(true);
    expect(p[0]!.re.test('OCT2017/train/DME/sub/a.jpeg')).toBe(false);
    expect(p[1]!.re.test('x/benign (12).png')).toBe(true);
    expect(layoutPattern('v-<n>.nii{,.gz}').test('v-3.nii.gz')).toBe(true);
  });
});

describe('parseChecksumsTsv', () => {
  const URL_A = 'https://example.org/a.zip';
  const row = (...cells: string[]) => cells.join('\t');
  const A = row('a.zip', '12', MD5, '', URL_A, 'direct', 'zip', '.', 'a/<CLASS>/*.png');

  it('reads empty checksum cells as unknown, and the get/kind/into/layout columns', () => {
    expect(parseChecksumsTsv(`${HEADER}\n${A}\n${row('b.csv', '', '', '', 'https://example.org/page', 'manual', 'file', '', 'b.csv')}\n`)).toEqual([
      { file: 'a.zip', bytes: 12, md5: MD5, url: URL_A, get: 'direct', kind: 'zip', into: '.', layout: 'a/<CLASS>/*.png', line: 2 },
      { file: 'b.csv', url: 'https://example.org/page', get: 'manual', kind: 'file', layout: 'b.csv', line: 3 },
    ]);
  });

  it('reads a header-only file as no downloads', () => {
    expect(parseChecksumsTsv(`${HEADER}\n`)).toEqual([]);
  });

  it.each([
    ['a wrong header', 'file\tbytes\tmd5\tsha256\turl\n', /line 1: the header must be/],
    ['no final newline', `${HEADER}\n${A}`, /end with a newline/],
    ['CR line ends', `${HEADER}\r\n${A}\r\n`, /CR line ends/],
    ['a missing cell', `${HEADER}\n${A.split('\t').slice(0, 8).join('\t')}\n`, /line 2: 8 cells, expected 9/],
    ['a short md5', `${HEADER}\n${A.replace(MD5, MD5.slice(1))}\n`, /line 2: column md5/],
    ['an upper-case md5', `${HEADER}\n${A.replace(MD5, MD5.toUpperCase())}\n`, /line 2: column md5/],
    ['a 63-digit sha256', `${HEADER}\n${row('a.zip', '', '', 'a'.repeat(63), URL_A, 'direct', 'zip', '.', 'a')}\n`, /line 2: column sha256/],
    ['a size that is not a number', `${HEADER}\n${A.replace('\t12\t', '\t1.2GB\t')}\n`, /line 2: column bytes/],
    ['a path for a file name', `${HEADER}\n${A.replace('a.zip', 'x/a.zip')}\n`, /line 2: column file/],
    ['a file listed twice', `${HEADER}\n${A}\n${A.replace('a/<CLASS>', 'b/<CLASS>')}\n`, /line 3: column file: a.zip listed twice/],
    ['a plain-http url', `${HEADER}\n${A.replace('https:', 'http:')}\n`, /line 2: column url/],
    ['no url', `${HEADER}\n${A.replace(URL_A, '')}\n`, /line 2: column url/],
    ['an unknown get', `${HEADER}\n${A.replace('direct', 'scrape')}\n`, /line 2: column get/],
    ['an unknown kind', `${HEADER}\n${A.replace('\tzip\t', '\trar\t')}\n`, /line 2: column kind/],
    ['a folder that is not manual', `${HEADER}\n${row('d', '', '', '', URL_A, 'direct', 'folder', '', 'd/x')}\n`, /line 2: column get/],
    ['an archive without into', `${HEADER}\n${A.replace('\t.\t', '\t\t')}\n`, /line 2: column into/],
    ['into that climbs out', `${HEADER}\n${A.replace('\t.\t', '\t..\t')}\n`, /line 2: column into/],
    ['into for a plain file', `${HEADER}\n${row('b.csv', '', '', '', URL_A, 'direct', 'file', '.', 'b.csv')}\n`, /line 2: column into/],
    ['a layout that climbs out', `${HEADER}\n${A.replace('a/<CLASS>', '../a')}\n`, /line 2: column layout/],
    ['a layout outside into', `${HEADER}\n${row('a.zip', '', '', '', URL_A, 'direct', 'zip', 'x', 'y/*.png')}\n`, /line 2: column layout: must start with the folder x/],
    ['two rows creating one path', `${HEADER}\n${A}\n${A.replace('a.zip', 'b.zip')}\n`, /line 3: column layout: a is also created by line 2/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseChecksumsTsv(text)).toThrow(message);
  });
});
