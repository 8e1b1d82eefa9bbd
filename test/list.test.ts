// `list` through the real CLI: besides the datasets, every source with its licence, where to download it
// (checksums.tsv's url column, else the homepage) and the folder layout it reads; `list SOURCE` (or a
// dataset flag) in full: files to download, layout, datasets with counts, licence, citation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../converters/index.js';
import type { SourceDetails } from '../src/cli/list.js';
import { cli, cliOk } from './support/run-cli.js';
import { converterFolder, parseChecksumsTsv } from './support/converter-conformance.js';

describe('list', () => {
  it('shows every source: datasets, licence, a download pointer and the layout under --input', () => {
    const text = cliOk(['list']);
    // The datasets table comes first, unchanged.
    expect(text).toMatch(/^dermamnist\s+ham10000\s+multi-class\s+7\s+3\s+2D\s+7007\/1003\/2005\s+CC-BY-NC-4.0\s+CC-BY-NC-4.0$/m);
    expect(text).toContain('Sources: the download to get and the folder to pass as --input');
    for (const c of REGISTRY.all) {
      expect(text).toContain(`\n${c.source.id}: ${c.datasets.map((d) => d.flag).join(', ')}; licence ${c.source.license.spdx}\n`);
    }
    expect(text).toContain(
      '\nkather: pathmnist; licence CC-BY-4.0\n  download: https://zenodo.org/records/1214456/files/NCT-CRC-HE-100K.zip?download=1  (+2 more: list kather)\n' +
        '  get it:   medmnist-build fetch --source kather --dir DIR\n  --input/\n    NCT-CRC-HE-100K/',
    );
    // Only manual downloads: fetch prints the steps.
    expect(text).toContain(
      '\nham10000: dermamnist; licence CC-BY-NC-4.0\n  download: https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:10.7910/DVN/DBW86T\n' +
        '  get it:   by hand (medmnist-build fetch --source ham10000 --dir DIR prints the steps)\n',
    );
    expect(text).toMatch(/^ {4}HAM10000_images_part_1\/ISIC_\*\.jpg +# images may also lie flat/m);
    expect(text).toMatch(/^ {6}train\/\{CNV,DME,DRUSEN,NORMAL\}\/\*\.jpeg$/m);
  });

  it('--sources --json: each source in full; downloads are checksums.tsv with the spec facts', () => {
    const sources = JSON.parse(cliOk(['list', '--sources', '--json'])) as SourceDetails[];
    expect(sources.map((s) => s.id)).toEqual(REGISTRY.all.map((c) => c.source.id));
    for (const c of REGISTRY.all) {
      const s = sources.find((x) => x.id === c.source.id)!;
      expect(s.layout).toEqual(c.source.layout);
      expect(s.license.spdx).toBe(c.source.license.spdx);
      const tsv = parseChecksumsTsv(readFileSync(join(converterFolder(c), 'checksums.tsv'), 'utf8'));
      expect(s.downloads.map((d) => d.file)).toEqual(tsv.map((r) => r.file));
      for (const { line: _line, into: _into, ...r } of tsv) expect(s.downloads.find((d) => d.file === r.file)).toEqual(r);
      const urls = [...new Set(tsv.map((r) => r.url).filter(Boolean))];
      expect(s.downloadPages).toEqual(urls.length > 0 ? urls : [c.source.homepage]);
      expect(s.datasets.map((d) => d.flag)).toEqual(c.datasets.map((d) => d.flag));
    }
    const lits = sources.find((s) => s.id === 'lits')!;
    expect(lits.datasets.find((d) => d.flag === 'organmnist3d')).toMatchObject({ dims: 3, n_samples: { train: 971, val: 161, test: 610 } });
    expect(lits.downloads.find((d) => d.file === 'annotations_of_training_set.zip')).toMatchObject({ bytes: 44163 });
  });

  it('list SOURCE (or a flag it builds): files, layout, datasets with counts, licence, citation', () => {
    const text = cliOk(['list', 'ham10000']);
    expect(text).toMatch(/^ham10000: HAM10000: a large collection/);
    expect(text).toMatch(/^licence: +CC-BY-NC-4.0 \(https:\/\/creativecommons.org\/licenses\/by-nc\/4.0\/\)\n +Non-commercial use only/m);
    expect(text).toMatch(/^Files to download:\n +file +size +md5 +get +gives +url\n/m);
    expect(text).toMatch(/^ +HAM10000_metadata\.csv +- +- +manual +HAM10000_metadata\.csv +https:\/\/dataverse\.harvard\.edu\/\S+$/m);
    expect(text).toMatch(/^Layout it reads:\n {2}--input\/\n {4}HAM10000_metadata\.csv/m);
    expect(text).toMatch(/^ +dermamnist +multi-class +7 +3 +2D +7007 +1003 +2005 +CC-BY-NC-4.0 +convert\(RGB\) -> resize\(bicubic\)$/m);
    expect(text).toContain('Cite the source and MedMNIST:\n  Tschandl P, Rosendahl C, Kittler H.');
    expect(text).toContain('Yang J, Shi R, Wei D');
    expect(cliOk(['list', 'dermamnist'])).toBe(text);
    const one = JSON.parse(cliOk(['list', 'kather', '--json'])) as SourceDetails;
    expect(one.downloads.find((d) => d.file === 'NCT-CRC-HE-100K.zip')).toMatchObject({ md5: '035777cf327776a71a05c95da6d6325f' });
    const none = cli(['list', 'synapsemnist3d']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('synapsemnist3d is a MedMNIST dataset no registered source builds yet');
    expect(cli(['list', 'nope']).code).toBe(2);
  });
});
