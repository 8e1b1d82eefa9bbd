// Drop whole datasets from an output folder: their outputs and their lock entries go in one commit
// (src/lock/output-transaction.ts), so the folder reads as before or after, never in between.
import { writeCanonicalJson } from '../lock/canonical.js';
import { outputNames } from '../lock/incremental.js';
import { readLockIfExists, STAGED_LOCK_NAME, validateLock } from '../lock/lockfile.js';
import { acquireOutputFolder, OutputTransaction, releaseOutputFolder } from '../lock/output-transaction.js';

export async function pruneDatasets(out: string, lockPath: string, flags: readonly string[]): Promise<string[]> {
  acquireOutputFolder(out);
  try {
    const lock = await readLockIfExists(lockPath);
    if (!lock) return [];
    const remove: string[] = [];
    const datasets = { ...lock.datasets };
    for (const flag of flags) {
      remove.push(...outputNames(flag, datasets[flag]));
      delete datasets[flag];
    }
    const next = validateLock({ ...lock, datasets }, `lock to be written to ${lockPath}`);
    const tx = await OutputTransaction.begin(out);
    try {
      const staged = tx.path(STAGED_LOCK_NAME);
      writeCanonicalJson(staged, next);
      await tx.commit([], { staged, to: lockPath }, remove.sort());
    } catch (err) {
      await tx.abort();
      throw err;
    }
    return remove;
  } finally {
    releaseOutputFolder(out);
  }
}
