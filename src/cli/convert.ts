import { REGISTRY } from '../../converters/index.js';
import { datasetsOf } from '../engine/plan.js';
import { convert, MAX_WORKERS, validateSizes, type ConvertResult } from '../engine/convert.js';
import { UsageError } from '../core/errors.js';
import { getFormat } from '../formats/index.js';
import { SPLITS } from '../core/contract.js';
import { boundedInt, buildOptions, type CliCommand, lockOptions, optionalPath, parseList, parseSeed, parseSizes, parseSplit, printJson, refuseOverlap, requirePath } from './common.js';
import { progressReporter } from './progress.js';

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
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' }),
  validate: (a) => void convertArgs(a),
  run: async (a) => {
    const r = await convert(REGISTRY, {
      ...convertArgs(a),
      frozen: Boolean(a['frozen']),
      prune: a['prune'] === true,
      force: a['force'] === true,
      fingerprint: a['fingerprint'] !== false,
      acceptDrift: a['accept-drift'] === true,
      warn: (m: string) => process.stderr.write(`medmnist-build: ${m}\n`),
      formatOptions: { npzCompress: a['npz-compress'] === true },
      onProgress: progressReporter(),
    });
    if (a['json']) printJson(convertSummary(r));
    else {
      process.stderr.write(freshnessLines(r));
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
