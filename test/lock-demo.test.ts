// The repository's datasets.lock.json locks the demo release. This rebuilds the demo exactly as the
// lock was made (src/lock/demo-lock.ts: every registered source and format) and verifies it, so an
// unintended change of any output byte fails CI. After a deliberate change, regenerate the lock:
//   npm run build && node scripts/update-demo-lock.mjs
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERTERS } from '../converters/index.js';
import { DEMO_COUNT, DEMO_SEED } from '../src/cli/demo.js';
import { FORMATS } from '../src/formats/index.js';
import { DEMO_LOCK_SIZES, demoLockArgs } from '../src/lock/demo-lock.js';
import { readLock, type Lockfile } from '../src/lock/lockfile.js';
import { bundledOfficial } from '../src/lock/official.js';
import { cli } from './lock-helpers.js';
import { cleanupTempDirs, ROOT, tempDir } from './support/run-cli.js';

const REPO_LOCK = join(ROOT, 'datasets.lock.json');
const REGENERATE = 'Regenerate it deliberately with `npm run build && node scripts/update-demo-lock.mjs` and review the diff.';
let tmp: string;
let out: string;
let lock: Lockfile;
let demo: { code: number; stderr: string };

beforeAll(async () => {
  tmp = tempDir('demo-lock');
  lock = await readLock(REPO_LOCK);
  out = join(tmp, 'out');
  demo = cli(...demoLockArgs(out));
});
afterAll(cleanupTempDirs);

describe('repository datasets.lock.json', () => {
  it('locks every registered source, format and the demo sizes', () => {
    const flags = CONVERTERS.flatMap((c) => c.datasets.map((d) => d.flag)).sort();
    expect(Object.keys(lock.datasets).sort(), REGENERATE).toEqual(flags);
    for (const [flag, d] of Object.entries(lock.datasets)) {
      expect(d.recipe.formats, `${flag}: ${REGENERATE}`).toEqual(FORMATS.map((f) => f.name).sort());
      expect(d.recipe.sizes).toEqual([...DEMO_LOCK_SIZES]);
      expect(d.recipe.split).toEqual({ strategy: 'official', seed: DEMO_SEED });
    }
  });

  it('rebuilds the demo byte for byte (verify --content)', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli('verify', out, '--lock', REPO_LOCK, '--content');
    expect(r.code, `${r.stdout}${r.stderr}\n${REGENERATE}`).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('re-fits the reference model to the locked semantic fingerprints (verify --semantic)', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli('verify', out, '--lock', REPO_LOCK, '--semantic');
    expect(r.code, `${r.stdout}${r.stderr}\n${REGENERATE}`).toBe(0);
    expect(r.stderr).toMatch(/7 reference-model fingerprints match/);
  });

  it('locks the raw fake downloads too (verify --inputs)', async () => {
    const args: string[] = [];
    for (const c of CONVERTERS) {
      const dir = join(tmp, 'raw', c.source.id);
      await c.writeFakeDownload(dir, { count: DEMO_COUNT, seed: DEMO_SEED });
      args.push('--inputs', `${c.source.id}=${dir}`);
    }
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli('verify', out, '--lock', REPO_LOCK, ...args, '--json');
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(r.stdout) as { checkedInputs: number };
    expect(report.checkedInputs).toBe(Object.values(lock.datasets).reduce((a, d) => a + d.inputs.files.length, 0));
  });

  it('carries the published MD5 of every official MedMNIST NPZ (from the catalog)', () => {
    const official = bundledOfficial();
    expect(lock.official).toEqual(official);
    const names = Object.keys(official.files);
    // 12 2D datasets at 28/64/128/224 and 6 3D datasets at 28/64 (MedMNIST v3.0.2 info.py).
    expect(names).toHaveLength(60);
    expect(names.filter((n) => n.includes('3d'))).toHaveLength(12);
    expect(names).toContain('pathmnist_224.npz');
    expect(names).toContain('synapsemnist3d_64.npz');
    // Spot checks against MedMNIST's info.py as published.
    expect(official.files['pathmnist.npz']!.md5).toBe('a8b06965200029087d5bd730944a56c1');
    expect(official.files['dermamnist.npz']!.md5).toBe('0744692d530f8e62ec473284d019b0c7');
    for (const [name, f] of Object.entries(official.files)) {
      expect(f.url).toBe(`https://zenodo.org/records/10519652/files/${name}?download=1`);
    }
    // Sorted by name, so the lock's bytes do not follow the catalog's order.
    expect(names).toEqual([...names].sort());
  });
});
