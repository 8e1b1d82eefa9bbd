// `build` over fake downloads of every source, through the real CLI: everything built with one lock;
// a second run skips everything; a changed raw file rebuilds only its dataset; a build killed half-way
// (SIGKILL) and run again ends byte-identical to an uninterrupted one; one broken source does not lose
// the others; `--prune` drops datasets not asked for.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../src/engine/build.js';
import { cleanupTempDirs, cliAsync, pythonOk, tempDir, type Run } from './support/run-cli.js';
import { copyDir } from './lock-helpers.js';

let tmp: string;
let downloads: string;
const env = { MEDMNIST_BUILD_DEBUG: '' };

async function build(out: string, ...extra: string[]): Promise<Run> {
  return cliAsync(['build', '--downloads', downloads, '--out', out, '--workers', '2', ...extra], { env });
}

async function buildJson(out: string, ...extra: string[]): Promise<BuildReport> {
  const r = await build(out, '--json', ...extra);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BuildReport;
}

/** Every output file (dot files aside: the folder lock and the input stat cache) with its bytes. */
async function contents(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (rel.startsWith('.')) continue;
    out.set(rel, (await readFile(join(dir, rel))).toString('base64'));
  }
  return out;
}

const statuses = (r: BuildReport): Record<string, string> => Object.fromEntries(r.rows.map((x) => [x.flag, x.status]));

beforeAll(async () => {
  tmp = tempDir('build');
  downloads = join(tmp, 'downloads');
  // The demo writes a fake download of every source in its real layout, and keeps it.
  const r = await cliAsync(['demo', '--out', join(tmp, 'demo'), '--downloads', downloads, '--count', '40'], { env });
  expect(r.code, r.stderr).toBe(0);
}, 300_000);
afterAll(cleanupTempDirs);

describe('build', () => {
  const A = (): string => join(tmp, 'A');

  it('builds every dataset whose download is found, with one lock, then skips all of them', async () => {
    const first = await buildJson(A());
    expect(first.rows).toHaveLength(13);
    expect(new Set(first.rows.map((x) => x.status))).toEqual(new Set(['built']));
    const lock = JSON.parse(await readFile(join(A(), 'datasets.lock.json'), 'utf8')) as { datasets: Record<string, unknown> };
    expect(Object.keys(lock.datasets).sort()).toEqual(first.rows.map((x) => x.flag).sort());
    for (const row of first.rows) expect(row.counts!.train + row.counts!.val + row.counts!.test).toBeGreaterThan(0);
    const again = await build(A());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 built, 13 up to date, 0 failed, 0 without a download in [\d.]+ s/);
    const t = Number(/in ([\d.]+) s\n/.exec(again.stdout)![1]);
    expect(t).toBeLessThan(first.seconds);
    const verify = await cliAsync(['verify', A()], { env });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 300_000);

  it('rebuilds only the dataset whose raw file changed, to the bytes a fresh build writes', async () => {
    const img = join(downloads, 'kermany-oct', 'OCT2017', 'test');
    const file = pythonOk(`import glob,sys; print(sorted(glob.glob(sys.argv[1] + '/*/*.jpeg'))[0])`, [img]).trim();
    // New pixels in one image, written by Pillow (an independent encoder).
    pythonOk(`from PIL import Image; import sys; im = Image.open(sys.argv[1]).convert('L'); im.putpixel((0, 0), 255 - im.getpixel((0, 0))); im.save(sys.argv[1], quality=95)`, [file]);
    const r = await buildJson(A());
    expect(statuses(r)['octmnist']).toBe('built');
    expect(r.rows.find((x) => x.flag === 'octmnist')!.reason).toMatch(/input modified: OCT2017\/test\//);
    expect(r.rows.filter((x) => x.status === 'built')).toHaveLength(1);
    // The fresh build every other comparison is made against.
    const fresh = join(tmp, 'fresh');
    await buildJson(fresh);
    expect(await contents(A())).toEqual(await contents(fresh));
  }, 300_000);

  it('completes a build killed half-way, ending byte-identical to an uninterrupted build', async () => {
    const killed = join(tmp, 'killed');
    // SIGKILL at the 200th sample packed: a few sources are committed, one is half-written.
    const r = await cliAsync(['build', '--downloads', downloads, '--out', killed, '--workers', '2'], { env: { ...env, MEDMNIST_BUILD_TEST_POINT: 'pack-record#200' } });
    expect(r.code).not.toBe(0);
    const partial = JSON.parse(await readFile(join(killed, 'datasets.lock.json'), 'utf8')) as { datasets: Record<string, unknown> };
    const done = Object.keys(partial.datasets).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(13);
    expect((await readdir(killed)).some((n) => n.startsWith('.medmnist-build-tmp-'))).toBe(true);
    const again = await build(killed, '--json');
    expect(again.code, again.stderr).toBe(0);
    // The stale staging folder is recognised and removed, and said so.
    expect(again.stderr).toMatch(/removed 1 temporary folder .* left by an interrupted run/);
    const rows = (JSON.parse(again.stdout) as BuildReport).rows;
    expect(rows.filter((x) => x.status === 'up to date')).toHaveLength(done);
    expect(rows.filter((x) => x.status === 'built')).toHaveLength(13 - done);
    expect(await contents(killed)).toEqual(await contents(join(tmp, 'fresh')));
  }, 300_000);

  it('keeps building when one source fails, reports it, and exits 1', async () => {
    const dl = join(tmp, 'dl2');
    await copyDir(join(downloads, 'pbc'), join(dl, 'pbc'));
    await copyDir(join(downloads, 'ham10000'), join(dl, 'ham10000'));
    await rm(join(dl, 'ham10000', 'HAM10000_metadata.csv'));
    const out = join(tmp, 'partial');
    const r = await cliAsync(['build', '--downloads', dl, '--out', out, '--json'], { env });
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as BuildReport;
    const s = statuses(rep);
    expect(s['bloodmnist']).toBe('built');
    expect(s['dermamnist']).toBe('failed');
    expect(rep.rows.find((x) => x.flag === 'dermamnist')!.reason).toMatch(/HAM10000_metadata/);
    expect(s['chestmnist']).toBe('no download');
    expect(r.stderr).toMatch(/ham10000: failed/);
    const text = await cliAsync(['build', '--downloads', dl, '--out', out], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/dermamnist +ham10000 +- +- +- +- +- +failed/);
    expect(text.stdout).toMatch(/0 built, 1 up to date, 1 failed, 11 without a download/);
  }, 300_000);

  it('--prune drops datasets, sizes and formats not asked for this time', async () => {
    const out = join(tmp, 'prune');
    await buildJson(out, '--sources', 'pbc,busi', '--size', '28,64', '--format', 'npz,parquet');
    const r = await buildJson(out, '--sources', 'pbc', '--size', '64', '--format', 'parquet', '--prune');
    const s = statuses(r);
    expect(s['bloodmnist']).toBe('built');
    expect(s['breastmnist']).toBe('pruned');
    const names = (await readdir(out)).filter((n) => !n.startsWith('.')).sort();
    expect(names).toEqual(['bloodmnist.card.md', 'bloodmnist.croissant.json', 'bloodmnist.samples.csv', 'bloodmnist_64.json', 'bloodmnist_64_test.parquet', 'bloodmnist_64_train.parquet', 'bloodmnist_64_val.parquet', 'datasets.lock.json']);
    const v = await cliAsync(['verify', out], { env });
    expect(v.code, v.stdout + v.stderr).toBe(0);
  }, 300_000);

  it('checks its arguments before any work', async () => {
    const out = join(tmp, 'never');
    for (const [args, msg] of [
      [['--downloads', join(tmp, 'nope')], /--downloads .* is not a folder/],
      [['--downloads', downloads, '--sources', 'nosuch'], /nosuch/],
      [['--downloads', downloads, '--size', '0'], /--size 0/],
      [['--downloads', downloads, '--input', 'ham10000'], /--input "ham10000": expected SOURCE=DIR/],
    ] as const) {
      const r = await cliAsync(['build', '--out', out, ...args], { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const inside = await cliAsync(['build', '--downloads', downloads, '--out', join(downloads, 'out')], { env });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/--out .* lies inside --downloads/);
    await expect(readdir(out)).rejects.toThrow();
  }, 60_000);
});
