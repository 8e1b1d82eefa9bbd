// The reference model ("logreg-v1"): logistic regression on block-averaged, standardised pixels, fitted
// in TypeScript on a built train split and exported as a real ONNX file:
//   image [N, C, S, S] (normalised as the verifier feeds it) -> AveragePool (k x k blocks, k = floor(S/7))
//   -> Flatten -> Sub(mean) -> Mul(1/std) -> Gemm(weight [K, d], bias, transB=1) -> logits [N, K]
// Softmax regression for single-label tasks, one sigmoid per column for multi-label. The fit is fully
// deterministic: zero initial weights, full-batch Nesterov gradient descent with a fixed step and a fixed
// number of iterations, samples in split order, float64 sums in a fixed order and exp() from basic
// arithmetic only, so the same train split gives the same ONNX bytes on every machine.
import { createHash } from 'node:crypto';
import { type DatasetInfo, type Task, labelColumns, isMultiLabel } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { detExp } from './det-math.js';
import { encodeOnnxModel } from './onnx-proto.js';
import { NORMALISED } from './preprocess.js';
import { openSplit, type SplitLocation } from './split-source.js';

export const REFERENCE_MODEL = 'logreg-v1';
export const FIT = { iterations: 200, l2: 1e-4, grid: 7 } as const;
const OPSET = 13;
const IR_VERSION = 8;

/** Block-averaging geometry for images of the given spatial shape. */
export interface Pooling {
  spatial: number[];
  /** Kernel (= stride) per spatial axis. */
  kernel: number[];
  /** Output cells per spatial axis. */
  grid: number[];
  channels: number;
  /** Features per image: channels x prod(grid). */
  features: number;
  /** Cell of each spatial position (C order), -1 in the remainder AveragePool drops. */
  cellOf: Int32Array;
}

export function poolingFor(spatial: number[], channels: number): Pooling {
  const kernel = spatial.map((s) => Math.max(1, Math.floor(s / FIT.grid)));
  const grid = spatial.map((s, i) => Math.floor(s / kernel[i]!));
  const plane = spatial.reduce((a, b) => a * b, 1);
  const cellOf = new Int32Array(plane);
  for (let p = 0; p < plane; p++) {
    let rest = p;
    let cell = 0;
    let stride = 1;
    for (let axis = spatial.length - 1; axis >= 0; axis--) {
      const coord = rest % spatial[axis]!;
      rest = Math.floor(rest / spatial[axis]!);
      const g = Math.floor(coord / kernel[axis]!);
      if (g >= grid[axis]!) {
        cell = -1;
        break;
      }
      cell += g * stride;
      stride *= grid[axis]!;
    }
    cellOf[p] = cell;
  }
  const cells = grid.reduce((a, b) => a * b, 1);
  return { spatial, kernel, grid, channels, features: channels * cells, cellOf };
}

/** Features of `count` stored images (channel-last when RGB), in ONNX Flatten order (c, cells). */
export function poolFeatures(pixels: Uint8Array, count: number, pool: Pooling, out: Float32Array, offset: number): void {
  const plane = pool.cellOf.length;
  const cells = pool.features / pool.channels;
  const inv = 1 / pool.kernel.reduce((a, b) => a * b, 1);
  const acc = new Float64Array(pool.features);
  for (let i = 0; i < count; i++) {
    acc.fill(0);
    const src = i * plane * pool.channels;
    for (let p = 0; p < plane; p++) {
      const cell = pool.cellOf[p]!;
      if (cell < 0) continue;
      for (let c = 0; c < pool.channels; c++) acc[c * cells + cell]! += NORMALISED[pixels[src + p * pool.channels + c]!]!;
    }
    const dst = offset + i * pool.features;
    for (let f = 0; f < pool.features; f++) out[dst + f] = Math.fround(acc[f]! * inv);
  }
}

export interface FittedModel {
  task: Task;
  pool: Pooling;
  classes: number;
  mean: Float32Array;
  invStd: Float32Array;
  /** classes x features, row-major (Gemm with transB = 1). */
  weight: Float32Array;
  bias: Float32Array;
  trainImages: number;
}

interface FeatureSet {
  rows: number;
  x: Float32Array;
  labels: Uint8Array;
  labelColumns: number;
}

const FEATURE_BATCH_BYTES = 4 << 20;

async function readFeatures(loc: SplitLocation, onProgress?: OnProgress): Promise<{ pool: Pooling; set: FeatureSet }> {
  const source = await openSplit(loc);
  const tick = progressCounter(onProgress, `reading ${loc.split} split`, source.count ?? 0, { subject: loc.flag });
  const rgb = loc.spec.nChannels === 3;
  const spatial = rgb ? source.itemShape.slice(0, -1) : source.itemShape;
  const pool = poolingFor(spatial, rgb ? 3 : 1);
  let x = new Float32Array(1024 * pool.features);
  let labels = new Uint8Array(1024 * source.labelColumns);
  let rows = 0;
  // Batches of about 4 MB of pixels: memory stays flat at 224 px and above (256 rows would be 38 MB).
  const itemBytes = source.itemShape.reduce((a, b) => a * b, 1);
  for await (const b of source.batches(Math.max(1, Math.min(256, Math.floor(FEATURE_BATCH_BYTES / itemBytes))))) {
    while ((rows + b.count) * pool.features > x.length) {
      const grown = new Float32Array(x.length * 2);
      grown.set(x);
      x = grown;
      const l = new Uint8Array(labels.length * 2);
      l.set(labels);
      labels = l;
    }
    poolFeatures(b.pixels, b.count, pool, x, rows * pool.features);
    labels.set(b.labels, rows * source.labelColumns);
    rows += b.count;
    tick(b.count);
  }
  if (rows === 0) throw new DataError(`${source.path}: the ${loc.split} split is empty`);
  return { pool, set: { rows, x: x.subarray(0, rows * pool.features), labels: labels.subarray(0, rows * source.labelColumns), labelColumns: source.labelColumns } };
}

function classesOf(spec: DatasetInfo): number {
  return isMultiLabel(spec.task) ? labelColumns(spec) : spec.labels.length;
}

/** Fit on standardised features; returns weight (K x d) and bias (K) in float64. */
function gradientDescent(task: Task, set: FeatureSet, d: number, k: number, tick: () => void): { w: Float64Array; b: Float64Array } {
  const n = set.rows;
  const multiLabel = isMultiLabel(task);
  // Step 1/L with L bounding the Hessian: standardised features give trace(X'X/n) = d (+1 for the bias);
  // the softmax Hessian is at most 1/2 of it, the sigmoid one 1/4.
  const step = 1 / ((multiLabel ? 0.25 : 0.5) * (d + 1) + FIT.l2);
  let w = new Float64Array(d * k);
  let b = new Float64Array(k);
  let wPrev = new Float64Array(d * k);
  let bPrev = new Float64Array(k);
  const vw = new Float64Array(d * k);
  const vb = new Float64Array(k);
  const gw = new Float64Array(d * k);
  const gb = new Float64Array(k);
  const z = new Float64Array(k);
  const x = set.x;
  const labels = set.labels;
  for (let t = 0; t < FIT.iterations; t++) {
    const momentum = t === 0 ? 0 : (t - 1) / (t + 2);
    for (let j = 0; j < d * k; j++) vw[j] = w[j]! + momentum * (w[j]! - wPrev[j]!);
    for (let c = 0; c < k; c++) vb[c] = b[c]! + momentum * (b[c]! - bPrev[c]!);
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      for (let c = 0; c < k; c++) {
        let s = vb[c]!;
        const row = c * d;
        for (let j = 0; j < d; j++) s += x[xi + j]! * vw[row + j]!;
        z[c] = s;
      }
      // z becomes the residual: probability minus target.
      if (multiLabel) {
        for (let c = 0; c < k; c++) z[c] = 1 / (1 + detExp(-z[c]!)) - labels[i * k + c]!;
      } else {
        let max = -Infinity;
        for (let c = 0; c < k; c++) if (z[c]! > max) max = z[c]!;
        let sum = 0;
        for (let c = 0; c < k; c++) {
          z[c] = detExp(z[c]! - max);
          sum += z[c]!;
        }
        const y = labels[i]!;
        for (let c = 0; c < k; c++) z[c] = z[c]! / sum - (c === y ? 1 : 0);
      }
      for (let c = 0; c < k; c++) gb[c]! += z[c]!;
      for (let c = 0; c < k; c++) {
        const zc = z[c]!;
        const row = c * d;
        for (let j = 0; j < d; j++) gw[row + j]! += x[xi + j]! * zc;
      }
    }
    [wPrev, w] = [w, wPrev];
    [bPrev, b] = [b, bPrev];
    for (let j = 0; j < d * k; j++) w[j] = vw[j]! - step * (gw[j]! / n + FIT.l2 * vw[j]!);
    for (let c = 0; c < k; c++) b[c] = vb[c]! - step * (gb[c]! / n);
    tick();
  }
  return { w, b };
}

/**
 * Fit the reference model on the train split of a built dataset. Progress: 'reading train split'
 * (images), then 'fitting reference model' (iterations).
 */
export async function fitReferenceModel(loc: Omit<SplitLocation, 'split'>, onProgress?: OnProgress): Promise<FittedModel> {
  const { spec } = loc;
  const { pool, set } = await readFeatures({ ...loc, split: 'train' }, onProgress);
  const d = pool.features;
  const k = classesOf(spec);
  if (!isMultiLabel(spec.task)) {
    for (let i = 0; i < set.rows; i++) {
      if (set.labels[i]! >= k) throw new DataError(`${spec.flag} train label ${set.labels[i]} at row ${i} is not below ${k} classes`);
    }
  }
  // Standardise with float32 parameters, exactly as the exported Sub and Mul nodes will.
  const mean = new Float32Array(d);
  const invStd = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < set.rows; i++) s += set.x[i * d + j]!;
    const m = s / set.rows;
    let v = 0;
    for (let i = 0; i < set.rows; i++) v += (set.x[i * d + j]! - m) ** 2;
    const std = Math.sqrt(v / set.rows);
    mean[j] = m;
    invStd[j] = std > 1e-6 ? 1 / std : 1;
  }
  standardise(set.x, set.rows, mean, invStd);
  const { w, b } = gradientDescent(spec.task, set, d, k, progressCounter(onProgress, 'fitting reference model', FIT.iterations, { subject: spec.flag }));
  return {
    task: spec.task,
    pool,
    classes: k,
    mean,
    invStd,
    weight: Float32Array.from(w),
    bias: Float32Array.from(b),
    trainImages: set.rows,
  };
}

function standardise(x: Float32Array, rows: number, mean: Float32Array, invStd: Float32Array): void {
  const d = mean.length;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = Math.fround(Math.fround(x[i * d + j]! - mean[j]!) * invStd[j]!);
  }
}

/** The model as ONNX bytes (opset 13, IR version 8); input `image` [N, C, ...spatial], output `logits` [N, K]. */
export function referenceModelOnnx(m: FittedModel, spec: DatasetInfo, size: number): Uint8Array {
  const { pool } = m;
  return encodeOnnxModel({
    producerName: 'medmnist-build',
    producerVersion: REFERENCE_MODEL,
    docString:
      `${REFERENCE_MODEL}: logistic regression (${isMultiLabel(m.task) ? 'sigmoid per label' : 'softmax'}) on ` +
      `${pool.kernel.join('x')}-block averages of the normalised image, fitted on the ${spec.flag} train split ` +
      `(${m.trainImages} images, ${FIT.iterations} Nesterov iterations, L2 ${FIT.l2}). Outputs logits.`,
    opset: OPSET,
    irVersion: IR_VERSION,
    graphName: `${spec.flag}_${REFERENCE_MODEL}`,
    nodes: [
      {
        opType: 'AveragePool',
        inputs: ['image'],
        outputs: ['pooled'],
        attributes: [
          { name: 'kernel_shape', ints: pool.kernel },
          { name: 'strides', ints: pool.kernel },
        ],
      },
      { opType: 'Flatten', inputs: ['pooled'], outputs: ['features'], attributes: [{ name: 'axis', int: 1 }] },
      { opType: 'Sub', inputs: ['features', 'mean'], outputs: ['centred'] },
      { opType: 'Mul', inputs: ['centred', 'inv_std'], outputs: ['standardised'] },
      { opType: 'Gemm', inputs: ['standardised', 'weight', 'bias'], outputs: ['logits'], attributes: [{ name: 'transB', int: 1 }] },
    ],
    initializers: [
      { name: 'mean', dims: [pool.features], values: m.mean },
      { name: 'inv_std', dims: [pool.features], values: m.invStd },
      { name: 'weight', dims: [m.classes, pool.features], values: m.weight },
      { name: 'bias', dims: [m.classes], values: m.bias },
    ],
    inputs: [{ name: 'image', shape: ['N', pool.channels, ...pool.spatial] }],
    outputs: [{ name: 'logits', shape: ['N', m.classes] }],
    metadata: [
      ['medmnist_build.model', REFERENCE_MODEL],
      ['medmnist_build.flag', spec.flag],
      ['medmnist_build.size', String(size)],
      ['medmnist_build.task', spec.task],
      ['medmnist_build.labels', JSON.stringify(spec.labels)],
      ['medmnist_build.outputs', 'logits'],
    ],
  });
}

/** Logits of the fitted model for a feature set (float64 sums of the float32 parameters, fixed order). */
function forward(m: FittedModel, set: FeatureSet): Float64Array {
  const d = m.pool.features;
  const k = m.classes;
  const out = new Float64Array(set.rows * k);
  for (let i = 0; i < set.rows; i++) {
    for (let c = 0; c < k; c++) {
      let z = m.bias[c]!;
      for (let j = 0; j < d; j++) z += set.x[i * d + j]! * m.weight[c * d + j]!;
      out[i * k + c] = z;
    }
  }
  return out;
}

/** Scores (softmax or sigmoid, deterministic exp) and labels of the fitted model on a split. */
export async function referenceScores(m: FittedModel, loc: SplitLocation): Promise<{ scores: Float64Array; labels: Uint8Array; rows: number; labelColumns: number }> {
  const { pool, set } = await readFeatures(loc);
  if (pool.features !== m.pool.features) throw new UsageError(`${loc.flag}: ${loc.split} images do not have the train images' shape`);
  standardise(set.x, set.rows, m.mean, m.invStd);
  const logits = forward(m, set);
  const k = m.classes;
  const scores = new Float64Array(logits.length);
  for (let i = 0; i < set.rows; i++) {
    if (isMultiLabel(m.task)) {
      for (let c = 0; c < k; c++) scores[i * k + c] = 1 / (1 + detExp(-logits[i * k + c]!));
    } else {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += scores[i * k + c] = detExp(logits[i * k + c]! - max);
      for (let c = 0; c < k; c++) scores[i * k + c] = scores[i * k + c]! / sum;
    }
  }
  return { scores, labels: set.labels, rows: set.rows, labelColumns: set.labelColumns };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
