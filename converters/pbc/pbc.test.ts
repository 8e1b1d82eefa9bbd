// PBC -> BloodMNIST on a fake download: the shared conformance cases (test/support/converter-conformance.ts:
// Pillow-exact RGB pixels after the 200x200 centre crop at 28 and 64 through the CLI, including an off-size
// 366x369 image; official sizes; round trip; bad input) and PBC's own: image sizes of the fake, the dataset
// folder two levels below --input, images too small for the crop, one id in two class folders.
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { pbc } from './index.js';
import { PBC_COUNTS } from './spec.js';

const fx = describeConverter(pbc, {
  fake: { count: 32, seed: 13 },
  sizes: [28, 64],
  official: { bloodmnist: { published: { train: 11959, val: 1712, test: 3421 }, samples: () => samplesFromCounts(PBC_COUNTS) } },
  badInputs: [
    {
      name: 'an unexpected class folder',
      damage: (d) => mkdir(join(d, 'PBC_dataset_normal_DIB', 'blast')),
      message: (d) => [join(d, 'PBC_dataset_normal_DIB', 'blast'), /unexpected folder/],
      keepsExistingOutput: true,
    },
    {
      name: 'an unreadable JPEG',
      damage: (d) => writeFile(join(d, 'PBC_dataset_normal_DIB', 'monocyte', 'MO_1.jpg'), Buffer.alloc(100, 7)),
      message: (d) => join(d, 'PBC_dataset_normal_DIB', 'monocyte', 'MO_1.jpg'),
    },
    {
      name: 'an image smaller than the 200x200 crop',
      damage: (d) =>
        sharp({ create: { width: 150, height: 363, channels: 3, background: { r: 200, g: 180, b: 190 } } })
          .jpeg()
          .toFile(join(d, 'PBC_dataset_normal_DIB', 'platelet', 'PLATELET_1.jpg'))
          .then(() => undefined),
      message: (d) => `${join(d, 'PBC_dataset_normal_DIB', 'platelet', 'PLATELET_1.jpg')}: 150x363 pixels, smaller than BloodMNIST's 200x200 centre crop`,
      keepsExistingOutput: true,
    },
    {
      name: 'one image id in two class folders',
      damage: async (d) => {
        const root = join(d, 'PBC_dataset_normal_DIB');
        const name = (await readdir(join(root, 'basophil')))[0]!;
        await cp(join(root, 'basophil', name), join(root, 'eosinophil', name));
      },
      message: (d) => [join(d, 'PBC_dataset_normal_DIB', 'eosinophil'), /occurs twice/],
    },
  ],
});

describe('pbc: source-specific', () => {
  it('the fake holds 360x363 images and one off-size 366x369 (both then checked against Pillow by the harness)', async () => {
    const files = (await fx.scan()).items.map((i) => i.files[0]!);
    const dims = await Promise.all(files.map(async (f) => { const m = await sharp(f).metadata(); return `${m.width}x${m.height}`; }));
    expect(dims).toContain('360x363');
    expect(dims).toContain('366x369');
  });

  it('all eight classes reach the output', async () => {
    // The harness checks the scan has every class and the pixels of all 32 x 2 sizes; here: the output does.
    const rows = (await fx.converted()).rows['bloodmnist']!;
    expect(rows.length).toBe(32);
    expect(new Set(rows.map((r) => r.label)).size).toBe(8);
  });

  it('finds PBC_dataset_normal_DIB two levels below --input', async () => {
    const d = join(fx.dir, 'nested');
    await cp(fx.fake, join(d, 'downloads'), { recursive: true });
    expect((await pbc.scan(d)).samples['bloodmnist']!.length).toBe(32);
  });
});
