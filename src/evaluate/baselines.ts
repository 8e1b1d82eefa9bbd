// The MedMNIST v1 baselines (test AUC and ACC per method and dataset, as published in Yang, Shi, Ni,
// ISBI 2021), read from the catalog, and the side-by-side comparison.
import { BASELINE_METHODS, catalogEntry, CATALOG, type BaselineScore } from '../catalog/index.js';
import { UsageError } from '../core/errors.js';
import type { Metrics } from './metrics.js';

/** The paper's methods in its order, for --baseline choices. */
export function baselineNames(): string[] {
  return [...BASELINE_METHODS];
}

export function getBaseline(name: string, flag: string): BaselineScore {
  if (!BASELINE_METHODS.includes(name)) throw new UsageError(`--baseline ${JSON.stringify(name)}: choose from ${baselineNames().map((n) => JSON.stringify(n)).join(', ')}`);
  const entry = catalogEntry(flag).baselines[name];
  if (!entry) {
    const covered = CATALOG.filter((e) => name in e.baselines).map((e) => e.flag);
    throw new UsageError(`--baseline ${JSON.stringify(name)} has no figures for ${flag}; it covers ${covered.join(', ')}`);
  }
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
