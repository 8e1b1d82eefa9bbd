// DermaMNIST from a fake HAM10000 download, through the real CLI, checked by numpy and Pillow.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { assertValid } from '../src/metadata/schemas.js';
import { BIN, cleanupTempDirs, cli, python, tempDir } from './support/run-cli.js';

let raw = '';
let out = '';
const COUNT = 40;

beforeAll(async () => {
  raw = tempDir('ham-raw');
  await ham10000.writeFakeDownload(raw, { count: COUNT, seed: 1 });
  out = tempDir('ham-out');
  const r = cli(['convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});
afterAll(cleanupTempDirs);

function filesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

// The fake's layout, Pillow-exact pixels and the five bad-input cases are in
// converters/ham10000/ham10000.test.ts (the converter harness); this file keeps the CLI-wide checks.
describe('convert --source ham10000', () => {
  test('numpy loads exactly the six keys, uint8, (N,S,S,3) and (N,1), counts by the official rule', () => {
    const r = python(
      `
import sys, json, numpy as np
res = {}
for name in ['dermamnist', 'dermamnist_64']:
    d = np.load(sys.argv[1] + '/' + name + '.npz')
    res[name] = {k: [list(d[k].shape), str(d[k].dtype)] for k in d.files}
print(json.dumps(res))`,
      [out],
    );
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout) as Record<string, Record<string, [number[], string]>>;
    const csv = readFileSync(join(out, 'dermamnist.samples.csv'), 'utf8').trim().split('\n').slice(1);
    const n = (s: string) => csv.filter((l) => l.startsWith(`${s},`)).length;
    for (const [name, size] of [['dermamnist', 28], ['dermamnist_64', 64]] as const) {
      expect(Object.keys(res[name]!)).toEqual(['train_images', 'train_labels', 'val_images', 'val_labels', 'test_images', 'test_labels']);
      for (const s of ['train', 'val', 'test']) {
        expect(res[name]![`${s}_images`]).toEqual([[n(s), size, size, 3], 'uint8']);
        expect(res[name]![`${s}_labels`]).toEqual([[n(s), 1], 'uint8']);
      }
    }
    expect(n('train') + n('val') + n('test')).toBe(COUNT);
    expect(n('train')).toBeGreaterThan(n('test'));
  });

  test('samples.csv carries provenance; F_S.json is valid, licensed and cited', () => {
    const csv = readFileSync(join(out, 'dermamnist.samples.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('split,index,image_id,label,group_id,fine_label,dx_type,age,sex,localization,dataset');
    expect(csv[1]).toMatch(/^train,0,ISIC_\d{7},[0-6],HAM_\d{7},(akiec|bcc|bkl|df|mel|nv|vasc),/);
    const meta = JSON.parse(readFileSync(join(out, 'dermamnist_64.json'), 'utf8')) as Record<string, any>;
    assertValid('dataset-metadata.schema.json', meta, 'dermamnist_64.json');
    expect(meta['license']['spdx']).toBe('CC-BY-NC-4.0');
    expect(meta['citations'].join(' ')).toMatch(/Tschandl.*Scientific Data 5, 180161 \(2018\)/);
    expect(meta['citations'].join(' ')).toMatch(/Yang J.*Scientific Data 10, 41 \(2023\)/);
    expect(meta['size']).toBe(64);
    const npz = meta['files'].find((f: { name: string }) => f.name === 'dermamnist_64.npz');
    expect(npz.bytes).toBe(statSync(join(out, 'dermamnist_64.npz')).size);
    // Nothing hidden but the documented input stat cache (README, "Only what changed is rebuilt").
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual(['.medmnist-build-inputs.json']);
  });

  test('two runs, and --workers 1 vs 2, give byte-identical files', () => {
    const a = tempDir('ham-a');
    const b = tempDir('ham-b');
    expect(cli(['convert', '--source', 'ham10000', '--input', raw, '--out', a, '--size', '28,64', '--workers', '1']).code).toBe(0);
    expect(cli(['convert', '--source', 'ham10000', '--input', raw, '--out', b, '--size', '28,64', '--workers', '2']).code).toBe(0);
    const fo = filesOf(out);
    const fa = filesOf(a);
    const fb = filesOf(b);
    expect(Object.keys(fa)).toEqual(Object.keys(fo));
    for (const k of Object.keys(fo)) {
      if (k === 'datasets.lock.json') continue;
      expect(fa[k]!.equals(fo[k]!), k).toBe(true);
      expect(fb[k]!.equals(fo[k]!), k).toBe(true);
    }
  });
});

describe('interruptions and usage errors', () => {
  test('SIGINT mid-run leaves the output folder as it was', async () => {
    const target = join(tempDir('ham-int'), 'out');
    const child = spawn(process.execPath, [BIN, 'convert', '--source', 'ham10000', '--input', raw, '--out', target, '--size', '28,64,128,224,256,300', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the run has started writing into its temporary folder, then interrupt it.
    for (let i = 0; i < 3000 && !(existsSync(target) && readdirSync(target).some((f) => f.startsWith('.medmnist-build-tmp-'))); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\); no outputs were changed/);
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
  });

  test('usage errors exit 2', () => {
    expect(cli(['convert', '--source', 'nope', '--input', raw, '--out', tempDir('x')]).code).toBe(2);
    expect(cli(['convert', '--source', 'ham10000', '--input', raw, '--out', tempDir('x'), '--size', '28,abc']).code).toBe(2);
    expect(cli(['convert', '--source', 'ham10000', '--input', join(raw, 'missing'), '--out', tempDir('x')]).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
  });
});

describe('list, --help, --version', () => {
  test('list --json describes dermamnist', () => {
    const r = cli(['list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const d = rows.find((x) => x['flag'] === 'dermamnist')!;
    expect(d).toMatchObject({ source: 'ham10000', task: 'multi-class', n_channels: 3, license: 'CC-BY-NC-4.0', n_samples: { train: 7007, val: 1003, test: 2005 } });
    expect((d['labels'] as string[])).toHaveLength(7);
  });
  test('--help and --version', () => {
    expect(cli(['--help']).stdout).toMatch(/convert/);
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
