// Test support: the one place that runs the real CLI (compiled dist/, as users run it) and the
// reference Python, and makes temp dirs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'medmnist-build.js');
/** Debian's python3 with numpy, Pillow and scikit-learn (the pyenv python3 on PATH has none). */
export const PY = '/usr/bin/python3';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory (default: ROOT). */
  cwd?: string;
  /** Variables added to (or, set to '', blanked in) the inherited environment. */
  env?: Record<string, string>;
  /** Written to the child's stdin. */
  input?: string;
}

function run(cmd: string, args: string[], opts: RunOptions): Run {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `node bin/medmnist-build.js ...args` (the built CLI: run tsc first). */
export function cli(args: string[], opts: RunOptions = {}): Run {
  return run(process.execPath, [BIN, ...args], opts);
}

/**
 * The same as cli(), without blocking this test worker's event loop (long builds under load would
 * otherwise starve vitest's worker RPC and fail the run with "Timeout calling onTaskUpdate").
 */
export function cliAsync(args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** The CLI's stdout; throws with its stderr when it exits non-zero. */
export function cliOk(args: string[], opts: RunOptions = {}): string {
  const r = cli(args, opts);
  if (r.code !== 0) throw new Error(`medmnist-build ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** `/usr/bin/python3 -c script ...args`. */
export function python(script: string, args: string[] = [], opts: RunOptions = {}): Run {
  return run(PY, ['-c', script, ...args], opts);
}

/** The script's stdout; throws with its stderr when it exits non-zero. */
export function pythonOk(script: string, args: string[] = [], opts: RunOptions = {}): string {
  const r = python(script, args, opts);
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

/** `/usr/bin/python3 -c script ...args` with binary stdin and stdout; throws with its stderr when it exits non-zero. */
export function pythonBytes(script: string, args: string[] = [], input?: Uint8Array): Buffer {
  const r = spawnSync(PY, ['-c', script, ...args], { cwd: ROOT, maxBuffer: 64 << 20, ...(input ? { input } : {}) });
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? -1}):\n${r.stderr.toString()}`);
  return r.stdout;
}

/** `/usr/bin/python3 file ...args`; returns its stdout, throws with its stderr when it exits non-zero. */
export function pythonFileOk(file: string, args: string[] = []): string {
  const r = run(PY, [file, ...args], {});
  if (r.code !== 0) throw new Error(`python ${file} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

/** Send `input` as JSON on stdin, parse the script's stdout as JSON; throws when it exits non-zero. */
export function pythonJson(script: string, input: unknown): unknown {
  return JSON.parse(pythonOk(script, [], { input: JSON.stringify(input) }));
}

const made: string[] = [];
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `mmb-${prefix}-`));
  made.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
