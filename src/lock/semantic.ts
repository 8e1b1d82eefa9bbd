// The lock's semantic fingerprint (issue: batch-inference verifier): the reference model fitted on the
// train split at the smallest size built, and its MedMNIST metrics on test. Hashes say "these bytes";
// the fingerprint says "a model trained on this data still behaves the same", so a rebuild whose metrics
// move beyond the recorded tolerance is caught even when its hashes were deliberately updated.
import type { DatasetInfo } from '../core/contract.js';
import type { OnProgress } from '../core/progress.js';
import { compareFingerprints, semanticFingerprint } from '../evaluate/fingerprint.js';
import type { LockDataset, SemanticFingerprint } from './lockfile.js';

/** The size the fingerprint is taken at: the smallest one built (cheapest to read, always present). */
export function fingerprintSize(sizes: readonly number[]): number {
  return Math.min(...sizes);
}

/** The format the fingerprint reads: NPZ when built, else the first format built. */
export function fingerprintFormat(formats: readonly string[]): string {
  return formats.includes('npz') ? 'npz' : formats[0]!;
}

export async function fingerprintOf(root: string, spec: DatasetInfo, size: number, format: string, onProgress?: OnProgress): Promise<SemanticFingerprint> {
  return semanticFingerprint({ root, flag: spec.flag, size, spec, format, onProgress });
}

/**
 * Problems between the fingerprint recorded in `locked` (if any, for the same reference model) and a
 * new one at `size`; empty when there is nothing recorded or the metrics stay within tolerance.
 */
export function semanticDrift(locked: LockDataset | undefined, size: number, current: SemanticFingerprint): string[] {
  const recorded = locked?.sizes[String(size)]?.semantic;
  if (!recorded || recorded.model !== current.model || recorded.split !== current.split) return [];
  return compareFingerprints(recorded, current);
}
