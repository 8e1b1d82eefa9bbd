// diff through the real CLI on a fixture where exactly known samples changed, appeared and
// disappeared between two raw downloads.
import { execFileSync } from 'node:child_process';
import { copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport } from '../src/lock/diff.js';
import { parseCsv } from '../src/core/csv.js';
import { cli, convertCli, copyDir, fakeRaw, flipByte } from './lock-helpers.js';
import { cleanupTempDirs, pythonOk, tempDir } from './support/run-cli.js';

let tmp: string;
let outA: string;
let outB: string;
const CHANGED: string[] = [];
let GONE = '';
const ADDED = 'ISIC_0099999';

function find(dir: string, id: string): string {
  return execFileSync('find', [dir, '-name', `${id}.jpg`], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  tmp = tempDir('diff');
  const rawA = await fakeRaw(join(tmp, 'rawA'));
  const rawB = await copyDir(rawA, join(tmp, 'rawB'));
  const metaPath = join(rawB, 'HAM10000_metadata.csv');
  const lines = (await readFile(metaPath, 'utf8')).split('\n');
  const idOf = (line: string): string => /ISIC_\d{7}/.exec(line)![0];
  // Rows 1 and 5: new pixels (negated image). Row 9: removed. A new image (a copy of row 12's pixels).
  for (const row of [1, 5]) {
    const id = idOf(lines[row]!);
    CHANGED.push(id);
    const p = find(rawB, id);
    await sharp(p).negate().jpeg({ quality: 90 }).toFile(p + '.new');
    await rename(p + '.new', p);
  }
  GONE = idOf(lines[9]!);
  await rm(find(rawB, GONE));
  const src = idOf(lines[12]!);
  await copyFile(find(rawB, src), join(rawB, 'HAM10000_images_part_2', `${ADDED}.jpg`));
  const kept = lines.filter((_, i) => i !== 9 && lines[i] !== '');
  kept.push(lines[12]!.replace(src, ADDED));
  await writeFile(metaPath, kept.join('\n') + '\n');
  outA = join(tmp, 'outA');
  outB = join(tmp, 'outB');
  convertCli(rawA, outA);
  convertCli(rawB, outB);
});
afterAll(cleanupTempDirs);

/** The raw download an output folder was built from (both live in tmp). */
function rawOf(out: string): string {
  return out === outA ? join(tmp, 'rawA') : join(tmp, 'rawB');
}

/** image_id -> split, read straight from samples.csv (independent of the hashing). */
async function splitsOf(out: string): Promise<Map<string, string>> {
  const rows = parseCsv(await readFile(join(out, 'dermamnist.samples.csv'), 'utf8')).slice(1).filter((r) => r.length > 1);
  return new Map(rows.map((r) => [r[2]!, r[0]!]));
}

describe('diff', () => {
  it('finds exactly the samples that changed, appeared and disappeared, at every size', async () => {
    const r = cli('diff', outA, outB, '--json');
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.summary).toEqual({ same: 0, changed: 1, appeared: 0, disappeared: 0 });
    const d = report.datasets[0]!;
    expect(d.flag).toBe('dermamnist');
    expect(d.recipe).toEqual([]);
    const [a, b] = [await splitsOf(outA), await splitsOf(outB)];
    // Samples that kept their pixels but landed in another split (the class sizes changed).
    const moved = [...a.keys()].filter((id) => b.has(id) && a.get(id) !== b.get(id) && !CHANGED.includes(id)).sort();
    expect(d.sizes.map((s) => s.size)).toEqual([28, 64]);
    for (const s of d.sizes) {
      expect(s.level).toBe('samples');
      expect(s.status).toBe('changed');
      expect(s.changed.map((c) => c.image_id).sort()).toEqual([...CHANGED].sort());
      expect(s.disappeared.map((c) => c.image_id)).toEqual([GONE]);
      expect(s.disappeared[0]!.split).toBe(a.get(GONE));
      expect(s.appeared.map((c) => c.image_id)).toEqual([ADDED]);
      expect(s.appeared[0]!.split).toBe(b.get(ADDED));
      expect(s.moved.map((m) => m.image_id).sort()).toEqual(moved);
      for (const c of s.changed) expect([c.a.split, c.b.split]).toEqual([a.get(c.image_id), b.get(c.image_id)]);
    }
    const text = cli('diff', outA, outB);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('dermamnist: changed\n');
    // The same samples differ at both sizes: listed once for the two.
    expect(text.stdout).toMatch(new RegExp(`sizes 28, 64: 2 changed, 1 appeared, 1 disappeared, ${moved.length} moved split`));
    for (const id of CHANGED) expect(text.stdout).toMatch(new RegExp(`changed +${id}  (train|val|test)\\[\\d+\\] -> (train|val|test)\\[\\d+\\]`));
    expect(text.stdout).toMatch(new RegExp(`disappeared +${GONE}`));
    expect(text.stdout).toMatch(new RegExp(`appeared +${ADDED}`));
    expect(text.stdout).toMatch(/1 dataset changed, 0 appeared, 0 disappeared, 0 unchanged\n$/);
  });

  it('compares the folders, not their locks: a corrupted file and a deleted file in either folder', async () => {
    const copy = await copyDir(outA, join(tmp, 'copy'));
    expect(cli('diff', outA, copy).code).toBe(0);
    // A corrupted Parquet file... (built with npz only: add parquet and png to both first)
    const a2 = join(tmp, 'a2');
    convertCli(rawOf(outA), a2, '--format', 'npz,parquet,png');
    const b2 = await copyDir(a2, join(tmp, 'b2'));
    await flipByte(join(b2, 'dermamnist_64_train.parquet'));
    const pngs = execFileSync('find', [join(b2, 'dermamnist'), '-name', '*.png'], { encoding: 'utf8' }).trim().split('\n');
    await rm(pngs[0]!);
    for (const [x, y, side] of [[a2, b2, 'b'], [b2, a2, 'a']] as const) {
      const r = cli('diff', x, y, '--json');
      expect(r.code, r.stderr).toBe(1);
      const d = (JSON.parse(r.stdout) as DiffReport).datasets[0]!;
      expect(d.status).toBe('changed');
      const names = d.files.map((f) => f.name).sort();
      expect(names).toEqual(['dermamnist', 'dermamnist_64_train.parquet']);
      const png = d.files.find((f) => f.name === 'dermamnist')!;
      expect(png.detail).toContain(`only in ${side === 'b' ? 'a' : 'b'}`);
      const s64 = d.sizes.find((s) => s.size === 64)!;
      expect(s64.problems?.join('\n')).toMatch(new RegExp(`${side}: dermamnist_64 \\(parquet\\) cannot be decoded`));
      const s28 = d.sizes.find((s) => s.size === 28)!;
      expect(s28.problems?.join('\n')).toMatch(new RegExp(`${side}: dermamnist \\(png\\) cannot be decoded`));
      const text = cli('diff', x, y);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('files: 2 differ');
      expect(text.stdout).toMatch(/1 dataset changed/);
    }
    // --locks-only trusts the locks, which still agree.
    expect(cli('diff', a2, b2, '--locks-only').code).toBe(0);
  });

  it('reports no difference between identical builds (exit 0), with or without their locks', async () => {
    const same = await copyDir(outA, join(tmp, 'same'));
    await rm(join(same, 'datasets.lock.json'));
    const r = cli('diff', outA, same);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe('0 datasets changed, 0 appeared, 0 disappeared, 1 unchanged\n');
  });

  it('compares two bare lock files by split, and finds a dataset that disappeared', async () => {
    await copyFile(join(outA, 'datasets.lock.json'), join(tmp, 'a.lock.json'));
    await copyFile(join(outB, 'datasets.lock.json'), join(tmp, 'b.lock.json'));
    const r = cli('diff', join(tmp, 'a.lock.json'), join(tmp, 'b.lock.json'), '--json');
    expect(r.code).toBe(1);
    const d = (JSON.parse(r.stdout) as DiffReport).datasets[0]!;
    expect(d.sizes.map((s) => [s.size, s.level, s.status])).toEqual([[28, 'splits', 'changed'], [64, 'splits', 'changed']]);
    // Which splits differ, by numpy comparing the arrays themselves.
    const py = `
import json, sys
import numpy as np
out = {}
for size, name in ((28, 'dermamnist.npz'), (64, 'dermamnist_64.npz')):
    a, b = np.load(sys.argv[1] + '/' + name), np.load(sys.argv[2] + '/' + name)
    out[str(size)] = [s for s in ('train', 'val', 'test')
                      if not (np.array_equal(a[s + '_images'], b[s + '_images']) and np.array_equal(a[s + '_labels'], b[s + '_labels']))]
print(json.dumps(out))
`;
    const expected = JSON.parse(pythonOk(py, [outA, outB])) as Record<string, string[]>;
    for (const s of d.sizes) expect(s.changedSplits).toEqual(expected[String(s.size)]);
    expect(expected['28']!.length).toBeGreaterThan(0);
    const gone = cli('diff', outA, join(tmp, 'empty.lock.json'));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('does not exist');
    await writeFile(join(tmp, 'empty.lock.json'), '{"lockfileVersion": 1, "datasets": {}}\n');
    const dis = cli('diff', outA, join(tmp, 'empty.lock.json'));
    expect(dis.code).toBe(1);
    expect(dis.stdout).toContain('dermamnist: disappeared');
  });
});
