// Shared CLI plumbing: flag parsing helpers and the command shape every src/cli/<command>.ts exports.
import type { Argv, Options } from 'yargs';
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export interface CliCommand {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  /** Every check of the arguments that needs no work (throws UsageError); runs before `run`. */
  validate?: (args: Record<string, unknown>) => void;
  /** Returns the exit code. */
  run: (args: Record<string, unknown>) => Promise<number>;
}

export function parseSizes(v: unknown): number[] {
  const parts = String(v ?? '28')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--size ${JSON.stringify(p)} is not a number; use e.g. --size 28,64,128,224`);
    return Number(p);
  });
}

export function parseList(v: unknown, flag: string, fallback: string): string[] {
  const parts = String(v ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return parts;
}

/** The values of an option that may be repeated and comma separated (`--x a,b --x c`), trimmed. */
export function repeatedValues(v: unknown): string[] {
  const given: unknown[] = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return given.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

export function parseSeed(v: unknown): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--seed ${String(v)} must be a non-negative integer`);
  return n;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** 1.5 kB, 2.5 MB, 123 GB (decimal units). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** Render rows as an aligned text table; `right` names the columns aligned right (numbers). */
export function table(header: string[], rows: string[][], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** `--quiet`, for every command that reports progress on stderr (src/cli/progress.ts). */
export const QUIET_OPTION: Options = {
  type: 'boolean',
  default: false,
  describe: 'no progress on stderr (otherwise: a bar on a TTY, a line every few seconds elsewhere)',
};

/** The options that decide a build's bytes, shared by `convert` and `plan`. */
export function buildOptions(y: Argv): Argv {
  return y
    .option('source', { type: 'string', demandOption: true, describe: 'source id (see `list`)' })
    .option('size', { type: 'string', default: '28', describe: 'image sizes, comma separated (28,64,128,224)' })
    .option('format', { type: 'string', default: 'npz', describe: 'output formats, comma separated' })
    .option('split', { type: 'string', default: 'official', describe: 'official | grouped | source | manifest:FILE' })
    .option('dataset', { type: 'string', describe: 'build only these flags of the source, comma separated (default: all it builds; a manifest is per dataset)' })
    .option('seed', { type: 'number', default: 0, describe: 'seed of the documented split order' })
    .option('npz-compress', { type: 'boolean', default: false, describe: 'deflate NPZ members (like np.savez_compressed)' });
}

/** The lock options, shared by `convert` and `pack`. */
export function lockOptions(y: Argv): Argv {
  return y
    .option('lock', { type: 'string', describe: 'lock file to update (default: <out>/datasets.lock.json)' })
    .option('frozen', { type: 'boolean', default: false, describe: 'refuse inputs, recipe or outputs that differ from the lock (like npm ci)' })
    .option('fingerprint', { type: 'boolean', default: true, describe: 'record the reference model metrics in the lock (--no-fingerprint skips the fit)' })
    .option('accept-drift', { type: 'boolean', default: false, describe: 'accept reference-model metrics that moved beyond the locked tolerance' });
}

/** A path option that must be given and non-empty (`--input` alone gives ''). */
export function requirePath(a: Record<string, unknown>, key: string, what: string): string {
  const v = a[key];
  if (v === undefined || v === null || String(v).trim() === '' || Array.isArray(v)) {
    throw new UsageError(`--${key} needs ${what}${Array.isArray(v) ? ' (given more than once)' : ''}, e.g. --${key} ${key === 'input' ? './ham10000' : key === 'out' ? './medmnist' : 'PATH'}`);
  }
  return resolve(String(v));
}

/** An optional path option: undefined, or a non-empty path. */
export function optionalPath(a: Record<string, unknown>, key: string, what: string): string | undefined {
  return a[key] === undefined ? undefined : requirePath(a, key, what);
}

/** An integer option within [min, max] (or its default). */
export function boundedInt(v: unknown, flag: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim() === '' ? NaN : v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${JSON.stringify(v)} must be a whole number from ${min} to ${max}`);
  return n;
}

/** True when `p` is `dir` or lies below it. */
export function isWithin(p: string, dir: string): boolean {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * A command never writes to one of its inputs: refuse an output path equal to (or inside) an input.
 * `outputs` and `inputs`: [flag, absolute path].
 */
export function refuseOverlap(outputs: [string, string | undefined][], inputs: [string, string | undefined][]): void {
  for (const [of, o] of outputs) {
    if (!o) continue;
    for (const [inf, i] of inputs) {
      if (!i) continue;
      if (isWithin(o, i)) {
        throw new UsageError(`${of} ${o} ${o === i ? 'is' : 'lies inside'} ${inf} ${i}, which this command reads; writing there would overwrite or mix with its input. Choose another path.`);
      }
    }
  }
}

/** --split official | grouped | source | manifest:FILE (the file must exist). */
export function parseSplit(v: unknown): { arg: string; manifest?: string } {
  const arg = String(v ?? 'official').trim();
  if (arg === 'official' || arg === 'grouped' || arg === 'source') return { arg };
  if (arg.startsWith('manifest:')) {
    const file = arg.slice('manifest:'.length);
    if (!file) throw new UsageError('--split manifest:FILE needs a file, e.g. --split manifest:dermamnist_split_info.csv');
    const st = statSync(resolve(file), { throwIfNoEntry: false });
    if (!st?.isFile()) throw new UsageError(`--split manifest:${file}: no such file. Give the path of a CSV with columns split,index,image_id.`);
    return { arg, manifest: resolve(file) };
  }
  throw new UsageError(`unknown --split ${JSON.stringify(arg)}: use official, grouped, source or manifest:FILE`);
}
