// MedMNIST's own metrics, as getAUC / getACC in medmnist/evaluator.py (v3) compute them:
// - binary-class: roc_auc_score(y_true, y_score[:, -1]); ACC = accuracy of (y_score[:, -1] > 0.5)
// - multi-label, binary-class: mean over label columns of roc_auc_score, and of the accuracy of
//   (y_score > 0.5) per column
// - multi-class and ordinal-regression (the evaluator's `else` branch): mean over score columns of the
//   one-vs-rest roc_auc_score (y_true == i); ACC = accuracy of argmax (first maximum, as np.argmax)
// roc_auc_score is the Mann-Whitney statistic with tied scores counted one half (average ranks), which
// equals scikit-learn's trapezoidal area under the ROC curve.
import { type Task, isMultiLabel } from '../core/contract.js';
import { DataError } from '../core/errors.js';

/** Row-major matrix of n rows and `columns` columns. */
export interface Matrix<T extends Float64Array | Uint8Array> {
  rows: number;
  columns: number;
  data: T;
}

export interface Metrics {
  auc: number;
  acc: number;
}

export const ACC_THRESHOLD = 0.5;

/**
 * Area under the ROC curve of binary labels (0/1) against scores, as sklearn's roc_auc_score.
 * `what` names the column in the error raised when only one class is present (sklearn raises too).
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, what = 'labels'): number {
  const n = yTrue.length;
  if (score.length !== n) throw new Error(`rocAuc: ${n} labels but ${score.length} scores`);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const v = yTrue[i]!;
    if (v !== 0 && v !== 1) throw new DataError(`${what}: label value ${v} at row ${i} is not 0 or 1`);
    if (Number.isNaN(score[i]!)) throw new DataError(`${what}: score at row ${i} is NaN`);
    nPos += v;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new DataError(
      `${what}: only one class present (${nPos} positive, ${nNeg} negative of ${n}); ROC AUC is not defined ` +
        `(scikit-learn's roc_auc_score raises too). Evaluate a split in which every class occurs.`,
    );
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (score[a]! < score[b]! ? -1 : score[a]! > score[b]! ? 1 : 0));
  // Sum of the (average, 1-based) ranks of the positives; half-integers, exact in a double.
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && score[order[j]!] === score[order[i]!]) j++;
    let pos = 0;
    for (let t = i; t < j; t++) pos += yTrue[order[t]!]!;
    rankSum += (pos * (i + 1 + j)) / 2;
    i = j;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function column(m: Matrix<Float64Array>, c: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.columns + c]!;
  return out;
}

function labelColumn(m: Matrix<Uint8Array>, c: number): Uint8Array {
  const out = new Uint8Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.columns + c]!;
  return out;
}

function checkShapes(task: Task, yTrue: Matrix<Uint8Array>, yScore: Matrix<Float64Array>): void {
  if (yTrue.rows !== yScore.rows) throw new DataError(`${yTrue.rows} labels but ${yScore.rows} score rows`);
  if (yTrue.rows === 0) throw new DataError('no samples to evaluate');
  if (isMultiLabel(task)) {
    if (yScore.columns !== yTrue.columns) {
      throw new DataError(`multi-label task with ${yTrue.columns} label columns but ${yScore.columns} score columns`);
    }
  } else if (yTrue.columns !== 1) {
    throw new DataError(`${task} task needs one label column, got ${yTrue.columns}`);
  }
  if (task === 'binary-class' && yScore.columns < 1) throw new DataError('binary-class task needs at least one score column');
}

/** getAUC(y_true, y_score, task) of medmnist/evaluator.py. */
export function getAUC(task: Task, yTrue: Matrix<Uint8Array>, yScore: Matrix<Float64Array>): number {
  checkShapes(task, yTrue, yScore);
  if (task === 'binary-class') return rocAuc(yTrue.data, column(yScore, yScore.columns - 1), 'binary-class labels');
  if (isMultiLabel(task)) {
    let auc = 0;
    for (let c = 0; c < yScore.columns; c++) auc += rocAuc(labelColumn(yTrue, c), column(yScore, c), `label column ${c}`);
    return auc / yScore.columns;
  }
  let auc = 0;
  const binary = new Uint8Array(yTrue.rows);
  for (let c = 0; c < yScore.columns; c++) {
    for (let r = 0; r < yTrue.rows; r++) binary[r] = yTrue.data[r] === c ? 1 : 0;
    auc += rocAuc(binary, column(yScore, c), `class ${c} (one-vs-rest)`);
  }
  return auc / yScore.columns;
}

/** Index of the first maximum of row r (np.argmax). */
export function argmaxRow(m: Matrix<Float64Array>, r: number): number {
  let best = 0;
  let bestValue = m.data[r * m.columns]!;
  for (let c = 1; c < m.columns; c++) {
    const v = m.data[r * m.columns + c]!;
    if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
      best = c;
      bestValue = v;
      if (Number.isNaN(v)) break;
    }
  }
  return best;
}

/** getACC(y_true, y_score, task, threshold=0.5) of medmnist/evaluator.py. */
export function getACC(task: Task, yTrue: Matrix<Uint8Array>, yScore: Matrix<Float64Array>, threshold = ACC_THRESHOLD): number {
  checkShapes(task, yTrue, yScore);
  const n = yTrue.rows;
  if (isMultiLabel(task)) {
    let acc = 0;
    for (let c = 0; c < yTrue.columns; c++) {
      let right = 0;
      for (let r = 0; r < n; r++) {
        const pred = yScore.data[r * yScore.columns + c]! > threshold ? 1 : 0;
        if (pred === yTrue.data[r * yTrue.columns + c]) right++;
      }
      acc += right / n;
    }
    return acc / yTrue.columns;
  }
  let right = 0;
  if (task === 'binary-class') {
    const last = yScore.columns - 1;
    for (let r = 0; r < n; r++) {
      const pred = yScore.data[r * yScore.columns + last]! > threshold ? 1 : 0;
      if (pred === yTrue.data[r]) right++;
    }
  } else {
    for (let r = 0; r < n; r++) if (argmaxRow(yScore, r) === yTrue.data[r]) right++;
  }
  return right / n;
}

export function getMetrics(task: Task, yTrue: Matrix<Uint8Array>, yScore: Matrix<Float64Array>): Metrics {
  return { auc: getAUC(task, yTrue, yScore), acc: getACC(task, yTrue, yScore) };
}
