// Kermany ChestXRay2017 -> PneumoniaMNIST through the real CLI on a fake download with gray and RGB
// JPEGs: Pillow-exact pixels (convert('L'), short-edge centre square) at 28 and 64, the Kaggle val/
// folder and its nested second copy, patient ids and findings from file names, and bad input.
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { kermanyCxr } from '../converters/kermany-cxr/index.js';
import { parseChestName } from '../converters/kermany-cxr/scan.js';
import { compareWithPillow, fakeDownloadFixture } from './converters-live.js';
import { cli } from './support/run-cli.js';

const fx = fakeDownloadFixture(kermanyCxr, { count: 36, seed: 9 });

describe('kermany-cxr converter', () => {
  it('parses the file-name patterns of the real set', () => {
    expect(parseChestName('person1_bacteria_1.jpeg')).toEqual({ patient: 'person1', finding: 'bacteria' });
    expect(parseChestName('person1_virus_6.jpeg')).toEqual({ patient: 'person1', finding: 'virus' });
    expect(parseChestName('IM-0115-0001.jpeg')).toEqual({ patient: 'IM-0115', finding: 'normal' });
    expect(parseChestName('NORMAL2-IM-1427-0001.jpeg')).toEqual({ patient: 'NORMAL2-IM-1427', finding: 'normal' });
    expect(parseChestName('BACTERIA-1008087-0001.jpeg')).toEqual({ patient: '1008087', finding: 'bacteria' });
    expect(parseChestName('scan.jpeg')).toBeNull();
  });

  it('converts gray and RGB JPEGs Pillow-exactly at 28 and 64', async () => {
    const files = (await kermanyCxr.scan(fx.fake)).samples['pneumoniamnist']!.map((s) => s.files[0]!);
    const channels = await Promise.all(files.map(async (f) => (await sharp(f).metadata()).channels));
    expect(channels).toContain(1);
    expect(channels).toContain(3);
    const out = join(fx.dir, 'out');
    const r = cli(['convert', '--source', 'kermany-cxr', '--input', fx.fake, '--out', out, '--size', '28,64']);
    expect(r.code, r.stderr).toBe(0);
    const res = await compareWithPillow('kermany-cxr', fx.fake, out, [28, 64]);
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(2 * res.rows.length);
    for (const row of res.rows) {
      expect(row['finding']).toBe(row.label === '0' ? 'normal' : String(row.image_id).includes('virus') ? 'virus' : 'bacteria');
      expect(row['patient_id']).not.toBe('');
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
    expect(samples.length).toBe((await kermanyCxr.scan(fx.fake)).samples['pneumoniamnist']!.length);
    // Kaggle's archive nests chest_xray/chest_xray/: a second copy is refused, with the way out.
    await cp(join(root, 'test'), join(root, 'chest_xray', 'test'), { recursive: true });
    await expect(kermanyCxr.scan(d)).rejects.toThrow(/chest_xray\/chest_xray: unexpected folder.*second copy/);
  });

  it('fails on an unexpected class folder, an unreadable JPEG and a misfiled image, with no output', async () => {
    const d = await fx.variant('bad');
    const root = join(d, 'chest_xray');
    await mkdir(join(root, 'train', 'COVID'));
    const out = join(fx.dir, 'out-bad');
    let r = cli(['convert', '--source', 'kermany-cxr', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(root, 'train', 'COVID'));
    await rm(join(root, 'train', 'COVID'), { recursive: true });

    const bad = join(root, 'test', 'NORMAL', 'IM-9999-0001.jpeg');
    await writeFile(bad, 'not a jpeg at all');
    r = cli(['convert', '--source', 'kermany-cxr', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(await stat(out).catch(() => null)).toBeNull();
    await rm(bad);

    const p = (await readdir(join(root, 'train', 'PNEUMONIA'))).find((n) => n.startsWith('person'))!;
    await rename(join(root, 'train', 'PNEUMONIA', p), join(root, 'train', 'NORMAL', p));
    await expect(kermanyCxr.scan(d)).rejects.toThrow(/lies in NORMAL/);
  });
});
