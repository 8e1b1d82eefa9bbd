// writeCanonicalJson streams a lock to disk in pieces (a lock lists every raw input: 50 MB of JSON for
// TissueMNIST's 236k stacks); it must write exactly canonicalJson's bytes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, writeCanonicalJson } from '../src/lock/canonical.js';
import { PACKAGE_ROOT } from '../src/version.js';

const dir = await mkdtemp(join(tmpdir(), 'canonical-stream-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function streamed(value: unknown): Promise<string> {
  const file = join(dir, 'out.json');
  writeCanonicalJson(file, value);
  return readFile(file, 'utf8');
}

describe('writeCanonicalJson', () => {
  it('writes canonicalJson byte for byte on awkward values', async () => {
    const values: unknown[] = [
      { b: 1, a: { d: [3, 1], c: 0.1 } },
      {},
      [],
      { e: {}, f: [], g: [[], {}], h: null, i: true, j: -0, k: 1e21, l: 5e-7 },
      { '10': 'x', '2': 'y', '01': 'z', '4294967295': 'big', '4294967294': 'last', b: 1, '': 0, A: 2 },
      { u: undefined, f: () => 1, s: Symbol('s'), keep: 'yes' },
      [undefined, () => 1, 1, 'a'],
      { text: 'quote " backslash \\ newline \n tab \t nul \u0000 é 😀 \ud800 \u2028' },
      'top-level string',
      42,
      null,
      { nested: { deeper: { deepest: [{ z: 1, y: [{ x: 'a' }] }] } } },
    ];
    for (const v of values) expect(await streamed(v)).toBe(canonicalJson(v));
  });

  it('writes a real lock, and one larger than its buffer, unchanged', async () => {
    const text0 = await readFile(join(PACKAGE_ROOT, 'datasets.lock.json'), 'utf8');
    expect(await streamed(JSON.parse(text0))).toBe(text0);
    const files = Array.from({ length: 30000 }, (_, i) => ({ path: `F33/CD_CNT/All_3D/Nuc_${i}.tif`, bytes: 7000 + i, sha256: (i % 16).toString(16).repeat(64) }));
    const big = { lockfileVersion: 1, datasets: { x: { inputs: { manifestSha256: 'f'.repeat(64), files } } } };
    const text = await streamed(big);
    expect(text.length).toBeGreaterThan(2 << 20);
    expect(text).toBe(canonicalJson(big));
  });

  it('refuses what canonical JSON cannot hold', async () => {
    await expect(streamed({ a: Number.NaN })).rejects.toThrow(/cannot hold NaN/);
    await expect(streamed([Infinity])).rejects.toThrow(/cannot hold Infinity/);
    // A piece longer than the buffer is written on its own.
    const long = { s: 'é'.repeat(600_000), t: ['x'.repeat(2_000_000)] };
    expect(await streamed(long)).toBe(canonicalJson(long));
  });
});
