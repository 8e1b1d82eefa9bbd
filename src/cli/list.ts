import { CONVERTERS } from '../../converters/index.js';
import { type CliCommand, printJson, table } from './common.js';

export function listDatasets(): Record<string, unknown>[] {
  return CONVERTERS.flatMap((c) =>
    c.datasets.map((d) => ({
      flag: d.flag,
      title: d.title,
      source: c.source.id,
      sourceName: c.source.name,
      task: d.task,
      labels: d.labels,
      n_channels: d.nChannels,
      n_samples: d.officialCounts,
      license: c.source.license.spdx,
      licenseUrl: c.source.license.url,
      homepage: c.source.homepage,
      ...(c.source.doi ? { doi: c.source.doi } : {}),
    })),
  );
}

export const listCommand: CliCommand = {
  command: 'list',
  describe: 'List sources and the datasets they produce',
  builder: (y) => y.option('json', { type: 'boolean', default: false }),
  run: async (a) => {
    const rows = listDatasets();
    if (a['json']) printJson(rows);
    else {
      process.stdout.write(
        table(
          ['flag', 'source', 'task', 'classes', 'ch', 'train/val/test', 'license'],
          rows.map((r) => {
            const n = r['n_samples'] as { train: number; val: number; test: number };
            return [
              String(r['flag']),
              String(r['source']),
              String(r['task']),
              String((r['labels'] as string[]).length),
              String(r['n_channels']),
              `${n.train}/${n.val}/${n.test}`,
              String(r['license']),
            ];
          }),
        ),
      );
    }
    return 0;
  },
};
