import { REGISTRY } from '../../converters/index.js';
import { datasetsOf } from '../engine/plan.js';
import { convert, MAX_WORKERS, validateSizes, type ConvertResult, type DatasetBuild } from '../engine/convert.js';
import { UsageError } from '../core/errors.js';
import { getFormat } from '../formats/index.js';
import { baseNameFor } from '../formats/sink.js';
import { boundedInt, buildOptions, type CliCommand, lockOptions, optionalPath, parseList, parseSeed, parseSizes, parseSplit, printJson, QUIET_OPTION, refuseOverlap, requirePath, table, formatBytes } from './common.js';
import { reporterFor } from './progress.js';

export function convertSummary(r: ConvertResult): Record<string, unknown> {
  return {
    source: r.source,
    images: r.images,
    bytesRead: r.bytesRead,
    seconds: Number(r.seconds.toFixed(3)),
    imagesPerSecond: Number((r.images / Math.max(r.seconds, 1e-9)).toFixed(1)),
    lock: r.lockWritten,
    status: r.freshness.map((f) => ({ flag: f.flag, status: f.status, ...(f.reasons.length ? { reasons: f.reasons } : {}) })),
    datasets: r.datasets.map((d) => ({
      flag: d.flag,
      counts: d.counts,
      ...(d.dropped.train + d.dropped.val + d.dropped.test > 0 ? { droppedBlank: d.dropped } : {}),
      official: d.spec.officialCounts,
      files: d.files,
    })),
  };
}

/**
 * The human summary of a build: one row per dataset, size and format (counts, files, bytes), and one per
 * dataset for its metadata (F.samples.csv and F_S.json of every size).
 */
export function buildTable(datasets: readonly DatasetBuild[], formats: readonly string[]): string {
  const rows: string[][] = [];
  const strip = (n: string): string => n.replace(/\/+$/, '');
  for (const d of datasets) {
    const counts = [String(d.counts.train), String(d.counts.val), String(d.counts.test)];
    const listed = new Set<string>();
    for (const size of Object.keys(d.bySize).map(Number).sort((a, b) => a - b)) {
      const files = d.bySize[size] ?? [];
      for (const format of [...new Set(formats)]) {
        const names = new Set(getFormat(format).fileNames(baseNameFor(d.flag, size)));
        const mine = files.filter((f) => names.has(strip(f.name)));
        mine.forEach((f) => listed.add(f.name));
        rows.push([d.flag, String(size), format, ...counts, String(mine.length), formatBytes(mine.reduce((a, f) => a + f.bytes, 0))]);
      }
    }
    const rest = d.files.filter((f) => !listed.has(f.name));
    if (rest.length > 0) rows.push([d.flag, '', 'metadata', '', '', '', String(rest.length), formatBytes(rest.reduce((a, f) => a + f.bytes, 0))]);
  }
  return table(['dataset', 'size', 'format', 'train', 'val', 'test', 'files', 'bytes'], rows, [1, 3, 4, 5, 6, 7]);
}

/** One line per dataset that was up to date or is rebuilt for a reason (new ones need no line). */
export function freshnessLines(r: ConvertResult): string {
  return r.freshness
    .filter((f) => f.status !== 'new')
    .map((f) => (f.status === 'up to date' ? `${f.flag}: up to date (${f.keep.length} size${f.keep.length === 1 ? '' : 's'} in the lock), nothing rebuilt\n` : `${f.flag}: rebuilding: ${f.reasons.join('; ')}\n`))
    .join('');
}

/** Every argument of convert, checked before any work (unknown source, format, size, split, paths). */
export function convertArgs(a: Record<string, unknown>) {
  const source = String(a['source'] ?? '').trim();
  if (!source) throw new UsageError(`--source needs a source id: one of ${REGISTRY.all.map((c) => c.source.id).join(', ')}`);
  REGISTRY.get(source);
  const input = requirePath(a, 'input', 'the folder with the raw download');
  const out = requirePath(a, 'out', 'the output folder');
  const lock = optionalPath(a, 'lock', 'a lock file path');
  const sizes = parseSizes(a['size']);
  validateSizes(sizes);
  const formats = parseList(a['format'], '--format', 'npz');
  for (const f of formats) getFormat(f);
  const split = parseSplit(a['split']);
  const workers = a['workers'] === undefined ? undefined : boundedInt(a['workers'], '--workers', 1, MAX_WORKERS);
  refuseOverlap([['--out', out], ['--lock', lock]], [['--input', input]]);
  const datasets = a['dataset'] === undefined ? undefined : parseList(a['dataset'], '--dataset', '');
  if (datasets) datasetsOf(REGISTRY.get(source), datasets);
  return { source, input, out, lock, sizes, formats, split: split.arg, seed: parseSeed(a['seed']), workers, ...(datasets ? { datasets } : {}) };
}

export const convertCommand: CliCommand = {
  command: 'convert',
  describe: 'Build the MedMNIST dataset(s) of one raw source',
  builder: (y) =>
    lockOptions(buildOptions(y))
      .option('input', { type: 'string', demandOption: true, describe: 'folder with the raw download' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('workers', { type: 'number', describe: 'images decoded in parallel (default: CPU cores)' })
      .option('prune', { type: 'boolean', default: false, describe: 'drop sizes and formats of the built datasets that the folder holds but were not asked for this time' })
      .option('force', { type: 'boolean', default: false, describe: 'rebuild even when the outputs are up to date' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' })
      .option('quiet', QUIET_OPTION),
  validate: (a) => void convertArgs(a),
  run: async (a) => {
    const args = convertArgs(a);
    const progress = reporterFor('convert', a);
    let r: ConvertResult;
    try {
      r = await convert(REGISTRY, {
        ...args,
        frozen: Boolean(a['frozen']),
        prune: a['prune'] === true,
        force: a['force'] === true,
        fingerprint: a['fingerprint'] !== false,
        acceptDrift: a['accept-drift'] === true,
        warn: (m: string) => progress.log(`medmnist-build: ${m}`),
        formatOptions: { npzCompress: a['npz-compress'] === true },
        onProgress: progress.onProgress,
      });
    } finally {
      progress.finish();
    }
    if (a['json']) printJson(convertSummary(r));
    else {
      process.stderr.write(freshnessLines(r));
      if (r.datasets.length > 0) process.stderr.write(buildTable(r.datasets, r.plan.options.formats));
      process.stderr.write(`${r.images} images in ${r.seconds.toFixed(1)} s -> ${args.out}\n`);
      if (r.lockWritten) process.stderr.write(`lock: ${r.lockWritten}\n`);
    }
    return 0;
  },
};
