// `npm run bench -- pipeline`: the whole CLI against Pillow's one-process scripts, each under both
// allocators, side by side in one run (this machine is shared and noisy; its allocator swings
// Pillow 4x, so every anchor counts at its best):
// - DermaMNIST from the 2,000-image fake HAM10000 (600x450 RGB JPEG): 28 px, and 28/64/128/224 from one
//   decode (bench/pillow_pipeline.py);
// - ChestMNIST 28 px from chest-like 1024x1024 gray PNGs (bench/pillow_chest.py).
// Each process runs under /usr/bin/time (wall, CPU, peak RSS, start-up included on both sides); our
// threads' CPU is sampled from /proc while it runs. Each job runs twice per allocator, alternating, and
// the best wall counts. The 28-px outputs are compared with numpy: the same multiset of images.
// PIPELINE_BENCH_BASELINE=<another checkout>/bin/medmnist-build.js adds that build's runs (before/after);
// PIPELINE_BENCH_ONLY=<name prefix> runs one job; CHEST_BENCH_COUNT sets the PNG count (default 240:
// start-up is then a large share of each run, so count >= 1,000 shows the steady state).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ham10000 } from '../converters/ham10000/index.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { writeInput as writeChestInput } from './chest.js';
import type { Bench } from './run.js';

const PYTHON = '/usr/bin/python3';
const BIN = join(PACKAGE_ROOT, 'bin', 'medmnist-build.js');
/** The glibc settings of the decode issue: large blocks stay on the heap, which is trimmed rarely. */
export const TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';
const ROUNDS = Number(process.env['PIPELINE_BENCH_ROUNDS'] ?? 2);
/** Another build's bin (e.g. a checkout of the previous release) to run next to ours, for a before/after. */
const BASELINE = process.env['PIPELINE_BENCH_BASELINE'];

interface Timed {
  wall: number;
  cpu: number;
  rssMb: number;
  /** CPU seconds per thread name (ours only): main, worker threads, others. */
  threads: Map<string, number>;
}

function procStat(path: string): { comm: string; cpu: number } | null {
  try {
    const s = readFileSync(path, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    return { comm: s.slice(s.indexOf('(') + 1, close), cpu: (Number(f[11]) + Number(f[12])) / 100 };
  } catch {
    return null;
  }
}

/** Run cmd under /usr/bin/time with `env`; sample the child's threads every 100 ms. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const last = new Map<number, { comm: string; cpu: number; main: boolean }>();
    const poll = setInterval(() => {
      let kids: string[] = [];
      try {
        kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        return;
      }
      for (const pid of kids) {
        let tids: string[] = [];
        try {
          tids = readdirSync(`/proc/${pid}/task`);
        } catch {
          continue;
        }
        for (const tid of tids) {
          const st = procStat(`/proc/${pid}/task/${tid}/stat`);
          if (st) last.set(Number(tid), { ...st, main: tid === pid });
        }
      }
    }, 100);
    child.on('close', (code) => {
      clearInterval(poll);
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${err}`));
      const threads = new Map<string, number>();
      for (const t of last.values()) {
        const name = t.main ? 'main' : t.comm;
        threads.set(name, (threads.get(name) ?? 0) + t.cpu);
      }
      resolve({ wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, threads });
    });
  });
}

interface Job {
  name: string;
  images: number;
  ours: (out: string) => [string, string[]];
  pillow: (out: string) => [string, string[]];
  /** numpy: our NPZ and Pillow's hold the same images (as a multiset), or null when not compared. */
  check: ((ours: string, pillow: string) => string) | null;
}

const SAME_IMAGES = `
import sys, hashlib, numpy as np
ours = np.load(sys.argv[1]); py = np.load(sys.argv[2])["images"]
a = np.concatenate([ours[k + "_images"] for k in ("train", "val", "test")])
h = lambda s: sorted(hashlib.sha256(x.tobytes()).hexdigest() for x in s)
print("%d of %d images identical to Pillow's" % (sum(x == y for x, y in zip(h(a), h(py))), len(py)) if a.shape == py.shape else "shapes differ %s %s" % (a.shape, py.shape))
`;

export const pipelineBench: Bench = {
  name: 'pipeline',
  describe: 'the whole CLI vs Pillow one-process, default malloc and glibc tunables, per-thread CPU',
  async run(work) {
    await mkdir(work, { recursive: true });
    const ham = join(work, 'ham10000');
    if (!existsSync(join(ham, 'HAM10000_metadata.csv'))) await ham10000.writeFakeDownload(ham, { count: 2000, seed: 1 });
    const chest = join(work, 'chest');
    let pngs: string[];
    const want = Number(process.env['CHEST_BENCH_COUNT'] ?? 240);
    const cached = existsSync(join(chest, 'files.json')) ? (JSON.parse(readFileSync(join(chest, 'files.json'), 'utf8')) as string[]) : [];
    if (cached.length !== want) {
      await rm(chest, { recursive: true, force: true });
      pngs = await writeChestInput(chest);
      writeFileSync(join(chest, 'files.json'), JSON.stringify(pngs));
    } else pngs = cached;
    const convert = (source: string, input: string, sizes: string) => (out: string): [string, string[]] => [
      process.execPath,
      [BIN, 'convert', '--source', source, '--input', input, '--out', out, '--size', sizes, '--format', 'npz', '--no-fingerprint', '--quiet'],
    ];
    const jobs: Job[] = [
      {
        name: 'DermaMNIST 28',
        images: 2000,
        ours: convert('ham10000', ham, '28'),
        pillow: (out) => [PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_pipeline.py'), ham, out, '28']],
        check: (o, p) => execFileSync(PYTHON, ['-c', SAME_IMAGES, join(o, 'dermamnist.npz'), join(p, 'pillow_28.npz')], { encoding: 'utf8' }).trim(),
      },
      {
        name: 'DermaMNIST 28,64,128,224',
        images: 2000,
        ours: convert('ham10000', ham, '28,64,128,224'),
        pillow: (out) => [PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_pipeline.py'), ham, out, '28,64,128,224']],
        check: null,
      },
      {
        name: 'ChestMNIST 28',
        images: pngs.length,
        ours: convert('nih-cxr14', chest, '28'),
        pillow: (out) => {
          const job = join(work, 'pillow-chest.json');
          writeFileSync(job, JSON.stringify({ files: pngs, mode: 'pipeline', out: join(out, 'pillow_28') }));
          return [PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_chest.py'), job]];
        },
        check: (o, p) => execFileSync(PYTHON, ['-c', SAME_IMAGES, join(o, 'chestmnist.npz'), join(p, 'pillow_28.npz')], { encoding: 'utf8' }).trim(),
      },
    ];
    const envs: [string, NodeJS.ProcessEnv][] = [
      ['default', { ...process.env, GLIBC_TUNABLES: '' }],
      ['tunables', { ...process.env, GLIBC_TUNABLES: TUNABLES }],
    ];
    process.stdout.write(`${availableParallelism()} cores; best of ${ROUNDS} per cell; wall includes process start-up on both sides\n`);
    const only = process.env['PIPELINE_BENCH_ONLY'];
    for (const job of jobs.filter((j) => !only || j.name.startsWith(only))) {
      const best = new Map<string, Timed>();
      const keep = (key: string, t: Timed): void => {
        if (!best.has(key) || t.wall < best.get(key)!.wall) best.set(key, t);
      };
      let check = '';
      for (let r = 0; r < ROUNDS; r++) {
        for (const [envName, env] of envs) {
          const o = join(work, 'ours-out');
          const p = join(work, 'pillow-out');
          await rm(o, { recursive: true, force: true });
          await rm(p, { recursive: true, force: true });
          await mkdir(p, { recursive: true });
          const [oc, oa] = job.ours(o);
          keep(`ours ${envName}`, await timed(oc, oa, env));
          if (BASELINE) {
            await rm(o, { recursive: true, force: true });
            keep(`baseline ${envName}`, await timed(oc, oa.map((a) => (a === BIN ? BASELINE : a)), env));
          }
          const [pc, pa] = job.pillow(p);
          keep(`Pillow ${envName}`, await timed(pc, pa, env));
          if (job.check && !check) check = job.check(o, p);
        }
      }
      const pyBest = Math.min(best.get('Pillow default')!.wall, best.get('Pillow tunables')!.wall);
      process.stdout.write(`\n${job.name} (${job.images} images)${check ? `: ${check}` : ''}\n`);
      process.stdout.write('run               wall s  CPU-ms/img  RSS MB  vs Pillow at its best\n');
      for (const [key, t] of best) {
        const ratio = key.startsWith('Pillow') ? '' : `${(pyBest / t.wall).toFixed(2)}x`;
        process.stdout.write(`${key.padEnd(16)} ${t.wall.toFixed(2).padStart(7)} ${((t.cpu * 1000) / job.images).toFixed(2).padStart(11)} ${t.rssMb.toFixed(0).padStart(7)}  ${ratio}\n`);
      }
      for (const envName of ['default', 'tunables']) {
        const t = best.get(`ours ${envName}`)!;
        const parts = [...t.threads].sort((a, b) => b[1] - a[1]).filter(([, s]) => s >= 0.05).map(([n, s]) => `${n} ${s.toFixed(2)} s`);
        process.stdout.write(`  our threads (${envName}, CPU s): ${parts.join(', ')}\n`);
      }
    }
  },
};
