// The three build stages through the real CLI on a fake HAM10000 download: `plan`, `process --shard
// 0/3, 1/3, 2/3` (in a different order, one run twice) and `pack` write files byte-identical to one
// `convert`, lock included; pack names a missing shard and the command that redoes it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { cleanupTempDirs, cliAsync as cli, tempDir } from './support/run-cli.js';

let dir = '';
let input = '';
beforeAll(async () => {
  dir = tempDir('stages');
  input = join(dir, 'raw');
  await ham10000.writeFakeDownload(input, { count: 24, seed: 3 });
});
afterAll(cleanupTempDirs);

function files(root: string, sub = ''): string[] {
  return readdirSync(join(root, sub))
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (statSync(join(root, sub, n)).isDirectory() ? files(root, join(sub, n)) : [join(sub, n)]))
    .sort();
}

describe('plan / process / pack', () => {
  it('three shards packed give the bytes of one convert, in every format', async () => {
    const common = ['--size', '28,64', '--format', 'npz,arrow,parquet,png', '--seed', '2'];
    const one = join(dir, 'one');
    let r = await cli(['convert', '--source', 'ham10000', '--input', input, '--out', one, ...common]);
    expect(r.code, r.stderr).toBe(0);

    const plan = join(dir, 'plan.json');
    r = await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, ...common]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dermamnist: train');
    const shards = join(dir, 'shards');
    for (const i of [2, 0, 1]) {
      r = await cli(['process', '--plan', plan, '--shard', `${i}/3`, '--shards', shards]);
      expect(r.code, r.stderr).toBe(0);
    }
    // A re-run of a finished shard is skipped.
    r = await cli(['process', '--plan', plan, '--shard', '1/3', '--shards', shards, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ skipped: true });

    const packed = join(dir, 'packed');
    r = await cli(['pack', '--plan', plan, '--shards', shards, '--count', '3', '--out', packed]);
    expect(r.code, r.stderr).toBe(0);
    const names = files(one);
    expect(names.length).toBeGreaterThan(30);
    expect(files(packed)).toEqual(names);
    for (const n of names) expect(readFileSync(join(packed, n)).equals(readFileSync(join(one, n))), n).toBe(true);
  });

  it('pack refuses a missing shard, naming it and the command to run, and writes nothing', async () => {
    const plan = join(dir, 'plan2.json');
    expect((await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan])).code).toBe(0);
    const shards = join(dir, 'shards2');
    expect((await cli(['process', '--plan', plan, '--shard', '0/2', '--shards', shards])).code).toBe(0);
    const out = join(dir, 'packed2');
    const r = await cli(['pack', '--plan', plan, '--shards', shards, '--count', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shard-1-of-2');
    expect(r.stderr).toContain('--shard 1/2');
    expect(() => statSync(out)).toThrow();
  });

  it('refuses a bad --shard before any work', async () => {
    const r = await cli(['process', '--plan', join(dir, 'nope.json'), '--shard', '3/3', '--shards', join(dir, 's')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard 3/3');
  });
});
