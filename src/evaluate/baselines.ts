// The MedMNIST v1 baselines (test AUC and ACC per method and dataset, as published in Yang, Shi, Ni,
// ISBI 2021), kept as data in src/evaluate/baselines-medmnist-v1.json, and the side-by-side comparison.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../version.js';
import type { Metrics } from './metrics.js';

export interface BaselineEntry {
  AUC: number;
  ACC: number;
}

export interface BaselineTable {
  _about: string;
  baselines: Record<string, Record<string, BaselineEntry>>;
}

export const BASELINES_FILE = join(PACKAGE_ROOT, 'src', 'evaluate', 'baselines-medmnist-v1.json');

let cached: BaselineTable | null = null;

export function loadBaselines(): BaselineTable {
  cached ??= JSON.parse(readFileSync(BASELINES_FILE, 'utf8')) as BaselineTable;
  return cached;
}

export function baselineNames(): string[] {
  return Object.keys(loadBaselines().baselines);
}

export function getBaseline(name: string, flag: string): BaselineEntry {
  const table = loadBaselines().baselines;
  const method = table[name];
  if (!method) throw new UsageError(`--baseline ${JSON.stringify(name)}: choose from ${baselineNames().map((n) => JSON.stringify(n)).join(', ')}`);
  const entry = method[flag];
  if (!entry) throw new UsageError(`--baseline ${JSON.stringify(name)} has no figures for ${flag}; it covers ${Object.keys(method).join(', ')}`);
  return entry;
}

export interface BaselineRow {
  metric: 'AUC' | 'ACC';
  ours: number;
  baseline: number;
  diff: number;
  within: boolean;
}

export interface BaselineComparison {
  name: string;
  flag: string;
  tolerance: number;
  rows: BaselineRow[];
  /** Every metric within tolerance of the published figure (either side). */
  pass: boolean;
}

export function compareWithBaseline(name: string, flag: string, metrics: Metrics, tolerance: number): BaselineComparison {
  if (!(tolerance >= 0)) throw new UsageError(`--tolerance ${tolerance} must be a non-negative number`);
  const entry = getBaseline(name, flag);
  const rows: BaselineRow[] = (['AUC', 'ACC'] as const).map((metric) => {
    const ours = metric === 'AUC' ? metrics.auc : metrics.acc;
    const diff = ours - entry[metric];
    // A hair of slack so a difference of exactly the tolerance is not failed by floating-point error.
    return { metric, ours, baseline: entry[metric], diff, within: Math.abs(diff) <= tolerance + 1e-9 };
  });
  return { name, flag, tolerance, rows, pass: rows.every((r) => r.within) };
}
