// datasets.lock.json: types, reading and writing. Every read and every write is validated against
// schemas/lock.schema.json; writes are canonical JSON (src/lock/canonical.ts), written to a temporary
// file beside the lock and renamed over it, so a reader never sees half a lock.
import { readFile, stat } from 'node:fs/promises';
import type { RecipeOp, SplitName } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import { schemaValidator } from '../metadata/schemas.js';
import { canonicalJson } from './canonical.js';
import { writeFileAtomic } from '../core/atomic-write.js';

export const LOCKFILE_VERSION = 1;
export const LOCK_NAME = 'datasets.lock.json';
/** The new lock's name inside an output transaction's staging folder (never an output name). */
export const STAGED_LOCK_NAME = '.datasets.lock.json.staged';
export const LOCK_SCHEMA = 'lock.schema.json';

export interface LockOutput {
  name: string;
  bytes: number;
  sha256: string;
  /** Folders only: number of files in the manifest. */
  files?: number;
}

export interface LockInputFile {
  /** POSIX path relative to the --input folder. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface LockInputs {
  manifestSha256: string;
  files: LockInputFile[];
}

export interface LockRecipe {
  tool: { name: 'medmnist-build'; version: string };
  source: string;
  dataset: string;
  sizes: number[];
  formats: string[];
  formatOptions: Record<string, string | number | boolean>;
  labels: string[];
  /** The recipe's operations (schemas/recipe.schema.json). */
  pixels: RecipeOp[];
  split: { strategy: string; seed: number; manifestSha256?: string };
}

export interface SplitContent {
  count: number;
  sha256: string;
}

export interface ContentHash {
  sha256: string;
  splits: Record<SplitName, SplitContent>;
}

/** Model-metrics fingerprint (schema + preservation only; written by the model verifier). */
export interface SemanticFingerprint {
  model: string;
  modelSha256: string;
  split: SplitName;
  metrics: { auc: number; acc: number };
  tolerance: number;
}

export interface LockSize {
  content: ContentHash;
  metadata: LockOutput;
  formats: Record<string, { files: LockOutput[] }>;
  semantic?: SemanticFingerprint;
}

export interface LockDocs {
  card: LockOutput;
  croissant: LockOutput;
}

export interface LockDataset {
  source: string;
  inputs: LockInputs;
  recipe: LockRecipe;
  recipeSha256: string;
  counts: Record<SplitName, number>;
  samplesCsv: LockOutput;
  /** Dataset card and Croissant file (src/engine/docs.ts), describing every size and format listed here. */
  docs?: LockDocs;
  /** Keyed by the size in pixels, as a decimal string. */
  sizes: Record<string, LockSize>;
  semantic?: SemanticFingerprint;
}

export interface OfficialRelease {
  /** Where the MD5s come from, e.g. "MedMNIST v3.0.2 (medmnist/info.py)". */
  release: string;
  files: Record<string, { md5: string; url: string }>;
}

export interface Lockfile {
  lockfileVersion: 1;
  datasets: Record<string, LockDataset>;
  official?: OfficialRelease;
}

export function emptyLock(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, datasets: {} };
}

/** Validate a parsed lock; throw a DataError naming the file, each JSON path at fault and the fix. */
export function validateLock(data: unknown, what: string): Lockfile {
  const version = (data as { lockfileVersion?: unknown } | null)?.lockfileVersion;
  if (typeof version === 'number' && version > LOCKFILE_VERSION) {
    throw new DataError(`${what}: lockfileVersion ${version} was written by a newer medmnist-build (this one reads ${LOCKFILE_VERSION}); upgrade medmnist-build.`);
  }
  const v = schemaValidator(LOCK_SCHEMA);
  if (!v(data)) {
    const errs = (v.errors ?? []).slice(0, 10).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
      return `  ${e.instancePath || '/'}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new DataError(
      `${what} is not a valid lock file (schemas/${LOCK_SCHEMA}):\n${errs.join('\n')}\n` +
        `Restore it from version control, or delete it and run \`medmnist-build convert\` again to write a fresh one.`,
    );
  }
  return data as Lockfile;
}

/** Read and validate a lock; null when the file does not exist. */
export async function readLockIfExists(path: string): Promise<Lockfile | null> {
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new DataError(`${path} is not a regular file (a folder, FIFO or device where the lock should be). Move it away, then restore the lock or convert again.`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${path} is not valid JSON (${(err as Error).message}). Restore it from version control, or delete it and convert again.`);
  }
  return validateLock(data, path);
}

export async function readLock(path: string): Promise<Lockfile> {
  const lock = await readLockIfExists(path);
  if (!lock) throw new DataError(`lock file ${path} not found. Build with \`medmnist-build convert\` (it writes one), or pass --lock FILE.`);
  return lock;
}

/** Validate, serialise canonically and replace `path` atomically. */
export async function writeLock(path: string, lock: Lockfile): Promise<void> {
  validateLock(lock, `lock to be written to ${path}`);
  await writeFileAtomic(path, canonicalJson(lock));
}

/**
 * Put built datasets into a lock, keeping every other dataset and the official section. A rebuilt
 * dataset keeps its earlier semantic fingerprints (dataset-level, and per size for sizes still built)
 * unless the build recorded a new one (convert checks drift against the old one before that).
 */
export function mergeDatasets(base: Lockfile | null, built: Record<string, LockDataset>): Lockfile {
  const out: Lockfile = base ? { ...base, datasets: { ...base.datasets } } : emptyLock();
  for (const [flag, entry] of Object.entries(built)) {
    const prev = out.datasets[flag];
    const next: LockDataset = { ...entry, sizes: { ...entry.sizes } };
    if (prev?.semantic && !next.semantic) next.semantic = prev.semantic;
    for (const [size, s] of Object.entries(next.sizes)) {
      const ps = prev?.sizes[size]?.semantic;
      if (ps && !s.semantic) next.sizes[size] = { ...s, semantic: ps };
    }
    out.datasets[flag] = next;
  }
  return out;
}
