// The official Evaluator's standard result file (medmnist/evaluator.py, Evaluator.evaluate with
// save_folder): named `{flag}{size_flag}_{split}_[AUC]{auc:.3f}_[ACC]{acc:.3f}@{run}.csv`, where size_flag is
// '' for 28 and `_{size}` otherwise, and written by `pd.DataFrame(y_score).to_csv(path, header=None)`:
// no header row, the row index first, then every score as numpy writes a float64 (Python's repr), '\n'
// line ends. Evaluator.parse_and_evaluate reads such a file back.
import { join } from 'node:path';
import type { Matrix, Metrics } from './metrics.js';
import { pythonFixed3, pythonFloatRepr } from './python-format.js';
import { UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';

export function sizeFlag(size: number): string {
  return size === 28 ? '' : `_${size}`;
}

export function standardResultFileName(o: { flag: string; size: number; split: string; metrics: Metrics; run: string }): string {
  // parse_and_evaluate takes the run as the text between the last '@' and the next '.'.
  if (/[@./\\]/.test(o.run) || o.run === '') {
    throw new UsageError(`--run ${JSON.stringify(o.run)}: use a non-empty name without '@', '.', '/' or '\\'`);
  }
  return `${o.flag}${sizeFlag(o.size)}_${o.split}_[AUC]${pythonFixed3(o.metrics.auc)}_[ACC]${pythonFixed3(o.metrics.acc)}@${o.run}.csv`;
}

/** The CSV text: `index,score_0,...,score_k` per row, as pandas writes it. */
export function resultsCsv(scores: Matrix<Float64Array>): string {
  const lines: string[] = [];
  for (let r = 0; r < scores.rows; r++) {
    const cells = [String(r)];
    for (let c = 0; c < scores.columns; c++) cells.push(pythonFloatRepr(scores.data[r * scores.columns + c]!));
    lines.push(cells.join(',') + '\n');
  }
  return lines.join('');
}

/** Write the result file into dir (temporary name, then rename); returns its path. */
export async function saveResults(dir: string, fileName: string, scores: Matrix<Float64Array>): Promise<string> {
  const path = join(dir, fileName);
  await writeFileAtomic(path, resultsCsv(scores));
  return path;
}
