// MedMNIST's AUC/ACC against scikit-learn and numpy (/usr/bin/python3), for every task type, with random
// and tied scores; Python's float formatting against Python itself.
import { describe, expect, it } from 'vitest';
import { rng } from '../converters/_kit/synth.js';
import type { Task } from '../src/core/contract.js';
import { getACC, getAUC, rocAuc, type Matrix } from '../src/evaluate/metrics.js';
import { pythonFixed3, pythonFloatRepr } from '../src/evaluate/python-format.js';
import { python, pythonJson } from './support/run-cli.js';

// The official definitions, re-implemented from medmnist/evaluator.py (v3) on top of scikit-learn, plus
// scikit-learn's roc_auc_score per column for the AUC building block.
const OFFICIAL = `
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score, accuracy_score

def getAUC(y_true, y_score, task):
    y_true = y_true.squeeze()
    y_score = y_score.squeeze()
    if task == "multi-label, binary-class":
        auc = 0
        for i in range(y_score.shape[1]):
            auc += roc_auc_score(y_true[:, i], y_score[:, i])
        return auc / y_score.shape[1]
    elif task == "binary-class":
        if y_score.ndim == 2:
            y_score = y_score[:, -1]
        return roc_auc_score(y_true, y_score)
    else:
        auc = 0
        for i in range(y_score.shape[1]):
            auc += roc_auc_score((y_true == i).astype(float), y_score[:, i])
        return auc / y_score.shape[1]

def getACC(y_true, y_score, task, threshold=0.5):
    y_true = y_true.squeeze()
    y_score = y_score.squeeze()
    if task == "multi-label, binary-class":
        y_pre = y_score > threshold
        acc = 0
        for label in range(y_true.shape[1]):
            acc += accuracy_score(y_true[:, label], y_pre[:, label])
        return acc / y_true.shape[1]
    elif task == "binary-class":
        if y_score.ndim == 2:
            y_score = y_score[:, -1]
        return accuracy_score(y_true, y_score > threshold)
    else:
        return accuracy_score(y_true, np.argmax(y_score, axis=-1))

out = []
for case in json.load(sys.stdin):
    y_true = np.array(case["labels"], dtype=np.uint8).reshape(case["rows"], case["labelColumns"])
    y_score = np.array(case["scores"], dtype=np.float64).reshape(case["rows"], case["columns"])
    task = case["task"]
    if task == "binary-class":
        cols = [(y_true[:, 0], y_score[:, -1])]
    elif task == "multi-label, binary-class":
        cols = [(y_true[:, c], y_score[:, c]) for c in range(case["columns"])]
    else:
        cols = [((y_true[:, 0] == c).astype(int), y_score[:, c]) for c in range(case["columns"])]
    out.append({"auc": getAUC(y_true, y_score, task), "acc": getACC(y_true, y_score, task),
                "columnAuc": [roc_auc_score(t, s) for t, s in cols]})
print(json.dumps(out))
`;

interface Case {
  name: string;
  task: Task;
  rows: number;
  labelColumns: number;
  columns: number;
  labels: number[];
  scores: number[];
}

function makeCase(name: string, task: Task, rows: number, classes: number, columns: number, tied: boolean, seed: number): Case {
  const r = rng(seed);
  const multiLabel = task === 'multi-label, binary-class';
  const labelColumns = multiLabel ? classes : 1;
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < labelColumns; c++) {
      // Every class (or both values of every column) occurs: the first rows cycle through them.
      labels.push(multiLabel ? (i < 2 ? i : r() < 0.4 ? 1 : 0) : i < classes ? i : Math.floor(r() * classes));
    }
  }
  const scores: number[] = [];
  for (let i = 0; i < rows * columns; i++) {
    // Tied scores: few distinct values, 0.5 (the ACC threshold) among them; argmax ties too.
    scores.push(tied ? [0, 0.25, 0.5, 0.5, 0.75, 1][Math.floor(r() * 6)]! : r());
  }
  return { name, task, rows, labelColumns, columns, labels, scores };
}

const CASES: Case[] = [];
for (const tied of [false, true]) {
  const t = tied ? 'tied' : 'random';
  let seed = tied ? 100 : 1;
  CASES.push(makeCase(`binary-class, 2 outputs, ${t}`, 'binary-class', 301, 2, 2, tied, seed++));
  CASES.push(makeCase(`binary-class, 1 output, ${t}`, 'binary-class', 157, 2, 1, tied, seed++));
  CASES.push(makeCase(`multi-label, ${t}`, 'multi-label, binary-class', 240, 14, 14, tied, seed++));
  CASES.push(makeCase(`multi-class, ${t}`, 'multi-class', 500, 9, 9, tied, seed++));
  CASES.push(makeCase(`ordinal-regression, ${t}`, 'ordinal-regression', 123, 5, 5, tied, seed++));
}

describe('MedMNIST metrics equal scikit-learn / the official definitions', () => {
  const expected = pythonJson(OFFICIAL, CASES) as { auc: number; acc: number; columnAuc: number[] }[];

  CASES.forEach((c, i) => {
    it(c.name, () => {
      const yTrue: Matrix<Uint8Array> = { rows: c.rows, columns: c.labelColumns, data: Uint8Array.from(c.labels) };
      const yScore: Matrix<Float64Array> = { rows: c.rows, columns: c.columns, data: Float64Array.from(c.scores) };
      const want = expected[i]!;
      expect(Math.abs(getAUC(c.task, yTrue, yScore) - want.auc)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(getACC(c.task, yTrue, yScore) - want.acc)).toBeLessThanOrEqual(1e-9);
      // The building block: roc_auc_score of each column.
      const first = c.task === 'binary-class' ? c.columns - 1 : 0;
      want.columnAuc.forEach((auc, k) => {
        const col = first + k;
        const s = Array.from({ length: c.rows }, (_, r) => c.scores[r * c.columns + col]!);
        const y = Array.from({ length: c.rows }, (_, r) =>
          c.task === 'multi-label, binary-class' ? c.labels[r * c.labelColumns + col]! : c.task === 'binary-class' ? c.labels[r]! : c.labels[r] === col ? 1 : 0,
        );
        expect(Math.abs(rocAuc(y, s) - auc)).toBeLessThanOrEqual(1e-9);
      });
    });
  });

  it('tied cases really have ties at the threshold and in the argmax', () => {
    const tied = CASES.filter((c) => c.name.endsWith('tied'));
    for (const c of tied) expect(c.scores.filter((s) => s === 0.5).length).toBeGreaterThan(10);
  });

  it('refuses AUC when a class is missing, as roc_auc_score does', () => {
    const yTrue: Matrix<Uint8Array> = { rows: 4, columns: 1, data: Uint8Array.from([0, 0, 1, 1]) };
    const yScore: Matrix<Float64Array> = { rows: 4, columns: 3, data: new Float64Array(12).fill(1 / 3) };
    expect(() => getAUC('multi-class', yTrue, yScore)).toThrow(/class 2 \(one-vs-rest\): only one class present/);
    const r = python('from sklearn.metrics import roc_auc_score; roc_auc_score([0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4])');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Only one class present/);
  });
});

describe('Python number formatting', () => {
  const r = rng(7);
  const values: number[] = [
    0, -0, 1, 0.5, 0.1, 1e-4, 9.999e-5, 1e-5, 1.5e-5, 1e15, 1e16, 1.5e16, 123456789.0, 5e-324, 1.7976931348623157e308,
    0.0017720509916923212, 6.668855834565553e-5, 2.5, 100, 1 / 3, 2 / 3,
  ];
  for (let i = 0; i < 400; i++) values.push(r() * 10 ** Math.floor(r() * 40 - 20));
  for (let i = 0; i < 100; i++) values.push(r());

  it('pythonFloatRepr matches repr() and numpy float64 str (what pandas writes)', () => {
    const py = pythonJson(
      'import json,sys\nimport numpy as np\nv=[float(x) for x in json.load(sys.stdin)]\nprint(json.dumps([[repr(x), str(np.float64(x)), str(np.array([x]).astype(str)[0])] for x in v]))',
      // As text, so that Python reads floats (JSON would give the int 0 and lose -0).
      values.map((v) => (Object.is(v, -0) ? '-0' : String(v))),
    ) as string[][];
    values.forEach((v, i) => {
      const ours = pythonFloatRepr(v);
      expect(ours, `value ${v}`).toBe(py[i]![0]);
      expect(ours, `value ${v}`).toBe(py[i]![1]);
      expect(ours, `value ${v}`).toBe(py[i]![2]);
    });
  });

  it('pythonFixed3 matches f"{x:.3f}", ties to even included', () => {
    const v: number[] = [0, 1, 0.5, 0.0005, 0.0015, 0.9995, 0.1235, 0.12349999999999999];
    for (let j = 1; j < 16; j += 2) v.push(j / 16);
    for (let i = 0; i < 500; i++) v.push(r());
    for (let i = 0; i < 200; i++) v.push(Math.round(r() * 2000) / 2000);
    const py = pythonJson('import json,sys\nprint(json.dumps([f"{float(x):.3f}" for x in json.load(sys.stdin)]))', v.map(String)) as string[];
    v.forEach((x, i) => expect(pythonFixed3(x), `value ${x}`).toBe(py[i]));
  });
});
