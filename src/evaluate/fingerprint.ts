// The dataset's semantic fingerprint for the lock: the reference model fitted on the train split, its
// ONNX bytes' SHA-256, and MedMNIST's metrics on the test split. The fit and the scores are computed in
// deterministic arithmetic (not by onnxruntime, whose kernels vary with the CPU), so the same build gives
// the same fingerprint everywhere; a rebuild whose metrics move beyond `tolerance` is flagged even when
// its hashes were updated.
import type { DatasetInfo } from '../core/contract.js';
import type { OnProgress } from '../core/progress.js';
import { getMetrics, type Metrics } from './metrics.js';
import { fitReferenceModel, REFERENCE_MODEL, referenceModelOnnx, referenceScores, sha256Hex } from './reference-model.js';

export const DEFAULT_FINGERPRINT_TOLERANCE = 0.02;

export interface SemanticFingerprint {
  model: typeof REFERENCE_MODEL;
  modelSha256: string;
  split: 'test';
  metrics: Metrics;
  tolerance: number;
}

export interface FingerprintOptions {
  /** Folder holding the built outputs (F_S.npz...). */
  root: string;
  flag: string;
  size: number;
  spec: DatasetInfo;
  /** Output format to read; npz by default. */
  format?: string;
  tolerance?: number;
  /** Progress of the fit (reading the train split, iterations). */
  onProgress?: OnProgress;
}

export async function semanticFingerprint(o: FingerprintOptions): Promise<SemanticFingerprint> {
  const loc = { root: o.root, flag: o.flag, size: o.size, spec: o.spec, format: o.format };
  const model = await fitReferenceModel(loc, o.onProgress);
  const bytes = referenceModelOnnx(model, o.spec, o.size);
  const test = await referenceScores(model, { ...loc, split: 'test' });
  const metrics = getMetrics(
    o.spec.task,
    { rows: test.rows, columns: test.labelColumns, data: test.labels },
    { rows: test.rows, columns: model.classes, data: test.scores },
  );
  return {
    model: REFERENCE_MODEL,
    modelSha256: sha256Hex(bytes),
    split: 'test',
    metrics,
    tolerance: o.tolerance ?? DEFAULT_FINGERPRINT_TOLERANCE,
  };
}

/** The fields of a fingerprint as a lock records it. */
export interface RecordedFingerprint {
  model: string;
  metrics: { auc: number; acc: number };
  tolerance: number;
}

/** Compare a recomputed fingerprint with a recorded one: the reasons it fails, empty when it passes. */
export function compareFingerprints(recorded: RecordedFingerprint, current: RecordedFingerprint): string[] {
  const problems: string[] = [];
  if (recorded.model !== current.model) problems.push(`reference model ${recorded.model} recorded, ${current.model} computed`);
  for (const key of ['auc', 'acc'] as const) {
    const diff = Math.abs(recorded.metrics[key] - current.metrics[key]);
    if (!(diff <= recorded.tolerance)) {
      problems.push(`${key.toUpperCase()} ${current.metrics[key].toFixed(4)} differs from the recorded ${recorded.metrics[key].toFixed(4)} by ${diff.toFixed(4)} (> ${recorded.tolerance})`);
    }
  }
  return problems;
}
