// --split manifest:FILE (src/split/manifest.ts) through the real CLI: a MedMNIST-style mapping CSV
// (split,index,image_id) that we generate, rows shuffled, reproduces its membership and order exactly
// (pixels checked against Pillow by image id); bad manifests fail with clear errors and no output.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busi } from '../converters/busi/index.js';
import { pbc } from '../converters/pbc/index.js';
import { csvRow } from '../src/core/csv.js';
import { rng } from '../converters/_kit/synth.js';
import type { SplitName } from '../src/core/contract.js';
import { compareWithPillow, readSamplesCsv } from './support/converter-conformance.js';
import { cli } from './support/run-cli.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifest-'));
  await pbc.writeFakeDownload(join(dir, 'pbc'), { count: 24, seed: 21 });
  await busi.writeFakeDownload(join(dir, 'busi'), { count: 20, seed: 22 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Entry {
  split: SplitName;
  index: number;
  imageId: string;
}

/** A manifest over `ids` (leaving the last `leaveOut` out), with rows written in shuffled order. */
async function writeManifest(file: string, ids: string[], seed: number, leaveOut = 0): Promise<Entry[]> {
  const r = rng(seed);
  const shuffled = [...ids];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const used = shuffled.slice(0, shuffled.length - leaveOut);
  const counts = { train: 0, val: 0, test: 0 };
  const entries = used.map((imageId, i) => {
    const split: SplitName = i % 5 === 3 ? 'val' : i % 5 === 4 ? 'test' : 'train';
    return { split, index: counts[split]++, imageId };
  });
  // Rows in an order unrelated to split and index: the index column alone fixes the order.
  const rows = entries.map((e) => ({ e, k: r() })).sort((a, b) => a.k - b.k).map((x) => x.e);
  await writeFile(file, csvRow(['split', 'index', 'image_id']) + rows.map((e) => csvRow([e.split, String(e.index), e.imageId])).join(''));
  return entries;
}

function expected(entries: Entry[]): string[] {
  return (['train', 'val', 'test'] as const).flatMap((s) =>
    entries
      .filter((e) => e.split === s)
      .sort((a, b) => a.index - b.index)
      .map((e) => `${s},${e.index},${e.imageId}`),
  );
}

describe('--split manifest:FILE', () => {
  it('reproduces membership and order of a generated mapping; unlisted images are left out', async () => {
    const scan = await pbc.scan(join(dir, 'pbc'));
    const ids = scan.samples['bloodmnist']!.map((s) => s.id);
    const manifest = join(dir, 'bloodmnist_split_info.csv');
    const entries = await writeManifest(manifest, ids, 1, 2);
    const out = join(dir, 'out-pbc');
    const r = cli(['convert', '--source', 'pbc', '--input', join(dir, 'pbc'), '--out', out, '--split', `manifest:${manifest}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 scanned image\(s\) not listed/);
    const rows = await readSamplesCsv(join(out, 'bloodmnist.samples.csv'));
    expect(rows.map((x) => `${x.split},${x.index},${x.image_id}`)).toEqual(expected(entries));
    const res = await compareWithPillow('pbc', join(dir, 'pbc'), out, [28]);
    expect(res.mismatches).toEqual([]);
    expect(res.checked).toBe(22);
  });

  it('matches image_id by file name too, and ids with spaces and parentheses (BUSI)', async () => {
    const scan = await busi.scan(join(dir, 'busi'));
    const fileOf = new Map(scan.items.map((it) => [it.id, it.files[0]!]));
    const names = scan.samples['breastmnist']!.map((s) => basename(fileOf.get(s.item)!));
    const manifest = join(dir, 'breast.csv');
    const entries = await writeManifest(manifest, names, 2);
    const out = join(dir, 'out-busi');
    const r = cli(['convert', '--source', 'busi', '--input', join(dir, 'busi'), '--out', out, '--split', `manifest:${manifest}`]);
    expect(r.code, r.stderr).toBe(0);
    const rows = await readSamplesCsv(join(out, 'breastmnist.samples.csv'));
    expect(rows.map((x) => `${x.split},${x.index},${x.image_id}.png`)).toEqual(expected(entries));
  });

  it('fails clearly on an unknown image id, a gap in the indexes, a bad split name and a missing file', async () => {
    const out = join(dir, 'out-bad');
    const run = (file: string) => cli(['convert', '--source', 'pbc', '--input', join(dir, 'pbc'), '--out', out, '--split', `manifest:${file}`]);
    const scan = await pbc.scan(join(dir, 'pbc'));
    const id = scan.samples['bloodmnist']![0]!.id;
    const bad = join(dir, 'bad.csv');

    await writeFile(bad, `split,index,image_id\ntrain,0,${id}\ntrain,1,NOT_AN_IMAGE\n`);
    let r = run(bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} row 3: image_id "NOT_AN_IMAGE" is not among the 24 bloodmnist images`);

    await writeFile(bad, `split,index,image_id\ntrain,0,${id}\ntrain,2,${scan.samples['bloodmnist']![1]!.id}\n`);
    r = run(bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} row 3: split train skips index 1`);

    await writeFile(bad, `split,index,image_id\ntraining,0,${id}\n`);
    r = run(bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 2: split "training" \(column 'split'\) is not train, val or test/);

    await writeFile(bad, `split,idx,image_id\ntrain,0,${id}\n`);
    r = run(bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing column 'index'/);

    r = run(join(dir, 'nope.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.csv: no such file');
    expect(await stat(out).catch(() => null)).toBeNull();
  });
});
