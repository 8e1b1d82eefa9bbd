// The official split reproduces MedMNIST's published split sizes exactly (reference/official-splits.md)
// for the five class-folder sources, from their real class counts. BUSI and ChestXRay2017 are
// scanned for real from skeleton downloads (empty files in the real layout and numbers: scan() never
// decodes); Kather, OCT2017 and PBC (17k-108k files) use sample lists as their scans produce them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConverter } from '../converters/index.js';
import { BUSI_CLASSES, BUSI_COUNTS } from '../converters/busi/spec.js';
import { KATHER_CLASSES, KATHER_TRAIN_COUNTS } from '../converters/kather/spec.js';
import { CXR_CLASSES, CXR_TRAIN_COUNTS } from '../converters/kermany-cxr/spec.js';
import { OCT_CLASSES, OCT_TEST_COUNTS, OCT_TRAIN_COUNTS } from '../converters/kermany-oct/spec.js';
import { PBC_CLASSES, PBC_COUNTS } from '../converters/pbc/spec.js';
import type { Sample } from '../src/core/contract.js';
import { splitSamples } from '../src/split/index.js';

// Published sizes (MedMNIST info.py, typed here from the issue, not from our specs).
const MEDMNIST: Record<string, [number, number, number]> = {
  pathmnist: [89996, 10004, 7180],
  octmnist: [97477, 10832, 1000],
  pneumoniamnist: [4708, 524, 624],
  breastmnist: [546, 78, 156],
  bloodmnist: [11959, 1712, 3421],
};

async function sizesOf(source: string, samples: Sample[], seed = 0): Promise<[number, number, number]> {
  const spec = getConverter(source).datasets[0]!;
  const s = await splitSamples(samples, spec, { strategy: 'official', seed });
  return [s.train.length, s.val.length, s.test.length];
}

function listed(counts: readonly number[], prefix: string, test?: readonly number[]): Sample[] {
  const out: Sample[] = [];
  counts.forEach((n, label) => {
    for (let i = 0; i < n; i++) out.push({ id: `${prefix}${label}-${i}`, item: 'x', label: [label] });
  });
  test?.forEach((n, label) => {
    for (let i = 0; i < n; i++) out.push({ id: `${prefix}${label}-test-${i}`, item: 'x', label: [label], sourceSplit: 'test' });
  });
  return out;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'split-sizes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function touchAll(folder: string, names: string[]): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < names.length; i += 256) await Promise.all(names.slice(i, i + 256).map((n) => writeFile(join(folder, n), '')));
}

describe('official split sizes equal MedMNIST', () => {
  it('PathMNIST from the NCT-CRC-HE-100K class counts and the 7,180 CRC-VAL-HE-7K tiles', async () => {
    expect(KATHER_CLASSES.length).toBe(9);
    const test = KATHER_CLASSES.map((_, i) => (i < 7180 % 9 ? 1 : 0) + Math.floor(7180 / 9));
    expect(await sizesOf('kather', listed(KATHER_TRAIN_COUNTS, 'T-', test))).toEqual(MEDMNIST['pathmnist']);
  });

  it('OCTMNIST from the OCT2017 train class counts and its 1,000 test images', async () => {
    expect(OCT_CLASSES).toEqual(['CNV', 'DME', 'DRUSEN', 'NORMAL']);
    expect(await sizesOf('kermany-oct', listed(OCT_TRAIN_COUNTS, 'CNV-', OCT_TEST_COUNTS))).toEqual(MEDMNIST['octmnist']);
  });

  it('the sizes do not depend on the seed', async () => {
    expect(await sizesOf('pbc', listed(PBC_COUNTS, 'X-'), 12345)).toEqual(MEDMNIST['bloodmnist']);
  });

  it('PneumoniaMNIST and BreastMNIST from skeleton downloads scanned for real', async () => {
    // chest_xray/{train,test}/{NORMAL,PNEUMONIA}: 1,349 + 3,883 train, 624 test (234 + 390 here).
    const cxr = join(dir, 'cxr', 'chest_xray');
    const testCounts = [234, 390];
    for (const [part, counts] of [['train', CXR_TRAIN_COUNTS], ['test', testCounts]] as const) {
      for (let c = 0; c < 2; c++) {
        const names = Array.from({ length: counts[c]! }, (_, i) =>
          c === 0 ? `IM-${part === 'train' ? 1000 + i : i}-0001.jpeg` : `person${part === 'train' ? 5000 + i : i}_bacteria_${i}.jpeg`,
        );
        await touchAll(join(cxr, part, CXR_CLASSES[c]!), names);
      }
    }
    const scannedCxr = await getConverter('kermany-cxr').scan(join(dir, 'cxr'));
    expect(await sizesOf('kermany-cxr', scannedCxr.samples['pneumoniamnist']!)).toEqual(MEDMNIST['pneumoniamnist']);

    // Dataset_BUSI_with_GT/{benign,malignant,normal}: images and a mask beside each.
    const busi = join(dir, 'busi', 'Dataset_BUSI_with_GT');
    for (const cls of BUSI_CLASSES) {
      const names = Array.from({ length: BUSI_COUNTS[cls] }, (_, i) => [`${cls} (${i + 1}).png`, `${cls} (${i + 1})_mask.png`]).flat();
      await touchAll(join(busi, cls), names);
    }
    const scannedBusi = await getConverter('busi').scan(join(dir, 'busi'));
    expect(scannedBusi.samples['breastmnist']!.length).toBe(780);
    expect(await sizesOf('busi', scannedBusi.samples['breastmnist']!)).toEqual(MEDMNIST['breastmnist']);

  });

  it('BloodMNIST from the PBC class counts', async () => {
    expect(PBC_CLASSES.length).toBe(8);
    expect(await sizesOf('pbc', listed(PBC_COUNTS, 'PBC-'))).toEqual(MEDMNIST['bloodmnist']);
  });

  it('each spec declares the published counts', () => {
    for (const [source, flag] of [['kather', 'pathmnist'], ['kermany-oct', 'octmnist'], ['kermany-cxr', 'pneumoniamnist'], ['busi', 'breastmnist'], ['pbc', 'bloodmnist']]) {
      const spec = getConverter(source!).datasets[0]!;
      expect(spec.flag).toBe(flag);
      const c = spec.officialCounts;
      expect([c.train, c.val, c.test]).toEqual(MEDMNIST[flag!]);
    }
  });
});
