// Every registered converter keeps its tests and published checksums in its own folder (design §2):
// converters/<source id>/ with checksums.tsv (parsed strictly, naming exactly the spec's downloads) and
// <source id>.test.ts calling the conformance harness. And the checksums.tsv parser refuses bad files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../converters/index.js';
import { CHECKSUM_COLUMNS, converterFolder, parseChecksumsTsv } from './support/converter-conformance.js';

const HEADER = CHECKSUM_COLUMNS.join('\t');
const MD5 = '035777cf327776a71a05c95da6d6325f';

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

describe('parseChecksumsTsv', () => {
  it('reads empty cells as unknown', () => {
    expect(parseChecksumsTsv(`${HEADER}\na.zip\t12\t${MD5}\t\thttps://example.org/a.zip\nb.zip\t\t\t\t\n`)).toEqual([
      { file: 'a.zip', bytes: 12, md5: MD5, url: 'https://example.org/a.zip' },
      { file: 'b.zip' },
    ]);
  });

  it.each([
    ['a wrong header', 'file\tsize\tmd5\tsha256\turl\n', /line 1: header/],
    ['no final newline', `${HEADER}\na.zip\t\t\t\t`, /end with a newline/],
    ['a missing cell', `${HEADER}\na.zip\t\t\t\n`, /line 2: 4 cells, expected 5/],
    ['a short md5', `${HEADER}\na.zip\t\t${MD5.slice(1)}\t\t\n`, /line 2: column md5/],
    ['an upper-case md5', `${HEADER}\na.zip\t\t${MD5.toUpperCase()}\t\t\n`, /line 2: column md5/],
    ['a 63-digit sha256', `${HEADER}\na.zip\t\t\t${'a'.repeat(63)}\t\n`, /line 2: column sha256/],
    ['a size that is not a number', `${HEADER}\na.zip\t1.2GB\t\t\t\n`, /line 2: column bytes/],
    ['a path for a file name', `${HEADER}\nx/a.zip\t\t\t\t\n`, /line 2: column file/],
    ['a file listed twice', `${HEADER}\na.zip\t\t\t\t\na.zip\t\t\t\t\n`, /line 3: column file: a.zip listed twice/],
    ['a plain-http url', `${HEADER}\na.zip\t\t\t\thttp://example.org/a.zip\n`, /line 2: column url/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseChecksumsTsv(text)).toThrow(message);
  });
});
