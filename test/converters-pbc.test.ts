// PBC -> BloodMNIST through the real CLI on a fake download: Pillow-exact RGB pixels after the 200x200
// centre crop at 28 and 64 (including an off-size 366x369 image), and bad input: unexpected class
// folder, unreadable JPEG, an image too small for the crop, one image id in two class folders.
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pbc } from '../converters/pbc/index.js';
import { compareWithPillow, fakeDownloadFixture } from './converters-live.js';
import { cli } from './support/run-cli.js';

const fx = fakeDownloadFixture(pbc, { count: 32, seed: 13 });

describe('pbc converter', () => {
  it('converts Pillow-exactly at 28 and 64 after the 200x200 centre crop', async () => {
    const files = (await pbc.scan(fx.fake)).samples['bloodmnist']!.map((s) => s.files[0]!);
    const dims = await Promise.all(files.map(async (f) => (await sharp(f).metadata()).width + 'x' + (await sharp(f).metadata()).height));
    expect(dims).toContain('360x363');
    expect(dims).toContain('366x369');
    const out = join(fx.dir, 'out');
    const r = cli(['convert', '--source', 'pbc', '--input', fx.fake, '--out', out, '--size', '28,64']);
    expect(r.code, r.stderr).toBe(0);
    const res = await compareWithPillow('pbc', fx.fake, out, [28, 64]);
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(64);
    expect(new Set(res.rows.map((r) => r.label)).size).toBe(8);
  });

  it('finds PBC_dataset_normal_DIB two levels below --input', async () => {
    const d = join(fx.dir, 'nested');
    await cp(fx.fake, join(d, 'downloads'), { recursive: true });
    expect((await pbc.scan(d)).samples['bloodmnist']!.length).toBe(32);
  });

  it('fails on an unexpected class folder and an unreadable JPEG, naming them, with no output', async () => {
    const d = await fx.variant('bad');
    const root = join(d, 'PBC_dataset_normal_DIB');
    await mkdir(join(root, 'blast'));
    const out = join(fx.dir, 'out-bad');
    let r = cli(['convert', '--source', 'pbc', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(root, 'blast'));
    await rm(join(root, 'blast'), { recursive: true });

    const bad = join(root, 'monocyte', 'MO_1.jpg');
    await writeFile(bad, Buffer.alloc(100, 7));
    r = cli(['convert', '--source', 'pbc', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(await stat(out).catch(() => null)).toBeNull();
  });

  it('fails on an image smaller than the crop and on one id in two class folders', async () => {
    const d = await fx.variant('small');
    const root = join(d, 'PBC_dataset_normal_DIB');
    const small = join(root, 'platelet', 'PLATELET_1.jpg');
    await sharp({ create: { width: 150, height: 363, channels: 3, background: { r: 200, g: 180, b: 190 } } }).jpeg().toFile(small);
    const out = join(fx.dir, 'out-small');
    const r = cli(['convert', '--source', 'pbc', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${small}: 150x363 pixels, smaller than BloodMNIST's 200x200 centre crop`);
    expect(await stat(out).catch(() => null)).toBeNull();
    await rm(small);

    const name = (await readdir(join(root, 'basophil')))[0]!;
    await cp(join(root, 'basophil', name), join(root, 'eosinophil', name));
    await expect(pbc.scan(d)).rejects.toThrow(/occurs twice/);
  });
});
