// Kermany OCT2017 -> OCTMNIST on a fake download: the shared conformance cases (test/support/converter-conformance.ts:
// Pillow-exact gray pixels after the short-edge centre square at 28 and 64 through the CLI, official sizes,
// round trip, bad input) and OCT2017's own: the fake's layout, patient ids, the Kaggle layout ("OCT2017 "
// with val/), the grouped split by patient.
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/run-cli.js';
import { describeConverter, readSamplesCsv, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { kermanyOct } from './index.js';
import { OCT_TEST_COUNTS, OCT_TRAIN_COUNTS } from './spec.js';

const fx = describeConverter(kermanyOct, {
  fake: { count: 36, seed: 5 },
  sizes: [28, 64],
  official: {
    octmnist: { published: { train: 97477, val: 10832, test: 1000 }, samples: () => samplesFromCounts(OCT_TRAIN_COUNTS, OCT_TEST_COUNTS) },
  },
  badInputs: [
    {
      name: 'an unexpected class folder',
      damage: async (d) => {
        await mkdir(join(d, 'OCT2017', 'test', 'AMD'));
        await writeFile(join(d, 'OCT2017', 'test', 'AMD', 'AMD-1-1.jpeg'), 'x');
      },
      message: (d) => [join(d, 'OCT2017', 'test', 'AMD'), /unexpected folder/],
      keepsExistingOutput: true,
    },
    {
      name: 'an unreadable JPEG',
      damage: (d) => writeFile(join(d, 'OCT2017', 'train', 'CNV', 'CNV-999-1.jpeg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3])),
      message: (d) => join(d, 'OCT2017', 'train', 'CNV', 'CNV-999-1.jpeg'),
    },
    {
      name: 'a file name without a patient id',
      damage: (d) => writeFile(join(d, 'OCT2017', 'train', 'CNV', 'scan 12.jpeg'), 'x'),
      message: (d) => `${join(d, 'OCT2017', 'train', 'CNV', 'scan 12.jpeg')}: file name is not <CLASS>-<patient id>-<n>.jpeg`,
    },
  ],
});

describe('kermany-oct: source-specific', () => {
  it('the fake writes non-square gray JPEGs in the Mendeley layout', async () => {
    const sharp = (await import('sharp')).default;
    const folder = join(fx.fake, 'OCT2017', 'train', 'NORMAL');
    const names = await readdir(folder);
    expect(names.every((n) => /^NORMAL-\d+-\d+\.jpeg$/.test(n))).toBe(true);
    const meta = await sharp(join(folder, names[0]!)).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.format).toBe('jpeg');
    expect(meta.width).not.toBe(meta.height);
  });

  it('patient ids come from the file names; OCT2017/test is the test split', async () => {
    // Pillow-exactness at 28 and 64: the harness. Test split = source test: the harness too (source-test-9-1).
    const rows = (await fx.converted()).rows['octmnist']!;
    for (const row of rows) {
      expect(String(row.image_id)).toMatch(new RegExp(`^[A-Z]+-${row['group_id']}-\\d+$`));
      expect(row['source_folder'] === 'test').toBe(row.split === 'test');
    }
  });

  it('reads the Kaggle layout: "OCT2017 " with val/ images counted as source training images', async () => {
    const d = await fx.variant('kaggle');
    await rename(join(d, 'OCT2017'), join(d, 'OCT2017 '));
    const train = join(d, 'OCT2017 ', 'train', 'DME');
    const moved = (await readdir(train))[0]!;
    await mkdir(join(d, 'OCT2017 ', 'val', 'DME'), { recursive: true });
    await rename(join(train, moved), join(d, 'OCT2017 ', 'val', 'DME', moved));
    const samples = (await kermanyOct.scan(d)).samples['octmnist']!;
    const original = (await fx.scan()).samples['octmnist']!;
    expect(samples.length).toBe(original.length);
    const s = samples.find((x) => x.id === moved.replace(/\.jpeg$/, ''))!;
    expect(s.meta?.['source_folder']).toBe('val');
    expect(s.sourceSplit).toBeUndefined();
  });

  it('--split grouped keeps every patient in one split and source test patients in test', async () => {
    const out = join(fx.dir, 'out-grouped');
    const r = cli(['convert', '--source', 'kermany-oct', '--input', fx.fake, '--out', out, '--split', 'grouped', '--seed', '7']);
    expect(r.code, r.stderr).toBe(0);
    const rows = await readSamplesCsv(join(out, 'octmnist.samples.csv'));
    const splitOf = new Map<string, string>();
    for (const row of rows) {
      const p = String(row['group_id']);
      expect(splitOf.get(p) ?? row.split).toBe(row.split);
      splitOf.set(p, row.split);
    }
    // The fake puts one patient in both OCT2017/train and OCT2017/test: all its images go to test.
    const testPatients = new Set(rows.filter((r) => r['source_folder'] === 'test').map((r) => String(r['group_id'])));
    const leaked = rows.filter((r) => r['source_folder'] === 'train' && testPatients.has(String(r['group_id'])));
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked.every((r) => r.split === 'test')).toBe(true);
    expect(rows.length).toBe((await fx.scan()).samples['octmnist']!.length);
  });
});
