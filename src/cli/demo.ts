import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UsageError } from '../core/errors.js';
import { CONVERTERS, getConverter, REGISTRY } from '../../converters/index.js';
import { convert } from '../engine/convert.js';
import { SPLITS } from '../core/contract.js';
import { boundedInt, type CliCommand, isWithin, parseList, parseSizes, printJson, requirePath, QUIET_OPTION, table } from './common.js';
import { validateSizes } from '../engine/convert.js';
import { getFormat } from '../formats/index.js';
import { convertSummary } from './convert.js';
import { reporterFor } from './progress.js';

/** Images per fake download in the demo: enough for every class to reach every split. */
export const DEMO_COUNT = 60;
export const DEMO_SEED = 0;
/** Marks a downloads folder as the demo's own, so a re-run may replace the fake downloads in it. */
const DEMO_MARKER = '.medmnist-build-demo';

/** Where the fake downloads go: --downloads, or beside the output folder (`<out>-downloads`). */
function downloadsDir(a: Record<string, unknown>): string {
  const out = requirePath(a, 'out', 'the output folder');
  const dir = a['downloads'] === undefined ? `${out}-downloads` : requirePath(a, 'downloads', 'the folder for the fake downloads');
  if (isWithin(dir, out) || isWithin(out, dir)) throw new UsageError(`--downloads ${dir} and --out ${out} overlap; the fake downloads are inputs and must live outside the output folder`);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new UsageError(`--downloads ${dir} is not a folder`);
  if (st && readdirSync(dir).length > 0 && !existsSync(join(dir, DEMO_MARKER))) {
    throw new UsageError(`--downloads ${dir} holds files the demo did not write; the demo replaces its fake downloads on each run, so choose an empty or new folder`);
  }
  return dir;
}

/** A path as the user would type it from here. */
function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

export const demoCommand: CliCommand = {
  command: 'demo',
  describe: 'Write fake downloads of every source, convert them and print a summary',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'medmnist-demo', describe: 'output folder' })
      .option('downloads', { type: 'string', describe: 'where the fake downloads are kept, one folder per source (default: <out>-downloads)' })
      .option('source', { type: 'string', describe: 'only this source' })
      .option('size', { type: 'string', default: '28', describe: 'image sizes' })
      .option('format', { type: 'string', default: 'npz', describe: 'output formats' })
      .option('count', { type: 'number', default: DEMO_COUNT, describe: 'images per fake download' })
      .option('npz-compress', { type: 'boolean', default: false, describe: 'deflate NPZ members (like np.savez_compressed)' })
      .option('quiet', QUIET_OPTION)
      .option('json', { type: 'boolean', default: false }),
  validate: (a) => {
    requirePath(a, 'out', 'the output folder');
    if (a['source'] !== undefined) getConverter(String(a['source']));
    validateSizes(parseSizes(a['size']));
    parseList(a['format'], '--format', 'npz').forEach(getFormat);
    boundedInt(a['count'], '--count', 1, 100_000);
    downloadsDir(a);
  },
  run: async (a) => {
    const out = requirePath(a, 'out', 'the output folder');
    const converters = a['source'] ? [getConverter(String(a['source']))] : CONVERTERS;
    const raw = downloadsDir(a);
    await mkdir(raw, { recursive: true });
    await writeFile(join(raw, DEMO_MARKER), 'Fake downloads written by `medmnist-build demo`; a re-run replaces them.\n');
    const summaries = [];
    const rows: string[][] = [];
    const progress = reporterFor('demo', a);
    try {
      for (const c of converters) {
        const input = join(raw, c.source.id);
        if (!a['quiet']) progress.log(`writing a fake ${c.source.id} download (${Number(a['count'])} images) to ${shown(input)}...`);
        await rm(input, { recursive: true, force: true });
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
          onProgress: progress.onProgress,
          warn: (m: string) => progress.log(`medmnist-build: ${m}`),
          // The demo always rebuilds (its downloads were just rewritten); the folder keeps other sizes.
          force: true,
        });
        summaries.push(convertSummary(r));
        for (const d of r.datasets) {
          rows.push([
            d.flag,
            c.source.id,
            ...SPLITS.map((s) => String(d.counts[s])),
            c.source.license.spdx,
            String(d.files.length),
            `${(d.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(2)} MB`,
          ]);
        }
      }
    } finally {
      progress.finish();
    }
    if (a['json']) printJson({ out, downloads: raw, datasets: summaries });
    else {
      process.stdout.write(`\nDemo datasets written to ${out}\n\n`);
      process.stdout.write(table(['flag', 'source', 'train', 'val', 'test', 'license', 'files', 'size'], rows));
      process.stdout.write(nextSteps(shown(out), shown(raw), converters[0]!.source.id));
    }
    return 0;
  },
};

/** What a newcomer can run next on the fake downloads the demo kept. */
function nextSteps(out: string, raw: string, source: string): string {
  return [
    '',
    `The fake downloads are kept in ${raw}/<source>/. Try next:`,
    `  medmnist-build convert --source ${source} --input ${raw}/${source} --out my-build --size 28,64 --format npz,parquet`,
    `  medmnist-build verify my-build --inputs ${source}=${raw}/${source}`,
    `  medmnist-build diff ${out} my-build`,
    `  medmnist-build build --downloads ${raw} --out my-release --size 28,64`,
    '',
  ].join('\n');
}
