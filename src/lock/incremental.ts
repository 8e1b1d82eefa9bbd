// The lock describes everything in its output folder, across runs: a build adds its sizes and formats
// to what the folder already holds (when those outputs are still valid), and `--prune` drops what was
// not asked for this time. These helpers combine and compare lock entries for that.
import type { LockDataset, LockRecipe } from './lockfile.js';
import { expectedOutputs } from './entry.js';
import { jsonDifferences, recipeHash } from './recipe.js';

/** Size -> formats present in a lock entry. */
export type SizeFormats = Map<number, Set<string>>;

export function sizeFormatsOf(d: LockDataset | undefined): SizeFormats {
  const out: SizeFormats = new Map();
  for (const [size, s] of Object.entries(d?.sizes ?? {})) out.set(Number(size), new Set(Object.keys(s.formats)));
  return out;
}

/** The recipe without the sizes and formats: what must agree for outputs of two runs to share a folder. */
export function coreRecipe(r: LockRecipe): Omit<LockRecipe, 'sizes' | 'formats'> {
  const { sizes: _s, formats: _f, ...core } = r;
  return core;
}

/** Field-by-field differences between two recipes, sizes and formats aside. */
export function coreRecipeDifferences(locked: LockRecipe, now: LockRecipe): string[] {
  return jsonDifferences(coreRecipe(locked), coreRecipe(now));
}

/** Recompute recipe.sizes / recipe.formats (and the recipe hash) from what the entry lists. */
function normalised(d: LockDataset): LockDataset {
  const sizes = Object.keys(d.sizes).map(Number).sort((a, b) => a - b);
  const formats = [...new Set(Object.values(d.sizes).flatMap((s) => Object.keys(s.formats)))].sort();
  const recipe: LockRecipe = { ...d.recipe, sizes, formats };
  return { ...d, recipe, recipeSha256: recipeHash(recipe) };
}

/**
 * The entry for a dataset after a run: what the run built, plus the sizes `keep` of the previous entry
 * left as they were (same core recipe and inputs, checked by the caller).
 */
export function combineEntries(built: LockDataset, prev: LockDataset | undefined, keep: readonly number[]): LockDataset {
  if (!prev || keep.length === 0) return normalised(built);
  const sizes = { ...built.sizes };
  for (const s of keep) {
    const p = prev.sizes[String(s)];
    if (p && !sizes[String(s)]) sizes[String(s)] = p;
  }
  return normalised({ ...built, sizes });
}

/** Output names (relative to the output folder) a lock entry lists. */
export function outputNames(flag: string, d: LockDataset | undefined): Set<string> {
  return new Set(d ? expectedOutputs(flag, d).map((e) => e.output.name) : []);
}

/**
 * Outputs the previous entry listed that the new one does not: to delete in the same commit. The card
 * and Croissant file are not among them: the run writes them anew from the new lock (src/engine/docs.ts).
 */
export function droppedOutputs(flag: string, prev: LockDataset | undefined, next: LockDataset | undefined): string[] {
  const keep = outputNames(flag, next);
  for (const d of [prev?.docs?.card, prev?.docs?.croissant]) if (d) keep.add(d.name);
  return [...outputNames(flag, prev)].filter((n) => !keep.has(n)).sort();
}
