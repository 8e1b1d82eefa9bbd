// `diff A B`: datasets, splits and samples that changed, appeared or disappeared between two output
// folders or two lock files (src/lock/diff.ts). Exit 0 when identical, 1 when they differ (like diff(1)).
import { diffBuilds, formatDiffReport } from '../lock/diff.js';
import { type CliCommand, printJson } from './common.js';

export const diffCommand: CliCommand = {
  command: 'diff <a> <b>',
  describe: 'Compare two builds (output folders or lock files) sample by sample; exit 1 if they differ',
  builder: (y) =>
    y
      .positional('a', { type: 'string', describe: 'output folder or lock file (before)' })
      .positional('b', { type: 'string', describe: 'output folder or lock file (after)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full report as JSON on stdout' }),
  run: async (a) => {
    const r = await diffBuilds(String(a['a']), String(a['b']));
    if (a['json']) printJson(r);
    else process.stdout.write(formatDiffReport(r));
    return r.summary.changed + r.summary.appeared + r.summary.disappeared > 0 ? 1 : 0;
  },
};
