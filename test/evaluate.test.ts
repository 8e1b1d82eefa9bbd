// The verifier end to end: the real CLI on a demo DermaMNIST built from a fake HAM10000 download, the
// reference model fitted and exported as ONNX, onnxruntime on the CPU, and the official result CSV
// re-evaluated in Python with the official Evaluator's logic (numpy + scikit-learn).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import type { DatasetSpec } from '../src/core/contract.js';
import { CATALOG } from '../src/catalog/index.js';
import { baselineNames, getBaseline } from '../src/evaluate/baselines.js';
import { evaluateModel } from '../src/evaluate/evaluate.js';
import { semanticFingerprint } from '../src/evaluate/fingerprint.js';
import { detExp } from '../src/evaluate/det-math.js';
import { decodeOnnxModel } from '../src/evaluate/onnx-proto.js';
import { planInput, toModelInput } from '../src/evaluate/preprocess.js';
import { fitReferenceModel, referenceModelOnnx } from '../src/evaluate/reference-model.js';
import { saveResults, standardResultFileName } from '../src/evaluate/results-csv.js';
import { cudaProviderInstalled } from '../src/evaluate/session.js';
import { NpzFile, readNpzRecords } from '../src/formats/npz.js';
import { batchRecords, openSplit, type ImageBatch } from '../src/evaluate/split-source.js';
import { cleanupTempDirs, cli as runCli, pythonJson as python, tempDir, type Run } from './support/run-cli.js';

let work: string;
let out: string;

/** The CLI run in the work folder (relative --model and --save-dir paths land there). */
function cli(args: string[]): Run {
  return runCli(args, { cwd: work });
}

// Evaluator.parse_and_evaluate of medmnist/evaluator.py (v3), with numpy reading the CSV instead of
// pandas (not installed): file name -> flag, size, split, run; labels from the NPZ; metrics by the
// official getAUC/getACC; the file name and the CSV text as the official code writes them.
const PARSE_AND_EVALUATE = `
import json, os, sys
import numpy as np
from sklearn.metrics import roc_auc_score, accuracy_score

def getAUC(y_true, y_score, task):
    y_true = y_true.squeeze(); y_score = y_score.squeeze()
    if task == "multi-label, binary-class":
        return sum(roc_auc_score(y_true[:, i], y_score[:, i]) for i in range(y_score.shape[1])) / y_score.shape[1]
    elif task == "binary-class":
        if y_score.ndim == 2: y_score = y_score[:, -1]
        return roc_auc_score(y_true, y_score)
    auc = 0
    for i in range(y_score.shape[1]):
        auc += roc_auc_score((y_true == i).astype(float), y_score[:, i])
    return auc / y_score.shape[1]

def getACC(y_true, y_score, task, threshold=0.5):
    y_true = y_true.squeeze(); y_score = y_score.squeeze()
    if task == "multi-label, binary-class":
        y_pre = y_score > threshold
        return sum(accuracy_score(y_true[:, l], y_pre[:, l]) for l in range(y_true.shape[1])) / y_true.shape[1]
    elif task == "binary-class":
        if y_score.ndim == 2: y_score = y_score[:, -1]
        return accuracy_score(y_true, y_score > threshold)
    return accuracy_score(y_true, np.argmax(y_score, axis=-1))

a = json.load(sys.stdin)
folder, filename = os.path.split(a["csv"])
flag, split_, *_ = filename.split("_")
size = None
if not split_.startswith(("train", "val", "test")):
    flag, size, split_, *_ = filename.split("_")
split = [s for s in ("train", "val", "test") if split_.startswith(s)][0]
run = filename.split("@")[-1].split(".")[0]
size_flag = "" if size is None or int(size) == 28 else f"_{size}"
labels = np.load(os.path.join(a["root"], f"{flag}{size_flag}.npz"))[f"{split}_labels"]
table = np.loadtxt(a["csv"], delimiter=",", ndmin=2)
table = table[np.argsort(table[:, 0], kind="stable")]
y_score = table[:, 1:]
auc = getAUC(labels, y_score, a["task"]); acc = getACC(labels, y_score, a["task"])
name = f"{flag}{size_flag}_{split}_[AUC]{auc:.3f}_[ACC]{acc:.3f}@{run}.csv"
text = "".join(f"{i}," + ",".join(row.astype(str)) + "\\n" for i, row in enumerate(y_score))
print(json.dumps({"auc": auc, "acc": acc, "name": name, "csvText": text, "rows": int(labels.shape[0])}))
`;

interface Official {
  auc: number;
  acc: number;
  name: string;
  csvText: string;
  rows: number;
}

function reevaluate(csv: string, root: string, task: string): Official {
  return python(PARSE_AND_EVALUATE, { csv, root, task }) as Official;
}

beforeAll(async () => {
  work = tempDir('evaluate');
  out = join(work, 'out');
  await ham10000.writeFakeDownload(join(work, 'raw'), { count: 60, seed: 0 });
  const r = cli(['convert', '--source', 'ham10000', '--input', join(work, 'raw'), '--out', out]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(cleanupTempDirs);

describe('evaluate on the demo DermaMNIST (CPU)', () => {
  let result: Record<string, unknown>;

  it('fits the reference model, evaluates it, and the CSV re-evaluated officially gives the same numbers', () => {
    const r = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--fit-reference', 'ref.onnx', '--device', 'cpu', '--save-dir', 'results', '--run', 'ci', '--json']);
    expect(r.code, r.stderr).toBe(0);
    result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result['device']).toBe('cpu');
    expect(result['task']).toBe('multi-class');
    expect(result['activation']).toBe('softmax');
    expect(result['imagesPerSecond']).toBeGreaterThan(0);
    const ref = result['reference'] as Record<string, unknown>;
    const modelBytes = readFileSync(join(work, 'ref.onnx'));
    expect(ref['sha256']).toBe(createHash('sha256').update(modelBytes).digest('hex'));
    expect(result['modelSha256']).toBe(ref['sha256']);

    const metrics = result['metrics'] as { auc: number; acc: number };
    const csv = String(result['resultFile']);
    const official = reevaluate(csv, out, 'multi-class');
    expect(result['images']).toBe(official.rows);
    expect(official.rows).toBe(17);
    expect(Math.abs(official.auc - metrics.auc)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(official.acc - metrics.acc)).toBeLessThanOrEqual(1e-12);
    expect(basename(csv)).toBe(official.name);
    expect(basename(csv)).toMatch(/^dermamnist_test_\[AUC\]\d\.\d{3}_\[ACC\]\d\.\d{3}@ci\.csv$/);
    // Byte for byte what pd.DataFrame(y_score).to_csv(path, header=None) writes.
    expect(readFileSync(csv, 'utf8')).toBe(official.csvText);
  });

  it('writes a real ONNX model (opset 13, IR 8) that reproduces the fit, byte for byte', async () => {
    const bytes = readFileSync(join(work, 'ref.onnx'));
    const m = decodeOnnxModel(bytes) as { ir_version: number; opset_import: { version: number }[]; graph: { node: { op_type: string }[] } };
    expect(m.ir_version).toBe(8);
    expect(m.opset_import[0]!.version).toBe(13);
    expect(m.graph.node.map((n) => n.op_type)).toEqual(['AveragePool', 'Flatten', 'Sub', 'Mul', 'Gemm']);
    const spec = ham10000.datasets[0]!;
    const again = referenceModelOnnx(await fitReferenceModel({ root: out, flag: 'dermamnist', size: 28, spec }), spec, 28);
    expect(Buffer.from(again).equals(bytes)).toBe(true);
  });

  it('semanticFingerprint is deterministic and agrees with onnxruntime', async () => {
    const spec = ham10000.datasets[0]!;
    const a = await semanticFingerprint({ root: out, flag: 'dermamnist', size: 28, spec });
    const b = await semanticFingerprint({ root: out, flag: 'dermamnist', size: 28, spec });
    expect(b).toEqual(a);
    expect(Object.keys(a).sort()).toEqual(['metrics', 'model', 'modelSha256', 'split', 'tolerance']);
    expect(a.model).toBe('logreg-v1');
    expect(a.split).toBe('test');
    expect(a.tolerance).toBe(0.02);
    expect(a.modelSha256).toBe((result['reference'] as Record<string, unknown>)['sha256']);
    const ort = result['metrics'] as { auc: number; acc: number };
    // Same model: deterministic float64 scores here, onnxruntime's float32 kernels in evaluate.
    expect(Math.abs(a.metrics.auc - ort.auc)).toBeLessThanOrEqual(1e-6);
    expect(a.metrics.acc).toBe(ort.acc);
  });

  it('--baseline prints the side-by-side table and exits 1 outside tolerance, 0 within', () => {
    const far = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--device', 'cpu', '--baseline', 'ResNet-18 (28)']);
    expect(far.code, far.stderr).toBe(1);
    expect(far.stdout).toMatch(/AUC\s+\d\.\d{4}\s+0\.899\s/);
    expect(far.stdout).toMatch(/ACC\s+\d\.\d{4}\s+0\.721\s/);
    expect(far.stdout).toMatch(/NO/);
    const near = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--device', 'cpu', '--baseline', 'ResNet-18 (28)', '--tolerance', '1', '--json']);
    expect(near.code, near.stderr).toBe(0);
    const j = JSON.parse(near.stdout) as { baseline: { pass: boolean; rows: { metric: string; baseline: number }[] } };
    expect(j.baseline.pass).toBe(true);
    expect(j.baseline.rows.map((r) => [r.metric, r.baseline])).toEqual([['AUC', 0.899], ['ACC', 0.721]]);
    const unknown = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--baseline', 'ResNet-19']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/choose from "ResNet-18 \(28\)"/);
  });

  it('reads the whole MedMNIST v1 table from the catalog: 7 methods x 10 datasets', () => {
    const names = baselineNames();
    expect(names).toEqual(['ResNet-18 (28)', 'ResNet-18 (224)', 'ResNet-50 (28)', 'ResNet-50 (224)', 'auto-sklearn', 'AutoKeras', 'Google AutoML Vision']);
    const covered = CATALOG.filter((e) => Object.keys(e.baselines).length > 0);
    expect(covered).toHaveLength(10);
    for (const e of covered) for (const n of names) expect(getBaseline(n, e.flag), `${n} ${e.flag}`).toEqual(e.baselines[n]);
    expect(getBaseline('AutoKeras', 'organsmnist')).toEqual({ AUC: 0.972, ACC: 0.803 });
    expect(() => getBaseline('AutoKeras', 'bloodmnist')).toThrow(/has no figures for bloodmnist; it covers pathmnist, .*organsmnist$/);
  });

  it('picks a device: auto falls back to the CPU cleanly; cuda needs its provider library', () => {
    const auto = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--json']);
    expect(auto.code, auto.stderr).toBe(0);
    const j = JSON.parse(auto.stdout) as { device: string; skipped: { device: string; reason: string }[]; metrics: { acc: number } };
    expect(['cpu', 'cuda', 'webgpu']).toContain(j.device);
    if (j.device === 'cpu') expect(j.skipped.map((s) => s.device)).toEqual(['cuda', 'webgpu']);
    expect(j.metrics.acc).toBe((result['metrics'] as { acc: number }).acc);
    const cuda = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--device', 'cuda']);
    if (cudaProviderInstalled()) expect(cuda.code, cuda.stderr).toBe(0);
    else {
      expect(cuda.code).toBe(2);
      expect(cuda.stderr).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 node \S+\/onnxruntime-node\/script\/install\.js/);
    }
  });

  it('refuses bad input with the right exit code', () => {
    const noModel = cli(['evaluate', '--flag', 'dermamnist', '--root', out]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/needs --model/);
    const missing = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', 'ref.onnx', '--size', '64']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/dermamnist_64\.npz not found/);
    // --flag resolves through the catalog: any of the 18 flags, whether or not a converter builds it.
    const unknown = cli(['evaluate', '--flag', 'dermamnist3d', '--root', out, '--model', 'ref.onnx']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--flag "dermamnist3d": unknown MedMNIST dataset; choose from pathmnist, chestmnist, .*synapsemnist3d/);
    const catalogOnly = cli(['evaluate', '--flag', 'chestmnist', '--root', out, '--model', 'ref.onnx']);
    expect(catalogOnly.code).toBe(2);
    expect(catalogOnly.stderr).toMatch(/chestmnist\.npz not found/);
    const junk = join(work, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    const bad = cli(['evaluate', '--flag', 'dermamnist', '--root', out, '--model', junk, '--device', 'cpu']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/junk\.onnx: onnxruntime cannot load this model/);
  });
});

describe('deterministic exp used by the fit', () => {
  it('agrees with Math.exp to a few ulps over the range the fit uses', () => {
    for (let x = -700; x <= 700; x += 0.37) {
      const want = Math.exp(x);
      expect(Math.abs(detExp(x) - want) / want, `x = ${x}`).toBeLessThanOrEqual(4e-16);
    }
    expect(detExp(0)).toBe(1);
    expect(detExp(-701)).toBe(0);
  });
});

describe('reading a split', () => {
  it('batches from any format reader equal the NPZ fast path', async () => {
    const spec = ham10000.datasets[0]!;
    const collect = async (it: AsyncIterable<ImageBatch>) => {
      const all: ImageBatch[] = [];
      for await (const b of it) all.push({ ...b, pixels: b.pixels.slice(), labels: b.labels.slice() });
      return all;
    };
    const fast = await collect((await openSplit({ root: out, flag: 'dermamnist', size: 28, split: 'test', spec })).batches(5));
    const generic = await collect(batchRecords(readNpzRecords(join(out, 'dermamnist.npz')), 'test', 5, 28 * 28 * 3, 1, 'dermamnist'));
    expect(fast.map((b) => [b.start, b.count])).toEqual([[0, 5], [5, 5], [10, 5], [15, 2]]);
    expect(generic.map((b) => [b.start, b.count])).toEqual(fast.map((b) => [b.start, b.count]));
    generic.forEach((b, i) => {
      expect(Buffer.from(b.pixels).equals(Buffer.from(fast[i]!.pixels))).toBe(true);
      expect(Array.from(b.labels)).toEqual(Array.from(fast[i]!.labels));
    });
  });
});

describe('model inputs as MedMNIST training prepares them', () => {
  it('RGB: x/255, (x-0.5)/0.5 in float32, NCHW, equal to numpy', async () => {
    const f = await NpzFile.open(join(out, 'dermamnist.npz'));
    const imgs = await f.read('test_images');
    await f.close();
    const layout = planInput(imgs.shape.slice(1), true, ['N', 3, 28, 28], 'm');
    const n = imgs.shape[0]!;
    const ours = new Float32Array(n * 3 * 28 * 28);
    toModelInput(imgs.data, n, layout, ours);
    const py = python(
      `import json,sys,base64\nimport numpy as np\nx=np.load(json.load(sys.stdin))['test_images']\n` +
        `t=((x.astype(np.float32)/np.float32(255))-np.float32(0.5))/np.float32(0.5)\n` +
        `print(json.dumps(base64.b64encode(np.ascontiguousarray(t.transpose(0,3,1,2)).astype('<f4').tobytes()).decode()))`,
      join(out, 'dermamnist.npz'),
    ) as string;
    expect(Buffer.from(ours.buffer).equals(Buffer.from(py, 'base64'))).toBe(true);
  });

  it('gray: repeated to 3 channels when the model takes 3', () => {
    const pixels = Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => (i * 37) % 256);
    const layout = planInput([4, 4], false, ['N', 3, 4, 4], 'm');
    const ours = new Float32Array(2 * 3 * 16);
    toModelInput(pixels, 2, layout, ours);
    const py = python(
      `import json,sys,base64\nimport numpy as np\nx=np.array(json.load(sys.stdin),dtype=np.uint8).reshape(2,1,4,4)\n` +
        `t=((x.astype(np.float32)/np.float32(255))-np.float32(0.5))/np.float32(0.5)\n` +
        `print(json.dumps(base64.b64encode(np.repeat(t,3,axis=1).astype('<f4').tobytes()).decode()))`,
      Array.from(pixels),
    ) as string;
    expect(Buffer.from(ours.buffer).equals(Buffer.from(py, 'base64'))).toBe(true);
    expect(() => planInput([4, 4], false, ['N', 3, 8, 8], 'm.onnx')).toThrow(/pass --size 8/);
  });
});

describe('multi-label and binary-class datasets (numpy-written NPZ, library API)', () => {
  function spec(task: DatasetSpec['task'], labels: string[], labelColumns: number): DatasetSpec {
    return {
      flag: 'toymnist',
      title: 'Toy',
      task,
      labels,
      nChannels: 1,
      dims: 2,
      officialCounts: { train: 240, val: 20, test: 120 },
      split: { rule: 'ratio-7-1-2', stratify: 'label' },
      recipe: [{ op: 'convert', mode: 'L' }, { op: 'resize', filter: 'bicubic' }],
    };
  }

  for (const [task, columns] of [['multi-label, binary-class', 3], ['binary-class', 1]] as const) {
    it(`${task}: the CSV re-evaluated officially gives the same numbers`, async () => {
      const root = join(work, `toy-${columns}`);
      // Gray 28x28 images whose quadrant c is brighter when label column c is 1.
      python(
        `import json,sys,os\nimport numpy as np\na=json.load(sys.stdin)\nos.makedirs(a['root'],exist_ok=True)\nrng=np.random.default_rng(5)\nd={}\n` +
          `for s,n in (('train',240),('val',20),('test',120)):\n` +
          `    y=(rng.random((n,a['cols']))<0.5).astype(np.uint8); y[0]=0; y[1]=1\n` +
          `    x=rng.integers(0,120,(n,28,28)).astype(np.int32)\n` +
          `    for c in range(a['cols']):\n` +
          `        r,q=divmod(c,2); x[:,r*14:(r+1)*14,q*14:(q+1)*14]+=(y[:,c]*rng.integers(20,100,n))[:,None,None]\n` +
          `    d[s+'_images']=x.astype(np.uint8); d[s+'_labels']=y\n` +
          `np.savez(os.path.join(a['root'],'toymnist.npz'),**d)\nprint('null')`,
        { root, cols: columns },
      );
      const s = task === 'binary-class' ? spec(task, ['no', 'yes'], 1) : spec(task, ['a', 'b', 'c'], 3);
      const model = referenceModelOnnx(await fitReferenceModel({ root, flag: 'toymnist', size: 28, spec: s }), s, 28);
      const r = await evaluateModel({ root, flag: 'toymnist', size: 28, split: 'test', spec: s, model, device: 'cpu', batch: 32 });
      expect(r.images).toBe(120);
      expect(r.activation).toBe(task === 'binary-class' ? 'softmax' : 'sigmoid');
      expect(r.scores.columns).toBe(task === 'binary-class' ? 2 : 3);
      expect(r.metrics.auc).toBeGreaterThan(0.8);
      // --probabilities: the raw outputs untouched; the default applied train.py's sigmoid / softmax to them.
      const raw = await evaluateModel({ root, flag: 'toymnist', size: 28, split: 'test', spec: s, model, device: 'cpu', probabilities: true });
      expect(raw.activation).toBe('none');
      const k = raw.scores.columns;
      for (let i = 0; i < raw.scores.rows; i++) {
        const z = Array.from(raw.scores.data.subarray(i * k, (i + 1) * k));
        const want = task === 'binary-class' ? z.map((v) => 1 / (1 + Math.exp(z.reduce((a, b) => a + b, 0) - 2 * v))) : z.map((v) => 1 / (1 + Math.exp(-v)));
        want.forEach((w, c) => expect(Math.abs(r.scores.data[i * k + c]! - w)).toBeLessThanOrEqual(1e-12));
      }
      const csv = await saveResults(root, standardResultFileName({ flag: 'toymnist', size: 28, split: 'test', metrics: r.metrics, run: '7' }), r.scores);
      const official = reevaluate(csv, root, task);
      expect(Math.abs(official.auc - r.metrics.auc)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(official.acc - r.metrics.acc)).toBeLessThanOrEqual(1e-12);
      expect(basename(csv)).toBe(official.name);
      expect(readFileSync(csv, 'utf8')).toBe(official.csvText);
    });
  }

  it('evaluates a 3D dataset: OrganMNIST3D (N,28,28,28), 11 classes, re-evaluated officially to the same numbers', () => {
    const root = join(work, 'organ3d');
    python(
      `import json,sys,os\nimport numpy as np\na=json.load(sys.stdin)\nos.makedirs(a['root'],exist_ok=True)\nrng=np.random.default_rng(11)\nd={}\n` +
        `for s,n in (('train',88),('val',22),('test',44)):\n` +
        `    y=np.arange(n)%11; x=rng.integers(0,120,(n,28,28,28)).astype(np.uint8)\n` +
        `    for i in range(n): x[i, :, :, y[i]*2:(y[i]*2+3)] += 120\n` +
        `    d[s+'_images']=x; d[s+'_labels']=y.reshape(-1,1).astype(np.uint8)\n` +
        `np.savez(os.path.join(a['root'],'organmnist3d.npz'),**d)\nprint('null')`,
      { root },
    );
    const r = cli(['evaluate', '--flag', 'organmnist3d', '--root', root, '--fit-reference', join(root, 'ref.onnx'), '--device', 'cpu', '--save-dir', join(root, 'results'), '--run', 'r3d', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { task: string; images: number; metrics: { auc: number; acc: number }; resultFile: string };
    expect(j).toMatchObject({ task: 'multi-class', images: 44 });
    const official = reevaluate(j.resultFile, root, 'multi-class');
    expect(official.rows).toBe(44);
    expect(Math.abs(official.auc - j.metrics.auc)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(official.acc - j.metrics.acc)).toBeLessThanOrEqual(1e-12);
    expect(basename(j.resultFile)).toBe(official.name);
  });

  it('evaluate --flag takes any catalog flag: ChestMNIST (14 label columns, no converter yet) through the CLI', () => {
    const root = join(work, 'chest');
    python(
      `import json,sys,os\nimport numpy as np\na=json.load(sys.stdin)\nos.makedirs(a['root'],exist_ok=True)\nrng=np.random.default_rng(9)\nd={}\n` +
        `for s,n in (('train',64),('val',8),('test',32)):\n` +
        `    d[s+'_images']=rng.integers(0,256,(n,28,28)).astype(np.uint8); d[s+'_labels']=(rng.random((n,14))<0.3).astype(np.uint8)\n` +
        `np.savez(os.path.join(a['root'],'chestmnist.npz'),**d)\nprint('null')`,
      { root },
    );
    const r = cli(['evaluate', '--flag', 'chestmnist', '--root', root, '--fit-reference', join(root, 'ref.onnx'), '--device', 'cpu', '--baseline', 'ResNet-18 (28)', '--tolerance', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { task: string; images: number; activation: string; baseline: { rows: { metric: string; baseline: number }[] } };
    expect(j).toMatchObject({ task: 'multi-label, binary-class', images: 32, activation: 'sigmoid' });
    expect(j.baseline.rows.map((x) => [x.metric, x.baseline])).toEqual([['AUC', 0.706], ['ACC', 0.947]]);
  });
});
