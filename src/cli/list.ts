// `list`: every MedMNIST dataset of the catalog (all 18 flags, whether or not a source can build it yet)
// and the registered source that builds it.
import { CONVERTERS } from '../../converters/index.js';
import { CATALOG } from '../catalog/index.js';
import type { Task } from '../core/contract.js';
import { type CliCommand, printJson, table } from './common.js';

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

export const listCommand: CliCommand = {
  command: 'list',
  describe: 'List the MedMNIST datasets and the sources that build them',
  builder: (y) => y.option('json', { type: 'boolean', default: false }),
  run: async (a) => {
    const rows = listDatasets();
    if (a['json']) printJson(rows);
    else {
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
    }
    return 0;
  },
};
