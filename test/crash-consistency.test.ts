// Crash consistency of `convert` into an existing build (design §7, §8.3; README "Crash safety"). A real
// `convert` (the built CLI) rebuilds a folder holding an old build (seed 0) as a new one (seed 1: every
// output and the lock change). It is interrupted at many points spread over the whole run: named points
// of the code (MEDMNIST_BUILD_TEST_POINT, src/core/test-hooks.ts), every step of the commit included, and
// timed kills. After each, the next command (`verify`, which recovers the folder as every command does)
// must pass, and the folder must equal the old build or the new one file for file, byte for byte.
// The same with SIGINT / SIGTERM (the folder must be old or new at once, without recovery) and with a full
// disk (a 4 MB tmpfs filled at the named point) during the staging of the lock and the commit.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConverter } from '../converters/index.js';
import { BIN, cleanupTempDirs, cli, tempDir } from './support/run-cli.js';

/** MEDMNIST_CRASH_FULL=1: every point (the figures in README); by default a representative subset. */
const FULL = process.env['MEDMNIST_CRASH_FULL'] === '1';
const ARGS = ['--source', 'busi', '--format', 'npz,png', '--no-fingerprint', '--workers', '2'];
type Snap = Record<string, string>;

/** Every entry below dir (hidden ones too): files by SHA-256, folders as 'dir'. */
function snapshot(dir: string): Snap {
  const out: Snap = {};
  const visit = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[prefix + name + '/'] = 'dir';
        visit(p, prefix + name + '/');
      } else out[prefix + name] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  visit(dir, '');
  return out;
}

interface Outcome {
  point: string;
  code: number | null;
  signal: string | null;
  result: 'old' | 'new' | 'neither';
  immediate?: 'old' | 'new' | 'neither';
  verify: number;
  stderr: string;
}

/** Run convert with env, optionally killing it after `killAfterMs`; resolves when it ends. */
function runConvert(out: string, raw: string, env: Record<string, string>, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, 'convert', ...ARGS, '--input', raw, '--out', out, '--seed', '1'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill(env['KILL_SIGNAL'] as NodeJS.Signals ?? 'SIGKILL'), killAfterMs) : null;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolveRun({ code, signal, stderr });
    });
  });
}

/** `verify DIR` (the next command), asynchronously: the worker keeps answering vitest meanwhile. */
function verifyAsync(out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'verify', out]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

let root: string;
let raw: string;
let base: string;
let oldSnap: Snap;
let newSnap: Snap;
let fullMs = 0;
let records = 0;
const figures: Record<string, Outcome[]> = { SIGKILL: [], 'SIGINT/SIGTERM': [], ENOSPC: [] };

function classify(s: Snap): 'old' | 'new' | 'neither' {
  const eq = (a: Snap, b: Snap): boolean => JSON.stringify(a) === JSON.stringify(b);
  return eq(s, oldSnap) ? 'old' : eq(s, newSnap) ? 'new' : 'neither';
}

function diffSnap(s: Snap): string {
  const keys = new Set([...Object.keys(s), ...Object.keys(oldSnap), ...Object.keys(newSnap)]);
  return [...keys].filter((k) => s[k] !== oldSnap[k] && s[k] !== newSnap[k]).map((k) => `${k}: ${s[k] ? 'unlike old and new' : 'missing'}`).join('\n') || 'mixed: some files old, some new';
}

let seq = 0;
async function trial(kind: string, point: string, env: Record<string, string>, killAfterMs?: number, at?: string): Promise<Outcome> {
  const dir = at ?? join(root, 'trials');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `t${seq++}`);
  cpSync(base, out, { recursive: true });
  const r = await runConvert(out, raw, env, killAfterMs);
  const first = snapshot(out);
  const immediate = classify(first);
  const immediateDiff = immediate === 'neither' ? diffSnap(first) : '';
  if (env['MEDMNIST_BUILD_TEST_FILL_DIR']) rmSync(join(env['MEDMNIST_BUILD_TEST_FILL_DIR'], '.medmnist-build-test-filler'), { force: true });
  const v = await verifyAsync(out);
  const snap = snapshot(out);
  const o: Outcome = { point, code: r.code, signal: r.signal, result: classify(snap), immediate, verify: v.code, stderr: r.stderr + immediateDiff };
  figures[kind]!.push(o);
  expect(v.code, `${kind} at ${point}: verify after it\n${v.stdout}${v.stderr}\nconvert: ${r.stderr}`).toBe(0);
  expect(o.result, `${kind} at ${point}: ${diffSnap(snap)}`).not.toBe('neither');
  rmSync(out, { recursive: true, force: true });
  return o;
}

/** Run trials two at a time (most of each is process start-up). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}

beforeAll(async () => {
  root = tempDir('crash');
  raw = join(root, 'raw');
  await getConverter('busi').writeFakeDownload(raw, { count: 24, seed: 0 });
  base = join(root, 'base');
  const a = cli(['convert', ...ARGS, '--input', raw, '--out', base, '--seed', '0']);
  expect(a.code, a.stderr).toBe(0);
  oldSnap = snapshot(base);
  const ref = join(root, 'new-ref');
  cpSync(base, ref, { recursive: true });
  const trace = join(root, 'trace.txt');
  const t0 = performance.now();
  const b = await runConvert(ref, raw, { MEDMNIST_BUILD_TEST_TRACE: trace });
  fullMs = performance.now() - t0;
  expect(b.code, b.stderr).toBe(0);
  newSnap = snapshot(ref);
  records = readFileSync(trace, 'utf8').split('\n').filter((l) => l.startsWith('pack-record#')).length;
  for (const f of ['datasets.lock.json', 'breastmnist.npz', 'breastmnist.samples.csv', 'breastmnist.csv']) expect(newSnap[f]).not.toBe(oldSnap[f]);
}, 120_000);

afterAll(() => {
  const lines = Object.entries(figures).map(([k, os]) => {
    const n = (r: string) => os.filter((o) => o.result === r).length;
    return `${k}: ${os.length} points, ${n('old')} old, ${n('new')} new, ${n('neither')} neither; ` + os.map((o) => `${o.point}=${o.result}`).join(' ');
  });
  process.stderr.write(`\ncrash consistency (convert of ${records} samples, ${Math.round(fullMs)} ms uninterrupted):\n${lines.join('\n')}\n`);
  cleanupTempDirs();
});

describe('crash consistency of convert into an existing build', () => {
  it('SIGKILL at every named point and at timed instants: the next command leaves the old or the new build', async () => {
    const points = FULL
      ? ['convert-locked', 'convert-planned', 'pack-record#1', `pack-record#${Math.ceil(records / 2)}`, `pack-record#${records}`, 'lock-staging', 'lock-staged',
         'commit-begin', 'commit-synced', 'commit-journal-written', ...Array.from({ length: 6 }, (_, i) => `commit-renamed#${i + 1}`), 'commit-applied', 'commit-journal-removed', 'commit-done']
      : ['convert-planned', `pack-record#${Math.ceil(records / 2)}`, 'lock-staged', 'commit-synced', 'commit-journal-written', 'commit-renamed#1', 'commit-renamed#3', 'commit-renamed#6', 'commit-applied', 'commit-journal-removed'];
    const named = points.map((p) => () => trial('SIGKILL', p, { MEDMNIST_BUILD_TEST_POINT: p }));
    const fractions = FULL ? [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95] : [0.3, 0.6, 0.9];
    const timed = fractions.map((f) => () => trial('SIGKILL', `t=${f}`, {}, Math.round(f * fullMs)));
    const os = await inPairs([...named, ...timed]);
    // Killed before the journal: old; after it: new (completed by the next command).
    const byPoint = Object.fromEntries(os.map((o) => [o.point, o.result]));
    expect(byPoint['commit-synced']).toBe('old');
    expect(byPoint['commit-journal-written']).toBe('new');
    expect(byPoint['commit-renamed#3']).toBe('new');
    expect(os.filter((o) => o.point.startsWith('commit-') || o.point.startsWith('lock-')).every((o) => o.signal === 'SIGKILL')).toBe(true);
  }, 400_000);

  it('SIGINT / SIGTERM: the folder is old or new at once, and says which', async () => {
    const cases: [string, string][] = [
      [`pack-record#${Math.ceil(records / 2)}`, 'SIGINT'],
      ['lock-staged', 'SIGTERM'],
      ['commit-begin', 'SIGINT'],
      ['commit-journal-written', 'SIGTERM'],
      ['commit-renamed#2', 'SIGINT'],
      ...(FULL ? ([['commit-synced', 'SIGTERM'], ['commit-done', 'SIGINT'], ['convert-planned', 'SIGTERM']] as [string, string][]) : []),
    ];
    const named = cases.map(([p, sig]) => () => trial('SIGINT/SIGTERM', `${sig}@${p}`, { MEDMNIST_BUILD_TEST_POINT: p, MEDMNIST_BUILD_TEST_ACTION: sig }));
    const timed = (FULL ? [0.2, 0.4, 0.6, 0.8, 0.95] : [0.5]).map((f, i) => () => trial('SIGINT/SIGTERM', `${i % 2 ? 'SIGINT' : 'SIGTERM'}@t=${f}`, { KILL_SIGNAL: i % 2 ? 'SIGINT' : 'SIGTERM' }, Math.round(f * fullMs)));
    const os = await inPairs([...named, ...timed]);
    for (const o of os) {
      // No recovery needed: the handler abandons the build before the commit point, and the commit
      // (synchronous) completes before the handler runs.
      expect(o.immediate, `${o.point}: ${o.stderr}`).toBe(o.result);
      if (o.code === 130 || o.code === 143) expect(o.stderr).toMatch(/interrupted \(SIG(INT|TERM)\); (no outputs were changed \(the build was abandoned\)|the new build had already been committed)/);
      if (o.stderr.includes('the build was abandoned')) expect(o.result).toBe('old');
    }
    const byPoint = Object.fromEntries(os.map((o) => [o.point, o]));
    // commit-begin precedes the (async) fsync of the staged files: the handler abandons the build.
    expect(byPoint['SIGINT@commit-begin']!.code).toBe(130);
    expect(byPoint['SIGINT@commit-begin']!.result).toBe('old');
    // Past the commit point the commit runs to its end; the signal is handled after it (143), or the
    // run has finished by then (0). Either way the build is committed.
    expect([0, 143]).toContain(byPoint['SIGTERM@commit-journal-written']!.code);
    expect(byPoint['SIGTERM@commit-journal-written']!.result).toBe('new');
  }, 300_000);

  const mnt = join('/tmp', `mmb-crash-tmpfs-${process.pid}`);
  // Root can mount a small tmpfs (checked without mounting: the mount happens inside the test, and is
  // undone in its finally, so a skipped or failed run never leaves one behind).
  const canMount = process.getuid?.() === 0 && spawnSync('which', ['mount']).status === 0;

  it.runIf(canMount)('a full disk (4 MB tmpfs) while writing outputs, the lock and the journal: the old build stands, the error says why', async () => {
    mkdirSync(mnt, { recursive: true });
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    if (m.status !== 0) {
      process.stderr.write(`crash-consistency: cannot mount a tmpfs (${m.stderr.toString().trim()}); the full-disk case is skipped\n`);
      rmSync(mnt, { recursive: true, force: true });
      return;
    }
    try {
      await fullDisk();
    } finally {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  }, 200_000);

  async function fullDisk(): Promise<void> {
    const points = FULL ? [`pack-record#${records}`, 'lock-staging', 'commit-begin', 'commit-synced'] : [`pack-record#${records}`, 'lock-staging', 'commit-synced'];
    const os: Outcome[] = [];
    for (const p of points) {
      const o = await trial('ENOSPC', `full@${p}`, { MEDMNIST_BUILD_TEST_POINT: p, MEDMNIST_BUILD_TEST_ACTION: 'fill', MEDMNIST_BUILD_TEST_FILL_DIR: mnt }, undefined, join(mnt, 'w'));
      os.push(o);
      expect(o.code, o.stderr).toBe(1);
      expect(o.stderr).toMatch(/ENOSPC, the disk is full: free space there \(or choose another --out\) and run again/);
      expect(o.stderr).toMatch(/the output folder was left as it was/);
      expect(o.immediate).toBe('old');
      expect(existsSync(join(mnt, 'w'))).toBe(true);
    }
    expect(os.every((o) => o.result === 'old')).toBe(true);
  }
});
