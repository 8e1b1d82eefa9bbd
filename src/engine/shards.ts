// Shards of a plan (stage 2's unit of work) and their files. Shard i of n is a contiguous run of the
// plan's items, cut so that every shard holds about the same number of raw bytes. A shard folder
// `shard-<i>-of-<n>/` holds, per dataset and size, the pixel records of its samples back to back
// (fixed size, in item order then dataset then position order), and shard.json: the plan's hash, the
// hashed raw files, and each record's sample hash. The folder is written under a temporary name and
// renamed when complete, so a shard folder that exists is whole.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { imageShape, type Converter } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { sampleHash } from '../lock/content.js';
import { SamplesByItem, type HashedFile, type ItemResult } from './items.js';
import { planJson, specOf, type BuildPlan } from './plan.js';

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
const TMP_INFIX = '.tmp-';

export const SHARD_VERSION = 2;

export interface ShardIndex {
  shardVersion: typeof SHARD_VERSION;
  planSha256: string;
  shard: ShardRef;
  /** The plan items it holds: [first, end) in processing order (shards are contiguous runs). */
  items: [number, number];
  files: HashedFile[];
  /** Per dataset flag: per record in file order, the sample hash at each size (plan size order); [] for a
   *  sample the recipe dropped (drop-blank), whose record is zeros. */
  sampleHashes: Record<string, string[][]>;
  /** Each record file as written: what `process` checks before it skips a finished shard. */
  records: { name: string; bytes: number; sha256: string }[];
}

function recordBytes(plan: BuildPlan, converter: Converter, flag: string, size: number): number {
  return imageShape(specOf(converter, flag), size).reduce((a, b) => a * b, 1);
}

function itemRange(items: number[]): [number, number] {
  return items.length === 0 ? [0, 0] : [items[0]!, items[items.length - 1]! + 1];
}

/** Records per dataset that shard i holds, as the plan assigns them. */
function recordCounts(plan: BuildPlan, items: number[]): number[] {
  const counts = plan.datasets.map(() => 0);
  const byItem = new SamplesByItem(plan);
  for (const it of items) for (const s of byItem.of(it)) counts[s.dataset]!++;
  return counts;
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Why the shard folder `dir` is not a finished shard of this plan, or null when it is. Checks shard.json
 * (version, plan hash, shard ref, item range, record counts) and every record file's size; with
 * `deep`, also each record file's SHA-256 (one sequential read of the shard's outputs, far cheaper
 * than the decoding that made them).
 */
export async function shardProblem(
  plan: BuildPlan,
  converter: Converter,
  shard: ShardRef,
  dir: string,
  opts: { deep: boolean; hash?: string },
): Promise<string | null> {
  let idx: ShardIndex;
  try {
    idx = JSON.parse(await readFile(join(dir, 'shard.json'), 'utf8')) as ShardIndex;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : `unreadable shard.json (${code ?? 'not JSON'})`;
  }
  if (idx.shardVersion !== SHARD_VERSION) return `written by another medmnist-build (shard version ${String(idx.shardVersion)})`;
  if (idx.planSha256 !== (opts.hash ?? planHash(plan))) return 'made from another plan';
  if (idx.shard?.index !== shard.index || idx.shard?.count !== shard.count) return `holds shard ${idx.shard?.index}/${idx.shard?.count}`;
  const items = shardItems(plan, shard);
  const [first, end] = itemRange(items);
  if (idx.items?.[0] !== first || idx.items?.[1] !== end) return `holds items [${idx.items?.join(', ')}), the plan gives it [${first}, ${end})`;
  const counts = recordCounts(plan, items);
  const byName = new Map((idx.records ?? []).map((r) => [r.name, r]));
  for (const [di, d] of plan.datasets.entries()) {
    if ((idx.sampleHashes[d.flag]?.length ?? -1) !== counts[di]) {
      return `holds ${idx.sampleHashes[d.flag]?.length ?? 0} ${d.flag} records, the plan gives it ${counts[di]}`;
    }
    for (const size of plan.options.sizes) {
      const name = recordsName(d.flag, size);
      const want = counts[di]! * recordBytes(plan, converter, d.flag, size);
      const rec = byName.get(name);
      if (!rec || rec.bytes !== want) return `shard.json does not list ${name} with ${want} bytes`;
      const st = await stat(join(dir, name)).catch(() => null);
      if (!st) return `${name} is missing`;
      if (st.size !== want) return `${name} has ${st.size} bytes, not ${want}`;
      if (opts.deep && (await fileSha256(join(dir, name))) !== rec.sha256) return `${name} does not match its SHA-256 in shard.json`;
    }
  }
  return null;
}

// Temporary shard folders of this process: removed on SIGINT/SIGTERM (scancel, a pod's termination), so
// a cancelled shard leaves nothing behind but, at worst after a SIGKILL, a `.tmp-` folder that no reader
// takes for a shard and that the next successful run of the same shard sweeps away.
const liveTemps = new Set<string>();
function onSignal(sig: NodeJS.Signals): void {
  for (const t of liveTemps) rmSync(t, { recursive: true, force: true });
  process.stderr.write(`\nmedmnist-build: interrupted (${sig}); the unfinished shard was removed\n`);
  process.exit(sig === 'SIGINT' ? 130 : 143);
}
/** The signal hook lives only while a temporary shard folder does. */
function addTemp(t: string): void {
  if (liveTemps.size === 0) for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onSignal);
  liveTemps.add(t);
}
function dropTemp(t: string): void {
  if (liveTemps.delete(t) && liveTemps.size === 0) for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onSignal);
}

export interface WriteShardResult {
  skipped: boolean;
  dir: string;
  /** Why an existing folder was not taken as done and was redone (absent when there was none). */
  redone?: string;
}

/**
 * Stage 2: process one shard of the plan into `shardsDir`. Skipped when a finished shard of this plan
 * that verifies (shardProblem, deep) is already there; otherwise written into a uniquely named temporary
 * folder beside it (host, pid and random, so two nodes never share one on a shared file system), each
 * file flushed to disk, and renamed whole. When another run of the same shard finished first, its
 * verified folder is kept and this one's result discarded.
 */
export async function writeShard(
  plan: BuildPlan,
  converter: Converter,
  shard: ShardRef,
  shardsDir: string,
  results: AsyncIterable<ItemResult>,
): Promise<WriteShardResult> {
  const dir = join(shardsDir, shardDirName(shard));
  const hash = planHash(plan);
  let redone: string | undefined;
  if (existsSync(dir)) {
    const problem = await shardProblem(plan, converter, shard, dir, { deep: true, hash });
    if (problem === null) return { skipped: true, dir };
    redone = problem;
  }
  await mkdir(shardsDir, { recursive: true });
  const tmp = `${dir}${TMP_INFIX}${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp);
  addTemp(tmp);
  const sizes = plan.options.sizes;
  const outs = new Map<string, { fd: number; name: string; bytes: number; hash: Hash }>();
  const items = shardItems(plan, shard);
  const index: ShardIndex = { shardVersion: SHARD_VERSION, planSha256: hash, shard, items: itemRange(items), files: [], sampleHashes: {}, records: [] };
  try {
    for (const d of plan.datasets) {
      index.sampleHashes[d.flag] = [];
      for (const size of sizes) {
        const name = recordsName(d.flag, size);
        outs.set(`${d.flag}:${size}`, { fd: openSync(join(tmp, name), 'w'), name, bytes: 0, hash: createHash('sha256') });
      }
    }
    for await (const r of results) {
      index.files.push(...r.files);
      for (const c of r.cuts) {
        const ds = plan.datasets[c.dataset]!;
        const label = Uint8Array.from(ds.samples[c.pos]!.label);
        index.sampleHashes[ds.flag]!.push(c.pixels.map((p) => sampleHash(label, p)));
        // A dropped sample keeps its fixed-size slot (zeros), so record offsets stay position-based.
        sizes.forEach((size, k) => {
          const o = outs.get(`${ds.flag}:${size}`)!;
          const px = c.pixels[k] ?? new Uint8Array(recordBytes(plan, converter, ds.flag, size));
          writeSync(o.fd, px);
          o.hash.update(px);
          o.bytes += px.length;
        });
      }
    }
    for (const o of outs.values()) {
      fsyncSync(o.fd);
      closeSync(o.fd);
      index.records.push({ name: o.name, bytes: o.bytes, sha256: o.hash.digest('hex') });
    }
    outs.clear();
    const fd = openSync(join(tmp, 'shard.json'), 'w');
    try {
      writeSync(fd, JSON.stringify(index) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (existsSync(dir)) {
      // Another run of this shard may have finished meanwhile: keep a verified one, replace anything else
      // (such as the damaged folder this run was started to redo).
      if ((await shardProblem(plan, converter, shard, dir, { deep: true, hash })) === null) {
        await rm(tmp, { recursive: true, force: true });
        dropTemp(tmp);
        return { skipped: true, dir };
      }
      await rm(dir, { recursive: true, force: true });
    }
    try {
      await rename(tmp, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || (await shardProblem(plan, converter, shard, dir, { deep: true, hash })) !== null) throw err;
      await rm(tmp, { recursive: true, force: true });
      dropTemp(tmp);
      return { skipped: true, dir };
    }
    dropTemp(tmp);
  } catch (err) {
    for (const o of outs.values()) closeSync(o.fd);
    await rm(tmp, { recursive: true, force: true });
    dropTemp(tmp);
    throw err;
  }
  await sweepTemps(shardsDir, shard);
  return { skipped: false, dir, ...(redone === undefined ? {} : { redone }) };
}

/** Remove temporary folders of this shard left by killed runs (SIGKILL, a lost node). */
async function sweepTemps(shardsDir: string, shard: ShardRef): Promise<void> {
  const prefix = shardDirName(shard) + TMP_INFIX;
  for (const name of await readdir(shardsDir).catch(() => [] as string[])) {
    if (name.startsWith(prefix) && !liveTemps.has(join(shardsDir, name))) await rm(join(shardsDir, name), { recursive: true, force: true });
  }
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

/** Slurm's --array syntax for a set of indexes: runs collapsed, e.g. 1-3,7. */
export function arraySpec(indexes: readonly number[]): string {
  const out: string[] = [];
  const xs = [...indexes].sort((x, y) => x - y);
  for (let k = 0; k < xs.length; ) {
    let e = k;
    while (e + 1 < xs.length && xs[e + 1] === xs[e]! + 1) e++;
    out.push(e === k ? String(xs[k]) : `${xs[k]}-${xs[e]}`);
    k = e + 1;
  }
  return out.join(',');
}

/** Shell quoting for a path in a printed command line. */
export function shQuote(v: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * Open the n shards of a plan for packing; every one must be present and verify (sizes and shard.json
 * here, each record's sample hash as it is read). Otherwise a DataError names every shard that does
 * not and the commands that redo exactly those (`planFile`: the plan's path, for those commands).
 */
export async function openShards(plan: BuildPlan, converter: Converter, shardsDir: string, count: number, planFile = 'PLAN'): Promise<ShardSet> {
  const hash = planHash(plan);
  const bad: { index: number; why: string }[] = [];
  for (let i = 0; i < count; i++) {
    const why = await shardProblem(plan, converter, { index: i, count }, join(shardsDir, shardDirName({ index: i, count })), { deep: false, hash });
    if (why !== null) bad.push({ index: i, why });
  }
  if (bad.length > 0) {
    const shown = 20;
    const cmd = (i: number) => `medmnist-build process --plan ${shQuote(planFile)} --shard ${i}/${count} --shards ${shQuote(shardsDir)}`;
    const lines = [
      `${shardsDir}: ${bad.length} of ${count} shards missing or not verifying:`,
      ...bad.slice(0, shown).map((b) => `  ${shardDirName({ index: b.index, count })}: ${b.why}`),
      ...(bad.length > shown ? [`  ... and ${bad.length - shown} more`] : []),
      `Redo them (a shard that is done and verifies is skipped, so re-running all ${count} is also fine):`,
      ...bad.slice(0, shown).map((b) => `  ${cmd(b.index)}`),
      ...(bad.length > shown ? [`  ... and ${bad.length - shown} more`] : []),
      `  Slurm: sbatch --array=${arraySpec(bad.map((b) => b.index))} --export=ALL,PLAN=${shQuote(planFile)},SHARDS=${shQuote(shardsDir)},COUNT=${count} examples/slurm/process.sbatch`,
    ];
    throw new DataError(lines.join('\n'));
  }
  const indexes: ShardIndex[] = [];
  for (let i = 0; i < count; i++) {
    indexes.push(JSON.parse(await readFile(join(shardsDir, shardDirName({ index: i, count }), 'shard.json'), 'utf8')) as ShardIndex);
  }

  // Where each (dataset, position) record lies: shard and record number, as writeShard enumerated them.
  const byItem = new SamplesByItem(plan);
  const where = plan.datasets.map((d) => ({ shard: new Int32Array(d.samples.length), rec: new Int32Array(d.samples.length) }));
  for (let i = 0; i < count; i++) {
    const next = plan.datasets.map(() => 0);
    for (const item of shardItems(plan, { index: i, count })) {
      for (const s of byItem.of(item)) {
        where[s.dataset]!.shard[s.pos] = i;
        where[s.dataset]!.rec[s.pos] = next[s.dataset]!++;
      }
    }
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
              throw new DataError(`${join(shardsDir, shardDirName({ index: sh, count }), recordsName(d.flag, size))}: record ${rec} is damaged. Redo that shard: medmnist-build process --plan ${shQuote(planFile)} --shard ${sh}/${count} --shards ${shQuote(shardsDir)}`);
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
