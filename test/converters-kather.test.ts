// Kather -> PathMNIST through the real CLI on a fake download: Pillow-exact pixels at 28 and 64, the
// NONORM variant, and bad input that must fail naming the file and leave nothing behind.
import { cp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kather } from '../converters/kather/index.js';
import { compareWithPillow, fakeDownloadFixture } from './converters-live.js';
import { cli } from './support/run-cli.js';

const fx = fakeDownloadFixture(kather, { count: 30, seed: 3 });

describe('kather converter', () => {
  it('converts the fake download Pillow-exactly at 28 and 64 with the 7K set as test', async () => {
    const out = join(fx.dir, 'out');
    const r = cli(['convert', '--source', 'kather', '--input', fx.fake, '--out', out, '--size', '28,64']);
    expect(r.code, r.stderr).toBe(0);
    const res = await compareWithPillow('kather', fx.fake, out, [28, 64]);
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(2 * res.rows.length);
    const scan = await kather.scan(fx.fake);
    const nTest = scan.samples['pathmnist']!.filter((s) => s.sourceSplit === 'test').length;
    expect(res.counts['28']!.test).toBe(nTest);
    expect(res.rows.filter((r) => r.split === 'test').every((r) => r['archive'] === 'CRC-VAL-HE-7K')).toBe(true);
    expect(res.rows.filter((r) => r.split !== 'test').every((r) => r['archive'] === 'NCT-CRC-HE-100K')).toBe(true);
  });

  it('reads NCT-CRC-HE-100K-NONORM in place of the normalised set, and refuses both at once', async () => {
    const d = await fx.variant('nonorm');
    const both = join(d, 'NCT-CRC-HE-100K-NONORM');
    await cp(join(d, 'NCT-CRC-HE-100K'), both, { recursive: true });
    await expect(kather.scan(d)).rejects.toThrow(/both NCT-CRC-HE-100K\/ and NCT-CRC-HE-100K-NONORM\/ are present/);
    await rm(join(d, 'NCT-CRC-HE-100K'), { recursive: true });
    const s = (await kather.scan(d)).samples['pathmnist']!;
    expect(s.filter((x) => x.meta?.['archive'] === 'NCT-CRC-HE-100K-NONORM').length).toBe((await kather.scan(fx.fake)).samples['pathmnist']!.filter((x) => !x.sourceSplit).length);
  });

  it('fails on an unexpected class folder, naming it, with exit 1 and no output', async () => {
    const d = await fx.variant('badclass');
    await rename(join(d, 'CRC-VAL-HE-7K', 'TUM'), join(d, 'CRC-VAL-HE-7K', 'TUMOUR'));
    const out = join(fx.dir, 'out-badclass');
    const r = cli(['convert', '--source', 'kather', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(d, 'CRC-VAL-HE-7K', 'TUMOUR'));
    expect(r.stderr).toMatch(/unexpected folder/);
    expect(await stat(out).catch(() => null)).toBeNull();
  });

  it('fails on an unreadable TIFF, naming it, with exit 1 and no output', async () => {
    const d = await fx.variant('corrupt');
    const bad = join(d, 'NCT-CRC-HE-100K', 'ADI', 'ADI-ZZZZZZZZ.tif');
    await writeFile(bad, Buffer.from('II*\u0000 this is not a tiff'));
    const out = join(fx.dir, 'out-corrupt');
    const r = cli(['convert', '--source', 'kather', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(await stat(out).catch(() => null)).toBeNull();
  });

  it('fails on a tile filed under the wrong class and on a missing test archive', async () => {
    const d = await fx.variant('misfiled');
    const src = join(d, 'NCT-CRC-HE-100K', 'ADI');
    const { readdir } = await import('node:fs/promises');
    const tile = (await readdir(src)).find((n) => n.endsWith('.tif'))!;
    await rename(join(src, tile), join(d, 'NCT-CRC-HE-100K', 'MUC', tile));
    await expect(kather.scan(d)).rejects.toThrow(/says class ADI but it lies in MUC/);
    await rm(join(d, 'CRC-VAL-HE-7K'), { recursive: true });
    await expect(kather.scan(d)).rejects.toThrow(/CRC-VAL-HE-7K: not found/);
  });
});
