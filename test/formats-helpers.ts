// Shared by the format and inspect tests: run the real CLI, run /usr/bin/python3, collect records.
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutputFormat, ReadRecord } from '../src/formats/sink.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'medmnist-build.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliOk(args: string[]): string {
  const r = cli(args);
  if (r.code !== 0) throw new Error(`medmnist-build ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** Run a Python script with the system interpreter (numpy, Pillow); returns its stdout. */
export function python(script: string, args: string[] = []): string {
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export async function collect(format: OutputFormat, dir: string, base: string): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  for await (const r of format.readRecords(dir, base)) {
    // Copy: readers may reuse or share batch buffers.
    out.push({ split: r.split, index: r.index, pixels: Uint8Array.from(r.pixels), label: Uint8Array.from(r.label) });
  }
  return out;
}

/** Every file under dir (relative paths, sorted) with its bytes. */
export async function treeBytes(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await treeBytes(dir, rel)) out.set(k, v);
    else out.set(rel, await readFile(join(dir, rel)));
  }
  return new Map([...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}
