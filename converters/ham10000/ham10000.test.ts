// HAM10000 -> DermaMNIST on a fake download: the shared conformance cases (test/support/converter-conformance.ts:
// Pillow-exact pixels at 28 and 64 through the CLI, official sizes, round trip, bad input) with the
// bad-input cases of test/ham10000-cli.test.ts, and the fake's layout. The CLI-wide cases (NPZ shapes in
// numpy, metadata JSON, workers 1 vs 2, SIGINT, usage errors, list) stay in test/ham10000-cli.test.ts.
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { python } from '../../test/support/run-cli.js';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { ham10000 } from './index.js';
import { REAL_CLASS_COUNTS } from './spec.js';

const COUNT = 40;

const csvPath = (d: string) => join(d, 'HAM10000_metadata.csv');
function editCsv(d: string, f: (lines: string[]) => string[]): void {
  const lines = readFileSync(csvPath(d), 'utf8').trimEnd().split('\n');
  writeFileSync(csvPath(d), f(lines).join('\n') + '\n');
}
/** The image id on the first data row (row 2) of the download's metadata table. */
const firstImage = (d: string) => readFileSync(csvPath(d), 'utf8').split('\n')[1]!.split(',')[1]!;
const imagePath = (d: string, id: string) =>
  [join(d, 'HAM10000_images_part_1', `${id}.jpg`), join(d, 'HAM10000_images_part_2', `${id}.jpg`)].find((p) => existsSync(p))!;

const fx = describeConverter(ham10000, {
  fake: { count: COUNT, seed: 1 },
  sizes: [28, 64],
  official: { dermamnist: { published: { train: 7007, val: 1003, test: 2005 }, samples: () => samplesFromCounts(REAL_CLASS_COUNTS) } },
  badInputs: [
    {
      name: 'a truncated JPEG',
      damage: (d) => truncateSync(imagePath(d, firstImage(d)), 5000),
      message: (d) => [new RegExp(`cannot decode image .*${firstImage(d)}\\.jpg`), imagePath(d, firstImage(d))],
      keepsExistingOutput: true,
    },
    {
      name: 'a missing CSV column',
      damage: (d) => editCsv(d, (l) => l.map((x) => x.split(',').filter((_, i) => i !== 2).join(','))),
      message: (d) => `${csvPath(d)}: missing column 'dx'`,
      keepsExistingOutput: true,
    },
    {
      name: 'an image listed but absent',
      damage: (d) => rmSync(imagePath(d, firstImage(d))),
      message: (d) => `${csvPath(d)} row 2: image ${firstImage(d)} is listed but ${firstImage(d)}.jpg was not found`,
      keepsExistingOutput: true,
    },
    {
      name: 'an unknown dx code',
      damage: (d) => editCsv(d, (l) => [l[0]!, l[1]!, l[2]!.replace(/,(akiec|bcc|bkl|df|mel|nv|vasc),/, ',melanoma,'), ...l.slice(3)]),
      message: (d) => [`${csvPath(d)} row 3: unknown dx code "melanoma"`, /row 3: unknown dx code "melanoma" .*column 'dx'/],
      keepsExistingOutput: true,
    },
    {
      name: 'a duplicate image_id',
      damage: (d) => editCsv(d, (l) => [...l, l[1]!]),
      message: (d) => `${csvPath(d)} row ${COUNT + 2}: duplicate image_id ${firstImage(d)} (also on row 2)`,
      keepsExistingOutput: true,
    },
  ],
});

describe('ham10000: source-specific', () => {
  it('the fake has the real layout: metadata CSV with 8 columns, two image folders of 600x450 JPEGs, shared lesions', () => {
    const raw = fx.fake;
    expect(readdirSync(raw).sort()).toEqual(['HAM10000_images_part_1', 'HAM10000_images_part_2', 'HAM10000_metadata.csv']);
    const lines = readFileSync(csvPath(raw), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('lesion_id,image_id,dx,dx_type,age,sex,localization,dataset');
    expect(lines).toHaveLength(COUNT + 1);
    const lesions = lines.slice(1).map((l) => l.split(',')[0]);
    expect(new Set(lesions).size).toBeLessThan(COUNT);
    const jpgs = [...readdirSync(join(raw, 'HAM10000_images_part_1')), ...readdirSync(join(raw, 'HAM10000_images_part_2'))];
    expect(jpgs).toHaveLength(COUNT);
    expect(jpgs.every((f) => /^ISIC_\d{7}\.jpg$/.test(f))).toBe(true);
    const r = python(
      `import sys, glob; from PIL import Image
ims = [Image.open(p) for p in glob.glob(sys.argv[1] + '/*/*.jpg')]
print(sorted({(i.format, i.mode, i.size) for i in ims}))`,
      [raw],
    );
    expect(r.stdout.trim()).toBe("[('JPEG', 'RGB', (600, 450))]");
  });

  it('samples.csv keeps lesion ids and dx codes (provenance); every lesion appears under one dx', async () => {
    // The harness checks the columns equal the scan's; here: the values look like HAM10000's.
    const rows = (await fx.converted()).rows['dermamnist']!;
    expect(rows).toHaveLength(COUNT);
    const dxOf = new Map<string, string>();
    for (const r of rows) {
      expect(String(r.image_id)).toMatch(/^ISIC_\d{7}$/);
      expect(String(r['group_id'])).toMatch(/^HAM_\d{7}$/);
      expect(['akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'vasc'][Number(r.label)]).toBe(r['fine_label']);
      expect(dxOf.get(String(r['group_id'])) ?? r['fine_label']).toBe(r['fine_label']);
      dxOf.set(String(r['group_id']), String(r['fine_label']));
    }
  });
});
