// The lock file: schema, canonical form, merging, the content hash (checked against an independent
// numpy implementation of its definition), folder manifests (checked against sha256sum), and what
// convert writes and refuses (--lock, --frozen) through the real CLI.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/lock/canonical.js';
import { sha256File } from '../src/lock/hash.js';
import { emptyLock, mergeDatasets, readLock, validateLock, writeLock, type LockDataset, type Lockfile } from '../src/lock/lockfile.js';
import { cli, convertCli, convertedFixture, copyDir, snapshot } from './lock-helpers.js';
import { pythonOk } from './support/run-cli.js';

const fx = convertedFixture('lock');

const SEMANTIC = { model: 'resnet18_28.onnx', modelSha256: 'a'.repeat(64), split: 'test' as const, metrics: { auc: 0.91, acc: 0.73 }, tolerance: 0.01 };

describe('lock file', () => {
  it('records inputs, recipe, counts, files and content per size and format', () => {
    const d = fx.lock.datasets['dermamnist']!;
    expect(d.source).toBe('ham10000');
    // 40 images + the metadata CSV, paths relative to the --input folder.
    expect(d.inputs.files).toHaveLength(41);
    expect(d.inputs.files.map((f) => f.path)).toContain('HAM10000_metadata.csv');
    expect(d.inputs.files.every((f) => !f.path.startsWith('/') && !f.path.includes(fx.tmp))).toBe(true);
    expect(d.recipe).toMatchObject({ source: 'ham10000', dataset: 'dermamnist', sizes: [28, 64], formats: ['npz'], split: { strategy: 'official', seed: 0 } });
    expect(d.recipe.pixels).toEqual([{ op: 'convert', mode: 'RGB' }, { op: 'resize', filter: 'bicubic' }]);
    expect(d.counts.train + d.counts.val + d.counts.test).toBe(40);
    expect(Object.keys(d.sizes)).toEqual(['28', '64']);
    expect(d.sizes['64']!.formats['npz']!.files.map((f) => f.name)).toEqual(['dermamnist_64.npz']);
    expect(d.sizes['28']!.metadata.name).toBe('dermamnist.json');
    expect(d.samplesCsv.name).toBe('dermamnist.samples.csv');
  });

  it('hashes every output as sha256sum does', async () => {
    const d = fx.lock.datasets['dermamnist']!;
    const outputs = [d.samplesCsv, ...Object.values(d.sizes).flatMap((s) => [s.metadata, ...Object.values(s.formats).flatMap((f) => f.files)])];
    const sums = execFileSync('sha256sum', outputs.map((o) => o.name), { cwd: fx.out, encoding: 'utf8' });
    for (const o of outputs) expect(sums).toContain(`${o.sha256}  ${o.name}\n`);
  });

  it('is canonical JSON: sorted keys, 2-space indent, trailing newline', async () => {
    const text = await readFile(join(fx.out, 'datasets.lock.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 0.1 } })).toBe('{\n  "a": {\n    "c": 0.1,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('content hash matches an independent numpy implementation of its definition', () => {
    const py = `
import hashlib, json, struct, sys
import numpy as np
out = {}
for size, name in ((28, 'dermamnist.npz'), (64, 'dermamnist_64.npz')):
    z = np.load(sys.argv[1] + '/' + name)
    top = hashlib.sha256()
    for split in ('train', 'val', 'test'):
        imgs, labs = z[split + '_images'], z[split + '_labels']
        h = hashlib.sha256()
        for i in range(len(imgs)):
            lab, pix = labs[i].astype(np.uint8).tobytes(), imgs[i].astype(np.uint8).tobytes()
            s = hashlib.sha256(struct.pack('<I', len(lab)) + lab + struct.pack('<I', len(pix)) + pix).hexdigest()
            h.update(f'{i}:{s}\\n'.encode())
        top.update(f'{split}:{len(imgs)}:{h.hexdigest()}\\n'.encode())
    out[str(size)] = top.hexdigest()
print(json.dumps(out))
`;
    const got = JSON.parse(pythonOk(py, [fx.out])) as Record<string, string>;
    const d = fx.lock.datasets['dermamnist']!;
    expect(got).toEqual({ '28': d.sizes['28']!.content.sha256, '64': d.sizes['64']!.content.sha256 });
  });

  it('streams files across chunk boundaries exactly as sha256sum and md5sum hash them', async () => {
    const { md5File } = await import('../src/lock/hash.js');
    const cases = { empty: 0, small: 1000, chunk: 8 << 20, big: (17 << 20) + 3 };
    for (const [name, n] of Object.entries(cases)) {
      const p = join(fx.tmp, `blob-${name}`);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (i * 2654435761) >>> 24;
      await writeFile(p, b);
      const sha = execFileSync('sha256sum', [p], { encoding: 'utf8' }).slice(0, 64);
      const md5 = execFileSync('md5sum', [p], { encoding: 'utf8' }).slice(0, 32);
      expect(await sha256File(p), name).toEqual({ sha256: sha, bytes: n });
      expect(await md5File(p), name).toEqual({ md5, bytes: n });
    }
  });

  it('hashes a folder as the manifest of its files (path TAB sha256, sorted)', async () => {
    const dir = join(fx.tmp, 'folder');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'b.png'), 'bbb');
    await writeFile(join(dir, 'a_1.png'), 'a');
    await writeFile(join(dir, 'sub', 'c.png'), 'cc');
    const script = 'LC_ALL=C find . -type f -printf \'%P\\n\' | LC_ALL=C sort | while read -r f; do printf \'%s\\t%s\\n\' "$f" "$(sha256sum "$f" | cut -c1-64)"; done | sha256sum';
    const expected = execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' }).slice(0, 64);
    expect(await sha256File(dir)).toEqual({ sha256: expected, bytes: 6, files: 3 });
  });

  it('rejects a lock that breaks the schema, naming the file and the field', () => {
    const bad = structuredClone(fx.lock) as unknown as { datasets: Record<string, { counts: Record<string, unknown> }> };
    bad.datasets['dermamnist']!.counts['train'] = -1;
    expect(() => validateLock(bad, 'x.lock.json')).toThrow(/x\.lock\.json is not a valid lock file[\s\S]*\/datasets\/dermamnist\/counts\/train: must be >= 0/);
    expect(() => validateLock({ ...fx.lock, lockfileVersion: 2 }, 'y.json')).toThrow(/lockfileVersion 2 was written by a newer medmnist-build/);
    expect(() => validateLock({ ...fx.lock, extra: 1 }, 'z.json')).toThrow(/must NOT have additional properties 'extra'/);
  });

  it('merging keeps other datasets, the official section and semantic fingerprints (unless the build recorded a new one)', () => {
    const d = fx.lock.datasets['dermamnist']!;
    const other: LockDataset = { ...d, recipe: { ...d.recipe, dataset: 'othermnist' } };
    const base: Lockfile = {
      ...emptyLock(),
      datasets: { othermnist: other, dermamnist: { ...d, semantic: SEMANTIC, sizes: { ...d.sizes, '28': { ...d.sizes['28']!, semantic: SEMANTIC } } } },
      official: { release: 'r', files: { 'pathmnist.npz': { md5: 'b'.repeat(32), url: 'u' } } },
    };
    // A rebuild that recorded no fingerprint (--no-fingerprint) keeps the earlier ones.
    const sizes = Object.fromEntries(Object.entries(d.sizes).map(([k, v]) => [k, { ...v, semantic: undefined }]));
    const rebuilt: LockDataset = { ...d, semantic: undefined, sizes, counts: { train: 1, val: 2, test: 3 } };
    const m = mergeDatasets(base, { dermamnist: rebuilt });
    expect(Object.keys(m.datasets).sort()).toEqual(['dermamnist', 'othermnist']);
    expect(m.datasets['othermnist']).toEqual(other);
    expect(m.official).toEqual(base.official);
    expect(m.datasets['dermamnist']!.counts).toEqual({ train: 1, val: 2, test: 3 });
    expect(m.datasets['dermamnist']!.semantic).toEqual(SEMANTIC);
    expect(m.datasets['dermamnist']!.sizes['28']!.semantic).toEqual(SEMANTIC);
    expect(m.datasets['dermamnist']!.sizes['64']!.semantic).toBeUndefined();
    validateLock(JSON.parse(JSON.stringify(m)), 'merged');
    // A rebuild that recorded its own fingerprint replaces the earlier one.
    const fresh = { ...SEMANTIC, metrics: { auc: 0.5, acc: 0.25 } };
    const m2 = mergeDatasets(base, { dermamnist: { ...rebuilt, sizes: { ...sizes, '28': { ...sizes['28']!, semantic: fresh } } } });
    expect(m2.datasets['dermamnist']!.sizes['28']!.semantic).toEqual(fresh);
  });
});

describe('convert and the lock', () => {
  it('merges into an existing lock without dropping another dataset (--lock FILE)', async () => {
    const other = join(fx.tmp, 'merge.lock.json');
    const d = fx.lock.datasets['dermamnist']!;
    await writeLock(other, { ...emptyLock(), datasets: { othermnist: { ...d, semantic: SEMANTIC } } });
    const out2 = join(fx.tmp, 'out-merge');
    convertCli(fx.raw, out2, '--lock', other);
    const merged = await readLock(other);
    expect(Object.keys(merged.datasets).sort()).toEqual(['dermamnist', 'othermnist']);
    expect(merged.datasets['othermnist']!.semantic).toEqual(SEMANTIC);
    expect(merged.datasets['dermamnist']).toEqual(d);
    // --lock elsewhere: no lock in the output folder.
    expect(Object.keys(await snapshot(out2))).not.toContain('datasets.lock.json');
  });

  it('refuses to build against a lock that breaks the schema, before writing anything', async () => {
    const bad = join(fx.tmp, 'bad.lock.json');
    await writeFile(bad, '{"lockfileVersion": 1, "datasets": {"dermamnist": {"source": "ham10000"}}}\n');
    const r = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', join(fx.tmp, 'out-bad-lock'), '--lock', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} is not a valid lock file (schemas/lock.schema.json):`);
    expect(r.stderr).toContain("/datasets/dermamnist: must have required property 'inputs'");
    expect(await snapshot(join(fx.tmp, 'out-bad-lock'))).toEqual({});
  });

  it('writes nothing to the lock when the build fails', async () => {
    const lockPath = join(fx.tmp, 'fail.lock.json');
    const broken = await copyDir(fx.raw, join(fx.tmp, 'raw-broken'));
    // An image listed in the metadata that is not a JPEG: the build fails while decoding.
    const csv = await readFile(join(broken, 'HAM10000_metadata.csv'), 'utf8');
    const id = /ISIC_\d{7}/.exec(csv.split('\n')[1]!)![0];
    const part = (await snapshot(broken))[`HAM10000_images_part_1/${id}.jpg`] ? 'HAM10000_images_part_1' : 'HAM10000_images_part_2';
    await writeFile(join(broken, part, `${id}.jpg`), 'not a jpeg');
    const r = cli('convert', '--source', 'ham10000', '--input', broken, '--out', join(fx.tmp, 'out-fail'), '--lock', lockPath);
    expect(r.code).toBe(1);
    expect(await snapshot(join(fx.tmp, 'out-fail'))).toEqual({});
    await expect(readFile(lockPath)).rejects.toThrow(/ENOENT/);
  });

  it('--frozen passes and leaves everything as it was when nothing changed', async () => {
    const before = await snapshot(fx.out);
    const r = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', fx.out, '--size', '28,64', '--frozen');
    expect(r.code, r.stderr).toBe(0);
    expect(await snapshot(fx.out)).toEqual(before);
  });

  it('--frozen refuses a changed option or raw file before writing anything', async () => {
    const before = await snapshot(fx.out);
    const seed = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', fx.out, '--size', '28,64', '--frozen', '--seed', '5');
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain('--frozen: inputs or recipe differ');
    expect(seed.stderr).toContain('dermamnist recipe split.seed: 0 -> 5');
    // Asking for less than the lock holds is not a difference: 28 px is there and intact.
    const size = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', fx.out, '--size', '28', '--frozen');
    expect(size.code, size.stderr).toBe(0);
    expect(size.stderr).toContain('dermamnist: up to date');
    // Asking for more is: 128 px is not in the lock.
    const more = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', fx.out, '--size', '28,128', '--frozen');
    expect(more.code).toBe(1);
    expect(more.stderr).toContain('dermamnist recipe sizes: [28,64] -> [28,128]');
    const raw2 = await copyDir(fx.raw, join(fx.tmp, 'raw-frozen'));
    await writeFile(join(raw2, 'HAM10000_metadata.csv'), (await readFile(join(raw2, 'HAM10000_metadata.csv'), 'utf8')).replace('vidir_modern', 'vidir_molemax'));
    const input = cli('convert', '--source', 'ham10000', '--input', raw2, '--out', fx.out, '--size', '28,64', '--frozen');
    expect(input.code).toBe(1);
    expect(input.stderr).toMatch(/dermamnist input modified: HAM10000_metadata\.csv/);
    expect(await snapshot(fx.out)).toEqual(before);
    // A missing lock is refused too, and the output folder is not even created.
    const none = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', join(fx.tmp, 'out-none'), '--frozen');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--frozen needs an existing lock/);
    expect(await snapshot(join(fx.tmp, 'out-none'))).toEqual({});
  });

  it('--frozen refuses outputs whose hashes would differ and keeps none of them', async () => {
    const out3 = await copyDir(fx.out, join(fx.tmp, 'out-frozen-outputs'));
    const lockPath = join(out3, 'datasets.lock.json');
    const l = await readLock(lockPath);
    // Same inputs and recipe, but the lock says the 64px NPZ had other bytes.
    l.datasets['dermamnist']!.sizes['64']!.formats['npz']!.files[0]!.sha256 = '0'.repeat(64);
    await writeLock(lockPath, l);
    const before = await snapshot(out3);
    const r = cli('convert', '--source', 'ham10000', '--input', fx.raw, '--out', out3, '--size', '28,64', '--frozen');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--frozen: outputs differ');
    expect(r.stderr).toMatch(/dermamnist_64\.npz: would change \(\d+ bytes sha256 000000000000 -> /);
    expect(await snapshot(out3)).toEqual(before);
  });
});
