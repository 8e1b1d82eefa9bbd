// `evaluate`: run an ONNX classifier over a split of a built dataset (onnxruntime, CPU/CUDA/WebGPU),
// compute MedMNIST's AUC and ACC, optionally save the official result CSV and compare with a published
// baseline (exit 1 outside tolerance). `--fit-reference OUT.onnx` first fits the project's reference model
// on the train split and writes it; without --model, that model is evaluated.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { datasetInfo, FLAGS, isCatalogFlag } from '../catalog/index.js';
import type { DatasetInfo, SplitName } from '../core/contract.js';
import { SPLITS } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { baselineNames, compareWithBaseline, type BaselineComparison } from '../evaluate/baselines.js';
import { DEFAULT_BATCH, evaluateModel } from '../evaluate/evaluate.js';
import { FIT, fitReferenceModel, REFERENCE_MODEL, referenceModelOnnx, sha256Hex } from '../evaluate/reference-model.js';
import { saveResults, standardResultFileName } from '../evaluate/results-csv.js';
import { DEVICES, type DeviceChoice } from '../evaluate/session.js';
import { boundedInt, type CliCommand, optionalPath, printJson, QUIET_OPTION, refuseOverlap, requirePath, table } from './common.js';
import { type ProgressReporter, reporterFor } from './progress.js';

/**
 * `--flag F` resolves through the catalog (all 18 flags), not through the converters, so a dataset built
 * elsewhere (or downloaded from MedMNIST) can be evaluated too: src/evaluate needs only MedMNIST's facts.
 */
function specFor(flag: string): DatasetInfo {
  if (!isCatalogFlag(flag)) throw new UsageError(`--flag ${JSON.stringify(flag)}: unknown MedMNIST dataset; choose from ${FLAGS.join(', ')}`);
  return datasetInfo(flag);
}

function positiveInt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} ${String(v)} must be a positive integer`);
  return n;
}


function baselineTable(c: BaselineComparison): string {
  return table(
    ['metric', 'ours', c.name, 'diff', `within ±${c.tolerance}`],
    c.rows.map((r) => [r.metric, r.ours.toFixed(4), r.baseline.toFixed(3), (r.diff >= 0 ? '+' : '') + r.diff.toFixed(4), r.within ? 'yes' : 'NO']),
  );
}

/** Checked before any work; --fit-reference never overwrites a dataset file or the model read. */
function evaluateArgs(a: Record<string, unknown>): void {
  const spec = specFor(String(a['flag']));
  const root = requirePath(a, 'root', 'the folder with the built outputs');
  const size = boundedInt(a['size'], '--size', 1, 4096);
  const batch = boundedInt(a['batch'], '--batch', 1, MAX_BATCH);
  const bytes = batch * Math.max(3, spec.nChannels) * size * size * 4;
  if (bytes > 2 ** 31) throw new UsageError(`--batch ${batch} at size ${size} needs ${(bytes / 2 ** 30).toFixed(1)} GiB per batch; use --batch ${Math.max(1, Math.floor(2 ** 31 / (bytes / batch)))} or less`);
  const model = optionalPath(a, 'model', 'an ONNX model file');
  const fit = optionalPath(a, 'fit-reference', 'the .onnx file to write');
  const saveDir = optionalPath(a, 'save-dir', 'a folder for the result CSV');
  if (fit) {
    if (!/\.onnx$/i.test(fit)) throw new UsageError(`--fit-reference ${fit}: name a new .onnx file to write (not a dataset file)`);
    refuseOverlap([['--fit-reference', fit]], [['--model', model], ['--save-dir', saveDir === fit ? saveDir : undefined], ['--root', root === fit ? root : undefined]]);
    const st = statSync(fit, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw new UsageError(`--fit-reference ${fit} exists and is not a file; choose another path`);
  }
}

/** Images per inference batch at most. */
const MAX_BATCH = 4096;

export const evaluateCommand: CliCommand = {
  command: 'evaluate',
  describe: 'Run an ONNX classifier over a built dataset and compute MedMNIST AUC/ACC',
  builder: (y) =>
    y
      .option('flag', { type: 'string', demandOption: true, describe: 'dataset flag, e.g. dermamnist' })
      .option('root', { type: 'string', default: '.', describe: 'folder with the built outputs (F_S.npz ...)' })
      .option('model', { type: 'string', describe: 'ONNX classifier: input float32 [N, C, S, S], output scores [N, K]' })
      .option('size', { type: 'number', default: 28, describe: 'image size of the build to read' })
      .option('split', { type: 'string', default: 'test', choices: [...SPLITS], describe: 'split to evaluate' })
      .option('device', { type: 'string', default: 'auto', choices: [...DEVICES], describe: 'auto tries cuda, then webgpu, then cpu' })
      .option('batch', { type: 'number', default: DEFAULT_BATCH, describe: 'images per inference batch' })
      .option('probabilities', { type: 'boolean', default: false, describe: 'the model already outputs probabilities (no softmax/sigmoid)' })
      .option('format', { type: 'string', default: 'npz', describe: 'output format to read the images from' })
      .option('baseline', { type: 'string', describe: `compare with a published baseline: ${baselineNames().map((n) => JSON.stringify(n)).join(', ')}` })
      .option('tolerance', { type: 'number', default: 0.02, describe: 'largest |ours - baseline| accepted (AUC and ACC)' })
      .option('save-dir', { type: 'string', describe: 'write the official result CSV {flag}{_size}_{split}_[AUC]x_[ACC]y@{run}.csv here' })
      .option('run', { type: 'string', describe: 'run name in the result file name (default: first 8 hex digits of the model SHA-256)' })
      .option('fit-reference', { type: 'string', describe: `fit the reference model (${REFERENCE_MODEL}) on the train split and write it to this .onnx file` })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON result on stdout' })
      .option('quiet', QUIET_OPTION),
  validate: (a) => void evaluateArgs(a),
  run: async (a) => {
    const progress = reporterFor('evaluate', a);
    try {
      return await runEvaluate(a, progress);
    } finally {
      progress.finish();
    }
  },
};

async function runEvaluate(a: Record<string, unknown>, progress: ProgressReporter): Promise<number> {
  evaluateArgs(a);
  const flag = String(a['flag']);
  const spec = specFor(flag);
  const root = resolve(String(a['root']));
  const size = positiveInt(a['size'], '--size');
  const split = String(a['split']) as SplitName;
  const format = String(a['format']);
  const json = Boolean(a['json']);
  let reference: Record<string, unknown> | undefined;
  let model = a['model'] === undefined ? undefined : resolve(String(a['model']));

  if (a['fit-reference'] !== undefined) {
    const out = resolve(String(a['fit-reference']));
    const t0 = performance.now();
    const fitted = await fitReferenceModel({ root, flag, size, spec, format }, progress.onProgress);
    const bytes = referenceModelOnnx(fitted, spec, size);
    await writeFileAtomic(out, bytes);
    const seconds = (performance.now() - t0) / 1000;
    reference = { model: REFERENCE_MODEL, path: out, sha256: sha256Hex(bytes), trainImages: fitted.trainImages, features: fitted.pool.features, classes: fitted.classes, iterations: FIT.iterations, seconds };
    progress.log(`fitted ${REFERENCE_MODEL} on ${fitted.trainImages} train images (${fitted.pool.features} features, ${fitted.classes} outputs) in ${seconds.toFixed(1)} s -> ${out}\n`);
    model ??= out;
  }
  if (model === undefined) throw new UsageError('evaluate needs --model FILE.onnx (or --fit-reference OUT.onnx to fit and use the reference model)');

  const r = await evaluateModel({
    root,
    flag,
    size,
    split,
    spec,
    model,
    device: String(a['device']) as DeviceChoice,
    batch: positiveInt(a['batch'], '--batch'),
    probabilities: Boolean(a['probabilities']),
    format,
    onProgress: progress.onProgress,
  });
  progress.finish();
  for (const s of r.skipped) process.stderr.write(`device ${s.device} skipped: ${s.reason}\n`);

  let resultFile: string | undefined;
  if (a['save-dir'] !== undefined) {
    const dir = resolve(String(a['save-dir']));
    await mkdir(dir, { recursive: true });
    const run = a['run'] === undefined ? r.modelSha256.slice(0, 8) : String(a['run']);
    resultFile = await saveResults(dir, standardResultFileName({ flag, size, split, metrics: r.metrics, run }), r.scores);
  }
  const comparison = a['baseline'] === undefined ? undefined : compareWithBaseline(String(a['baseline']), flag, r.metrics, Number(a['tolerance']));

  if (json) {
    printJson({
      flag,
      size,
      split,
      task: r.task,
      model: r.model,
      modelSha256: r.modelSha256,
      device: r.device,
      skipped: r.skipped,
      images: r.images,
      batch: r.batch,
      activation: r.activation,
      metrics: r.metrics,
      imagesPerSecond: Number(r.imagesPerSecond.toFixed(1)),
      seconds: Number(r.seconds.toFixed(4)),
      sessionSeconds: Number(r.sessionSeconds.toFixed(4)),
      ...(resultFile ? { resultFile } : {}),
      ...(reference ? { reference } : {}),
      ...(comparison ? { baseline: comparison } : {}),
    });
  } else {
    process.stdout.write(
      `${flag} (size ${size}, ${split}, ${r.images} images) on ${r.device}: ${r.imagesPerSecond.toFixed(1)} images/s ` +
        `(batch ${r.batch}, ${r.activation})\nAUC ${r.metrics.auc.toFixed(4)}  ACC ${r.metrics.acc.toFixed(4)}\n`,
    );
    if (resultFile) process.stdout.write(`results: ${resultFile}\n`);
    if (comparison) process.stdout.write(baselineTable(comparison));
  }
  if (comparison && !comparison.pass) {
    process.stderr.write(`outside tolerance ${comparison.tolerance} of ${comparison.name} on ${flag}\n`);
    return 1;
  }
  return 0;
}
