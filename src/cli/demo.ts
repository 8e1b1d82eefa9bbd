import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONVERTERS, getConverter, REGISTRY } from '../../converters/index.js';
import { convert } from '../engine/convert.js';
import { SPLITS } from '../core/contract.js';
import { boundedInt, type CliCommand, parseList, parseSizes, printJson, requirePath, table } from './common.js';
import { validateSizes } from '../engine/convert.js';
import { getFormat } from '../formats/index.js';
import { convertSummary } from './convert.js';
import { progressReporter } from './progress.js';

/** Images per fake download in the demo: enough for every class to reach every split. */
export const DEMO_COUNT = 60;
export const DEMO_SEED = 0;

export const demoCommand: CliCommand = {
  command: 'demo',
  describe: 'Write fake downloads of every source, convert them and print a summary',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'medmnist-demo', describe: 'output folder' })
      .option('source', { type: 'string', describe: 'only this source' })
      .option('size', { type: 'string', default: '28', describe: 'image sizes' })
      .option('format', { type: 'string', default: 'npz', describe: 'output formats' })
      .option('count', { type: 'number', default: DEMO_COUNT, describe: 'images per fake download' })
      .option('npz-compress', { type: 'boolean', default: false, describe: 'deflate NPZ members (like np.savez_compressed)' })
      .option('json', { type: 'boolean', default: false }),
  validate: (a) => {
    requirePath(a, 'out', 'the output folder');
    if (a['source'] !== undefined) getConverter(String(a['source']));
    validateSizes(parseSizes(a['size']));
    parseList(a['format'], '--format', 'npz').forEach(getFormat);
    boundedInt(a['count'], '--count', 1, 100_000);
  },
  run: async (a) => {
    const out = requirePath(a, 'out', 'the output folder');
    const converters = a['source'] ? [getConverter(String(a['source']))] : CONVERTERS;
    const raw = await mkdtemp(join(tmpdir(), 'medmnist-demo-raw-'));
    const summaries = [];
    const rows: string[][] = [];
    try {
      for (const c of converters) {
        const input = join(raw, c.source.id);
        process.stderr.write(`writing a fake ${c.source.id} download (${Number(a['count'])} images)...\n`);
        await c.writeFakeDownload(input, { count: Number(a['count']), seed: DEMO_SEED });
        const r = await convert(REGISTRY, {
          source: c.source.id,
          input,
          out,
          sizes: parseSizes(a['size']),
          formats: parseList(a['format'], '--format', 'npz'),
          split: 'official',
          seed: DEMO_SEED,
          formatOptions: { npzCompress: a['npz-compress'] === true },
          onProgress: progressReporter(),
        });
        summaries.push(convertSummary(r));
        for (const d of r.datasets) {
          rows.push([
            d.flag,
            c.source.id,
            ...SPLITS.map((s) => String(d.counts[s])),
            c.source.license.spdx,
            d.files.filter((f) => !f.name.endsWith('.json')).map((f) => f.name).join(' '),
          ]);
        }
      }
    } finally {
      await rm(raw, { recursive: true, force: true });
    }
    if (a['json']) printJson({ out, datasets: summaries });
    else {
      process.stdout.write(`\nDemo datasets written to ${out}\n\n`);
      process.stdout.write(table(['flag', 'source', 'train', 'val', 'test', 'license', 'files'], rows));
    }
    return 0;
  },
};
