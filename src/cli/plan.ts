// `plan`: stage 1 of a build for batch systems: scan + split -> a JSON BuildPlan (src/engine/plan.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { UsageError } from '../core/errors.js';
import { validateSizes } from '../engine/convert.js';
import { makePlan, planJson } from '../engine/plan.js';
import { getFormat } from '../formats/index.js';
import { type CliCommand, parseList, parseSeed, parseSizes, parseSplit, printJson, refuseOverlap, requirePath } from './common.js';

export const planCommand: CliCommand = {
  command: 'plan',
  describe: 'Stage 1 of a sharded build: scan and split a source into a plan file',
  builder: (y) =>
    y
      .option('source', { type: 'string', demandOption: true, describe: 'source id (see `list`)' })
      .option('input', { type: 'string', demandOption: true, describe: 'folder with the raw download (the same path on every node)' })
      .option('plan', { type: 'string', demandOption: true, describe: 'plan file to write (JSON)' })
      .option('size', { type: 'string', default: '28', describe: 'image sizes, comma separated' })
      .option('format', { type: 'string', default: 'npz', describe: 'output formats, comma separated' })
      .option('split', { type: 'string', default: 'official', describe: 'official | grouped | manifest:FILE' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the documented split order' })
      .option('npz-compress', { type: 'boolean', default: false, describe: 'deflate NPZ members' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' }),
  validate: (a) => {
    REGISTRY.get(String(a['source'] ?? ''));
    const input = requirePath(a, 'input', 'the folder with the raw download');
    const plan = requirePath(a, 'plan', 'the plan file to write');
    refuseOverlap([['--plan', plan]], [['--input', input]]);
    validateSizes(parseSizes(a['size']));
    parseList(a['format'], '--format', 'npz').forEach(getFormat);
    parseSplit(a['split']);
    parseSeed(a['seed']);
  },
  run: async (a) => {
    const sizes = parseSizes(a['size']);
    validateSizes(sizes);
    const formats = [...new Set(parseList(a['format'], '--format', 'npz'))];
    formats.forEach(getFormat);
    const seed = parseSeed(a['seed']);
    const file = resolve(String(a['plan']));
    const converter = REGISTRY.get(String(a['source']));
    if (file.endsWith('/')) throw new UsageError(`--plan ${file} names a folder; give a file name such as plan.json`);
    const plan = await makePlan({
      converter,
      input: resolve(String(a['input'])),
      sizes,
      formats,
      split: String(a['split']),
      seed,
      formatOptions: { npzCompress: a['npz-compress'] === true },
    });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, planJson(plan));
    const samples = plan.datasets.reduce((n, d) => n + d.samples.length, 0);
    if (a['json']) printJson({ plan: file, source: plan.source, items: plan.items.length, samples, datasets: plan.datasets.map((d) => ({ flag: d.flag, counts: d.counts })) });
    else {
      for (const d of plan.datasets) process.stderr.write(`${d.flag}: train ${d.counts.train}, val ${d.counts.val}, test ${d.counts.test}\n`);
      process.stderr.write(`plan: ${file} (${plan.items.length} items, ${samples} samples)\n`);
      process.stderr.write(`next: medmnist-build process --plan ${file} --shard i/n --shards DIR (for i in 0..n-1), then medmnist-build pack --plan ${file} --shards DIR --count n --out OUT\n`);
    }
    return 0;
  },
};
