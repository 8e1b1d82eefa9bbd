import { dirname, resolve } from 'node:path';
import { SPLITS, type SplitName } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { inspectOutput, type InspectReport } from '../formats/inspect.js';
import { inspectDocument, isDocumentName, type DocumentReport, type Fact } from '../engine/inspect.js';
import { REGISTRY } from '../../converters/index.js';
import { boundedInt, type CliCommand, optionalPath, printJson, refuseOverlap, requirePath, table } from './common.js';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

function describe(r: InspectReport): string {
  const lines = [
    `${r.file}`,
    `format: ${r.format}${r.task ? `, task: ${r.task}` : ''}`,
    `image: ${r.image.dtype} [${r.image.shape.join(', ')}], label: ${r.label.dtype} x ${r.label.columns}`,
    '',
    table(
      ['split', 'count', 'images', 'labels'],
      SPLITS.filter((s) => r.splits[s]).map((s) => {
        const x = r.splits[s]!;
        return [s, String(x.count), `(${x.images.join(', ')})`, `(${x.labels.join(', ')})`];
      }),
    ),
    `label histogram${r.label.columns > 1 ? ' (positives per label column)' : ''}${r.labelNamesFrom ? ` (names from ${r.labelNamesFrom})` : ''}:`,
    table(
      ['label', 'name', ...SPLITS, 'total'],
      r.histogram.map((h) => [String(h.label), h.name ?? '', ...SPLITS.map((s) => String(h.counts[s])), String(h.total)]),
    ),
  ];
  if (r.montage) lines.push(`montage: ${r.montage.path} (${r.montage.samples} ${r.montage.split} samples, ${r.montage.grid}x${r.montage.grid} grid)`);
  return lines.join('\n') + '\n';
}

function factText(v: Fact): string {
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.join(', ');
  return v === null ? '-' : String(v);
}

function describeDocument(r: DocumentReport): string {
  const width = Math.max(0, ...Object.keys(r.facts).map((k) => k.length));
  const lines = [r.file, `${r.kind}: ${r.title}`, ''];
  for (const [k, v] of Object.entries(r.facts)) lines.push(`${`${k}:`.padEnd(width + 1)} ${factText(v)}`);
  for (const t of r.tables) {
    lines.push('', `${t.title}:`, table(t.header, t.rows).trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** The montage is written, never over the inspected output or any file that is not a PNG. */
function inspectArgs(a: Record<string, unknown>): void {
  const file = requirePath(a, 'file', 'an output to inspect');
  const montage = optionalPath(a, 'montage', 'a PNG file to write');
  boundedInt(a['montage-length'], '--montage-length', 1, 100);
  if (!montage) return;
  if (!/\.png$/i.test(montage)) throw new UsageError(`--montage ${montage}: name a .png file to write (it must not be one of the dataset's files)`);
  const csv = file.replace(/\.csv$/i, '');
  refuseOverlap([['--montage', montage]], [['the inspected output', file], ['the inspected output', csv]]);
  const parent = dirname(montage);
  if (statSync(`${parent}.csv`, { throwIfNoEntry: false })?.isFile()) {
    throw new UsageError(`--montage ${montage} lies inside the PNG-folder output ${parent}; a file there would change the dataset. Choose a path outside it.`);
  }
  const st = statSync(montage, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new UsageError(`--montage ${montage} exists and is not a file; choose another path`);
  if (st) {
    const head = Buffer.alloc(8);
    const fd = openSync(montage, 'r');
    try {
      readSync(fd, head, 0, 8, 0);
    } finally {
      closeSync(fd);
    }
    if (!head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
      throw new UsageError(`--montage ${montage} exists and is not a PNG image; refusing to overwrite it. Choose another path.`);
    }
  }
}

export const inspectCommand: CliCommand = {
  command: 'inspect <file>',
  describe: 'Shapes, dtypes, counts and label histogram of an output; a summary of any other file it writes (samples.csv, metadata, lock, plan, shard, cards)',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        describe: 'any file it writes: F_S.npz, F_S_<split>.arrow/.parquet, a PNG folder F_S or F_S.csv, F.samples.csv, F_S.json, datasets.lock.json, a plan, shard.json, F.card.md, F.croissant.json',
      })
      .option('montage', { type: 'string', describe: 'write a grid of samples to this PNG file' })
      .option('montage-split', { type: 'string', describe: 'split the montage draws from (default: train)' })
      .option('montage-length', { type: 'number', default: 20, describe: 'tiles per side at most (length x length samples)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' }),
  validate: (a) => void inspectArgs(a),
  run: async (a) => {
    inspectArgs(a);
    const split = a['montage-split'] === undefined ? undefined : String(a['montage-split']);
    if (split !== undefined && !SPLITS.includes(split as SplitName)) throw new UsageError(`--montage-split ${split}: choose train, val or test`);
    const montage =
      a['montage'] === undefined
        ? undefined
        : { path: resolve(String(a['montage'])), split: split as SplitName | undefined, length: Number(a['montage-length']) };
    const file = resolve(String(a['file']));
    if (isDocumentName(file)) {
      if (montage) throw new UsageError(`--montage draws samples of a dataset output (F_S.npz, F_S_<split>.arrow ...); ${file} has no images`);
      const doc = await inspectDocument(file, REGISTRY);
      if (a['json']) printJson(doc);
      else process.stdout.write(describeDocument(doc));
      return 0;
    }
    const report = await inspectOutput(file, montage);
    if (a['json']) printJson(report);
    else process.stdout.write(describe(report));
    return 0;
  },
};
