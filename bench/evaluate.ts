// Verifier throughput: fit the reference model and run `evaluate` on the CPU (and on whatever `auto`
// finds) over a DermaMNIST of the official size (7,007 / 1,003 / 2,005 images), made by cycling the images
// of the demo build, so the figures do not depend on a real download.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REGISTRY } from '../converters/index.js';
import { ham10000 } from '../converters/ham10000/index.js';
import { npzFormat, readNpz } from '../src/formats/npz.js';
import { convert } from '../src/engine/convert.js';
import { SPLITS } from '../src/core/contract.js';
import { evaluateModel } from '../src/evaluate/evaluate.js';
import { semanticFingerprint } from '../src/evaluate/fingerprint.js';
import { fitReferenceModel, referenceModelOnnx } from '../src/evaluate/reference-model.js';
import type { Bench } from './run.js';

async function officialSizedDerma(demoRoot: string, dir: string): Promise<void> {
  const spec = ham10000.datasets[0]!;
  const demo = await readNpz(join(demoRoot, 'dermamnist.npz'));
  const imageShape = [28, 28, 3];
  const bytes = 28 * 28 * 3;
  const sink = await npzFormat.createSink({ spec, size: 28, baseName: 'dermamnist', dir, counts: spec.officialCounts, imageShape, options: {} });
  for (const split of SPLITS) {
    const imgs = demo[`${split}_images`]!;
    const labs = demo[`${split}_labels`]!;
    const n = imgs.shape[0]!;
    for (let i = 0; i < spec.officialCounts[split]; i++) {
      const j = i % n;
      const label = labs.data.subarray(j, j + 1);
      await sink.write({ split, index: i, sample: { id: `bench_${split}_${i}`, label: [label[0]!] }, pixels: imgs.data.subarray(j * bytes, (j + 1) * bytes), label });
    }
  }
  await sink.finish();
}

const bench: Bench = {
  name: 'evaluate',
  describe: 'reference model fit + evaluate images/s (CPU and auto) on an official-sized DermaMNIST',
  async run(workDir) {
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    const raw = join(workDir, 'raw');
    const demo = join(workDir, 'demo');
    const big = join(workDir, 'big');
    await ham10000.writeFakeDownload(raw, { count: 60, seed: 0 });
    await convert(REGISTRY, { source: 'ham10000', input: raw, out: demo, sizes: [28], formats: ['npz'], split: 'official', seed: 0 });
    await mkdir(big, { recursive: true });
    await officialSizedDerma(demo, big);
    const spec = ham10000.datasets[0]!;
    const loc = { root: big, flag: 'dermamnist', size: 28, spec };

    let t = performance.now();
    const model = referenceModelOnnx(await fitReferenceModel(loc), spec, 28);
    process.stdout.write(`fit logreg-v1 on 7007 train images: ${((performance.now() - t) / 1000).toFixed(2)} s\n`);
    t = performance.now();
    const fp = await semanticFingerprint(loc);
    process.stdout.write(`semanticFingerprint (fit + test scores): ${((performance.now() - t) / 1000).toFixed(2)} s, AUC ${fp.metrics.auc.toFixed(4)} ACC ${fp.metrics.acc.toFixed(4)}\n`);

    for (const batch of [64, 256, 1024]) {
      // Best of three runs: the machine is shared.
      let best = 0;
      let last = null;
      for (let k = 0; k < 3; k++) {
        last = await evaluateModel({ ...loc, split: 'test', model, device: 'cpu', batch });
        best = Math.max(best, last.imagesPerSecond);
      }
      process.stdout.write(`cpu batch ${batch}: ${best.toFixed(0)} images/s over ${last!.images} test images (AUC ${last!.metrics.auc.toFixed(4)} ACC ${last!.metrics.acc.toFixed(4)})\n`);
    }
    const auto = await evaluateModel({ ...loc, split: 'test', model, device: 'auto', batch: 256 });
    for (const s of auto.skipped) process.stdout.write(`auto: ${s.device} skipped (${s.reason.slice(0, 80)})\n`);
    process.stdout.write(`auto ran on ${auto.device}: ${auto.imagesPerSecond.toFixed(0)} images/s (session ${auto.sessionSeconds.toFixed(2)} s)\n`);
  },
};

export default bench;
