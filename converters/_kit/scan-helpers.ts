// Helpers converters use to read a download as users have it: a file walk that skips hidden files
// and macOS debris, and a check of the --input folder. (CSV tables: src/core/csv.ts readTable.)
import { readlinkSync, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';

export function isHidden(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX' || name === 'Thumbs.db' || name === 'desktop.ini';
}

/**
 * What a folder entry is, following symbolic links (a linked image or folder counts as what it points
 * to; src/engine/plan.ts reports links that leave --input). A broken link is an error naming it.
 */
export async function entryKind(path: string, e: Dirent): Promise<'dir' | 'file' | 'other'> {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return 'other';
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${path} is a symbolic link to ${readlinkSafe(path)}, which ${err.code === 'ELOOP' ? 'loops' : 'does not exist'}. Fix or remove the link, then run again.`);
  });
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

/** Every regular file below dir (absolute paths, sorted), skipping hidden files and folders; links followed. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = async (d: string): Promise<void> => {
    const real = await realpath(d);
    if (seen.has(real)) return; // a folder reached twice through links (or a link loop)
    seen.add(real);
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (isHidden(e.name)) continue;
      const p = join(d, e.name);
      const kind = await entryKind(p, e);
      if (kind === 'dir') await visit(p);
      else if (kind === 'file') out.push(p);
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
