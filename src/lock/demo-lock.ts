// The repository's own datasets.lock.json locks the demo release: `medmnist-build demo` (fake downloads
// of every registered source, DEMO_COUNT images each, seed DEMO_SEED) at the sizes below, in every
// registered format, plus the official MedMNIST MD5s. CI rebuilds the demo with these arguments and
// verifies it against the lock, so any unintended change in output bytes fails.
//
// Regenerate it deliberately (after a change that is meant to alter outputs, a new source or format):
//   npm run build && node scripts/update-demo-lock.mjs
import { FORMATS } from '../formats/index.js';
import { mergeDatasets, type Lockfile, type OfficialRelease } from './lockfile.js';
import { bundledOfficial } from './official.js';

export const DEMO_LOCK_SIZES: readonly number[] = [28, 64];

/** CLI arguments of the locked demo build (formats and sources come from the registries). */
export function demoLockArgs(out: string): string[] {
  return ['demo', '--out', out, '--size', DEMO_LOCK_SIZES.join(','), '--format', FORMATS.map((f) => f.name).join(',')];
}

/**
 * The new repository lock: exactly the datasets of the demo build (semantic fingerprints of datasets
 * still built are kept) and the official MD5s (by default the catalog's).
 */
export function repositoryLock(current: Lockfile | null, demo: Lockfile, official: OfficialRelease = bundledOfficial()): Lockfile {
  const kept = Object.fromEntries(Object.entries(current?.datasets ?? {}).filter(([flag]) => flag in demo.datasets));
  const merged = mergeDatasets(current ? { ...current, datasets: kept } : null, demo.datasets);
  return { ...merged, official };
}
