// Kather -> PathMNIST on a fake download: the shared conformance cases (test/support/converter-conformance.ts:
// Pillow-exact pixels at 28 and 64 through the CLI, official sizes, round trip, bad input) and Kather's
// own: the 7K set as test, the NONORM variant.
import { cp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { kather } from './index.js';
import { KATHER_CLASSES, KATHER_TRAIN_COUNTS } from './spec.js';

// CRC-VAL-HE-7K: 7,180 tiles; their split over classes does not change the sizes (all are test).
const TEST_PER_CLASS = KATHER_CLASSES.map((_, i) => (i < 7180 % 9 ? 1 : 0) + Math.floor(7180 / 9));

const fx = describeConverter(kather, {
  fake: { count: 30, seed: 3 },
  sizes: [28, 64],
  official: {
    pathmnist: { published: { train: 89996, val: 10004, test: 7180 }, samples: () => samplesFromCounts(KATHER_TRAIN_COUNTS, TEST_PER_CLASS) },
  },
  badInputs: [
    {
      name: 'an unexpected class folder',
      damage: (d) => rename(join(d, 'CRC-VAL-HE-7K', 'TUM'), join(d, 'CRC-VAL-HE-7K', 'TUMOUR')),
      message: (d) => [join(d, 'CRC-VAL-HE-7K', 'TUMOUR'), /unexpected folder/],
      keepsExistingOutput: true,
    },
    {
      name: 'an unreadable TIFF',
      damage: (d) => writeFile(join(d, 'NCT-CRC-HE-100K', 'ADI', 'ADI-ZZZZZZZZ.tif'), Buffer.from('II*\u0000 this is not a tiff')),
      message: (d) => join(d, 'NCT-CRC-HE-100K', 'ADI', 'ADI-ZZZZZZZZ.tif'),
    },
    {
      name: 'a tile filed under the wrong class',
      damage: async (d) => {
        const src = join(d, 'NCT-CRC-HE-100K', 'ADI');
        const tile = (await readdir(src)).find((n) => n.endsWith('.tif'))!;
        await rename(join(src, tile), join(d, 'NCT-CRC-HE-100K', 'MUC', tile));
      },
      message: (d) => [join(d, 'NCT-CRC-HE-100K', 'MUC', 'ADI-'), /says class ADI but it lies in MUC/],
    },
    {
      name: 'the test archive missing',
      damage: (d) => rm(join(d, 'CRC-VAL-HE-7K'), { recursive: true }),
      message: (d) => `${join(d, 'CRC-VAL-HE-7K')}: not found`,
    },
    {
      name: 'both the normalised and the NONORM training set',
      damage: (d) => cp(join(d, 'NCT-CRC-HE-100K'), join(d, 'NCT-CRC-HE-100K-NONORM'), { recursive: true }),
      message: (d) => [`${d}: both NCT-CRC-HE-100K/ and NCT-CRC-HE-100K-NONORM/ are present`],
    },
  ],
});

describe('kather: source-specific', () => {
  it('CRC-VAL-HE-7K is the test split, NCT-CRC-HE-100K train and val (the archive column says so)', async () => {
    // The harness checks test = the samples scan() marks as the source's test set; here: those are the 7K tiles.
    const { rows } = await fx.converted();
    const scan = await fx.scan();
    const nTest = scan.samples['pathmnist']!.filter((s) => s.sourceSplit === 'test').length;
    expect(rows['pathmnist']!.filter((r) => r.split === 'test').length).toBe(nTest);
    expect(rows['pathmnist']!.filter((r) => r.split === 'test').every((r) => r['archive'] === 'CRC-VAL-HE-7K')).toBe(true);
    expect(rows['pathmnist']!.filter((r) => r.split !== 'test').every((r) => r['archive'] === 'NCT-CRC-HE-100K')).toBe(true);
  });

  it('reads NCT-CRC-HE-100K-NONORM in place of the normalised set, and refuses both at once', async () => {
    const d = await fx.variant('nonorm');
    await cp(join(d, 'NCT-CRC-HE-100K'), join(d, 'NCT-CRC-HE-100K-NONORM'), { recursive: true });
    // Through the CLI: a bad-input case above.
    await expect(kather.scan(d)).rejects.toThrow(/both NCT-CRC-HE-100K\/ and NCT-CRC-HE-100K-NONORM\/ are present/);
    await rm(join(d, 'NCT-CRC-HE-100K'), { recursive: true });
    const s = (await kather.scan(d)).samples['pathmnist']!;
    const trainOriginal = (await fx.scan()).samples['pathmnist']!.filter((x) => !x.sourceSplit).length;
    expect(s.filter((x) => x.meta?.['archive'] === 'NCT-CRC-HE-100K-NONORM').length).toBe(trainOriginal);
  });
});
