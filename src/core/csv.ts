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

export interface CsvRow {
  /** 1-based physical line of the file where the row starts (blank lines and quoted line breaks count). */
  line: number;
  fields: string[];
}

/**
 * Parse CSV text strictly (RFC 4180): a field is quoted as a whole or not at all; inside quotes `""` is a
 * quote; a quote inside an unquoted field, text after a closing quote, or a quote left open at the end
 * of the file is an error naming the physical line (`what`: the file, for messages). CRLF, LF and a BOM
 * are accepted; blank lines are skipped (their lines still count).
 */
export function parseCsvRows(text: string, what = 'CSV', delimiter = ','): CsvRow[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = 0;
  const n = text.length;
  const fail = (at: number, why: string): never => {
    throw new DataError(`${what} line ${at}: ${why}. Fix the file (RFC 4180: quote a whole field, and double any quote inside it) or use the file as downloaded.`);
  };
  const endRow = (): void => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) rows.push({ line: rowLine, fields: row });
    row = [];
    field = '';
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      if (field !== '' || quoted) fail(line, `a quote inside the unquoted field ${JSON.stringify(field.slice(0, 40) + '"')}`);
      const open = line;
      i++;
      for (;;) {
        if (i >= n) fail(open, 'a quoted field opened here is never closed (a stray quote swallows the rest of the file)');
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        else if (q === '\r' && text[i + 1] !== '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        fail(line, `text after the closing quote of field ${JSON.stringify(field.slice(0, 40))}`);
      }
      quoted = true;
      continue;
    }
    if (c === delimiter) {
      row.push(field);
      field = '';
      quoted = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRow();
      quoted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field.length > 0 || row.length > 0 || quoted) endRow();
  return rows;
}

/** Parse CSV text into rows (strict, see parseCsvRows). */
export function parseCsv(text: string, what = 'CSV'): string[][] {
  return parseCsvRows(text, what).map((r) => r.fields);
}

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows as objects; `line` is the 1-based physical line in the file (header = its own line). */
  rows: { line: number; values: Record<string, string> }[];
}

/**
 * Read a CSV (or tab-separated) table strictly: RFC 4180 quoting, a header without empty or repeated
 * names, every row with as many fields as the header (one empty field from a trailing delimiter is not a
 * column); check that `required` columns are present.
 */
export async function readTable(file: string, required: readonly string[]): Promise<CsvTable> {
  const text = await readFile(file, 'utf8');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const rows = parseCsvRows(text, file, delimiter);
  if (rows.length === 0) throw new DataError(`${file} is empty: expected a header row with ${required.join(', ')}`);
  const head = rows[0]!;
  // A line ending in a delimiter (NIH's Data_Entry tables) ends with one empty field: not a column.
  const trailing = (fields: readonly string[]) => (fields.length > 1 && fields[fields.length - 1]!.trim() === '' ? fields.slice(0, -1) : fields);
  const header = trailing(head.fields).map((h) => h.trim());
  const seen = new Map<string, number>();
  header.forEach((h, j) => {
    if (h === '' && header.length > 1) throw new DataError(`${file} line ${head.line}: header column ${j + 1} has no name. Use the metadata file as downloaded from the source.`);
    const prev = seen.get(h);
    if (prev !== undefined) {
      throw new DataError(`${file} line ${head.line}: column '${h}' appears twice in the header (columns ${prev + 1} and ${j + 1}); which one holds the data is ambiguous. Remove or rename one.`);
    }
    seen.set(h, j);
  });
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DataError(
      `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (header has ${header.join(', ')}). Use the metadata file as downloaded from the source.`,
    );
  }
  const out: CsvTable['rows'] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    const fields = r.fields.length === header.length + 1 ? trailing(r.fields) : r.fields;
    if (fields.length !== header.length) {
      throw new DataError(
        `${file} line ${r.line}: ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length} (${header.join(delimiter === '\t' ? ' TAB ' : ',')}). ` +
          'A comma or quote inside a value must be quoted; fix the row or use the file as downloaded.',
      );
    }
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = fields[j]!.trim()));
    out.push({ line: r.line, values });
  }
  return { file, header, rows: out };
}
