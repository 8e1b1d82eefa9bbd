// The batch-inference verifier: stream a split of a built dataset through an ONNX classifier with
// onnxruntime, turn the outputs into scores and compute MedMNIST's metrics. Only one batch of images is
// in memory at a time (plus the scores and labels, a few numbers per image).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { type DatasetInfo, type SplitName, type Task, labelColumns, isMultiLabel } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { type Activation, activationFor, applyActivation } from './activation.js';
import { getMetrics, type Matrix, type Metrics } from './metrics.js';
import { planInput, toModelInput } from './preprocess.js';
import { type Device, type DeviceChoice, loadOrt, openSession } from './session.js';
import { openSplit } from './split-source.js';

export const DEFAULT_BATCH = 256;

export interface EvaluateOptions {
  root: string;
  flag: string;
  size: number;
  split: SplitName;
  spec: DatasetInfo;
  /** Path of an .onnx file, or its bytes. */
  model: string | Uint8Array;
  device?: DeviceChoice;
  batch?: number;
  /** The model already outputs probabilities: no softmax/sigmoid. */
  probabilities?: boolean;
  /** Output format to read (npz by default). */
  format?: string;
  /** Progress: step 'inference' (images), after each batch. */
  onProgress?: OnProgress;
}

export interface EvaluateResult {
  flag: string;
  size: number;
  split: SplitName;
  task: Task;
  model: string;
  modelSha256: string;
  device: Device;
  skipped: { device: Device; reason: string }[];
  images: number;
  batch: number;
  activation: Activation;
  metrics: Metrics;
  scores: Matrix<Float64Array>;
  labels: Matrix<Uint8Array>;
  /** Seconds to create the session. */
  sessionSeconds: number;
  /** Seconds of the streaming loop: read, prepare, infer, activate. */
  seconds: number;
  imagesPerSecond: number;
}

/** Output columns a model must have for the task (binary-class: 1 or 2). */
function checkOutputColumns(task: Task, spec: DatasetInfo, columns: number, modelName: string): void {
  const ok =
    task === 'binary-class'
      ? columns === 1 || columns === 2
      : isMultiLabel(task)
        ? columns === labelColumns(spec)
        : columns === spec.labels.length;
  if (!ok) {
    const want = task === 'binary-class' ? '1 or 2' : String(isMultiLabel(task) ? labelColumns(spec) : spec.labels.length);
    throw new UsageError(`${modelName}: outputs ${columns} values per image but ${spec.flag} (${task}) needs ${want}`);
  }
}

function concatScores(chunks: Float64Array[], rows: number, columns: number): Matrix<Float64Array> {
  const data = new Float64Array(rows * columns);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { rows, columns, data };
}

function concatLabels(chunks: Uint8Array[], rows: number, columns: number): Matrix<Uint8Array> {
  const data = new Uint8Array(rows * columns);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { rows, columns, data };
}

export async function evaluateModel(o: EvaluateOptions): Promise<EvaluateResult> {
  const batchSize = o.batch ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch ${batchSize} must be a positive integer`);
  const modelName = typeof o.model === 'string' ? basename(o.model) : 'model';
  const modelBytes = typeof o.model === 'string' ? await readFile(o.model).catch((err: unknown) => {
    throw new UsageError(`--model ${o.model}: cannot read it (${err instanceof Error ? err.message : String(err)})`);
  }) : o.model;
  const modelSha256 = createHash('sha256').update(modelBytes).digest('hex');
  const source = await openSplit({ root: o.root, flag: o.flag, size: o.size, split: o.split, spec: o.spec, format: o.format });

  const ort = await loadOrt();
  const t0 = performance.now();
  let opened = await openSession(modelBytes, o.device ?? 'auto', modelName);
  const sessionSeconds = (performance.now() - t0) / 1000;
  const meta = opened.session.inputMetadata[0];
  if (!meta || !meta.isTensor || opened.session.inputNames.length !== 1) {
    throw new UsageError(`${modelName}: the verifier needs a model with one tensor input (it has ${opened.session.inputNames.join(', ') || 'none'})`);
  }
  if (meta.type !== 'float32') throw new UsageError(`${modelName}: input ${meta.name} is ${meta.type}; the verifier feeds float32`);
  const layout = planInput(source.itemShape, o.spec.nChannels === 3, meta.shape, modelName);
  const rows = layout.fixedBatch ?? batchSize;
  const perImage = layout.modelChannels * layout.spatial.reduce((a, b) => a * b, 1);
  const itemBytes = source.itemShape.reduce((a, b) => a * b, 1);
  const dims = [rows, layout.modelChannels, ...layout.spatial];

  const scoreChunks: Float64Array[] = [];
  const labelChunks: Uint8Array[] = [];
  let columns = -1;
  let activation: Activation = 'none';
  let done = 0;
  const tick = progressCounter(o.onProgress, 'inference', source.count ?? 0, { subject: o.flag });
  const t1 = performance.now();
  const it = source.batches(rows)[Symbol.asyncIterator]();
  let next = it.next();
  for (;;) {
    const step = await next;
    if (step.done) break;
    const b = step.value;
    next = it.next();
    const input = new Float32Array(rows * perImage);
    toModelInput(b.pixels.subarray(0, b.count * itemBytes), b.count, layout, input);
    const feedDims = layout.fixedBatch === null ? [b.count, ...dims.slice(1)] : dims;
    const feed = { [meta.name]: new ort.Tensor('float32', layout.fixedBatch === null ? input.subarray(0, b.count * perImage) : input, feedDims) };
    let out: InferenceSession.OnnxValueMapType;
    try {
      out = await opened.session.run(feed);
    } catch (err) {
      // A GPU provider can start yet fail on the first batch; under auto, fall back to the CPU.
      if (done > 0 || opened.device === 'cpu' || (o.device ?? 'auto') !== 'auto') throw err;
      await opened.session.release();
      const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      opened = { ...(await openSession(modelBytes, 'cpu', modelName)), skipped: [...opened.skipped, { device: opened.device, reason }] };
      out = await opened.session.run(feed);
    }
    const tensor = out[opened.session.outputNames[0]!]!;
    if (tensor.type !== 'float32' && tensor.type !== 'float64') {
      throw new UsageError(`${modelName}: output ${opened.session.outputNames[0]} is ${tensor.type}; the verifier reads float32 or float64 scores`);
    }
    const outRows = tensor.dims[0] ?? 1;
    const outColumns = tensor.dims.slice(1).reduce((a, c) => a * c, 1);
    if (outRows !== feedDims[0]) throw new DataError(`${modelName}: output has ${outRows} rows for a batch of ${feedDims[0]}`);
    if (columns === -1) {
      columns = outColumns;
      checkOutputColumns(o.spec.task, o.spec, columns, modelName);
      activation = activationFor(o.spec.task, columns, o.probabilities ?? false);
    }
    const scores = new Float64Array(b.count * columns);
    applyActivation(activation, tensor.data as Float32Array | Float64Array, b.count, columns, scores, 0);
    for (let i = 0; i < scores.length; i++) {
      if (Number.isNaN(scores[i]!)) throw new DataError(`${modelName}: score NaN for ${o.split} image ${b.start + Math.floor(i / columns)}`);
    }
    scoreChunks.push(scores);
    labelChunks.push(b.labels.slice());
    done += b.count;
    tick(b.count);
  }
  const seconds = (performance.now() - t1) / 1000;
  await opened.session.release();
  if (done === 0) throw new DataError(`${source.path}: the ${o.split} split is empty; nothing to evaluate`);
  const scores = concatScores(scoreChunks, done, columns);
  const labels = concatLabels(labelChunks, done, source.labelColumns);
  return {
    flag: o.flag,
    size: o.size,
    split: o.split,
    task: o.spec.task,
    model: modelName,
    modelSha256,
    device: opened.device,
    skipped: opened.skipped,
    images: done,
    batch: rows,
    activation,
    metrics: getMetrics(o.spec.task, labels, scores),
    scores,
    labels,
    sessionSeconds,
    seconds,
    imagesPerSecond: done / seconds,
  };
}
