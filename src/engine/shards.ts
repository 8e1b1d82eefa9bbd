// Shards of a plan (stage 2's unit of work) and their files. Shard i of n is a contiguous run of the
// plan's items, cut so that every shard holds about the same number of raw bytes. A shard folder
// `shard-<i>-of-<n>/` holds, per dataset and size, the pixel records of its samples back to back
// (fixed size, in item order then dataset then position order), and shard.json: the plan's hash, the
// hashed raw files, and each record's sample hash. The folder is written under a temporary name and
// renamed when complete, so a shard folder that exists is whole.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageShape } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { sampleHash } from '../lock/content.js';
import type { HashedFile, ItemResult } from './items.js';
import { samplesByItem } from './items.js';
import { planJson, specOf, type BuildPlan } from './plan.js';
import type { Converter } from '../core/contract.js';

export interface ShardRef {
  index: number;
  count: number;
}

export function parseShard(v: string): ShardRef {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new UsageError(`--shard ${v}: use i/n with 0 <= i < n, e.g. --shard 0/4`);
  return { index, count };
}

/** Items of shard i of n: contiguous in processing order, balanced on planned bytes. */
export function shardItems(plan: BuildPlan, shard: ShardRef): number[] {
  const weights = plan.items.map((it) => Math.max(1, it.bytes));
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let before = 0;
  weights.forEach((w, i) => {
    // An item belongs to the shard its first byte falls in.
    const k = Math.min(shard.count - 1, Math.floor((before * shard.count) / total));
    if (k === shard.index) out.push(i);
    before += w;
  });
  return out;
}

export function planHash(plan: BuildPlan): string {
  return createHash('sha256').update(planJson(plan)).digest('hex');
}

export const shardDirName = (s: ShardRef): string => `shard-${s.index}-of-${s.count}`;
const recordsName = (flag: string, size: number): string => `${flag}-${size}.bin`;

export interface ShardIndex {
  shardVersion: 1;
  planSha256: string;
  shard: ShardRef;
  files: HashedFile[];
  /** Per dataset flag: per record in file order, the sample hash at each size (plan size order); [] for a
   *  sample the recipe dropped (drop-blank), whose record is zeros. */
  sampleHashes: Record<string, string[][]>;
}

function recordBytes(plan: BuildPlan, converter: Converter, flag: string, size: number): number {
  return imageShape(specOf(converter, flag), size).reduce((a, b) => a * b, 1);
}

/** Stage 2: process one shard of the plan into `shardsDir`; skipped when a whole one for this plan exists. */
export async function writeShard(
  plan: BuildPlan,
  converter: Converter,
  shard: ShardRef,
  shardsDir: string,
  results: AsyncIterable<ItemResult>,
): Promise<{ skipped: boolean; dir: string }> {
  const dir = join(shardsDir, shardDirName(shard));
  const hash = planHash(plan);
  if (existsSync(join(dir, 'shard.json'))) {
    const idx = JSON.parse(await readFile(join(dir, 'shard.json'), 'utf8')) as ShardIndex;
    if (idx.planSha256 === hash) return { skipped: true, dir };
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(shardsDir, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  const sizes = plan.options.sizes;
  const fds = new Map<string, number>();
  const index: ShardIndex = { shardVersion: 1, planSha256: hash, shard, files: [], sampleHashes: {} };
  try {
    for (const d of plan.datasets) {
      index.sampleHashes[d.flag] = [];
      for (const size of sizes) fds.set(`${d.flag}:${size}`, openSync(join(tmp, recordsName(d.flag, size)), 'w'));
    }
    for await (const r of results) {
      index.files.push(...r.files);
      for (const c of r.cuts) {
        const ds = plan.datasets[c.dataset]!;
        const label = Uint8Array.from(ds.samples[c.pos]!.label);
        index.sampleHashes[ds.flag]!.push(c.pixels.map((p) => sampleHash(label, p)));
        // A dropped sample keeps its fixed-size slot (zeros), so record offsets stay position-based.
        sizes.forEach((size, k) => writeSync(fds.get(`${ds.flag}:${size}`)!, c.pixels[k] ?? new Uint8Array(recordBytes(plan, converter, ds.flag, size))));
      }
    }
    for (const fd of fds.values()) closeSync(fd);
    fds.clear();
    await writeFile(join(tmp, 'shard.json'), JSON.stringify(index) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    for (const fd of fds.values()) closeSync(fd);
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { skipped: false, dir };
}

export interface ShardSet {
  /** Records of every dataset in output order: per size, the pixels of (dataset, position). */
  records(): AsyncGenerator<{ dataset: number; pos: number; pixels: Uint8Array[] }>;
  /** Raw item files as the shards hashed them. */
  files: HashedFile[];
  /** Per dataset: positions of the samples the recipe dropped (their records carry no pixels). */
  dropped: Set<number>[];
  close(): void;
}

/** Open the n shards of a plan for packing; every one must be present, whole, and of this plan. */
export async function openShards(plan: BuildPlan, converter: Converter, shardsDir: string, count: number): Promise<ShardSet> {
  const hash = planHash(plan);
  const missing: string[] = [];
  const indexes: ShardIndex[] = [];
  for (let i = 0; i < count; i++) {
    const ref = { index: i, count };
    const file = join(shardsDir, shardDirName(ref), 'shard.json');
    if (!existsSync(file)) {
      missing.push(`${shardDirName(ref)} (run: medmnist-build process --plan PLAN --shard ${i}/${count} --shards ${shardsDir})`);
      continue;
    }
    const idx = JSON.parse(await readFile(file, 'utf8')) as ShardIndex;
    if (idx.planSha256 !== hash) missing.push(`${shardDirName(ref)} was made from another plan (run process --shard ${i}/${count} again)`);
    indexes.push(idx);
  }
  if (missing.length > 0) throw new DataError(`${shardsDir}: ${missing.length} of ${count} shards missing or stale:\n  ${missing.join('\n  ')}`);

  // Where each (dataset, position) record lies: shard and record number, as writeShard enumerated them.
  const byItem = samplesByItem(plan);
  const where = plan.datasets.map((d) => ({ shard: new Int32Array(d.samples.length), rec: new Int32Array(d.samples.length) }));
  for (let i = 0; i < count; i++) {
    const next = plan.datasets.map(() => 0);
    for (const item of shardItems(plan, { index: i, count })) {
      for (const s of byItem[item]!) {
        where[s.dataset]!.shard[s.pos] = i;
        where[s.dataset]!.rec[s.pos] = next[s.dataset]!++;
      }
    }
    plan.datasets.forEach((d, di) => {
      if ((indexes[i]!.sampleHashes[d.flag]?.length ?? -1) !== next[di]) {
        throw new DataError(`${join(shardsDir, shardDirName({ index: i, count }))}: holds ${indexes[i]!.sampleHashes[d.flag]?.length ?? 0} ${d.flag} records, the plan gives it ${next[di]}. Run process --shard ${i}/${count} again.`);
      }
    });
  }
  const fds = new Map<string, number>();
  const fdOf = (i: number, flag: string, size: number): number => {
    const key = `${i}:${flag}:${size}`;
    let fd = fds.get(key);
    if (fd === undefined) fds.set(key, (fd = openSync(join(shardsDir, shardDirName({ index: i, count }), recordsName(flag, size)), 'r')));
    return fd;
  };
  const sizes = plan.options.sizes;
  const dropped = plan.datasets.map((d, di) => {
    const set = new Set<number>();
    for (let pos = 0; pos < d.samples.length; pos++) {
      if (indexes[where[di]!.shard[pos]!]!.sampleHashes[d.flag]![where[di]!.rec[pos]!]!.length === 0) set.add(pos);
    }
    return set;
  });
  return {
    files: indexes.flatMap((x) => x.files),
    dropped,
    async *records() {
      for (let di = 0; di < plan.datasets.length; di++) {
        const d = plan.datasets[di]!;
        const lens = sizes.map((s) => recordBytes(plan, converter, d.flag, s));
        for (let pos = 0; pos < d.samples.length; pos++) {
          const sh = where[di]!.shard[pos]!;
          const rec = where[di]!.rec[pos]!;
          const label = Uint8Array.from(d.samples[pos]!.label);
          if (dropped[di]!.has(pos)) {
            yield { dataset: di, pos, pixels: [] };
            continue;
          }
          const pixels = sizes.map((size, k) => {
            const buf = new Uint8Array(lens[k]!);
            const got = readSync(fdOf(sh, d.flag, size), buf, 0, buf.length, rec * buf.length);
            const expected = indexes[sh]!.sampleHashes[d.flag]![rec]![k];
            if (got !== buf.length || sampleHash(label, buf) !== expected) {
              throw new DataError(`${join(shardsDir, shardDirName({ index: sh, count }), recordsName(d.flag, size))}: record ${rec} is damaged. Run process --shard ${sh}/${count} again.`);
            }
            return buf;
          });
          yield { dataset: di, pos, pixels };
        }
      }
    },
    close() {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}
