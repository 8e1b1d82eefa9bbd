// `plan`: stage 1 of a build for batch systems: scan + split -> a JSON BuildPlan (src/engine/plan.ts),
// then a measured cost estimate (src/engine/estimate.ts), the shard count it suggests for a target shard
// duration, and the exact commands that run the build: on Slurm (examples/slurm/), on Kubernetes
// (examples/kubernetes/) or on this machine.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGISTRY } from '../../converters/index.js';
import { UsageError } from '../core/errors.js';
import { validateSizes } from '../engine/convert.js';
import { measureCost, suggestShardCount, type CostEstimate } from '../engine/estimate.js';
import { makePlan, planJson, type BuildPlan } from '../engine/plan.js';
import { arraySpec, shQuote } from '../engine/shards.js';
import { getFormat } from '../formats/index.js';
import { buildOptions, type CliCommand, parseList, parseSeed, parseSizes, parseSplit, printJson, refuseOverlap, requirePath } from './common.js';

export const planCommand: CliCommand = {
  command: 'plan',
  describe: 'Stage 1 of a sharded build: scan and split a source into a plan file',
  builder: (y) =>
    buildOptions(y)
      .option('input', { type: 'string', demandOption: true, describe: 'folder with the raw download (the same path on every node)' })
      .option('plan', { type: 'string', demandOption: true, describe: 'plan file to write (JSON)' })
      .option('shards', { type: 'string', describe: 'shared folder for the shards, for the printed commands (default: <plan folder>/shards)' })
      .option('out', { type: 'string', describe: 'output folder, for the printed commands (default: <plan folder>/out)' })
      .option('shard-minutes', { type: 'number', default: 30, describe: 'target wall time of one shard; sets the suggested shard count' })
      .option('cpus-per-shard', { type: 'number', default: 2, describe: 'cores each shard job gets (examples/slurm: --cpus-per-task)' })
      .option('count', { type: 'number', describe: 'shard count for the printed commands (default: the suggested one)' })
      .option('measure', { type: 'boolean', default: true, describe: 'time a few items to estimate the cost (--no-measure: one shard per target at a documented cost)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' }),
  validate: (a) => {
    REGISTRY.get(String(a['source'] ?? ''));
    const input = requirePath(a, 'input', 'the folder with the raw download');
    const plan = requirePath(a, 'plan', 'the plan file to write');
    refuseOverlap([['--plan', plan]], [['--input', input]]);
    validateSizes(parseSizes(a['size']));
    parseList(a['format'], '--format', 'npz').forEach(getFormat);
    parseSplit(a['split']);
    parseSeed(a['seed']);
  },
  run: async (a) => {
    const sizes = parseSizes(a['size']);
    validateSizes(sizes);
    const formats = [...new Set(parseList(a['format'], '--format', 'npz'))];
    formats.forEach(getFormat);
    const seed = parseSeed(a['seed']);
    const file = resolve(String(a['plan']));
    const converter = REGISTRY.get(String(a['source']));
    if (file.endsWith('/')) throw new UsageError(`--plan ${file} names a folder; give a file name such as plan.json`);
    const plan = await makePlan({
      converter,
      input: resolve(String(a['input'])),
      sizes,
      formats,
      split: String(a['split']),
      ...(a['dataset'] === undefined ? {} : { datasets: parseList(a['dataset'], '--dataset', '') }),
      seed,
      formatOptions: { npzCompress: a['npz-compress'] === true },
    });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, planJson(plan));
    const samples = plan.datasets.reduce((n, d) => n + d.samples.length, 0);

    const shardMinutes = Number(a['shard-minutes']);
    if (!(shardMinutes > 0)) throw new UsageError(`--shard-minutes ${String(a['shard-minutes'])} must be a positive number of minutes`);
    const cpus = Number(a['cpus-per-shard']);
    if (!Number.isInteger(cpus) || cpus < 1) throw new UsageError(`--cpus-per-shard ${String(a['cpus-per-shard'])} must be a whole number >= 1`);
    const est = a['measure'] !== false ? await measureCost(plan, converter) : documentedCost(plan);
    const suggested = suggestShardCount(est, plan.items.length, shardMinutes * 60, cpus);
    const count = a['count'] === undefined ? suggested : Number(a['count']);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count ${String(a['count'])} must be a whole number >= 1`);
    const base = dirname(file);
    const shards = resolve(a['shards'] === undefined ? join(base, 'shards') : String(a['shards']));
    const out = resolve(a['out'] === undefined ? join(base, 'out') : String(a['out']));
    const commands = runCommands({ plan: file, input: plan.input, shards, out, count, cpus, minutes: shardMinutes });

    if (a['json']) {
      printJson({
        plan: file,
        source: plan.source,
        items: plan.items.length,
        samples,
        datasets: plan.datasets.map((d) => ({ flag: d.flag, counts: d.counts })),
        estimate: { ...est, shardMinutes, cpusPerShard: cpus, suggestedShards: suggested },
        count,
        commands,
      });
    } else {
      const w = (s: string) => process.stderr.write(s + '\n');
      for (const d of plan.datasets) w(`${d.flag}: train ${d.counts.train}, val ${d.counts.val}, test ${d.counts.test}`);
      w(`plan: ${file} (${plan.items.length} items, ${samples} samples, ${mb(est.totalBytes)} of raw files)`);
      w(
        est.itemsMeasured > 0
          ? `estimate: ${(est.secondsPerByte * 1e9).toFixed(1)} s per GB on one core (measured on ${est.itemsMeasured} items), ${(est.coreSeconds / 60).toFixed(1)} core-minutes in all`
          : `estimate: ${(est.secondsPerByte * 1e9).toFixed(1)} s per GB on one core (documented, not measured), ${(est.coreSeconds / 60).toFixed(1)} core-minutes in all`,
      );
      w(`suggested shards: ${suggested} (about ${shardMinutes} min each with ${cpus} cores)${count !== suggested ? `; commands below use --count ${count}` : ''}`);
      w('\nSlurm (the array, then pack once every shard succeeded):');
      commands.slurm.forEach((c) => w(`  ${c}`));
      w('\nKubernetes (an Indexed Job, then the pack Job; the shared volume is mounted at MEDMNIST_DATA):');
      commands.kubernetes.forEach((c) => w(`  ${c}`));
      w('\nThis machine:');
      commands.local.forEach((c) => w(`  ${c}`));
    }
    return 0;
  },
};

/**
 * Seconds per raw byte used by --no-measure: measured with the fake HAM10000 download's 600x450 JPEGs
 * (~62 KB each) at 28,64,128,224 on this project's 2-core machine (800 items, 9.4 core-seconds: ~190 s
 * per GB). Real, less compressed JPEGs cost less per byte; PNG and TIFF sources differ: measure.
 */
export const DOCUMENTED_SECONDS_PER_BYTE = 190e-9;

function documentedCost(plan: BuildPlan): CostEstimate {
  const totalBytes = plan.items.reduce((a, it) => a + it.bytes, 0);
  return { secondsPerByte: DOCUMENTED_SECONDS_PER_BYTE, itemsMeasured: 0, bytesMeasured: 0, totalBytes, coreSeconds: DOCUMENTED_SECONDS_PER_BYTE * totalBytes };
}

const mb = (b: number): string => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);

/** The folder of the example job files, in this installed copy of medmnist-build. */
export function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 5; k++) {
    if (existsSync(join(dir, 'examples', 'slurm', 'process.sbatch'))) return join(dir, 'examples');
    dir = dirname(dir);
  }
  return 'examples';
}

/** The deepest folder that holds every path (the Kubernetes volume's mount point). */
function commonFolder(paths: string[]): string {
  const parts = paths.map((p) => p.split(sep));
  const out: string[] = [];
  for (let k = 0; parts.every((p) => k < p.length - 1 && p[k] === parts[0]![k]); k++) out.push(parts[0]![k]!);
  return out.join(sep) || sep;
}

export interface RunCommands {
  slurm: string[];
  kubernetes: string[];
  local: string[];
}

/** The exact command lines that run a plan: Slurm, Kubernetes, this machine. */
export function runCommands(o: { plan: string; input: string; shards: string; out: string; count: number; cpus: number; minutes: number }): RunCommands {
  const ex = examplesDir();
  const q = shQuote;
  const env = `PLAN=${q(o.plan)},SHARDS=${q(o.shards)},COUNT=${o.count}`;
  // A limit with room: an underestimate should not kill shards, and a limit helps backfill.
  const limit = Math.max(10, Math.ceil(o.minutes * 3));
  const data = commonFolder([o.input, o.plan, o.shards, o.out]);
  const kvars = `MEDMNIST_PLAN=${q(o.plan)} MEDMNIST_SHARDS=${q(o.shards)} MEDMNIST_OUT=${q(o.out)} MEDMNIST_COUNT=${o.count} MEDMNIST_DATA=${q(data)} MEDMNIST_IMAGE=\${MEDMNIST_IMAGE:-medmnist-build:latest}`;
  const subst = `envsubst '$MEDMNIST_PLAN $MEDMNIST_SHARDS $MEDMNIST_OUT $MEDMNIST_COUNT $MEDMNIST_DATA $MEDMNIST_IMAGE'`;
  return {
    slurm: [
      `jid=$(sbatch --parsable --array=${arraySpec(Array.from({ length: o.count }, (_, i) => i))} --cpus-per-task=${o.cpus} --time=${limit} --export=ALL,${env} ${q(join(ex, 'slurm', 'process.sbatch'))})`,
      `sbatch --parsable --dependency=afterok:\${jid%%;*} --export=ALL,${env},OUT=${q(o.out)} ${q(join(ex, 'slurm', 'pack.sbatch'))}`,
    ],
    kubernetes: [
      `${kvars} ${subst} < ${q(join(ex, 'kubernetes', 'process-job.yaml'))} | kubectl apply -f -`,
      `kubectl wait --for=condition=complete --timeout=24h job/medmnist-process`,
      `${kvars} ${subst} < ${q(join(ex, 'kubernetes', 'pack-job.yaml'))} | kubectl apply -f -`,
    ],
    local: [
      `for i in $(seq 0 ${o.count - 1}); do medmnist-build process --plan ${q(o.plan)} --shard $i/${o.count} --shards ${q(o.shards)}; done`,
      `medmnist-build pack --plan ${q(o.plan)} --shards ${q(o.shards)} --count ${o.count} --out ${q(o.out)}`,
    ],
  };
}
