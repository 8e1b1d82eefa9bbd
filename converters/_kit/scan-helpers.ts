// Helpers converters use to read a download as users have it: a file walk that skips hidden files
// and macOS debris, and a check of the --input folder. (CSV tables: src/core/csv.ts readTable.)
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';

export function isHidden(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX' || name === 'Thumbs.db' || name === 'desktop.ini';
}

/** Every regular file below dir (absolute paths, sorted), skipping hidden files and folders. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (isHidden(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await visit(dir);
  return out;
}

export async function assertInputDir(dir: string, instructions: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st) throw new UsageError(`--input ${dir} does not exist. ${instructions}`);
  if (!st.isDirectory()) throw new UsageError(`--input ${dir} is not a folder. ${instructions}`);
}
