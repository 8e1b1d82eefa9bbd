// The parts that keep a 236k-item build's memory small: the compact list of hashed files, the reused
// read buffers of the item loop, and the collection a build asks for between its phases.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { collectGarbage } from '../src/core/heap.js';
import { ReadBuffers } from '../src/engine/read-buffers.js';
import { HashedFileList } from '../src/lock/hashed-files.js';

const dir = mkdtempSync(join(tmpdir(), 'memory-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('HashedFileList', () => {
  test('gives back every file as added, past its expected size, in order', () => {
    const files = Array.from({ length: 2500 }, (_, i) => ({ path: `F33/T/Nuc_${i}.tif`, bytes: i * 1000 + (i % 7), sha256: sha(String(i)) }));
    files.push({ path: 'big.nii', bytes: 2 ** 40 + 3, sha256: sha('big') });
    const list = new HashedFileList(10);
    for (const f of files) list.add(f);
    expect(list.length).toBe(files.length);
    expect([...list]).toEqual(files);
    expect(list.path(1234)).toBe('F33/T/Nuc_1234.tif');
    expect(HashedFileList.of(files).at(2500)).toEqual(files[2500]);
  });

  test('refuses a digest that is not 64 lowercase hex digits', () => {
    const list = new HashedFileList();
    expect(() => list.add({ path: 'a', bytes: 1, sha256: 'xyz' })).toThrow(/a: "xyz" is not a SHA-256 in hex/);
    expect(() => list.add({ path: 'b', bytes: 1, sha256: sha('b').toUpperCase() })).toThrow(/is not a SHA-256/);
    expect(list.length).toBe(0);
  });
});

describe('ReadBuffers', () => {
  const sizes = [0, 1, 4095, 4096, 4097, 70_000, 3 << 20];
  const paths = sizes.map((n, i) => {
    const p = join(dir, `f${i}`);
    writeFileSync(p, Buffer.from(Array.from({ length: n }, (_, k) => (k * 31 + i) & 255)));
    return p;
  });

  test('reads every file whole, reusing buffers, each read the same bytes as readFileSync', () => {
    const rb = new ReadBuffers(4);
    for (let round = 0; round < 3; round++) {
      for (const p of paths) {
        const got = rb.read(p);
        expect(Buffer.compare(got, readFileSync(p))).toBe(0);
        rb.release(got);
      }
    }
  });

  test('a buffer still in use is not handed out again', () => {
    const rb = new ReadBuffers(4);
    const a = rb.read(paths[2]!);
    const view = a.subarray(10, 20); // e.g. a loader that kept a view of the file
    const before = Buffer.from(view);
    rb.release(a, [view]);
    const b = rb.read(paths[3]!);
    expect(b.buffer).not.toBe(a.buffer);
    expect(Buffer.compare(view, before)).toBe(0);
  });

  test('a file larger than its stat said (/proc) is read to its end', () => {
    const rb = new ReadBuffers(2);
    const got = rb.read('/proc/self/status');
    expect(got.toString('utf8')).toMatch(/^Name:/);
    expect(got.toString('utf8')).toMatch(/VmRSS:/);
  });

  test('a missing file throws ENOENT', () => {
    expect(() => new ReadBuffers(1).read(join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});

describe('collectGarbage', () => {
  test('collects what is no longer reachable', async () => {
    let big: number[][] | null = Array.from({ length: 1000 }, (_, i) => [i]);
    const ref = new WeakRef(big);
    big = null;
    await new Promise((r) => setImmediate(r)); // a WeakRef's target is kept until the job ends
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
  });
});
