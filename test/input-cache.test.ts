// The stat cache of input hashes: streamed in path order, merged on save, ignored when damaged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { HashedFileList } from '../src/lock/hashed-files.js';
import { INPUT_CACHE_NAME, InputHashCache } from '../src/lock/input-cache.js';
import { compareUtf8, inputsManifestHash } from '../src/lock/inputs.js';
import type { LockInputs } from '../src/lock/lockfile.js';

const root = mkdtempSync(join(tmpdir(), 'input-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A download of `names` (with sub-folders), each file's content its name; files dated an hour ago. */
function download(name: string, names: string[]): { dir: string; abs: string[]; inputs: LockInputs } {
  const dir = join(root, name);
  const past = new Date(Date.now() - 3600_000);
  for (const n of names) {
    mkdirSync(join(dir, n, '..'), { recursive: true });
    writeFileSync(join(dir, n), n);
    utimesSync(join(dir, n), past, past);
  }
  const files = names.map((n) => ({ path: n, bytes: Buffer.byteLength(n), sha256: sha(n) })).sort((a, b) => compareUtf8(a.path, b.path));
  return { dir, abs: names.map((n) => join(dir, n)), inputs: { manifestSha256: inputsManifestHash(files), files } };
}

describe('input hash cache', () => {
  const out = join(root, 'out');
  mkdirSync(out, { recursive: true });
  const names = Array.from({ length: 300 }, (_, i) => `F${i % 3}/T/Nuc_${i}.tif`).concat(['ü/é.tif', 'tab\tname.tif', 'a b.tif']);
  const a = download('a', names);
  const b = download('b', ['x.png', 'y.png']);

  test('a recorded build is taken from a stat next time; what changed is hashed again', async () => {
    const c = InputHashCache.load(out);
    c.record(a.dir, HashedFileList.of(a.inputs.files), Date.now());
    c.record(b.dir, HashedFileList.of(b.inputs.files), Date.now());
    c.save();
    const text = readFileSync(join(out, INPUT_CACHE_NAME), 'utf8');
    const parsed = JSON.parse(text) as { version: number; files: [string, string, number, string, string, number][] };
    expect(parsed.version).toBe(2);
    expect(parsed.files.map((e) => e[0])).toEqual([...a.abs, ...b.abs].sort(compareUtf8));

    const again = InputHashCache.load(out);
    const got = await again.hashInputs(a.dir, a.abs);
    expect(again.rehashed).toBe(0);
    expect(got).toEqual(a.inputs);

    writeFileSync(join(a.dir, 'F1/T/Nuc_1.tif'), 'changed');
    const third = InputHashCache.load(out);
    const now = await third.hashInputs(a.dir, a.abs);
    expect(third.rehashed).toBe(1);
    expect(now.files.find((f) => f.path === 'F1/T/Nuc_1.tif')!.sha256).toBe(sha('changed'));
    // The fresh hash is saved with the other entries, which stay (b's too).
    third.save();
    const fourth = InputHashCache.load(out);
    expect(await fourth.hashInputs(a.dir, a.abs)).toEqual(now);
    expect(fourth.rehashed).toBe(0);
    expect(await fourth.hashInputs(b.dir, b.abs)).toEqual(b.inputs);
    expect(fourth.rehashed).toBe(0);
  });

  test('a damaged, foreign or disordered cache file is ignored from the damage on, never an error', async () => {
    const dir = join(root, 'damaged');
    mkdirSync(dir);
    const file = join(dir, INPUT_CACHE_NAME);
    for (const text of ['{"version":1,"files":{}}', 'garbage', '', `{"version":2,"files":[\n["${b.abs[1]}","${sha('y.png')}",5,"1","1",1],\n["${b.abs[0]}","${sha('x.png')}",5,"1","1",1]\n]}`]) {
      writeFileSync(file, text);
      const c = InputHashCache.load(dir);
      expect(await c.hashInputs(b.dir, b.abs)).toEqual(b.inputs);
      expect(c.rehashed).toBe(2);
    }
    // A FIFO in the cache's place is passed over, not waited on.
    rmSync(file);
    execFileSync('mkfifo', [file]);
    const c = InputHashCache.load(dir);
    expect(await c.hashInputs(b.dir, b.abs)).toEqual(b.inputs);
    expect(c.rehashed).toBe(2);
  });
});
