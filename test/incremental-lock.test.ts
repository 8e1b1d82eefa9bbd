// The lock describes everything in its folder across runs (issue 16), through the real CLI: adding a
// size and a format adds to the lock; an up-to-date build (also under --frozen) rebuilds nothing;
// --prune leaves only what was asked; a recipe change rebuilds what the folder holds; verify passes
// after each step and numpy / DuckDB read what the lock lists.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, convertCli } from './lock-helpers.js';
import { convertedFixture } from './lock-helpers.js';
import { pythonOk } from './support/run-cli.js';

const f = convertedFixture('incremental');

interface LockView {
  datasets: Record<string, { recipe: { sizes: number[]; formats: string[]; split: { seed: number } }; sizes: Record<string, { formats: Record<string, unknown> }> }>;
}

async function lockOf(out: string): Promise<LockView['datasets'][string]> {
  return (JSON.parse(await readFile(join(out, 'datasets.lock.json'), 'utf8')) as LockView).datasets['dermamnist']!;
}

const formatsBySize = (d: LockView['datasets'][string]): Record<string, string[]> =>
  Object.fromEntries(Object.entries(d.sizes).map(([s, x]) => [s, Object.keys(x.formats).sort()]));

async function outputs(out: string): Promise<string[]> {
  return (await readdir(out)).filter((n) => !n.startsWith('.')).sort();
}

function convert(out: string, ...args: string[]) {
  return cli('convert', '--source', 'ham10000', '--input', f.raw, '--out', out, '--workers', '2', ...args);
}

describe('incremental lock', () => {
  it('adds a size and a format to the folder, verify passes, and the lock lists both', async () => {
    const out = join(f.tmp, 'inc');
    expect(convert(out, '--size', '28', '--format', 'npz').code).toBe(0);
    const r = convert(out, '--size', '64', '--format', 'parquet');
    expect(r.code, r.stderr).toBe(0);
    const d = await lockOf(out);
    expect(formatsBySize(d)).toEqual({ '28': ['npz'], '64': ['parquet'] });
    expect(d.recipe.sizes).toEqual([28, 64]);
    expect(d.recipe.formats).toEqual(['npz', 'parquet']);
    const v = cli('verify', out);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // Both kept outputs are whole: numpy reads the 28-px NPZ, pyarrow-free Python reads the Parquet footer magic.
    const shapes = pythonOk(`import numpy as np, sys; z = np.load(sys.argv[1] + '/dermamnist.npz'); print(z['train_images'].shape[1:], open(sys.argv[1] + '/dermamnist_64_train.parquet', 'rb').read()[-4:])`, [out]);
    expect(shapes.trim()).toBe("(28, 28, 3) b'PAR1'");

    // Asking again for what is there: nothing is rebuilt, also under --frozen.
    for (const extra of [[], ['--frozen']]) {
      const again = convert(out, '--size', '64', '--format', 'parquet', ...extra);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('dermamnist: up to date (2 sizes in the lock), nothing rebuilt');
    }

    // --prune: only what is asked stays, in the folder and in the lock.
    const p = convert(out, '--size', '64', '--format', 'parquet', '--prune');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/--prune drops: 28 npz/);
    expect(formatsBySize(await lockOf(out))).toEqual({ '64': ['parquet'] });
    expect(await outputs(out)).toEqual(['datasets.lock.json', 'dermamnist.card.md', 'dermamnist.croissant.json', 'dermamnist.samples.csv', 'dermamnist_64.json', 'dermamnist_64_test.parquet', 'dermamnist_64_train.parquet', 'dermamnist_64_val.parquet']);
    const v2 = cli('verify', out);
    expect(v2.code, v2.stdout + v2.stderr).toBe(0);
  });

  it('adding a format to a size already there rebuilds that size with both, so its metadata lists both', async () => {
    const out = join(f.tmp, 'fmt');
    expect(convert(out, '--size', '28', '--format', 'npz').code).toBe(0);
    expect(convert(out, '--size', '28', '--format', 'parquet').code).toBe(0);
    expect(formatsBySize(await lockOf(out))).toEqual({ '28': ['npz', 'parquet'] });
    const meta = JSON.parse(await readFile(join(out, 'dermamnist.json'), 'utf8')) as { files: { name: string }[] };
    expect(meta.files.map((x) => x.name)).toEqual(expect.arrayContaining(['dermamnist.npz', 'dermamnist_train.parquet']));
    expect(cli('verify', out).code).toBe(0);
  });

  it('a recipe change rebuilds every size the folder holds, not only the one asked', async () => {
    const out = join(f.tmp, 'seed');
    convertCli(f.raw, out, '--split', 'grouped');
    // Another split moves samples between splits, so the reference model's metrics move too: accepted.
    const r = convert(out, '--size', '28', '--split', 'grouped', '--seed', '7', '--accept-drift');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dermamnist: rebuilding: recipe split\.seed: 0 -> 7/);
    const d = await lockOf(out);
    expect(d.recipe.split.seed).toBe(7);
    expect(formatsBySize(d)).toEqual({ '28': ['npz'], '64': ['npz'] });
    const v = cli('verify', out);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // Both sizes hold the same samples in the same order (one split), as samples.csv says.
    const same = pythonOk(
      `import numpy as np, sys; a = np.load(sys.argv[1] + '/dermamnist.npz'); b = np.load(sys.argv[1] + '/dermamnist_64.npz'); print(all((a[k + '_labels'] == b[k + '_labels']).all() for k in ('train', 'val', 'test')))`,
      [out],
    );
    expect(same.trim()).toBe('True');
  });

  it('rebuilds a size whose outputs were damaged or deleted, and only that size', async () => {
    const out = join(f.tmp, 'dmg');
    convertCli(f.raw, out);
    const before = await readFile(join(out, 'dermamnist.npz'));
    const { rm } = await import('node:fs/promises');
    await rm(join(out, 'dermamnist_64.npz'));
    const r = convert(out, '--size', '28');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/missing: dermamnist_64\.npz/);
    expect(await outputs(out)).toContain('dermamnist_64.npz');
    expect((await readFile(join(out, 'dermamnist.npz'))).equals(before)).toBe(true);
    expect(cli('verify', out).code).toBe(0);
  });
});
