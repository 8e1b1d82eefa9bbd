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
