import { writeFileSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { npyHeader, parseNpyHeader } from '../src/formats/npy.js';
import { NpzFile, readNpz } from '../src/formats/npz.js';
import { ZipWriter } from '../src/formats/zip.js';
import { cleanupTempDirs, python, tempDir } from './support/run-cli.js';

afterAll(cleanupTempDirs);

async function writeNpz(path: string, arrays: Record<string, { shape: number[]; data: Uint8Array }>, zip64Threshold?: number) {
  const zip = await ZipWriter.create(path, { zip64Threshold });
  for (const [key, a] of Object.entries(arrays)) {
    const h = npyHeader(a.shape);
    const m = await zip.beginStored(`${key}.npy`, h.length + a.data.length);
    await m.write(h);
    // Several writes, as the engine streams images one by one.
    for (let i = 0; i < a.data.length; i += 1000) await m.write(a.data.subarray(i, i + 1000));
    await m.end();
  }
  await zip.close();
}

describe('NPY headers', () => {
  test('byte-identical to numpy.save for many shapes', () => {
    const shapes = [[0, 28, 28], [1, 1], [7007, 28, 28, 3], [123456789, 1], [5], [10, 224, 224, 3], [3, 64, 64, 64], [2, 14]];
    const r = python(
      `
import io, json, sys, numpy as np
out = []
for shape in json.loads(sys.argv[1]):
    buf = io.BytesIO()
    # A zero-strided view: np.save writes the header of the full shape without allocating it.
    a = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=tuple(shape), strides=(0,) * len(shape))
    np.lib.format.write_array_header_1_0(buf, np.lib.format.header_data_from_array_1_0(a))
    out.append(buf.getvalue().hex())
print(json.dumps(out))
`,
      [JSON.stringify(shapes)],
    );
    expect(r.stderr).toBe('');
    const ref = JSON.parse(r.stdout) as string[];
    shapes.forEach((s, i) => expect(Buffer.from(npyHeader(s)).toString('hex')).toBe(ref[i]));
    for (const s of shapes) {
      const h = npyHeader(s);
      expect(h.length % 64).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
    }
  });

  test('reader rejects absurd shapes and bad magic', () => {
    const absurd = Buffer.from(npyHeader([2 ** 30, 2 ** 20]));
    expect(() => parseNpyHeader(absurd, 'x.npy')).toThrow(/absurd NPY shape/);
    expect(() => parseNpyHeader(Buffer.from('hello world, not numpy'), 'y.npy')).toThrow(/y.npy: not an NPY array/);
  });
});

describe('NPZ (stored ZIP, ZIP64)', () => {
  const arrays = {
    train_images: { shape: [3, 4, 5, 3], data: Uint8Array.from({ length: 180 }, (_, i) => (i * 37) & 255) },
    train_labels: { shape: [3, 1], data: Uint8Array.from([0, 6, 2]) },
    val_images: { shape: [0, 4, 5, 3], data: new Uint8Array(0) },
    val_labels: { shape: [0, 1], data: new Uint8Array(0) },
  };
  const check = `
import sys, zipfile, numpy as np
p = sys.argv[1]
assert zipfile.ZipFile(p).testzip() is None
d = np.load(p)
print(sorted(d.keys()))
print(d['train_images'].shape, d['train_images'].dtype, int(d['train_images'].astype(np.int64).sum()), d['train_labels'].ravel().tolist(), d['val_images'].shape)
`;

  for (const [name, threshold] of [['plain', undefined], ['forced ZIP64 records', 1]] as const) {
    test(`numpy and zipfile read it (${name}); our reader agrees`, async () => {
      const dir = tempDir('npz');
      const p = join(dir, 'a.npz');
      await writeNpz(p, arrays, threshold);
      const r = python(check, [p]);
      expect(r.stderr).toBe('');
      const sum = arrays.train_images.data.reduce((a, b) => a + b, 0);
      expect(r.stdout).toBe(`['train_images', 'train_labels', 'val_images', 'val_labels']\n(3, 4, 5, 3) uint8 ${sum} [0, 6, 2] (0, 4, 5, 3)\n`);
      const back = await readNpz(p);
      expect(back['train_images']!.shape).toEqual([3, 4, 5, 3]);
      expect(Buffer.from(back['train_images']!.data).equals(Buffer.from(arrays.train_images.data))).toBe(true);
      if (threshold) {
        // The ZIP64 end-of-central-directory record and locator are present.
        const bytes = readFileSync(p);
        expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
        expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
      }
    });
  }

  test('deterministic bytes', async () => {
    const dir = tempDir('npz');
    await writeNpz(join(dir, 'a.npz'), arrays);
    await writeNpz(join(dir, 'b.npz'), arrays);
    expect(readFileSync(join(dir, 'a.npz')).equals(readFileSync(join(dir, 'b.npz')))).toBe(true);
  });

  test('reader rejects a truncated archive and a truncated member with a clear error', async () => {
    const dir = tempDir('npz');
    const p = join(dir, 'a.npz');
    await writeNpz(p, arrays);
    const full = readFileSync(p);
    writeFileSync(join(dir, 'cut.npz'), full.subarray(0, 100));
    await expect(NpzFile.open(join(dir, 'cut.npz'))).rejects.toThrow(/cut.npz: not a ZIP\/NPZ file or truncated/);
    // Shrink the member's declared size in both headers: the NPY header then promises more data.
    const fh = await open(p, 'r+');
    const bad = Buffer.from(full);
    const cd = bad.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bad.writeUInt32LE(bad.readUInt32LE(cd + 20) - 10, cd + 20);
    bad.writeUInt32LE(bad.readUInt32LE(cd + 24) - 10, cd + 24);
    await fh.write(bad, 0, bad.length, 0);
    await fh.close();
    await expect(NpzFile.open(p)).rejects.toThrow(/train_images.npy: truncated or oversized member/);
  });
});
