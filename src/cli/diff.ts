// `diff A B`: files, datasets, splits and samples that changed, appeared or disappeared between two
// output folders (their contents, re-hashed and decoded) or two lock files (src/lock/diff.ts). Exit 0
// when identical, 1 when they differ (like diff(1)).
import { diffBuilds, formatDiffReport } from '../lock/diff.js';
import { type CliCommand, printJson } from './common.js';

export const diffCommand: CliCommand = {
  command: 'diff <a> <b>',
  describe: 'Compare two builds (output folders or lock files) sample by sample; exit 1 if they differ',
  builder: (y) =>
    y
      .positional('a', { type: 'string', describe: 'output folder or lock file (before)' })
      .positional('b', { type: 'string', describe: 'output folder or lock file (after)' })
      .option('locks-only', { type: 'boolean', default: false, describe: 'compare only the lock files (fast; trusts them): no re-hashing or decoding' })
      .option('all', { type: 'boolean', default: false, describe: 'list every differing file and sample (default: the first 20 of each list)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full report as JSON on stdout' }),
  run: async (a) => {
    const r = await diffBuilds(String(a['a']), String(a['b']), { locksOnly: a['locks-only'] === true });
    if (a['json']) printJson(r);
    else process.stdout.write(formatDiffReport(r, a['all'] ? Infinity : 20));
    return r.summary.changed + r.summary.appeared + r.summary.disappeared > 0 ? 1 : 0;
  },
};
