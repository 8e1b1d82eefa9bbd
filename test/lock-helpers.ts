// Shared by the lock, verify and diff tests: the real CLI (dist/, built by `npm test`) on small fake
// HAM10000 downloads.
import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { readLock, type Lockfile } from '../src/lock/lockfile.js';
import { cleanupTempDirs, cli as runCli, tempDir, type Run } from './support/run-cli.js';

/** The CLI with MEDMNIST_BUILD_DEBUG blanked, so that stderr holds the messages users see, no stacks. */
export function cli(...args: string[]): Run {
  return runCli(args, { env: { MEDMNIST_BUILD_DEBUG: '' } });
}

/** A fake HAM10000 download of 40 images (seed 1), as the brief asks. */
export async function fakeRaw(dir: string): Promise<string> {
  await ham10000.writeFakeDownload(dir, { count: 40, seed: 1 });
  return dir;
}

/** convert through the CLI; throws with the CLI's stderr on failure. */
export function convertCli(raw: string, out: string, ...extra: string[]): Run {
  const r = cli('convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', '--workers', '2', ...extra);
  if (r.code !== 0) throw new Error(`convert failed (${r.code}): ${r.stderr}`);
  return r;
}

export interface ConvertedFixture {
  /** The temp dir holding everything (removed after all tests). */
  readonly tmp: string;
  /** tmp/raw: the fake download (fakeRaw). */
  readonly raw: string;
  /** tmp/out: convertCli's output of raw. */
  readonly out: string;
  /** out/datasets.lock.json as convert wrote it. */
  readonly lock: Lockfile;
}

/**
 * Registers beforeAll/afterAll hooks: a temp dir with a fake download (fakeRaw) converted through the
 * CLI (convertCli) and its lock read back; removed afterwards. Read the fields inside tests.
 */
export function convertedFixture(prefix: string): ConvertedFixture {
  const f = { tmp: '', raw: '', out: '', lock: undefined as unknown as Lockfile };
  beforeAll(async () => {
    f.tmp = tempDir(prefix);
    f.raw = await fakeRaw(join(f.tmp, 'raw'));
    f.out = join(f.tmp, 'out');
    convertCli(f.raw, f.out);
    f.lock = await readLock(join(f.out, 'datasets.lock.json'));
  });
  afterAll(cleanupTempDirs);
  return f;
}

/** Every file below dir with its bytes, for "nothing was written" checks. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const st = await stat(dir).catch(() => null);
  if (!st) return out;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length + 1)] = (await readFile(p)).toString('base64');
  }
  return out;
}

export async function copyDir(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true });
  return to;
}

/** Flip one byte of a file in place (XOR 0x01) at `offset` (default: the middle). */
export async function flipByte(path: string, offset?: number): Promise<void> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r+');
  try {
    const size = (await fh.stat()).size;
    const at = offset ?? Math.floor(size / 2);
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
}
