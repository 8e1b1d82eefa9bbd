// Sharded builds past one machine (issue 18), through the real CLI on a small fake HAM10000 download:
// a finished shard is skipped only when it verifies, a damaged one is redone; pack names every missing
// shard with the exact redo commands; plan suggests a shard count and prints the exact Slurm and
// Kubernetes lines; the Kubernetes manifests validate against the batch/v1 Job schema (with unknown
// fields refused), and their commands are the Slurm scripts' commands. The real Slurm run is
// scripts/test-slurm.sh (npm run test:slurm).
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as validateJobSchema } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ham10000 } from '../converters/ham10000/index.js';
import { arraySpec } from '../src/engine/shards.js';
import { cleanupTempDirs, cliAsync as cli, ROOT, tempDir } from './support/run-cli.js';

let dir = '';
let input = '';
beforeAll(async () => {
  dir = tempDir('sharding');
  input = join(dir, 'raw');
  await ham10000.writeFakeDownload(input, { count: 24, seed: 5 });
});
afterAll(cleanupTempDirs);

const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

describe('process: skip only what verifies', () => {
  it('skips a finished shard, redoes a truncated or altered one, and the result still packs', async () => {
    const plan = join(dir, 'p1.json');
    expect((await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, '--no-measure'])).code).toBe(0);
    const shards = join(dir, 's1');
    const run = async (i: number) => json((await cli(['process', '--plan', plan, '--shard', `${i}/2`, '--shards', shards, '--json'])).stdout);
    expect(await run(0)).toMatchObject({ skipped: false });
    expect(await run(1)).toMatchObject({ skipped: false });
    expect(await run(0)).toMatchObject({ skipped: true });

    const rec = join(shards, 'shard-0-of-2', 'dermamnist-28.bin');
    const bytes = readFileSync(rec);
    writeFileSync(rec, bytes.subarray(0, bytes.length - 1));
    expect(await run(0)).toMatchObject({ skipped: false, redone: expect.stringContaining('dermamnist-28.bin has') });

    // Same size, one byte flipped: only the record file's SHA-256 in shard.json tells.
    const again = readFileSync(rec);
    again[17] = again[17]! ^ 0xff;
    writeFileSync(rec, again);
    expect(await run(0)).toMatchObject({ skipped: false, redone: expect.stringContaining('SHA-256') });
    expect(await run(0)).toMatchObject({ skipped: true });
    expect(readdirSync(shards).sort()).toEqual(['shard-0-of-2', 'shard-1-of-2']);

    const r = await cli(['pack', '--plan', plan, '--shards', shards, '--count', '2', '--out', join(dir, 'o1'), '--no-fingerprint']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('pack names every missing shard, the exact process commands and one sbatch --array line', async () => {
    const plan = join(dir, 'p2.json');
    expect((await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, '--no-measure'])).code).toBe(0);
    const shards = join(dir, 's2');
    for (const i of [0, 2]) expect((await cli(['process', '--plan', plan, '--shard', `${i}/4`, '--shards', shards])).code).toBe(0);
    const out = join(dir, 'o2');
    const r = await cli(['pack', '--plan', plan, '--shards', shards, '--count', '4', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 of 4 shards missing');
    expect(r.stderr).toContain('shard-1-of-4: missing');
    expect(r.stderr).toContain('shard-3-of-4: missing');
    expect(r.stderr).toContain(`medmnist-build process --plan ${plan} --shard 1/4 --shards ${shards}`);
    expect(r.stderr).toContain(`medmnist-build process --plan ${plan} --shard 3/4 --shards ${shards}`);
    expect(r.stderr).toContain('sbatch --array=1,3 ');
    expect(r.stderr).not.toContain('shard-0-of-4');
    expect(() => statSync(out)).toThrow();
  });

  it('arraySpec collapses runs the way sbatch --array reads them', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([7, 1, 3, 2])).toBe('1-3,7');
    expect(arraySpec([5])).toBe('5');
  });
});

describe('plan: shard count and run commands', () => {
  it('suggests more shards for a shorter target and prints the exact array and afterok lines', async () => {
    const plan = join(dir, 'p3.json');
    const r = await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, '--shard-minutes', '0.001', '--cpus-per-shard', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const o = json(r.stdout) as { estimate: { secondsPerByte: number; itemsMeasured: number; suggestedShards: number }; count: number; commands: Record<string, string[]> };
    expect(o.estimate.itemsMeasured).toBeGreaterThan(0);
    expect(o.estimate.secondsPerByte).toBeGreaterThan(0);
    expect(o.estimate.suggestedShards).toBeGreaterThan(1);
    expect(o.count).toBe(o.estimate.suggestedShards);

    const four = json((await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, '--count', '4', '--no-measure', '--shards', join(dir, 'sh'), '--out', join(dir, 'out'), '--json'])).stdout) as typeof o;
    const [array, packLine] = four.commands['slurm']!;
    expect(array).toMatch(/^jid=\$\(sbatch --parsable --array=0-3 --cpus-per-task=2 --time=\d+ --export=ALL,PLAN=\S+,SHARDS=\S+,COUNT=4 \S+\/examples\/slurm\/process\.sbatch\)$/);
    expect(array).toContain(`PLAN=${plan},SHARDS=${join(dir, 'sh')},`);
    expect(packLine).toContain('sbatch --parsable --dependency=afterok:${jid%%;*} ');
    expect(packLine).toContain(`COUNT=4,OUT=${join(dir, 'out')} `);
    expect(four.commands['kubernetes']!.join('\n')).toContain('MEDMNIST_COUNT=4 ');
    expect(four.commands['local']![1]).toBe(`medmnist-build pack --plan ${plan} --shards ${join(dir, 'sh')} --count 4 --out ${join(dir, 'out')}`);

    const human = await cli(['plan', '--source', 'ham10000', '--input', input, '--plan', plan, '--count', '4', '--no-measure']);
    expect(human.stderr).toContain('suggested shards: 1');
    expect(human.stderr).toContain('sbatch --parsable --array=0-3');
    expect(human.stderr).toContain('kubectl apply -f -');
  });
});

// ---- Kubernetes manifests ----------------------------------------------------------------------------

const EX = join(ROOT, 'examples');
const VARS: Record<string, string> = {
  MEDMNIST_PLAN: '/data/build/plan.json',
  MEDMNIST_SHARDS: '/data/build/shards',
  MEDMNIST_OUT: '/data/build/out',
  MEDMNIST_COUNT: '4',
  MEDMNIST_DATA: '/data',
  MEDMNIST_IMAGE: 'medmnist-build:0.1.0',
};

/** What the printed line's `envsubst '$MEDMNIST_...'` does: only those names, ${X} or $X. */
function envsubst(text: string): string {
  return text.replace(/\$\{?(MEDMNIST_[A-Z]+)\}?/g, (_, name: string) => {
    if (!(name in VARS)) throw new Error(`manifest uses ${name}, which plan's kubectl line does not set`);
    return VARS[name]!;
  });
}

/**
 * Fields of `data` that the batch/v1 Job validator never looked at: the OpenAPI schema allows unknown
 * fields (the API server drops or warns on them), so a typo like `completionz` would pass validate().
 * The compiled validator (the schema's own, as Job.validate() runs it) reads every field it knows by
 * name; a Proxy records what it read. (Job's constructor copies every key, so the raw one is used.)
 */
function unknownFields(data: unknown): string[] {
  const seen = new Set<string>();
  const wrap = (v: unknown, path: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    return new Proxy(v as object, {
      get(t, k, r) {
        const val = Reflect.get(t, k, r) as unknown;
        if (typeof k !== 'string') return val;
        seen.add(`${path}/${k}`);
        return wrap(val, `${path}/${k}`);
      },
      ownKeys(t) {
        // Maps (labels, resources) are iterated: every key is then known.
        for (const k of Reflect.ownKeys(t)) if (typeof k === 'string') seen.add(`${path}/${k}`);
        return Reflect.ownKeys(t);
      },
    });
  };
  if (!validateJobSchema(wrap(data, ''))) throw new Error(JSON.stringify((validateJobSchema as unknown as { errors: unknown }).errors));
  const leaves: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}/${k}`;
      if (!seen.has(p)) leaves.push(p);
      else walk(x, p);
    }
  };
  walk(data, '');
  return leaves;
}

const commandLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('medmnist-build '));

describe('examples/kubernetes', () => {
  for (const name of ['process-job.yaml', 'pack-job.yaml']) {
    it(`${name} is a valid batch/v1 Job with no unknown fields`, () => {
      const doc = parseYaml(envsubst(readFileSync(join(EX, 'kubernetes', name), 'utf8'))) as Record<string, unknown>;
      expect(doc['apiVersion']).toBe('batch/v1');
      expect(doc['kind']).toBe('Job');
      expect(() => new Job(doc as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
      expect(unknownFields(doc)).toEqual([]);
    });
  }

  it('the strict check refuses a misspelt field and a wrong type', () => {
    const doc = parseYaml(envsubst(readFileSync(join(EX, 'kubernetes', 'process-job.yaml'), 'utf8'))) as { spec: Record<string, unknown> };
    doc.spec['completionz'] = 4;
    expect(unknownFields(doc)).toEqual(['/spec/completionz']);
    doc.spec['completions'] = '4';
    expect(() => new Job(doc as unknown as ConstructorParameters<typeof Job>[0]).validate()).toThrow(/completions must be integer/);
  });

  it('the Indexed Job uses JOB_COMPLETION_INDEX, one completion per shard', () => {
    const doc = parseYaml(envsubst(readFileSync(join(EX, 'kubernetes', 'process-job.yaml'), 'utf8'))) as {
      spec: { completionMode: string; completions: number; template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(doc.spec.completionMode).toBe('Indexed');
    expect(doc.spec.completions).toBe(4);
    expect(doc.spec.template.spec.containers[0]!.args[0]).toContain('INDEX=$JOB_COMPLETION_INDEX');
  });

  it('runs the same medmnist-build commands as the Slurm scripts the Slurm test submits', () => {
    const k8s = (n: string) => commandLines(readFileSync(join(EX, 'kubernetes', n), 'utf8'));
    const slurm = (n: string) => commandLines(readFileSync(join(EX, 'slurm', n), 'utf8'));
    expect(k8s('process-job.yaml')).toEqual(slurm('process.sbatch'));
    expect(k8s('pack-job.yaml')).toEqual(slurm('pack.sbatch'));
    expect(slurm('process.sbatch')).toEqual(['medmnist-build process --plan "$PLAN" --shard "$INDEX/$COUNT" --shards "$SHARDS" --workers "$WORKERS"']);
    expect(slurm('pack.sbatch')).toEqual(['medmnist-build pack --plan "$PLAN" --shards "$SHARDS" --count "$COUNT" --out "$OUT"']);
    expect(readFileSync(join(EX, 'slurm', 'process.sbatch'), 'utf8')).toContain('INDEX=$SLURM_ARRAY_TASK_ID');
  });
});
