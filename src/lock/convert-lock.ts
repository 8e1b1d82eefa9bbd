// The lock side of `convert`: hash the raw inputs and the recipe before anything is written, check
// them against the lock under --frozen, turn the finished build (still in its temporary folder) into
// lock entries and compare them under --frozen, and after the outputs are committed merge the entries
// into a staged lock that the output transaction commits with the outputs (src/lock/output-transaction.ts).
import type { Converter, DatasetSpec } from '../core/contract.js';
import type { OnProgress } from '../core/progress.js';
import { DataError } from '../core/errors.js';
import { checkOutputs, type VerifyChange } from './verify.js';
import { datasetEntry, outputDifferences, type BuiltDataset } from './entry.js';
import { compareInputs, hashInputs } from './inputs.js';
import { writeCanonicalJson } from './canonical.js';
import { mergeDatasets, readLockIfExists, validateLock, type LockDataset, type LockInputs, type LockRecipe, type Lockfile } from './lockfile.js';
import { buildRecipe, jsonDifferences, manifestHashOf, type RecipeOptions } from './recipe.js';
import { combineEntries, coreRecipeDifferences, droppedOutputs } from './incremental.js';
import { fingerprintFormat, fingerprintOf, fingerprintSize, semanticDrift } from './semantic.js';

export interface ConvertLockOptions extends RecipeOptions {
  /** Lock file path. */
  path: string;
  /** Refuse anything that disagrees with the lock; never write it. */
  frozen: boolean;
  input: string;
  /** The output folder (under --frozen its outputs must match the lock too). */
  out?: string;
  /** Record the semantic fingerprint (reference-model metrics); default true. */
  fingerprint?: boolean;
  /** Accept reference-model metrics that moved beyond the recorded tolerance, and record the new ones. */
  acceptDrift?: boolean;
  /** Where to say that a fingerprint could not be taken (tiny or one-class test splits). */
  warn?: (message: string) => void;
  /** Progress of input hashing (--frozen) and of the fingerprint fit. */
  onProgress?: OnProgress;
  /**
   * Per dataset, sizes of the previous lock entry that stay as they are (not rebuilt, still valid): the
   * entry written lists them besides what this run built. Outputs of the previous entry listed in
   * neither are dropped (deleted in the same commit).
   */
  keep?: Readonly<Record<string, readonly number[]>>;
}

/** A lock staged for the commit, and the outputs the commit deletes because the new lock drops them. */
export interface StagedLock {
  staged: string;
  /** What `staged` holds, so that the docs need not read it back (50 MB for TissueMNIST). */
  lock: Lockfile;
  remove: string[];
}

const MAX_LISTED = 20;

function refuse(path: string, what: string, lines: string[]): never {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `  ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`  ... and ${lines.length - MAX_LISTED} more`);
  throw new DataError(
    `--frozen: ${what} differ from ${path}; nothing was written.\n${shown.join('\n')}\n` +
      'Run without --frozen to rebuild and update the lock deliberately.',
  );
}

/**
 * Sizes of the previous entry that a build which did not decide what to keep (`pack`) leaves in place:
 * those it did not rebuild, when the recipe (sizes and formats aside) and the inputs are unchanged.
 */
function stillValidSizes(built: LockDataset, prev: LockDataset | undefined): number[] {
  if (!prev || coreRecipeDifferences(prev.recipe, built.recipe).length > 0 || prev.inputs.manifestSha256 !== built.inputs.manifestSha256) return [];
  return Object.keys(prev.sizes).map(Number).filter((s) => !built.sizes[String(s)]);
}

export class ConvertLock {
  private entries: Record<string, LockDataset> = {};

  private constructor(
    private readonly o: ConvertLockOptions,
    private readonly base: Lockfile | null,
    private readonly source: string,
    /** Inputs hashed up front (--frozen); otherwise the engine passes them to check(). */
    private readonly frozenInputs: LockInputs | null,
    private readonly recipes: Map<string, LockRecipe>,
    private readonly specs: Map<string, DatasetSpec>,
  ) {}

  /**
   * Recipes now; under --frozen also the raw inputs (`inputFiles()`, absolute paths), refusing here, before
   * any output exists, on a mismatch. Without --frozen the engine hashes each input as it reads it, once
   * (and the list, 236k paths for TissueMNIST, is never made).
   */
  static async prepare(o: ConvertLockOptions, converter: Converter, specs: readonly DatasetSpec[], inputFiles: () => readonly string[]): Promise<ConvertLock> {
    const base = await readLockIfExists(o.path);
    if (o.frozen && !base) throw new DataError(`--frozen needs an existing lock, and ${o.path} does not exist. Build once without --frozen to write it.`);
    const manifest = await manifestHashOf(o.split);
    const recipes = new Map(specs.map((s) => [s.flag, buildRecipe(converter.source.id, s, o, manifest)]));
    const inputs = o.frozen ? await hashInputs(o.input, inputFiles(), { onProgress: o.onProgress, subject: converter.source.id }) : null;
    if (o.frozen && base && inputs) {
      const problems: string[] = [];
      for (const spec of specs) {
        const locked = base.datasets[spec.flag];
        if (!locked) {
          problems.push(`${spec.flag}: not in the lock`);
          continue;
        }
        for (const d of jsonDifferences(locked.recipe, recipes.get(spec.flag))) problems.push(`${spec.flag} recipe ${d}`);
        for (const c of compareInputs(locked.inputs, inputs)) problems.push(`${spec.flag} input ${c.kind}: ${c.path}${c.detail ? ` (${c.detail})` : ''}`);
      }
      if (problems.length > 0) refuse(o.path, 'inputs or recipe', problems);
    }
    // Without --frozen the old lock is only asked for earlier fingerprints (stage() reads the lock it
    // merges into afresh): its input lists (236k entries, ~50 MB for TissueMNIST) are let go now.
    if (!o.frozen && base) for (const d of Object.values(base.datasets)) d.inputs = { manifestSha256: d.inputs.manifestSha256, files: [] };
    return new ConvertLock(o, base, converter.source.id, inputs, recipes, new Map(specs.map((s) => [s.flag, s])));
  }

  /** Lock entries of the finished build (files still in `dir`); under --frozen, refuse any change. */
  async check(builds: readonly BuiltDataset[], dir: string, inputs: LockInputs): Promise<void> {
    const problems: string[] = [];
    const drift: string[] = [];
    for (const b of builds) {
      const entry = await datasetEntry(b, dir, this.source, this.recipes.get(b.flag)!, this.frozenInputs ?? inputs);
      this.entries[b.flag] = entry;
      if (this.o.frozen) problems.push(...outputDifferences(b.flag, this.base!.datasets[b.flag]!, entry));
      // A frozen build is byte-identical to the lock, so its fingerprint cannot have moved.
      else if (this.o.fingerprint !== false) drift.push(...(await this.recordFingerprint(b.flag, entry, dir)));
    }
    if (problems.length > 0) refuse(this.o.path, 'outputs', problems);
    // Like `npm ci`, --frozen never repairs: outputs already in the folder that differ from the lock
    // (damaged, deleted, replaced) are refused, not silently rebuilt.
    if (this.o.frozen && this.o.out) {
      const damaged: VerifyChange[] = [];
      for (const b of builds) await checkOutputs(this.o.out, b.flag, this.base!.datasets[b.flag]!, damaged);
      if (damaged.length > 0) {
        const lines = damaged.map((c) => `  ${c.kind}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
        throw new DataError(
          `--frozen: ${damaged.length} output${damaged.length === 1 ? '' : 's'} in ${this.o.out} differ from ${this.o.path} (damaged, deleted or replaced); nothing was written.\n` +
            `${lines.slice(0, MAX_LISTED).join('\n')}${lines.length > MAX_LISTED ? `\n  ... and ${lines.length - MAX_LISTED} more` : ''}\n` +
            'To rebuild them, run the same convert command without --frozen (it rewrites the outputs and the lock), or restore the folder from a backup; ' +
            `\`medmnist-build verify ${this.o.out}\` lists what differs.`,
        );
      }
    }
    if (drift.length > 0 && !this.o.acceptDrift) {
      throw new DataError(
        `semantic drift: the reference model's metrics moved beyond the tolerance recorded in ${this.o.path}; nothing was written.\n` +
          drift.map((d) => `  ${d}`).join('\n') +
          '\nIf the change is intended, run again with --accept-drift to record the new metrics.',
      );
    }
  }

  /** Fit the reference model on the build in `dir`, record its fingerprint in `entry`, return drift. */
  private async recordFingerprint(flag: string, entry: LockDataset, dir: string): Promise<string[]> {
    const size = fingerprintSize(this.o.sizes);
    const spec = this.specs.get(flag)!;
    let fp;
    try {
      fp = await fingerprintOf(dir, spec, size, fingerprintFormat(this.o.formats), this.o.onProgress);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      this.o.warn?.(`${flag}: no semantic fingerprint recorded (${err.message.split('\n')[0]})`);
      return [];
    }
    entry.sizes[String(size)] = { ...entry.sizes[String(size)]!, semantic: fp };
    return semanticDrift(this.base?.datasets[flag], size, fp).map((d) => `${flag} size ${size}: ${d}`);
  }

  /**
   * Write the merged lock to `staged` (inside the output transaction's staging folder), which the commit
   * renames over the lock together with the outputs. The caller holds the output folder's lock, so the
   * lock read here is the one the commit replaces. A frozen build leaves the lock as it is: null.
   */
  async stage(staged: string): Promise<StagedLock | null> {
    if (this.o.frozen) return null;
    const current = await readLockIfExists(this.o.path);
    const entries: Record<string, LockDataset> = {};
    const remove: string[] = [];
    for (const [flag, built] of Object.entries(this.entries)) {
      const prev = current?.datasets[flag];
      entries[flag] = combineEntries(built, prev, this.o.keep?.[flag] ?? stillValidSizes(built, prev));
      const dropped = droppedOutputs(flag, prev, entries[flag]);
      if (dropped.length > 0 && !this.o.keep) {
        this.o.warn?.(`${flag}: ${dropped.length} output(s) of an earlier build in this folder no longer match its recipe or inputs and are removed: ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', ...' : ''}`);
      }
      remove.push(...dropped);
    }
    const lock = mergeDatasets(current, entries);
    validateLock(lock, `lock to be written to ${this.o.path}`);
    writeCanonicalJson(staged, lock);
    return { staged, lock, remove };
  }
}
