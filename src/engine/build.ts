// `build`: regenerate every dataset whose raw download is found, one source after another, into one
// output folder with one lock. Each source is one `convert` (its own commit), so an interrupted build
// keeps what it finished and the next run skips it as up to date; one failing source does not lose the
// others. With --prune, datasets of the lock that this run did not build are dropped at the end (never
// those of a source that failed: its old outputs stay until it builds again).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConverterRegistry, SplitName } from '../core/contract.js';
import { sizeFormatsOf } from '../lock/incremental.js';
import { LOCK_NAME, readLockIfExists } from '../lock/lockfile.js';
import { convert, type ConvertOptions, type ConvertResult } from './convert.js';
import { pruneDatasets } from './prune.js';

export interface BuildRequest extends Omit<ConvertOptions, 'source' | 'input' | 'datasets' | 'lock'> {
  /** Folder with one sub-folder per source, named by source id. */
  downloads: string;
  /** Per source id, a raw folder elsewhere than `<downloads>/<id>`. */
  inputs?: Readonly<Record<string, string>>;
  /** Sources to build (default: every source whose download is found). */
  sources?: readonly string[];
  /** Called before each source starts (for the progress line). */
  onSource?: (id: string, index: number, total: number) => void;
}

export type BuildStatus = 'built' | 'up to date' | 'failed' | 'no download' | 'pruned';

export interface BuildRow {
  flag: string;
  source: string;
  status: BuildStatus;
  /** Why it failed, was rebuilt, or was not found. */
  reason?: string;
  counts?: Record<SplitName, number>;
  sizes: number[];
  formats: string[];
  seconds: number;
}

export interface BuildReport {
  out: string;
  lock: string;
  rows: BuildRow[];
  seconds: number;
  failed: number;
}

/** Where a source's raw download is expected. */
export function sourceInput(req: Pick<BuildRequest, 'downloads' | 'inputs'>, id: string): string {
  return resolve(req.inputs?.[id] ?? join(req.downloads, id));
}

export async function buildRelease(registry: ConverterRegistry, req: BuildRequest): Promise<BuildReport> {
  const t0 = performance.now();
  const out = resolve(req.out);
  const lockPath = join(out, LOCK_NAME);
  const chosen = req.sources ? req.sources.map((id) => registry.get(id)) : registry.all;
  const rows: BuildRow[] = [];
  const failedSources = new Set<string>();
  const present = chosen.filter((c) => existsSync(sourceInput(req, c.source.id)));
  for (const c of chosen) {
    const input = sourceInput(req, c.source.id);
    if (present.includes(c)) continue;
    // Named explicitly and missing: a failure. Merely absent from the downloads folder: reported.
    const status: BuildStatus = req.sources ? 'failed' : 'no download';
    if (req.sources) failedSources.add(c.source.id);
    for (const d of c.datasets) {
      rows.push({ flag: d.flag, source: c.source.id, status, reason: `no download at ${input} (\`medmnist-build fetch --source ${c.source.id} --dir ${input}\` gets it, or says how)`, sizes: [], formats: [], seconds: 0 });
    }
  }
  for (const [i, c] of present.entries()) {
    const input = sourceInput(req, c.source.id);
    req.onSource?.(c.source.id, i, present.length);
    const t = performance.now();
    let r: ConvertResult;
    try {
      if (!statSync(input).isDirectory()) throw new Error(`${input} is not a folder`);
      r = await convert(registry, { ...req, source: c.source.id, input, out });
    } catch (err) {
      failedSources.add(c.source.id);
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
      req.warn?.(`${c.source.id}: failed: ${reason}`);
      for (const d of c.datasets) rows.push({ flag: d.flag, source: c.source.id, status: 'failed', reason, sizes: [], formats: [], seconds: (performance.now() - t) / 1000 });
      continue;
    }
    const seconds = (performance.now() - t) / 1000;
    for (const f of r.freshness) {
      rows.push({ flag: f.flag, source: c.source.id, status: f.status === 'up to date' ? 'up to date' : 'built', ...(f.reasons.length ? { reason: f.reasons.join('; ') } : {}), sizes: [], formats: [], seconds: f.status === 'up to date' ? 0 : seconds });
    }
  }
  if (req.prune) {
    const lock = await readLockIfExists(lockPath);
    const builtFlags = new Set(rows.filter((r) => r.status === 'built' || r.status === 'up to date').map((r) => r.flag));
    const drop = Object.entries(lock?.datasets ?? {})
      .filter(([flag, d]) => !builtFlags.has(flag) && !failedSources.has(d.source))
      .map(([flag]) => flag);
    if (drop.length > 0) {
      await pruneDatasets(out, lockPath, drop);
      for (const flag of drop) {
        const d = lock!.datasets[flag]!;
        const i = rows.findIndex((r) => r.flag === flag);
        const row: BuildRow = { flag, source: d.source, status: 'pruned', reason: 'not built by this run (--prune)', sizes: [], formats: [], seconds: 0 };
        if (i >= 0) rows[i] = row;
        else rows.push(row);
      }
    }
  }
  // Counts, sizes and formats as the folder now holds them.
  const lock = await readLockIfExists(lockPath);
  for (const row of rows) {
    const d = row.status === 'pruned' ? undefined : lock?.datasets[row.flag];
    if (!d) continue;
    row.counts = { ...d.counts };
    const have = sizeFormatsOf(d);
    row.sizes = [...have.keys()].sort((a, b) => a - b);
    row.formats = [...new Set([...have.values()].flatMap((f) => [...f]))].sort();
  }
  rows.sort((a, b) => (a.flag < b.flag ? -1 : a.flag > b.flag ? 1 : 0));
  return { out, lock: lockPath, rows, seconds: (performance.now() - t0) / 1000, failed: rows.filter((r) => r.status === 'failed').length };
}
