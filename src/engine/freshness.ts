// Is a dataset already built, as asked, in the output folder? A dataset is up to date when its lock
// entry has the same recipe (sizes and formats aside) and the same raw inputs, lists every size and
// format asked for (exactly those under --prune), and every output it lists is intact. Otherwise this
// decides what the run must build: the asked sizes, plus the formats those sizes already have (so their
// metadata keeps describing every file), while other sizes already in the folder stay as they are when
// still valid, and are rebuilt with the rest when the recipe or the inputs changed.
import type { Converter } from '../core/contract.js';
import { buildRecipe, manifestHashOf } from '../lock/recipe.js';
import { compareInputs } from '../lock/inputs.js';
import { coreRecipeDifferences, sizeFormatsOf } from '../lock/incremental.js';
import type { LockDataset, LockInputs, Lockfile } from '../lock/lockfile.js';
import { checkOutputs, type VerifyChange } from '../lock/verify.js';
import { expectedOutputs, stripSlash } from '../lock/entry.js';
import { specOf, type BuildPlan } from './plan.js';

export interface Wanted {
  sizes: readonly number[];
  formats: readonly string[];
  /** Drop sizes and formats the folder holds but this run did not ask for. */
  prune: boolean;
  /** Rebuild what is asked even when it is up to date. */
  force?: boolean;
}

export interface DatasetFreshness {
  flag: string;
  status: 'new' | 'up to date' | 'rebuild';
  /** Why it is rebuilt (empty when new or up to date). */
  reasons: string[];
  /** Sizes and formats this run builds for it. */
  sizes: number[];
  formats: string[];
  /** Sizes of the folder kept as they are. */
  keep: number[];
}

const MAX_REASONS = 5;

function listed(xs: string[]): string[] {
  return xs.length > MAX_REASONS ? [...xs.slice(0, MAX_REASONS), `... and ${xs.length - MAX_REASONS} more`] : xs;
}

const sortNum = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);
const sortStr = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * Assess every dataset of `plan` against `lock` and the outputs in `out`. `inputsNow` gives the raw
 * inputs as they are now (called once, only when some dataset has a lock entry to compare with).
 */
export async function assessFreshness(
  plan: BuildPlan,
  converter: Converter,
  lock: Lockfile | null,
  out: string,
  wanted: Wanted,
  inputsNow: () => Promise<LockInputs>,
): Promise<DatasetFreshness[]> {
  const manifest = await manifestHashOf(plan.options.split);
  let inputs: LockInputs | null = null;
  const result: DatasetFreshness[] = [];
  const asked = { sizes: sortNum(wanted.sizes), formats: sortStr(wanted.formats) };
  for (const d of plan.datasets) {
    const prev: LockDataset | undefined = lock?.datasets[d.flag];
    if (!prev) {
      result.push({ flag: d.flag, status: 'new', reasons: [], ...asked, keep: [] });
      continue;
    }
    const now = buildRecipe(converter.source.id, specOf(converter, d.flag), { ...plan.options, ...asked }, manifest);
    const reasons = coreRecipeDifferences(prev.recipe, now).map((x) => `recipe ${x}`);
    inputs ??= await inputsNow();
    reasons.push(...compareInputs(prev.inputs, inputs).map((c) => `input ${c.kind}: ${c.path}`));
    const have = sizeFormatsOf(prev);
    if (reasons.length > 0) {
      // The folder's other sizes were made from other inputs or another recipe: rebuild them too, unless
      // they are being pruned.
      const sizes = wanted.prune ? asked.sizes : sortNum([...asked.sizes, ...have.keys()]);
      const formats = wanted.prune ? asked.formats : sortStr([...asked.formats, ...[...have.values()].flatMap((f) => [...f])]);
      result.push({ flag: d.flag, status: 'rebuild', reasons: listed(reasons), sizes, formats, keep: [] });
      continue;
    }
    // Same recipe and inputs: which outputs are damaged, missing or not yet built?
    const damage: VerifyChange[] = [];
    await checkOutputs(out, d.flag, prev, damage);
    const sizeOf = new Map(expectedOutputs(d.flag, prev).map((e) => [stripSlash(e.output.name), e.size]));
    const damagedSizes = new Set<number>();
    for (const c of damage) {
      // samples.csv is rewritten by any rebuild, so its damage only forces one.
      const size = sizeOf.get(stripSlash(c.name));
      if (size !== undefined) damagedSizes.add(size);
      reasons.push(`${c.kind}: ${c.name}`);
    }
    const missingPairs: string[] = [];
    for (const s of asked.sizes) for (const f of asked.formats) if (!have.get(s)?.has(f)) missingPairs.push(`${s} ${f}`);
    if (missingPairs.length > 0) reasons.push(`not built yet: ${missingPairs.join(', ')}`);
    const extra: string[] = [];
    if (wanted.prune) {
      for (const [s, fs] of have) for (const f of fs) if (!asked.sizes.includes(s) || !asked.formats.includes(f)) extra.push(`${s} ${f}`);
      if (extra.length > 0) reasons.push(`--prune drops: ${extra.join(', ')}`);
    }
    if (reasons.length === 0 && wanted.force) reasons.push('--force');
    if (reasons.length === 0) {
      result.push({ flag: d.flag, status: 'up to date', reasons: [], sizes: [], formats: [], keep: sortNum(have.keys()) });
      continue;
    }
    // Rebuild the asked sizes (and damaged ones); a size rebuilt keeps the formats it had, so its
    // metadata file goes on describing all of them. The rest stays.
    const rebuildSizes = wanted.prune ? asked.sizes : sortNum([...asked.sizes, ...damagedSizes]);
    const formats = wanted.prune
      ? asked.formats
      : sortStr([...asked.formats, ...rebuildSizes.flatMap((s) => [...(have.get(s) ?? [])])]);
    const keep = wanted.prune ? [] : sortNum([...have.keys()].filter((s) => !rebuildSizes.includes(s)));
    result.push({ flag: d.flag, status: 'rebuild', reasons: listed(reasons), sizes: rebuildSizes, formats, keep });
  }
  return result;
}
