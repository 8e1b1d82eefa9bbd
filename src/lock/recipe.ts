// The recipe of a dataset: the tool version and every option that affects output bytes, as data, and
// its hash (SHA-256 of the compact canonical JSON). Paths never enter it: a manifest split is recorded
// by the SHA-256 of the manifest file, so the same build on another machine has the same recipe.
import { resolve } from 'node:path';
import type { DatasetSpec } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import { canonicalCompact } from './canonical.js';
import { sha256File, sha256Text } from './hash.js';
import type { LockRecipe } from './lockfile.js';

export interface RecipeOptions {
  sizes: readonly number[];
  formats: readonly string[];
  split: string;
  seed: number;
  formatOptions?: Readonly<Record<string, string | number | boolean>>;
}

const MANIFEST_PREFIX = 'manifest:';

/** Hash of the manifest file named by --split manifest:FILE, or undefined for other strategies. */
export async function manifestHashOf(split: string): Promise<string | undefined> {
  if (!split.startsWith(MANIFEST_PREFIX)) return undefined;
  const file = resolve(split.slice(MANIFEST_PREFIX.length));
  try {
    return (await sha256File(file)).sha256;
  } catch {
    throw new UsageError(`--split ${split}: cannot read the manifest file ${file}`);
  }
}

export function buildRecipe(sourceId: string, spec: DatasetSpec, o: RecipeOptions, manifestSha256?: string): LockRecipe {
  const strategy = o.split.startsWith(MANIFEST_PREFIX) ? 'manifest' : o.split;
  return {
    tool: { name: 'medmnist-build', version: TOOL_VERSION },
    source: sourceId,
    dataset: spec.flag,
    sizes: [...new Set(o.sizes)].sort((a, b) => a - b),
    formats: [...new Set(o.formats)].sort(),
    formatOptions: { ...(o.formatOptions ?? {}) },
    labels: [...spec.labels],
    pixels: spec.recipe.map((op) => ({ ...op })),
    split: { strategy, seed: o.seed, ...(manifestSha256 ? { manifestSha256 } : {}) },
  };
}

export function recipeHash(r: LockRecipe): string {
  return sha256Text(canonicalCompact(r));
}

export interface FieldDifference {
  /** Dotted path of the field, e.g. split.seed. */
  path: string;
  a: string;
  b: string;
}

/** Field-by-field differences between two JSON values (values shown as JSON; absent = "(none)"). */
export function fieldDifferences(a: unknown, b: unknown, path = ''): FieldDifference[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => fieldDifferences(a[k], b[k], path ? `${path}.${k}` : k));
  }
  // Lists of the same length (the recipe's operations) compare element by element: pixels.1.filter.
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some((x) => isObj(x))) {
    return a.flatMap((x, i) => fieldDifferences(x, b[i], path ? `${path}.${i}` : String(i)));
  }
  // Canonical (sorted keys), so an op list read back from a lock equals the same list built here.
  const sa = a === undefined ? '(none)' : canonicalCompact(a);
  const sb = b === undefined ? '(none)' : canonicalCompact(b);
  return sa === sb ? [] : [{ path: path || '/', a: sa, b: sb }];
}

/** The same as lines `path: a -> b`. */
export function jsonDifferences(a: unknown, b: unknown): string[] {
  return fieldDifferences(a, b).map((d) => `${d.path}: ${d.a} -> ${d.b}`);
}
