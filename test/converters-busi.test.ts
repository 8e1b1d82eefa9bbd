// BUSI -> BreastMNIST through the real CLI on a fake download (RGB-stored PNGs with masks beside
// them): Pillow-exact gray pixels at 28 and 64, binary labels with the BUSI class kept, masks never
// read as images, and bad input (a mask where an image should be, unreadable PNG, unexpected folder).
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busi } from '../converters/busi/index.js';
import { compareWithPillow, fakeDownloadFixture } from './converters-live.js';
import { cli } from './support/run-cli.js';

const fx = fakeDownloadFixture(busi, { count: 36, seed: 11 });

describe('busi converter', () => {
  it('converts Pillow-exactly at 28 and 64 with malignant = 0, normal and benign = 1', async () => {
    const out = join(fx.dir, 'out');
    const r = cli(['convert', '--source', 'busi', '--input', fx.fake, '--out', out, '--size', '28,64']);
    expect(r.code, r.stderr).toBe(0);
    const res = await compareWithPillow('busi', fx.fake, out, [28, 64]);
    expect(res.mismatches).toEqual([]);
    expect(res.rows.length).toBe(36);
    expect(res.checked).toBe(72);
    for (const row of res.rows) {
      expect(String(row.image_id)).toMatch(/^(benign|malignant|normal) \(\d+\)$/);
      expect(String(row.image_id)).not.toContain('_mask');
      expect(row['busi_class']).toBe(String(row.image_id).split(' ')[0]);
      expect(row.label).toBe(row['busi_class'] === 'malignant' ? '0' : '1');
    }
    expect(res.rows.find((r) => r.image_id === 'benign (2)')?.['masks']).toBe('2');
    expect(res.rows.find((r) => r.image_id === 'benign (1)')?.['masks']).toBe('1');
  });

  it('accepts Dataset_BUSI_with_GT itself as --input', async () => {
    const s = await busi.scan(join(fx.fake, 'Dataset_BUSI_with_GT'));
    expect(s.samples['breastmnist']!.length).toBe(36);
  });

  it('fails on a mask where an image should be, naming the mask, with exit 1 and no output', async () => {
    const d = await fx.variant('orphan');
    await rm(join(d, 'Dataset_BUSI_with_GT', 'malignant', 'malignant (1).png'));
    const out = join(fx.dir, 'out-orphan');
    const r = cli(['convert', '--source', 'busi', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(d, 'Dataset_BUSI_with_GT', 'malignant', 'malignant (1)_mask.png'));
    expect(r.stderr).toMatch(/a mask where an image should be/);
    expect(await stat(out).catch(() => null)).toBeNull();
  });

  it('fails on an unreadable PNG and on an unexpected class folder', async () => {
    const d = await fx.variant('bad');
    const bad = join(d, 'Dataset_BUSI_with_GT', 'normal', 'normal (1).png');
    await writeFile(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
    const out = join(fx.dir, 'out-bad');
    let r = cli(['convert', '--source', 'busi', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(await stat(out).catch(() => null)).toBeNull();

    await mkdir(join(d, 'Dataset_BUSI_with_GT', 'suspicious'));
    r = cli(['convert', '--source', 'busi', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(d, 'Dataset_BUSI_with_GT', 'suspicious'));
  });

  it('refuses --split grouped (BUSI has no patient ids) with a usage error', () => {
    const r = cli(['convert', '--source', 'busi', '--input', fx.fake, '--out', join(fx.dir, 'out-grouped'), '--split', 'grouped']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/breastmnist has none/);
  });
});
