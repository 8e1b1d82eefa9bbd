// `list`: every MedMNIST dataset of the catalog (all 18 flags, whether or not a source can build it yet)
// and the registered source that builds it; then every source: its licence, where to download it and the
// folder layout its scan reads. `list SOURCE` (or a dataset flag) prints one source in full: the files
// to download, the layout, the datasets it builds with their counts, licence and citation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_SPECS as CONVERTERS, type SourceSpec } from '../../converters/specs.js';
import { CATALOG, catalogEntry, isCatalogFlag } from '../catalog/index.js';
import type { Task } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { describeRecipe } from '../core/recipe.js';
import { MEDMNIST_CITATION } from '../metadata/citations.js';
import { splitRuleText } from '../metadata/dataset-metadata.js';
import { PACKAGE_ROOT } from '../version.js';
import { parseManifest, type DownloadKind, type GetMode } from '../fetch/manifest.js';
import { type CliCommand, formatBytes, printJson, table } from './common.js';

/** One row of `list --json`; snake_case keys follow MedMNIST's info.py (n_channels, n_samples). */
export interface ListRow {
  flag: string;
  title: string;
  task: Task;
  labels: string[];
  n_channels: 1 | 3;
  dims: 2 | 3;
  n_samples: { train: number; val: number; test: number };
  /** MedMNIST's stated licence of the dataset (SPDX). */
  license: string;
  licenseUrl: string;
  /** Sizes of the official NPZ release. */
  officialSizes: number[];
  description: string;
  /** The registered source (--source id) that builds this flag; null when none does yet. */
  source: string | null;
  /** The raw source's own name, licence and pages (absent when no source builds the flag). */
  sourceName?: string;
  sourceLicense?: string;
  sourceLicenseUrl?: string;
  homepage?: string;
  doi?: string;
}

export function listDatasets(): ListRow[] {
  return CATALOG.map((e) => {
    // One source per flag today; if several ever build one, the first registered is the default.
    const c = CONVERTERS.find((x) => x.datasets.some((d) => d.flag === e.flag));
    return {
      flag: e.flag,
      title: e.title,
      task: e.task,
      labels: [...e.labels],
      n_channels: e.nChannels,
      dims: e.dims,
      n_samples: { ...e.officialCounts },
      license: e.license,
      licenseUrl: e.licenseUrl,
      officialSizes: e.officialFiles.map((f) => f.size),
      description: e.description,
      source: c ? c.source.id : null,
      ...(c
        ? {
            sourceName: c.source.name,
            sourceLicense: c.source.license.spdx,
            sourceLicenseUrl: c.source.license.url,
            homepage: c.source.homepage,
            ...(c.source.doi ? { doi: c.source.doi } : {}),
          }
        : {}),
    };
  });
}

/** One file of a source's published download (a row of its checksums.tsv). */
export interface DownloadRow {
  file: string;
  bytes?: number;
  md5?: string;
  sha256?: string;
  url?: string;
  /** direct / optional: `fetch` downloads it; manual: a person does (see src/fetch/manifest.ts). */
  get?: GetMode;
  kind?: DownloadKind;
  /** What the scan reads once this file is in place, relative to the download folder. */
  layout?: string;
}

/** A source in full: `list SOURCE --json`, and each element of `list --sources --json`. */
export interface SourceDetails {
  id: string;
  name: string;
  homepage: string;
  doi?: string;
  license: { spdx: string; url: string; note?: string };
  citation: string;
  /** Files to download (converters/<id>/checksums.tsv, with the spec's facts where it states more). */
  downloads: DownloadRow[];
  /** Where to download from: the distinct download URLs, else the homepage. */
  downloadPages: string[];
  instructions: string;
  /** The layout scan reads below --input (SourceInfo.layout). */
  layout: string[];
  datasets: {
    flag: string;
    title: string;
    task: Task;
    classes: number;
    n_channels: 1 | 3;
    dims: 2 | 3;
    /** MedMNIST's published split sizes (what --split official reproduces on the full download). */
    n_samples: { train: number; val: number; test: number };
    /** MedMNIST's stated licence of the dataset (SPDX). */
    license: string;
    recipe: string;
    split: string;
  }[];
}

/** converters/<id>/checksums.tsv, read with fetch's manifest parser (the spec's downloads if absent). */
function readChecksums(c: SourceSpec): DownloadRow[] {
  const file = join(PACKAGE_ROOT, 'converters', c.source.id, 'checksums.tsv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return c.source.downloads.map((d) => ({ file: d.name }));
  }
  return parseManifest(text, file).map(({ line: _line, into: _into, ...row }) => row);
}

export function sourceDetails(c: SourceSpec): SourceDetails {
  const tsv = readChecksums(c);
  const downloads: DownloadRow[] = tsv.map((r) => {
    const d = c.source.downloads.find((x) => x.name === r.file);
    const bytes = r.bytes ?? d?.sizeBytes;
    const md5 = r.md5 ?? d?.md5;
    const sha256 = r.sha256 ?? d?.sha256;
    const url = r.url || d?.url;
    return {
      file: r.file,
      ...(bytes ? { bytes } : {}),
      ...(md5 ? { md5 } : {}),
      ...(sha256 ? { sha256 } : {}),
      ...(url ? { url } : {}),
      ...(r.get ? { get: r.get } : {}),
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.layout ? { layout: r.layout } : {}),
    };
  });
  const urls = [...new Set(downloads.map((d) => d.url).filter((u): u is string => Boolean(u)))];
  const s = c.source;
  return {
    id: s.id,
    name: s.name,
    homepage: s.homepage,
    ...(s.doi ? { doi: s.doi } : {}),
    license: { ...s.license },
    citation: s.citation,
    downloads,
    downloadPages: urls.length > 0 ? urls : [s.homepage],
    instructions: s.instructions,
    layout: [...s.layout],
    datasets: c.datasets.map((d) => ({
      flag: d.flag,
      title: d.title,
      task: d.task,
      classes: d.labels.length,
      n_channels: d.nChannels,
      dims: d.dims,
      n_samples: { ...d.officialCounts },
      license: isCatalogFlag(d.flag) ? catalogEntry(d.flag).license : s.license.spdx,
      recipe: describeRecipe(d.recipe),
      split: splitRuleText(d, 'official'),
    })),
  };
}

/** The layout as a tree under `--input/`, comments aligned. */
export function layoutTree(layout: readonly string[], indent = ''): string {
  const rows = layout.map((l) => {
    const m = /^(.*?)\s+#\s(.*)$/.exec(l);
    return { path: `  ${m ? m[1]! : l}`, note: m ? m[2]! : '' };
  });
  // Comments aligned in one column, unless a long path would push them far right.
  const width = Math.min(44, Math.max(...rows.map((r) => r.path.length)));
  return [`${indent}--input/`, ...rows.map((r) => `${indent}${r.note ? `${r.path.padEnd(width)}  # ${r.note}` : r.path}`)].join('\n') + '\n';
}

function sourceBlock(d: SourceDetails): string {
  const pages = d.downloadPages[0]!;
  const more = d.downloadPages.length > 1 ? `  (+${d.downloadPages.length - 1} more: list ${d.id})` : '';
  const direct = d.downloads.some((f) => f.get === 'direct');
  const manual = d.downloads.some((f) => f.get === 'manual');
  const how = direct ? `medmnist-build fetch --source ${d.id} --dir DIR${manual ? ' (some files by hand: it prints the steps)' : ''}` : manual ? `by hand (medmnist-build fetch --source ${d.id} --dir DIR prints the steps)` : 'by hand';
  return [
    `${d.id}: ${d.datasets.map((x) => x.flag).join(', ')}; licence ${d.license.spdx}`,
    `  download: ${pages}${more}`,
    `  get it:   ${how}`,
    layoutTree(d.layout, '  ').trimEnd(),
  ].join('\n');
}

function sourceText(d: SourceDetails): string {
  const out: string[] = [];
  out.push(`${d.id}: ${d.name}`, '');
  out.push(`homepage:  ${d.homepage}`);
  if (d.doi) out.push(`doi:       https://doi.org/${d.doi}`);
  out.push(`licence:   ${d.license.spdx} (${d.license.url})${d.license.note ? `\n           ${d.license.note}` : ''}`, '');
  out.push('Files to download:');
  if (d.downloads.length === 0) out.push(`  (no file list published; see ${d.homepage})`);
  else {
    out.push(
      table(
        ['file', 'size', 'md5', 'get', 'gives', 'url'],
        d.downloads.map((f) => [f.file, f.bytes ? formatBytes(f.bytes) : '-', f.md5 ?? '-', f.get ?? '-', f.layout ?? '-', f.url ?? `(see homepage)`]),
      ).replace(/^/gm, '  ').trimEnd(),
    );
    out.push(`  get: medmnist-build fetch --source ${d.id} --dir DIR (downloads the direct files, checks and unpacks them; prints the steps for manual ones)`);
  }
  out.push('', `How: ${d.instructions}`, '', 'Layout it reads:', layoutTree(d.layout, '  ').trimEnd(), '');
    out.push('Datasets it builds (MedMNIST\'s published split sizes):');
  out.push(
    table(
      ['flag', 'task', 'classes', 'ch', 'dims', 'train', 'val', 'test', 'licence', 'recipe'],
      d.datasets.map((x) => [x.flag, x.task, String(x.classes), String(x.n_channels), `${x.dims}D`, String(x.n_samples.train), String(x.n_samples.val), String(x.n_samples.test), x.license, x.recipe]),
      [2, 3, 5, 6, 7],
    )
      .replace(/^/gm, '  ')
      .trimEnd(),
  );
  for (const x of d.datasets) out.push(`  ${x.flag} split: ${x.split}`);
  out.push('', 'Cite the source and MedMNIST:', `  ${d.citation}`, `  ${MEDMNIST_CITATION}`, '');
  out.push(`Convert: medmnist-build convert --source ${d.id} --input DIR --out OUT [--size 28,64,128,224] [--format npz,arrow,parquet,png]`);
  return out.join('\n') + '\n';
}

/** The converter of `name`: a source id, or a dataset flag some source builds. */
function converterFor(name: string): SourceSpec {
  const bySource = CONVERTERS.find((c) => c.source.id === name);
  if (bySource) return bySource;
  const byFlag = CONVERTERS.find((c) => c.datasets.some((d) => d.flag === name));
  if (byFlag) return byFlag;
  if (isCatalogFlag(name)) throw new UsageError(`${name} is a MedMNIST dataset no registered source builds yet; sources: ${CONVERTERS.map((c) => c.source.id).join(', ')}`);
  throw new UsageError(`unknown source or dataset ${JSON.stringify(name)}: sources are ${CONVERTERS.map((c) => c.source.id).join(', ')}`);
}

export const listCommand: CliCommand = {
  command: 'list [source]',
  describe: 'List the MedMNIST datasets and the sources that build them (layout, downloads, licence); `list SOURCE` for one in full',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: 'a source id (or a dataset flag): its files, layout, datasets, licence and citation' })
      .option('sources', { type: 'boolean', default: false, describe: 'only the sources (with --json: an array of their details)' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable: the datasets (or the sources with --sources, or one source)' }),
  validate: (a) => {
    if (a['source'] !== undefined) converterFor(String(a['source']));
  },
  run: async (a) => {
    if (a['source'] !== undefined) {
      const d = sourceDetails(converterFor(String(a['source'])));
      if (a['json']) printJson(d);
      else process.stdout.write(sourceText(d));
      return 0;
    }
    const sources = CONVERTERS.map(sourceDetails);
    if (a['json']) {
      printJson(a['sources'] ? sources : listDatasets());
      return 0;
    }
    if (!a['sources']) {
      const rows = listDatasets();
      process.stdout.write(
        table(
          ['flag', 'source', 'task', 'classes', 'ch', 'dims', 'train/val/test', 'license', 'source license'],
          rows.map((r) => [
            r.flag,
            r.source ?? '-',
            r.task,
            String(r.labels.length),
            String(r.n_channels),
            `${r.dims}D`,
            `${r.n_samples.train}/${r.n_samples.val}/${r.n_samples.test}`,
            r.license,
            r.sourceLicense ?? '-',
          ]),
        ),
      );
      process.stdout.write('\n');
    }
    process.stdout.write('Sources: the download to get and the folder to pass as --input (`medmnist-build list SOURCE` for files, counts and citation)\n\n');
    process.stdout.write(sources.map(sourceBlock).join('\n\n') + '\n');
    return 0;
  },
};
