// `process --shard i/n`: stage 2 of a build: load and cut the items of one shard of a plan into a shard
// folder (src/engine/shards.ts). Any batch system can run the n shards anywhere that sees the plan's
// input folder and the shards folder. A shard already there that verifies is skipped (so a re-submitted
// array job redoes only what failed); SIGTERM (scancel, pod termination) removes the unfinished one.
import { resolve } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { validateWorkers } from '../engine/convert.js';
import { processItems } from '../engine/items.js';
import { readPlan } from '../engine/plan.js';
import { parseShard, shardItems, writeShard } from '../engine/shards.js';
import { boundedInt, type CliCommand, printJson, QUIET_OPTION, requirePath } from './common.js';
import { reporterFor } from './progress.js';
import { MAX_WORKERS } from '../engine/convert.js';

export const processCommand: CliCommand = {
  command: 'process',
  describe: 'Stage 2 of a sharded build: process shard i of n of a plan',
  builder: (y) =>
    y
      .option('plan', { type: 'string', demandOption: true, describe: 'plan file written by `plan`' })
      .option('shard', { type: 'string', demandOption: true, describe: 'i/n: this shard and the shard count' })
      .option('shards', { type: 'string', demandOption: true, describe: 'folder for shard results (shared by all shards)' })
      .option('workers', { type: 'number', describe: 'items in flight (default: CPU cores)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' })
      .option('quiet', QUIET_OPTION),
  validate: (a) => {
    parseShard(String(a['shard']));
    requirePath(a, 'plan', 'the plan file written by `plan`');
    requirePath(a, 'shards', 'the folder for shard results');
    if (a['workers'] !== undefined) boundedInt(a['workers'], '--workers', 1, MAX_WORKERS);
  },
  run: async (a) => {
    const shard = parseShard(String(a['shard']));
    const workers = validateWorkers(a['workers'] === undefined ? undefined : Number(a['workers']));
    const plan = await readPlan(resolve(String(a['plan'])));
    const converter = REGISTRY.get(plan.source);
    const items = shardItems(plan, shard);
    const t0 = performance.now();
    let bytes = 0;
    const progress = reporterFor('process', a);
    let r;
    try {
      r = await writeShard(plan, converter, shard, resolve(String(a['shards'])), processItems(plan, converter, items, workers, (n) => (bytes += n), progress.onProgress));
    } finally {
      progress.finish();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (a['json']) printJson({ shard: `${shard.index}/${shard.count}`, dir: r.dir, skipped: r.skipped, ...(r.redone ? { redone: r.redone } : {}), items: items.length, bytesRead: bytes, seconds });
    else {
      if (r.redone) process.stderr.write(`shard ${shard.index}/${shard.count}: the folder there did not verify (${r.redone}); redone\n`);
      process.stderr.write(`shard ${shard.index}/${shard.count}: ${r.skipped ? 'already done and verified, skipped' : `${items.length} items in ${seconds.toFixed(1)} s`} -> ${r.dir}\n`);
    }
    return 0;
  },
};
