import { resolve } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { convert, type ConvertResult } from '../engine/convert.js';
import { SPLITS } from '../core/contract.js';
import { buildOptions, type CliCommand, lockOptions, parseList, parseSeed, parseSizes, printJson } from './common.js';
import { progressReporter } from './progress.js';

export function convertSummary(r: ConvertResult): Record<string, unknown> {
  return {
    source: r.source,
    images: r.images,
    bytesRead: r.bytesRead,
    seconds: Number(r.seconds.toFixed(3)),
    imagesPerSecond: Number((r.images / Math.max(r.seconds, 1e-9)).toFixed(1)),
    lock: r.lockWritten,
    datasets: r.datasets.map((d) => ({
      flag: d.flag,
      counts: d.counts,
      ...(d.dropped.train + d.dropped.val + d.dropped.test > 0 ? { droppedBlank: d.dropped } : {}),
      official: d.spec.officialCounts,
      files: d.files,
    })),
  };
}

export const convertCommand: CliCommand = {
  command: 'convert',
  describe: 'Build the MedMNIST dataset(s) of one raw source',
  builder: (y) =>
    lockOptions(buildOptions(y))
      .option('input', { type: 'string', demandOption: true, describe: 'folder with the raw download' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('workers', { type: 'number', describe: 'images decoded in parallel (default: CPU cores)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' }),
  run: async (a) => {
    const r = await convert(REGISTRY, {
      source: String(a['source']),
      input: resolve(String(a['input'])),
      out: resolve(String(a['out'])),
      sizes: parseSizes(a['size']),
      formats: parseList(a['format'], '--format', 'npz'),
      split: String(a['split']),
      ...(a['dataset'] === undefined ? {} : { datasets: parseList(a['dataset'], '--dataset', '') }),
      seed: parseSeed(a['seed']),
      workers: a['workers'] === undefined ? undefined : Number(a['workers']),
      lock: a['lock'] === undefined ? undefined : resolve(String(a['lock'])),
      frozen: Boolean(a['frozen']),
      fingerprint: a['fingerprint'] !== false,
      acceptDrift: a['accept-drift'] === true,
      warn: (m: string) => process.stderr.write(`medmnist-build: ${m}\n`),
      formatOptions: { npzCompress: a['npz-compress'] === true },
      onProgress: progressReporter(),
    });
    if (a['json']) printJson(convertSummary(r));
    else {
      for (const d of r.datasets) {
        const counts = SPLITS.map((s) => `${s} ${d.counts[s]}`).join(', ');
        process.stderr.write(`${d.flag}: ${counts} -> ${d.files.map((f) => f.name).join(', ')}\n`);
      }
      process.stderr.write(`${r.images} images in ${r.seconds.toFixed(1)} s\n`);
      if (r.lockWritten) process.stderr.write(`lock: ${r.lockWritten}\n`);
    }
    return 0;
  },
};
