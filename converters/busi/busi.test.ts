// BUSI -> BreastMNIST on a fake download (RGB-stored PNGs with masks beside them): the shared conformance
// cases (test/support/converter-conformance.ts: Pillow-exact gray pixels at 28 and 64 through the CLI,
// official sizes, round trip, bad input) and BUSI's own: binary labels with the BUSI class kept, masks
// never read as images, the dataset folder itself as --input, no grouped split.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/run-cli.js';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { busi } from './index.js';
import { BUSI_CLASSES, BUSI_COUNTS, BUSI_LABEL } from './spec.js';

/** BUSI's class counts folded onto BreastMNIST's binary label (the stratum of the 7:1:2 rule): 210 / 570. */
const PER_LABEL = [0, 0];
for (const cls of BUSI_CLASSES) PER_LABEL[BUSI_LABEL[cls]]! += BUSI_COUNTS[cls];

const fx = describeConverter(busi, {
  fake: { count: 36, seed: 11 },
  sizes: [28, 64],
  official: { breastmnist: { published: { train: 546, val: 78, test: 156 }, samples: () => samplesFromCounts(PER_LABEL) } },
  badInputs: [
    {
      name: 'a mask where an image should be',
      damage: (d) => rm(join(d, 'Dataset_BUSI_with_GT', 'malignant', 'malignant (1).png')),
      message: (d) => [join(d, 'Dataset_BUSI_with_GT', 'malignant', 'malignant (1)_mask.png'), /a mask where an image should be/],
      keepsExistingOutput: true,
    },
    {
      name: 'an unreadable PNG',
      damage: (d) => writeFile(join(d, 'Dataset_BUSI_with_GT', 'normal', 'normal (1).png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0])),
      message: (d) => join(d, 'Dataset_BUSI_with_GT', 'normal', 'normal (1).png'),
    },
    {
      name: 'an unexpected class folder',
      damage: (d) => mkdir(join(d, 'Dataset_BUSI_with_GT', 'suspicious')),
      message: (d) => [join(d, 'Dataset_BUSI_with_GT', 'suspicious'), /unexpected folder/],
    },
  ],
});

describe('busi: source-specific', () => {
  it('malignant = 0, normal and benign = 1, the BUSI class kept, masks never samples, mask counts recorded', async () => {
    // Pixels (72 images = 36 x 2 sizes) equal Pillow's: the harness.
    const rows = (await fx.converted()).rows['breastmnist']!;
    expect(rows.length).toBe(36);
    for (const row of rows) {
      expect(String(row.image_id)).toMatch(/^(benign|malignant|normal) \(\d+\)$/);
      expect(String(row.image_id)).not.toContain('_mask');
      expect(row['fine_label']).toBe(String(row.image_id).split(' ')[0]);
      expect(row.label).toBe(row['fine_label'] === 'malignant' ? '0' : '1');
    }
    expect(rows.find((r) => r.image_id === 'benign (2)')?.['masks']).toBe('2');
    expect(rows.find((r) => r.image_id === 'benign (1)')?.['masks']).toBe('1');
  });

  it('accepts Dataset_BUSI_with_GT itself as --input', async () => {
    const s = await busi.scan(join(fx.fake, 'Dataset_BUSI_with_GT'));
    expect(s.samples['breastmnist']!.length).toBe(36);
  });

  it('refuses --split grouped (BUSI has no patient ids) with a usage error', () => {
    const r = cli(['convert', '--source', 'busi', '--input', fx.fake, '--out', join(fx.dir, 'out-grouped'), '--split', 'grouped']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/breastmnist has none/);
  });
});
