// `list` shows the 18 catalog datasets with licence and, for the six with a source, which source builds
// them; `demo` writes a fake download of every source
// and converts all of them (real CLI; the NPZ files load in numpy with MedMNIST's keys and shapes).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, cli, python, tempDir } from './support/run-cli.js';

// flag, source, the source's licence, channels (MedMNIST's own licence is CC-BY-4.0 except DermaMNIST).
const REGISTERED = [
  ['pathmnist', 'kather', 'CC-BY-4.0', 3],
  ['dermamnist', 'ham10000', 'CC-BY-NC-4.0', 3],
  ['octmnist', 'kermany-oct', 'CC-BY-4.0', 1],
  ['pneumoniamnist', 'kermany-cxr', 'CC-BY-4.0', 1],
  ['breastmnist', 'busi', 'NOASSERTION', 1],
  ['bloodmnist', 'pbc', 'CC-BY-4.0', 3],
  ['retinamnist', 'deepdrid', 'CC-BY-SA-4.0', 3],
  ['tissuemnist', 'bbbc051', 'NOASSERTION', 1],
  ['chestmnist', 'nih-cxr14', 'LicenseRef-NIH-CXR14', 1],
] as const;
/** The four Organ sets built by the lits source (flag, dims). */
const ORGAN = [
  ['organamnist', 2],
  ['organcmnist', 2],
  ['organsmnist', 2],
  ['organmnist3d', 3],
] as const;

interface Row {
  flag: string;
  source: string | null;
  license: string;
  sourceLicense?: string;
  homepage?: string;
  n_channels: number;
  dims: number;
  labels: string[];
  n_samples: { train: number; val: number; test: number };
}

let dir = '';
beforeAll(() => {
  dir = tempDir('demo');
});
afterAll(cleanupTempDirs);

describe('list and demo', () => {
  it('list shows all 18 catalog datasets, and the six with licence and source', () => {
    const r = cli(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows).toHaveLength(18);
    for (const [flag, source, sourceLicense, ch] of REGISTERED) {
      const row = rows.find((x) => x.flag === flag);
      expect(row, flag).toBeDefined();
      expect(row).toMatchObject({ source, sourceLicense, license: flag === 'dermamnist' ? 'CC-BY-NC-4.0' : 'CC-BY-4.0', n_channels: ch, dims: 2 });
      expect(row!.homepage).toMatch(/^https:\/\//);
    }
    const organ3d = rows.find((x) => x.flag === 'organmnist3d')!;
    expect(organ3d).toMatchObject({ source: 'lits', sourceLicense: 'CC-BY-NC-SA-4.0', dims: 3, n_channels: 1, license: 'CC-BY-4.0', n_samples: { train: 971, val: 161, test: 610 } });
    expect(organ3d.labels).toHaveLength(11);
    for (const [flag, dims] of ORGAN) expect(rows.find((x) => x.flag === flag), flag).toMatchObject({ source: 'lits', dims });
    expect(rows.filter((x) => x.source !== null).map((x) => x.flag).sort()).toEqual([...REGISTERED.map(([f]) => f), ...ORGAN.map(([f]) => f)].sort());
    const text = cli(['list']).stdout;
    for (const [flag, source, sourceLicense] of REGISTERED) expect(text).toMatch(new RegExp(`${flag}\\s+${source}\\s.*${sourceLicense}`));
    expect(text).toMatch(/chestmnist\s+nih-cxr14\s+multi-label, binary-class\s+14\s+1\s+2D\s+78468\/11219\/22433\s+CC-BY-4.0\s+LicenseRef-NIH-CXR14/);
    expect(text).toMatch(/synapsemnist3d\s+-\s+binary-class\s+2\s+1\s+3D\s+1230\/177\/352\s+CC-BY-4.0/);
  });

  it('demo converts every source, and numpy reads every NPZ', () => {
    const out = join(dir, 'demo');
    const r = cli(['demo', '--out', out, '--count', '24', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { datasets: { source: string; datasets: { flag: string; counts: Record<string, number> }[] }[] };
    const flags = summary.datasets.flatMap((d) => d.datasets.map((x) => [x.flag, d.source]));
    expect(flags).toEqual([...REGISTERED.map(([f, s]) => [f, s]), ...ORGAN.map(([f]) => [f, 'lits'])]);
    for (const d of summary.datasets.flatMap((x) => x.datasets)) {
      expect(d.counts['train'], d.flag).toBeGreaterThan(0);
      expect(d.counts['val'], d.flag).toBeGreaterThan(0);
      expect(d.counts['test'], d.flag).toBeGreaterThan(0);
    }
    const py = python(
      `import numpy as np, sys, json
out = {}
for flag in sys.argv[2:]:
    z = np.load(sys.argv[1] + "/" + flag + ".npz")
    out[flag] = {k: list(z[k].shape) for k in sorted(z.files)}
print(json.dumps(out))`,
      [out, ...REGISTERED.map(([f]) => f)],
    );
    expect(py.code, py.stderr).toBe(0);
    const shapes = JSON.parse(py.stdout) as Record<string, Record<string, number[]>>;
    for (const [flag, , , ch] of REGISTERED) {
      expect(Object.keys(shapes[flag]!)).toEqual(['test_images', 'test_labels', 'train_images', 'train_labels', 'val_images', 'val_labels']);
      expect(shapes[flag]!['train_images']!.slice(1)).toEqual(ch === 3 ? [28, 28, 3] : [28, 28]);
    }
  });
});
