// A source's download manifest: converters/<source id>/checksums.tsv (design §3). One row per published
// download, tab-separated, with exactly these columns:
//
//   file    the file name as published (a plain name; for kind folder, the folder to create)
//   bytes   its size in bytes, when published (empty: unknown)
//   md5     its MD5, when published (32 lower-case hex digits; empty: unknown)
//   sha256  its SHA-256, when published (64 lower-case hex digits; empty: unknown)
//   url     get direct/optional: the download URL; get manual: the page where a person gets it (https)
//   get     direct   `fetch` downloads it
//           optional `fetch` downloads it only when named with --file (an alternative to another file)
//           manual   behind a login, a licence click or a page that must not be scraped: `fetch` prints
//                    the steps for a person (a --mirror serves it like a direct file, except folders)
//   kind    zip | tar.gz (an archive `fetch` extracts) | file (kept as downloaded) | folder (a set of
//           files a person gathers into the folder `file`; never downloaded as one)
//   into    archives: where the archive's entries go, relative to the download folder: `.` (the
//           archive holds its own top folder) or one folder name; empty for file and folder
//   layout  what the converter's scan reads once this row is in place, relative to the download folder,
//           e.g. `NCT-CRC-HE-100K/<CLASS>/*.tif`; its first path component is what the row creates
//
// The reader is strict: any deviation is an error naming the file, line and column.
import { readFile } from 'node:fs/promises';
import { DataError } from '../core/errors.js';

export const MANIFEST_COLUMNS = ['file', 'bytes', 'md5', 'sha256', 'url', 'get', 'kind', 'into', 'layout'] as const;
export const GET_VALUES = ['direct', 'optional', 'manual'] as const;
export const KIND_VALUES = ['zip', 'tar.gz', 'file', 'folder'] as const;

export type GetMode = (typeof GET_VALUES)[number];
export type DownloadKind = (typeof KIND_VALUES)[number];

export interface ManifestRow {
  file: string;
  bytes?: number;
  md5?: string;
  sha256?: string;
  url: string;
  get: GetMode;
  kind: DownloadKind;
  /** Archives only: '.' or one folder name below the download folder. */
  into?: string;
  layout: string;
  /** 1-based line of the row in its file (for messages). */
  line: number;
}

/** True for kinds `fetch` extracts. */
export function isArchive(kind: DownloadKind): kind is 'zip' | 'tar.gz' {
  return kind === 'zip' || kind === 'tar.gz';
}

/** A plain file or folder name: no separators, not `.`/`..`, not hidden, no control characters. */
export function isPlainName(name: string): boolean {
  return (
    name.length > 0 &&
    name.trim() === name &&
    !/[\\/]/.test(name) &&
    !name.startsWith('.') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(name)
  );
}

/** The first path component of a layout pattern: what the row creates under the download folder. */
export function layoutTop(layout: string): string {
  return layout.split('/')[0]!;
}

/** Parse a checksums.tsv strictly (see the header comment); `name` is the file, for messages. */
export function parseManifest(text: string, name = 'checksums.tsv'): ManifestRow[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new DataError(`${name}: must end with a newline`);
  if (text.includes('\r')) throw new DataError(`${name}: has CR line ends; use LF only`);
  const lines = text.split('\n').slice(0, -1);
  if (lines[0] !== MANIFEST_COLUMNS.join('\t')) {
    throw new DataError(`${name} line 1: the header must be ${MANIFEST_COLUMNS.join('<TAB>')} (found ${JSON.stringify(lines[0] ?? '')})`);
  }
  const rows: ManifestRow[] = [];
  const seen = new Map<string, number>();
  const tops = new Map<string, number>();
  lines.slice(1).forEach((text, i) => {
    const line = i + 2;
    const where = `${name} line ${line}`;
    if (text === '') throw new DataError(`${where}: blank line; remove it`);
    // One physical line is one row; cells are plain text (no quoting, so no quote characters).
    if (text.includes('"')) throw new DataError(`${where}: a quote character; cells are plain text, never quoted`);
    const cells = text.split('\t');
    if (cells.length !== MANIFEST_COLUMNS.length) {
      throw new DataError(`${where}: ${cells.length} cells, expected ${MANIFEST_COLUMNS.length} (${MANIFEST_COLUMNS.join(', ')})`);
    }
    const [file, bytes, md5, sha256, url, get, kind, into, layout] = cells as [string, string, string, string, string, string, string, string, string];
    const col = (c: (typeof MANIFEST_COLUMNS)[number], why: string): never => {
      throw new DataError(`${where}: column ${c}: ${why}`);
    };
    if (!isPlainName(file)) col('file', `${JSON.stringify(file)} is not a plain file name`);
    const prev = seen.get(file);
    if (prev !== undefined) col('file', `${file} listed twice (also on line ${prev})`);
    seen.set(file, line);
    if (bytes && !/^[1-9]\d*$/.test(bytes)) col('bytes', `${JSON.stringify(bytes)} is not a positive whole number of bytes`);
    if (bytes && !Number.isSafeInteger(Number(bytes))) col('bytes', `${bytes} is too large`);
    if (md5 && !/^[0-9a-f]{32}$/.test(md5)) col('md5', `${JSON.stringify(md5)} is not 32 lower-case hex digits`);
    if (sha256 && !/^[0-9a-f]{64}$/.test(sha256)) col('sha256', `${JSON.stringify(sha256)} is not 64 lower-case hex digits`);
    if (!/^https:\/\/[^\s/]+\/?\S*$/.test(url)) col('url', `${JSON.stringify(url)} is not an https URL (every row needs one: the download, or the page to get it from)`);
    if (!(GET_VALUES as readonly string[]).includes(get)) col('get', `${JSON.stringify(get)} is not one of ${GET_VALUES.join(', ')}`);
    if (!(KIND_VALUES as readonly string[]).includes(kind)) col('kind', `${JSON.stringify(kind)} is not one of ${KIND_VALUES.join(', ')}`);
    const k = kind as DownloadKind;
    if (k === 'folder' && get !== 'manual') col('get', `a folder (kind folder) cannot be downloaded as one file; it must be manual`);
    if (k === 'folder' && (bytes || md5 || sha256)) col(bytes ? 'bytes' : md5 ? 'md5' : 'sha256', 'a folder has no size or checksum of its own');
    if (isArchive(k)) {
      if (into !== '.' && !isPlainName(into)) col('into', `${JSON.stringify(into)} must be . or one plain folder name for an archive`);
    } else if (into !== '') col('into', `must be empty for kind ${k} (only archives are extracted)`);
    const top = layoutTop(layout);
    if (!layout || !isPlainName(top) || layout.split('/').some((p) => p === '..' || p === '.')) {
      col('layout', `${JSON.stringify(layout)} must be a relative path pattern below the download folder, e.g. NAME/<CLASS>/*.jpg`);
    }
    if (!isArchive(k) && top !== file) col('layout', `must start with the file's own name ${file} for kind ${k}`);
    if (isArchive(k) && into !== '.' && top !== into) col('layout', `must start with the folder ${into} the archive is extracted into`);
    const other = tops.get(top);
    if (other !== undefined) col('layout', `${top} is also created by line ${other}; two rows cannot create the same path`);
    tops.set(top, line);
    rows.push({
      file,
      ...(bytes ? { bytes: Number(bytes) } : {}),
      ...(md5 ? { md5 } : {}),
      ...(sha256 ? { sha256 } : {}),
      url,
      get: get as GetMode,
      kind: k,
      ...(isArchive(k) ? { into } : {}),
      layout,
      line,
    });
  });
  return rows;
}

/** Read and parse a manifest file. */
export async function readManifest(path: string): Promise<ManifestRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(`${path}: cannot read the download manifest (${(err as Error).message})`);
  }
  return parseManifest(text, path);
}
