// Model outputs to scores, as MedMNIST's train.py does before calling the Evaluator: sigmoid for
// multi-label, softmax over the outputs for every other task (binary-class models there have two
// outputs; softmax of two logits is the sigmoid of their difference). A binary-class model with a single
// output gets the sigmoid. With `probabilities` the outputs are taken as they are.
import { type Task, isMultiLabel } from '../core/contract.js';

export type Activation = 'softmax' | 'sigmoid' | 'none';

export function activationFor(task: Task, outputs: number, probabilities: boolean): Activation {
  if (probabilities) return 'none';
  if (isMultiLabel(task)) return 'sigmoid';
  if (task === 'binary-class' && outputs === 1) return 'sigmoid';
  return 'softmax';
}

/** Apply the activation to `rows` rows of `columns` raw outputs, writing float64 scores at `offset`. */
export function applyActivation(kind: Activation, raw: ArrayLike<number>, rows: number, columns: number, out: Float64Array, offset: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    const dst = offset + base;
    if (kind === 'softmax') {
      let max = -Infinity;
      for (let c = 0; c < columns; c++) max = Math.max(max, raw[base + c]!);
      let sum = 0;
      for (let c = 0; c < columns; c++) {
        const e = Math.exp(raw[base + c]! - max);
        out[dst + c] = e;
        sum += e;
      }
      for (let c = 0; c < columns; c++) out[dst + c]! /= sum;
    } else if (kind === 'sigmoid') {
      for (let c = 0; c < columns; c++) out[dst + c] = 1 / (1 + Math.exp(-raw[base + c]!));
    } else {
      for (let c = 0; c < columns; c++) out[dst + c] = raw[base + c]!;
    }
  }
}
