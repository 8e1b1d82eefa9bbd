// Shared by the format and inspect tests: collect records, snapshot trees (the CLI and Python are run by
// ./support/run-cli.ts).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputFormat, ReadRecord } from '../src/formats/sink.js';

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
