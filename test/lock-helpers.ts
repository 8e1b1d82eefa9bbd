// Shared by the lock, verify and diff tests: the real CLI (dist/, built by `npm test`) on small fake
// HAM10000 downloads.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ham10000 } from '../converters/ham10000/index.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'medmnist-build.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, MEDMNIST_BUILD_DEBUG: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `medmnist-${prefix}-`));
}

/** A fake HAM10000 download of 40 images (seed 1), as the brief asks. */
export async function fakeRaw(dir: string): Promise<string> {
  await ham10000.writeFakeDownload(dir, { count: 40, seed: 1 });
  return dir;
}

/** convert through the CLI; throws with the CLI's stderr on failure. */
export function convertCli(raw: string, out: string, ...extra: string[]): CliResult {
  const r = cli('convert', '--source', 'ham10000', '--input', raw, '--out', out, '--size', '28,64', '--workers', '2', ...extra);
  if (r.code !== 0) throw new Error(`convert failed (${r.code}): ${r.stderr}`);
  return r;
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
