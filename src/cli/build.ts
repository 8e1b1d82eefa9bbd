// `build --downloads DIR --out DIR`: every dataset whose raw download is under DIR/<source id>, in one
// run, into one folder with one lock (src/engine/build.ts); a summary table, or --json.
import { statSync } from 'node:fs';
import { REGISTRY } from '../../converters/index.js';
import { UsageError } from '../core/errors.js';
import { SPLITS } from '../core/contract.js';
import { buildRelease, sourceInput, type BuildReport } from '../engine/build.js';
import { MAX_WORKERS, validateSizes } from '../engine/convert.js';
import { getFormat } from '../formats/index.js';
import { boundedInt, type CliCommand, parseList, parseSeed, parseSizes, parseSplit, printJson, refuseOverlap, repeatedValues, requirePath, QUIET_OPTION, table } from './common.js';
import { reporterFor } from './progress.js';

/** `--input SOURCE=DIR`, repeated or comma separated. */
function parseSourceInputs(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of repeatedValues(v)) {
    const m = /^([a-z0-9-]+)=(.+)$/.exec(item);
    if (!m) throw new UsageError(`--input ${JSON.stringify(item)}: expected SOURCE=DIR, e.g. --input nih-cxr14=/data/CXR8`);
    REGISTRY.get(m[1]!);
    if (out[m[1]!]) throw new UsageError(`--input names source ${m[1]} twice`);
    out[m[1]!] = requirePath({ input: m[2] }, 'input', 'a folder');
  }
  return out;
}

function buildArgs(a: Record<string, unknown>) {
  const downloads = requirePath(a, 'downloads', 'the folder holding one sub-folder per source');
  const st = statSync(downloads, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new UsageError(`--downloads ${downloads} is not a folder; create it with one sub-folder per source (see \`medmnist-build list\`)`);
  const out = requirePath(a, 'out', 'the output folder');
  const sources = a['sources'] === undefined ? undefined : parseList(a['sources'], '--sources', '');
  sources?.forEach((s) => REGISTRY.get(s));
  if (sources && new Set(sources).size !== sources.length) throw new UsageError(`--sources lists a source twice: ${sources.join(',')}`);
  const inputs = parseSourceInputs(a['input']);
  const sizes = parseSizes(a['size']);
  validateSizes(sizes);
  const formats = parseList(a['format'], '--format', 'npz');
  formats.forEach(getFormat);
  const split = parseSplit(a['split']);
  if (split.manifest) throw new UsageError('--split manifest:FILE names one dataset\'s split; use `convert --dataset FLAG` for it');
  const workers = a['workers'] === undefined ? undefined : boundedInt(a['workers'], '--workers', 1, MAX_WORKERS);
  const req = { downloads, inputs, ...(sources ? { sources } : {}) };
  refuseOverlap([['--out', out]], [['--downloads', downloads], ...REGISTRY.all.map((c): [string, string] => [`the ${c.source.id} download`, sourceInput(req, c.source.id)])]);
  return { ...req, out, sizes, formats, split: split.arg, seed: parseSeed(a['seed']), ...(workers ? { workers } : {}) };
}

export function formatBuildReport(r: BuildReport): string {
  const rows = r.rows.map((x) => [
    x.flag,
    x.source,
    ...SPLITS.map((s) => (x.counts ? String(x.counts[s]) : '-')),
    x.sizes.join(',') || '-',
    x.formats.join(',') || '-',
    x.status,
    x.reason ?? '',
  ]);
  const n = (s: string): number => r.rows.filter((x) => x.status === s).length;
  return (
    table(['dataset', 'source', 'train', 'val', 'test', 'sizes', 'formats', 'status', 'note'], rows) +
    `\n${n('built')} built, ${n('up to date')} up to date, ${n('failed')} failed, ${n('no download')} without a download${n('pruned') ? `, ${n('pruned')} pruned` : ''} in ${r.seconds.toFixed(1)} s\nlock: ${r.lock}\n`
  );
}

export const buildCommand: CliCommand = {
  command: 'build',
  describe: 'Regenerate every dataset whose raw download is found, into one folder with one lock',
  builder: (y) =>
    y
      .option('downloads', { type: 'string', demandOption: true, describe: 'folder with one sub-folder per source, named by source id (see `list`)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('sources', { type: 'string', describe: 'only these sources, comma separated (default: every source found)' })
      .option('input', { type: 'string', array: true, describe: 'a source\'s raw folder elsewhere: SOURCE=DIR (repeatable)' })
      .option('size', { type: 'string', default: '28', describe: 'image sizes, comma separated (28,64,128,224)' })
      .option('format', { type: 'string', default: 'npz', describe: 'output formats, comma separated' })
      .option('split', { type: 'string', default: 'official', describe: 'official | grouped | source' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the documented split order' })
      .option('npz-compress', { type: 'boolean', default: false, describe: 'deflate NPZ members (like np.savez_compressed)' })
      .option('prune', { type: 'boolean', default: false, describe: 'drop datasets, sizes and formats in --out that this run did not ask for' })
      .option('force', { type: 'boolean', default: false, describe: 'rebuild datasets even when they are up to date' })
      .option('fingerprint', { type: 'boolean', default: true, describe: 'record the reference model metrics in the lock (--no-fingerprint skips the fit)' })
      .option('accept-drift', { type: 'boolean', default: false, describe: 'accept reference-model metrics that moved beyond the locked tolerance' })
      .option('workers', { type: 'number', describe: 'images decoded in parallel (default: CPU cores)' })
      .option('quiet', QUIET_OPTION)
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' }),
  validate: (a) => void buildArgs(a),
  run: async (a) => {
    const progress = reporterFor('build', a);
    let r: BuildReport;
    try {
      r = await buildRelease(REGISTRY, {
        ...buildArgs(a),
        prune: a['prune'] === true,
        force: a['force'] === true,
        fingerprint: a['fingerprint'] !== false,
        acceptDrift: a['accept-drift'] === true,
        formatOptions: { npzCompress: a['npz-compress'] === true },
        warn: (m: string) => progress.log(`medmnist-build: ${m}`),
        onSource: (id, i, n) => (a['quiet'] ? undefined : progress.log(`build: ${id} (${i + 1}/${n})`)),
        onProgress: progress.onProgress,
      });
    } finally {
      progress.finish();
    }
    if (a['json']) printJson(r);
    else process.stdout.write(formatBuildReport(r));
    return r.failed > 0 ? 1 : 0;
  },
};
