// `npm run bench -- tissue`: TissueMNIST from BBBC051-style TIFF stacks, where the per-file overhead
// (open, read, parse a 7-page TIFF) decides the speed. The whole pipeline (the real CLI, `convert
// --source bbbc051`, NPZ, lock, no fingerprint) against Pillow's one-process loop (bench/pillow_tissue.py:
// numpy max over the frames Pillow reads, then resize), side by side on the same fake download, with
// each process's peak RSS (/usr/bin/time). At 28 px every image of the engine's NPZ is compared with
// Pillow's. TISSUE_BENCH_COUNT sets the number of stacks (default 20,000; the real set has ~236k).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { bbbc051 } from '../converters/bbbc051/index.js';
import { npzFormat } from '../src/formats/npz.js';
import { PACKAGE_ROOT } from '../src/version.js';
import type { Bench } from './run.js';

const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';

interface Run {
  images: number;
  seconds: number;
  cpuSeconds: number;
  maxRssKb: number;
}

/** Run `cmd args` under /usr/bin/time; returns its stdout and the child's wall, CPU and peak RSS. */
function timed(cmd: string, args: string[]): { stdout: string; wall: number; cpu: number; rssKb: number } {
  const r = spawnSync(TIME, ['-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no /usr/bin/time line in:\n${r.stderr}`);
  return { stdout: r.stdout, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssKb: Number(m[4]) };
}

function ours(input: string, out: string, sizes: number[]): Run {
  const bin = join(PACKAGE_ROOT, 'bin', 'medmnist-build.js');
  const t = timed(process.execPath, [bin, 'convert', '--source', 'bbbc051', '--input', input, '--out', out, '--size', sizes.join(','), '--no-fingerprint', '--json']);
  const j = JSON.parse(t.stdout) as { images: number };
  // Whole-process wall time: startup, scan of the tree, split, every stack, NPZ, metadata and lock.
  return { images: j.images, seconds: t.wall, cpuSeconds: t.cpu, maxRssKb: t.rssKb };
}

function pillow(input: string, out: string, sizes: number[], raw: boolean): Run {
  const t = timed(PYTHON, [join(PACKAGE_ROOT, 'bench', 'pillow_tissue.py'), input, out, sizes.join(','), ...(raw ? ['raw'] : [])]);
  const j = JSON.parse(t.stdout) as Run;
  return { images: j.images, seconds: t.wall, cpuSeconds: t.cpu, maxRssKb: t.rssKb };
}

/** Every image of the engine's 28 px NPZ equals Pillow's for the same stack (Pillow's order: sorted paths). */
async function sameAsPillow(input: string, out: string, pillowRaw: string): Promise<string> {
  const scan = await bbbc051.scan(input);
  const fileOf = new Map(scan.items.map((i) => [i.id, i.files[0]!]));
  const sorted = [...fileOf.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const position = new Map(sorted.map((f, i) => [f, i]));
  const rows = readFileSync(join(out, 'tissuemnist.samples.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const idOf = new Map(rows.map((r) => [`${r[0]}:${r[1]}`, r[2]!]));
  const ref = readFileSync(pillowRaw);
  let same = 0;
  let total = 0;
  for await (const rec of npzFormat.readRecords(out, 'tissuemnist')) {
    const at = position.get(fileOf.get(idOf.get(`${rec.split}:${rec.index}`)!)!)! * 784;
    total++;
    if (Buffer.from(rec.pixels).equals(ref.subarray(at, at + 784))) same++;
  }
  if (same !== total || total !== sorted.length) throw new Error(`the pipeline differs from Pillow on ${total - same} of ${total} stacks`);
  return `check: ${same} of ${total} images of the engine's 28 px NPZ byte-identical to Pillow's`;
}

export const tissueBench: Bench = {
  name: 'tissue',
  describe: 'TissueMNIST from BBBC051-style 7-page TIFF stacks: whole pipeline vs Pillow one-process loop, files/s and peak RSS',
  async run(workDir) {
    const count = Number(process.env['TISSUE_BENCH_COUNT'] ?? 20000);
    const input = join(workDir, `bbbc051-fake-${count}`);
    await mkdir(workDir, { recursive: true });
    if (!existsSync(join(input, 'done'))) {
      await rm(input, { recursive: true, force: true });
      process.stdout.write(`writing a ${count}-stack fake BBBC051 download to ${input} ...\n`);
      await bbbc051.writeFakeDownload(input, { count, seed: 1 });
      await writeFile(join(input, 'done'), '');
    }
    const bytes = execFileSync('du', ['-sb', input], { encoding: 'utf8' }).split('\t')[0];
    process.stdout.write(`${count} stacks (${bytes} bytes), ${availableParallelism()} cores; files/s over the whole process (startup included), cpu = CPU ms per file\n`);
    const fmt = (r: Run) =>
      `${(r.images / r.seconds).toFixed(0).padStart(6)} files/s (${r.images} in ${r.seconds.toFixed(2)} s, cpu ${((r.cpuSeconds * 1000) / r.images).toFixed(3)} ms, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB)`;
    for (const sizes of [[28], [28, 64, 128, 224]]) {
      const out = join(workDir, 'out');
      const pyOut = join(workDir, 'pillow-out');
      await rm(out, { recursive: true, force: true });
      const a = ours(input, out, sizes);
      const exact = sizes.length === 1;
      const b = pillow(input, pyOut, sizes, exact);
      const check = exact ? `\n  ${await sameAsPillow(input, out, join(pyOut, 'pillow_28.u8'))}` : '';
      await rm(out, { recursive: true, force: true });
      await rm(pyOut, { recursive: true, force: true });
      process.stdout.write(`sizes ${sizes.join(',')}\n  convert ${fmt(a)}\n  Pillow  ${fmt(b)}\n  ratio ${((a.images / a.seconds) / (b.images / b.seconds)).toFixed(2)}x${check}\n`);
    }
  },
};
