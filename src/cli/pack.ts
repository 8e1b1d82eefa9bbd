// `pack`: stage 3 of a sharded build: read every shard of a plan in output order and write the final
// outputs, metadata and lock, byte-identical to a one-process `convert`. A missing or damaged shard stops
// it before anything is written, naming each such shard and the commands that redo exactly those.
import { resolve } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { UsageError } from '../core/errors.js';
import { pack } from '../engine/pack.js';
import { readPlan } from '../engine/plan.js';
import { openShards } from '../engine/shards.js';
import { boundedInt, type CliCommand, lockOptions, optionalPath, printJson, QUIET_OPTION, refuseOverlap, requirePath } from './common.js';
import { buildTable } from './convert.js';
import { reporterFor } from './progress.js';

export const packCommand: CliCommand = {
  command: 'pack',
  describe: 'Stage 3 of a sharded build: write the outputs and lock from all shards',
  builder: (y) =>
    lockOptions(y)
      .option('plan', { type: 'string', demandOption: true, describe: 'plan file written by `plan`' })
      .option('shards', { type: 'string', demandOption: true, describe: 'folder the `process` runs wrote into' })
      .option('count', { type: 'number', demandOption: true, describe: 'n, the shard count the `process` runs used' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' })
      .option('quiet', QUIET_OPTION),
  validate: (a) => {
    const plan = requirePath(a, 'plan', 'the plan file written by `plan`');
    const shards = requirePath(a, 'shards', 'the folder the `process` runs wrote into');
    const out = requirePath(a, 'out', 'the output folder');
    const lock = optionalPath(a, 'lock', 'a lock file path');
    boundedInt(a['count'], '--count', 1, 100_000);
    refuseOverlap([['--out', out], ['--lock', lock]], [['--plan', plan], ['--shards', shards]]);
  },
  run: async (a) => {
    const count = Number(a['count']);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count ${String(a['count'])} must be the shard count n (a whole number >= 1)`);
    const planFile = resolve(String(a['plan']));
    const plan = await readPlan(planFile);
    const converter = REGISTRY.get(plan.source);
    const shards = await openShards(plan, converter, resolve(String(a['shards'])), count, planFile);
    const t0 = performance.now();
    const progress = reporterFor('pack', a);
    try {
      const r = await pack(plan, converter, { records: shards.records(), itemFiles: () => shards.files, dropped: shards.dropped }, {
        out: resolve(String(a['out'])),
        lock: a['lock'] === undefined ? undefined : resolve(String(a['lock'])),
        frozen: Boolean(a['frozen']),
        fingerprint: a['fingerprint'] !== false,
        acceptDrift: a['accept-drift'] === true,
        warn: (m: string) => progress.log(`medmnist-build: ${m}`),
        onProgress: progress.onProgress,
      });
      progress.finish();
      const seconds = (performance.now() - t0) / 1000;
      if (a['json']) printJson({ images: r.images, seconds, lock: r.lockWritten, datasets: r.datasets.map((d) => ({ flag: d.flag, counts: d.counts, files: d.files })) });
      else {
        process.stderr.write(buildTable(r.datasets, plan.options.formats));
        process.stderr.write(`${r.images} samples packed in ${seconds.toFixed(1)} s\n`);
      }
    } finally {
      progress.finish();
      shards.close();
    }
    return 0;
  },
};
