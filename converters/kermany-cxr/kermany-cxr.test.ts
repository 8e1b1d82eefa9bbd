// Kermany ChestXRay2017 -> PneumoniaMNIST on a fake download with gray and RGB JPEGs: the shared conformance
// cases (test/support/converter-conformance.ts: Pillow-exact pixels, convert('L') and the short-edge centre
// square, at 28 and 64 through the CLI; official sizes; round trip; bad input) and ChestXRay2017's own:
// file-name patterns, patient ids and findings, the Kaggle val/ folder and its nested second copy.
import { cp, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { kermanyCxr } from './index.js';
import { parseChestName } from './scan.js';
import { CXR_TRAIN_COUNTS } from './spec.js';

const fx = describeConverter(kermanyCxr, {
  fake: { count: 36, seed: 9 },
  sizes: [28, 64],
  official: {
    pneumoniamnist: {
      published: { train: 4708, val: 524, test: 624 },
      // chest_xray/test: 624 images (sources.md §5); how they divide over the classes does not change the sizes.
      samples: () => samplesFromCounts(CXR_TRAIN_COUNTS, [312, 312]),
    },
  },
  badInputs: [
    {
      name: 'an unexpected class folder',
      damage: (d) => mkdir(join(d, 'chest_xray', 'train', 'COVID')),
      message: (d) => [join(d, 'chest_xray', 'train', 'COVID'), /unexpected folder/],
      keepsExistingOutput: true,
    },
    {
      name: 'an unreadable JPEG',
      damage: (d) => writeFile(join(d, 'chest_xray', 'test', 'NORMAL', 'IM-9999-0001.jpeg'), 'not a jpeg at all'),
      message: (d) => join(d, 'chest_xray', 'test', 'NORMAL', 'IM-9999-0001.jpeg'),
    },
    {
      name: 'a pneumonia image filed under NORMAL',
      damage: async (d) => {
        const root = join(d, 'chest_xray', 'train');
        const p = (await readdir(join(root, 'PNEUMONIA'))).find((n) => n.startsWith('person'))!;
        await rename(join(root, 'PNEUMONIA', p), join(root, 'NORMAL', p));
      },
      message: (d) => [join(d, 'chest_xray', 'train', 'NORMAL', 'person'), /lies in NORMAL/],
    },
  ],
});

describe('kermany-cxr: source-specific', () => {
  it('parses the file-name patterns of the real set', () => {
    expect(parseChestName('person1_bacteria_1.jpeg')).toEqual({ patient: 'person1', finding: 'bacteria' });
    expect(parseChestName('person1_virus_6.jpeg')).toEqual({ patient: 'person1', finding: 'virus' });
    expect(parseChestName('IM-0115-0001.jpeg')).toEqual({ patient: 'IM-0115', finding: 'normal' });
    expect(parseChestName('NORMAL2-IM-1427-0001.jpeg')).toEqual({ patient: 'NORMAL2-IM-1427', finding: 'normal' });
    expect(parseChestName('BACTERIA-1008087-0001.jpeg')).toEqual({ patient: '1008087', finding: 'bacteria' });
    expect(parseChestName('scan.jpeg')).toBeNull();
  });

  it('the fake mixes gray and RGB JPEGs (both are then checked against Pillow by the harness)', async () => {
    const files = (await fx.scan()).items.map((i) => i.files[0]!);
    const channels = await Promise.all(files.map(async (f) => (await sharp(f).metadata()).channels));
    expect(channels).toContain(1);
    expect(channels).toContain(3);
  });

  it('findings and patient ids come from the file names', async () => {
    const rows = (await fx.converted()).rows['pneumoniamnist']!;
    for (const row of rows) {
      expect(row['fine_label']).toBe(row.label === '0' ? 'normal' : String(row.image_id).includes('virus') ? 'virus' : 'bacteria');
      expect(row['group_id']).not.toBe('');
    }
  });

  it('counts Kaggle val/ images as source training images and flags a nested second copy', async () => {
    const d = await fx.variant('kaggle');
    const root = join(d, 'chest_xray');
    for (const cls of ['NORMAL', 'PNEUMONIA']) {
      await mkdir(join(root, 'val', cls), { recursive: true });
      const name = (await readdir(join(root, 'train', cls))).find((n) => n.endsWith('.jpeg'))!;
      await rename(join(root, 'train', cls, name), join(root, 'val', cls, name));
    }
    const samples = (await kermanyCxr.scan(d)).samples['pneumoniamnist']!;
    const vals = samples.filter((s) => s.meta?.['source_folder'] === 'val');
    expect(vals.length).toBe(2);
    expect(vals.every((s) => s.sourceSplit === undefined)).toBe(true);
    expect(samples.length).toBe((await fx.scan()).samples['pneumoniamnist']!.length);
    // Kaggle's archive nests chest_xray/chest_xray/: a second copy is refused, with the way out.
    await cp(join(root, 'test'), join(root, 'chest_xray', 'test'), { recursive: true });
    await expect(kermanyCxr.scan(d)).rejects.toThrow(/chest_xray\/chest_xray: unexpected folder.*second copy/);
  });
});
