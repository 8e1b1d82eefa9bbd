// The semantic fingerprint in the lock: recorded by convert, checked by convert and verify --semantic.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { cleanupTempDirs, cli, tempDir } from './support/run-cli.js';

let raw = '';
beforeAll(async () => {
  raw = tempDir('sem-raw');
  await ham10000.writeFakeDownload(raw, { count: 40, seed: 1 });
});
afterAll(cleanupTempDirs);

type Lock = { datasets: Record<string, { sizes: Record<string, { semantic?: { model: string; metrics: { auc: number; acc: number }; tolerance: number } }> }> };
const readLock = (dir: string) => JSON.parse(readFileSync(join(dir, 'datasets.lock.json'), 'utf8')) as Lock;
const build = (out: string, ...extra: string[]) => cli(['convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', ...extra]);

describe('semantic fingerprint', () => {
  test('convert records the reference model metrics at the smallest size; verify --semantic re-checks them', () => {
    const out = tempDir('sem-out');
    expect(build(out).code).toBe(0);
    const sizes = readLock(out).datasets['dermamnist']!.sizes;
    const fp = sizes['28']!.semantic!;
    expect(fp.model).toBe('logreg-v1');
    expect(fp.tolerance).toBe(0.02);
    expect(fp.metrics.auc).toBeGreaterThanOrEqual(0);
    expect(fp.metrics.auc).toBeLessThanOrEqual(1);
    expect(sizes['64']!.semantic).toBeUndefined();
    const v = cli(['verify', out, '--semantic']);
    expect(v.stderr).toMatch(/1 reference-model fingerprints match/);
    expect(v.code).toBe(0);
  });

  test('metrics moved beyond tolerance: convert refuses (nothing written) unless --accept-drift; verify --semantic fails', () => {
    const out = tempDir('sem-drift');
    expect(build(out).code).toBe(0);
    const lockFile = join(out, 'datasets.lock.json');
    const lock = readLock(out);
    const fp = lock.datasets['dermamnist']!.sizes['28']!.semantic!;
    const real = { ...fp.metrics };
    // Pretend an earlier build of this data gave a clearly better model (hashes alone would not notice).
    fp.metrics.acc = real.acc > 0.5 ? real.acc - 0.25 : real.acc + 0.25;
    writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');
    const tampered = readFileSync(lockFile);
    const npzBefore = readFileSync(join(out, 'dermamnist.npz'));

    const v = cli(['verify', out, '--semantic']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/semantic:\s+dermamnist \(reference model\)\s+\(ACC .* differs from the recorded .* \(> 0\.02\)\)/);

    // The outputs are up to date, so only a rebuild (--force) fits the model again.
    expect(build(out).stderr).toContain('dermamnist: up to date');
    const r = build(out, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/semantic drift: .*nothing was written[\s\S]*dermamnist size 28: ACC[\s\S]*--accept-drift/);
    expect(readFileSync(lockFile).equals(tampered)).toBe(true);
    expect(readFileSync(join(out, 'dermamnist.npz')).equals(npzBefore)).toBe(true);

    const ok = build(out, '--force', '--accept-drift');
    expect(ok.code).toBe(0);
    expect(readLock(out).datasets['dermamnist']!.sizes['28']!.semantic!.metrics).toEqual(real);
  });

  test('--no-fingerprint skips the fit and records none', () => {
    const out = tempDir('sem-none');
    expect(build(out, '--no-fingerprint').code).toBe(0);
    expect(readLock(out).datasets['dermamnist']!.sizes['28']!.semantic).toBeUndefined();
  });
});
