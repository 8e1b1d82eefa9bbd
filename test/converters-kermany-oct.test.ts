// Kermany OCT2017 -> OCTMNIST through the real CLI on a fake download: Pillow-exact gray pixels after
// the short-edge centre square at 28 and 64, the Kaggle layout ("OCT2017 " with val/), the grouped
// split by patient, and bad input.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kermanyOct } from '../converters/kermany-oct/index.js';
import { compareWithPillow, fakeDownloadFixture, readSamplesCsv } from './converters-live.js';
import { cli } from './support/run-cli.js';

const fx = fakeDownloadFixture(kermanyOct, { count: 36, seed: 5 });

describe('kermany-oct converter', () => {
  it('writes non-square gray JPEGs in the Mendeley layout', async () => {
    const sharp = (await import('sharp')).default;
    const folder = join(fx.fake, 'OCT2017', 'train', 'NORMAL');
    const names = await readdir(folder);
    expect(names.every((n) => /^NORMAL-\d+-\d+\.jpeg$/.test(n))).toBe(true);
    const meta = await sharp(join(folder, names[0]!)).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.format).toBe('jpeg');
    expect(meta.width).not.toBe(meta.height);
  });

  it('converts Pillow-exactly at 28 and 64, OCT2017/test as test, patient ids kept', async () => {
    const out = join(fx.dir, 'out');
    const r = cli(['convert', '--source', 'kermany-oct', '--input', fx.fake, '--out', out, '--size', '28,64']);
    expect(r.code, r.stderr).toBe(0);
    const res = await compareWithPillow('kermany-oct', fx.fake, out, [28, 64]);
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(2 * res.rows.length);
    for (const row of res.rows) {
      expect(String(row.image_id)).toMatch(new RegExp(`^[A-Z]+-${row['patient_id']}-\\d+$`));
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
    const original = (await kermanyOct.scan(fx.fake)).samples['octmnist']!;
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
      const p = String(row['patient_id']);
      expect(splitOf.get(p) ?? row.split).toBe(row.split);
      splitOf.set(p, row.split);
    }
    // The fake puts one patient in both OCT2017/train and OCT2017/test: all its images go to test.
    const testPatients = new Set(rows.filter((r) => r['source_folder'] === 'test').map((r) => String(r['patient_id'])));
    const leaked = rows.filter((r) => r['source_folder'] === 'train' && testPatients.has(String(r['patient_id'])));
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked.every((r) => r.split === 'test')).toBe(true);
    expect(rows.length).toBe((await kermanyOct.scan(fx.fake)).samples['octmnist']!.length);
  });

  it('fails on an unexpected class folder, an unreadable JPEG and a name without patient id', async () => {
    const d = await fx.variant('bad');
    await mkdir(join(d, 'OCT2017', 'test', 'AMD'));
    await writeFile(join(d, 'OCT2017', 'test', 'AMD', 'AMD-1-1.jpeg'), 'x');
    const out = join(fx.dir, 'out-bad');
    let r = cli(['convert', '--source', 'kermany-oct', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(d, 'OCT2017', 'test', 'AMD'));
    await rm(join(d, 'OCT2017', 'test', 'AMD'), { recursive: true });

    const bad = join(d, 'OCT2017', 'train', 'CNV', 'CNV-999-1.jpeg');
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    r = cli(['convert', '--source', 'kermany-oct', '--input', d, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    expect(await stat(out).catch(() => null)).toBeNull();
    await rm(bad);

    await writeFile(join(d, 'OCT2017', 'train', 'CNV', 'scan 12.jpeg'), 'x');
    await expect(kermanyOct.scan(d)).rejects.toThrow(/scan 12\.jpeg: file name is not <CLASS>-<patient id>-<n>\.jpeg/);
  });
});
