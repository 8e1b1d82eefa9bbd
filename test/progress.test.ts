// Progress on stderr (src/cli/progress.ts): the reporter itself with a fake clock (line mode, TTY bar,
// quiet), and through the real CLI in non-TTY runs of convert, verify and evaluate: progress lines for
// every long step, none with --quiet, and --json stdout the same either way.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { formatBytes } from '../src/cli/common.js';
import { formatDuration, ProgressReporter } from '../src/cli/progress.js';
import { progressCounter } from '../src/core/progress.js';
import { cleanupTempDirs, cliAsync, tempDir, type Run } from './support/run-cli.js';

/** A reporter writing into an array, on a clock the test moves. */
function fake(o: { tty?: boolean; quiet?: boolean; delayMs?: number; intervalMs?: number } = {}) {
  const out: string[] = [];
  let t = 0;
  const r = new ProgressReporter({ command: 'convert', write: (s) => void out.push(s), now: () => t, columns: 200, tty: false, ...o });
  return { r, out, at: (ms: number) => void (t = ms) };
}

describe('ProgressReporter', () => {
  it('line mode: silent for the first two seconds, then a line every interval, and a closing line', () => {
    const { r, out, at } = fake({ delayMs: 2000, intervalMs: 3000 });
    const on = r.onProgress!;
    at(0);
    on({ step: 'samples', subject: 'dermamnist', done: 0, total: 10015 });
    at(1500);
    on({ step: 'samples', subject: 'dermamnist', done: 1800, total: 10015 });
    expect(out).toEqual([]);
    at(2500);
    on({ step: 'samples', subject: 'dermamnist', done: 3000, total: 10015 });
    at(4000);
    on({ step: 'samples', subject: 'dermamnist', done: 4800, total: 10015 }); // within the interval: nothing
    at(5500);
    on({ step: 'samples', subject: 'dermamnist', done: 6600, total: 10015 });
    at(8400);
    on({ step: 'samples', subject: 'dermamnist', done: 10015, total: 10015 });
    expect(out).toEqual([
      'convert dermamnist: samples 3000/10015 (29%, 1200/s, ETA 5.8 s)\n',
      'convert dermamnist: samples 6600/10015 (65%, 1200/s, ETA 2.8 s)\n',
      'convert dermamnist: samples 10015/10015 (100%, 1192/s, done in 8.4 s)\n',
    ]);
  });

  it('a step that ends within the delay prints nothing; bytes are shown as sizes', () => {
    const { r, out, at } = fake({ delayMs: 2000, intervalMs: 3000 });
    const tick = progressCounter(r.onProgress, 'hashing outputs', 3e9, { unit: 'bytes' });
    at(1000);
    tick(3e9);
    expect(out).toEqual([]);
    const tick2 = progressCounter(r.onProgress, 'hashing outputs', 3e9, { unit: 'bytes' });
    at(3000);
    tick2(1.2e9);
    expect(out).toEqual(['convert: hashing outputs 1.2 GB/3.0 GB (40%, 600 MB/s, ETA 3.0 s)\n']);
  });

  it('the rate (and so the ETA) follows the current speed; the closing line gives the average', () => {
    const { r, out, at } = fake({ delayMs: 2000, intervalMs: 3000 });
    const on = r.onProgress!;
    const ev = (done: number) => on({ step: 'decoding samples', done, total: 5000 });
    at(0);
    ev(0);
    at(3000);
    ev(3000); // 1000/s so far
    at(6000);
    ev(3300); // then 100/s
    at(9000);
    ev(5000);
    expect(out).toEqual([
      'convert: decoding samples 3000/5000 (60%, 1000/s, ETA 2.0 s)\n',
      'convert: decoding samples 3300/5000 (66%, 100/s, ETA 17 s)\n',
      'convert: decoding samples 5000/5000 (100%, 556/s, done in 9.0 s)\n',
    ]);
  });

  it('unknown totals show a count and rate, no ETA', () => {
    const { r, out, at } = fake({ delayMs: 0, intervalMs: 0 });
    at(0);
    r.onProgress!({ step: 'inference', subject: 'dermamnist', done: 0, total: 0 });
    at(2000);
    r.onProgress!({ step: 'inference', subject: 'dermamnist', done: 512, total: 0 });
    expect(out.at(-1)).toBe('convert dermamnist: inference 512 (256/s)\n');
  });

  it('TTY: one bar redrawn in place, ended by a newline; log() clears it first', () => {
    const { r, out, at } = fake({ tty: true, delayMs: 0, intervalMs: 0 });
    const on = r.onProgress!;
    at(0);
    on({ step: 'samples', subject: 'dermamnist', done: 0, total: 4 });
    at(1000);
    on({ step: 'samples', subject: 'dermamnist', done: 2, total: 4 });
    r.log('medmnist-build: a warning');
    at(2000);
    on({ step: 'samples', subject: 'dermamnist', done: 4, total: 4 });
    const text = out.join('');
    expect(text).toContain('\rconvert dermamnist: samples [############............] 2/4 2.0/s ETA 1.0 s\x1b[K');
    expect(text).toContain('\r\x1b[Kmedmnist-build: a warning\n');
    expect(text.endsWith('\rconvert dermamnist: samples [########################] 4/4 2.0/s done in 2.0 s\x1b[K\n')).toBe(true);
    // A bar left unfinished (an error) still gets its newline.
    const b = fake({ tty: true, delayMs: 0, intervalMs: 0 });
    b.r.onProgress!({ step: 'items', done: 1, total: 9 });
    b.r.finish();
    expect(b.out.at(-1)).toBe('\n');
  });

  it('--quiet: no callback at all', () => {
    expect(fake({ quiet: true }).r.onProgress).toBeUndefined();
  });

  it('formats sizes and durations', () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(2.5e6), formatBytes(123e9)]).toEqual(['999 B', '1.5 kB', '2.5 MB', '123 GB']);
    expect([formatDuration(6.04), formatDuration(42.4), formatDuration(250), formatDuration(5000)]).toEqual(['6.0 s', '42 s', '4 min 10 s', '1 h 23 min']);
  });
});

// Through the CLI: every event shows (delay and interval 0), stderr is a pipe (line mode).
const SHOW_ALL = { MEDMNIST_BUILD_PROGRESS_MS: '0', MEDMNIST_BUILD_DEBUG: '' };
const cli = (...args: string[]): Promise<Run> => cliAsync(args, { env: SHOW_ALL });
const PROGRESS_LINE = /^(convert|verify|evaluate)( [\w-]+)?: [a-z0-9 ]+ [\d.]+( [kMGT]?B)?(\/[\d.]+( [kMGT]?B)?)? \(/m;

/** The --json output without its timings (they differ run to run). */
function timeless(stdout: string): unknown {
  return JSON.parse(stdout, (k, v: unknown) => (['seconds', 'sessionSeconds', 'imagesPerSecond'].includes(k) ? undefined : v));
}

describe('progress through the CLI (stderr not a TTY)', () => {
  let tmp: string;
  let raw: string;
  let out: string;
  beforeAll(async () => {
    tmp = tempDir('progress');
    raw = join(tmp, 'raw');
    out = join(tmp, 'out');
    await ham10000.writeFakeDownload(raw, { count: 40, seed: 1 });
  });
  afterAll(cleanupTempDirs);

  it('convert: samples and the reference-model fit; --frozen: hashing inputs; --json stdout unchanged; --quiet silent', async () => {
    const args = ['convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', '--workers', '2'];
    const shown = await cli(...args, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/^convert dermamnist: samples 0\/40 \(0%/m);
    expect(shown.stderr).toMatch(/^convert dermamnist: samples 40\/40 \(100%, [\d.]+\/s, done in [\d.]+ s\)$/m);
    expect(shown.stderr).toMatch(/^convert dermamnist: reading train split \d+\/\d+ /m);
    expect(shown.stderr).toMatch(/^convert dermamnist: fitting reference model 200\/200 \(100%, .*done in/m);
    expect(shown.stdout).not.toMatch(PROGRESS_LINE);

    // The same build into another folder, quiet: no progress, the same JSON (but for the folder).
    const out2 = join(tmp, 'out2');
    const quiet = await cli(...args.map((x) => (x === out ? out2 : x)), '--json', '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(PROGRESS_LINE);
    expect(JSON.stringify(timeless(quiet.stdout)).replaceAll(out2, out)).toBe(JSON.stringify(timeless(shown.stdout)));

    const frozen = await cli(...args, '--frozen');
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(frozen.stderr).toMatch(/^convert ham10000: hashing inputs 41\/41 \(100%, .*done in/m);
    // The human summary of a build: an aligned table, one row per dataset, size and format.
    const forced = await cli(...args, '--force', '--quiet');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/^dataset +size +format +train +val +test +files +bytes$/m);
    expect(forced.stderr).toMatch(/^dermamnist +28 +npz +\d+ +\d+ +\d+ +1 +[\d.]+ kB$/m);
    expect(forced.stderr).toMatch(/^dermamnist +64 +npz /m);
    expect(forced.stderr).toMatch(/^dermamnist +metadata +\d+ +[\d.]+ kB$/m);
  });

  it('verify: hashing outputs, decoding, hashing inputs, the fit; --official: md5; --quiet silent; --json unchanged', async () => {
    const args = ['verify', out, '--content', '--inputs', raw, '--semantic', '--json'];
    const shown = await cli(...args);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/^verify: hashing outputs [\d.]+ [kM]B\/[\d.]+ [kM]B \(100%, .*done in/m);
    expect(shown.stderr).toMatch(/^verify: decoding samples 80\/80 \(100%/m);
    expect(shown.stderr).toMatch(/^verify ham10000: hashing inputs 41\/41 \(100%/m);
    expect(shown.stderr).toMatch(/^verify dermamnist: fitting reference model 200\/200/m);
    const quiet = await cli(...args, '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(PROGRESS_LINE);
    expect(quiet.stdout).toBe(shown.stdout);

    const official = join(tmp, 'official');
    await mkdir(official);
    await writeFile(join(official, 'dermamnist.npz'), Buffer.alloc(300_000, 7));
    const md5 = await cli('verify', '--official', official);
    expect(md5.code).toBe(1); // a mismatch
    expect(md5.stderr).toMatch(/^verify: md5 of official files 300 kB\/300 kB \(100%/m);
    expect((await cli('verify', '--official', official, '--quiet')).stderr).not.toMatch(PROGRESS_LINE);
  });

  it('evaluate: the reference-model fit and inference; --quiet silent; --json unchanged', async () => {
    const args = ['evaluate', '--flag', 'dermamnist', '--root', out, '--device', 'cpu', '--batch', '4', '--json'];
    const shown = await cli(...args, '--fit-reference', join(tmp, 'ref.onnx'));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/^evaluate dermamnist: reading train split \d+\/\d+ /m);
    expect(shown.stderr).toMatch(/^evaluate dermamnist: fitting reference model 100\/200 \(50%/m);
    expect(shown.stderr).toMatch(/^evaluate dermamnist: inference \d+\/\d+ \(100%, .*done in/m);
    expect(shown.stderr).toMatch(/^fitted logreg-v1 on/m);
    const quiet = await cli(...args, '--fit-reference', join(tmp, 'ref.onnx'), '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(PROGRESS_LINE);
    expect(timeless(quiet.stdout)).toEqual(timeless(shown.stdout));
  });
});
