// Shared CLI plumbing: flag parsing helpers and the command shape every src/cli/<command>.ts exports.
import type { Argv } from 'yargs';
import { UsageError } from '../core/errors.js';

export interface CliCommand {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
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

export function parseSeed(v: unknown): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--seed ${String(v)} must be a non-negative integer`);
  return n;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Render rows as an aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

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
