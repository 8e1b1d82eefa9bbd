// Minimal RFC 4180 CSV: quoting on write, a parser on read, and a table reader whose errors name the
// file, row and column.
import { readFile } from 'node:fs/promises';
import { DataError } from './errors.js';
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

/** Parse CSV text into rows (handles quotes, CRLF, a BOM). */
export function parseCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
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
