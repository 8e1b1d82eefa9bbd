// Helpers converters use to read a download as users have it: a file walk that skips hidden files
// and macOS debris, and a CSV table reader whose errors name the file, row and column.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseCsv } from '../metadata/csv.js';
import { DataError, UsageError } from './errors.js';

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

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows as objects; `line` is the 1-based line number in the file (header = 1). */
  rows: { line: number; values: Record<string, string> }[];
}

/** Read a CSV (or tab-separated) table and check that `required` columns are present. */
export async function readTable(file: string, required: readonly string[]): Promise<CsvTable> {
  let text = await readFile(file, 'utf8');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (firstLine.includes('\t') && !firstLine.includes(',')) text = text.replace(/\t/g, ',');
  const rows = parseCsv(text).filter((r) => !(r.length === 1 && r[0] === ''));
  if (rows.length === 0) throw new DataError(`${file} is empty: expected a header row with ${required.join(', ')}`);
  const header = rows[0]!.map((h) => h.trim());
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DataError(
      `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (header has ${header.join(', ')}). Use the metadata file as downloaded from the source.`,
    );
  }
  const out: CsvTable['rows'] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = (r[j] ?? '').trim()));
    out.push({ line: i + 1, values });
  }
  return { file, header, rows: out };
}

export function rel(base: string, p: string): string {
  return relative(base, p) || '.';
}
