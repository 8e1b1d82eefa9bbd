// Extract a ZIP (ZIP64 aware; stored and deflated members) through SafeTree. The central directory is
// read first (src/formats/zip.ts), so the entry count and the declared total size are checked against
// the limits before anything is written; each member is then inflated only up to its declared size and
// its CRC-32 checked. Unix symbolic links (made-by Unix, mode S_IFLNK) are links; encrypted members
// are refused.
import { open } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import { memberBytes, readZipDirectory, type ZipEntry } from '../formats/zip.js';
import { type ExtractLimits, type ExtractStats, SafeTree, UnsafeArchiveError } from './extract.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const UNIX = 3;
const MAX_LINK_TARGET = 4096;

function unixType(e: ZipEntry): number | undefined {
  if (e.madeBy !== UNIX) return undefined;
  const t = (e.externalAttributes >>> 16) & S_IFMT;
  return t === 0 ? undefined : t;
}

async function readAll(chunks: AsyncIterable<Uint8Array>, max: number, what: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new UnsafeArchiveError(`${what}: longer than ${max} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

export async function extractZip(archive: string, root: string, limits: ExtractLimits, onEntry?: (s: ExtractStats) => void): Promise<ExtractStats> {
  const fh = await open(archive, 'r');
  try {
    let entries: ZipEntry[];
    try {
      entries = await readZipDirectory(fh, archive);
    } catch (err) {
      throw new DataError(`${(err as Error).message}. It is not a readable ZIP archive; delete it and fetch again.`);
    }
    const tree = new SafeTree(root, archive, limits, onEntry);
    // The limits, from the directory alone: a bomb is refused before one byte is written.
    if (entries.length > limits.maxEntries) {
      throw new UnsafeArchiveError(`${archive}: ${entries.length} entries, beyond the limit of ${limits.maxEntries} (a zip bomb? raise it with --max-entries if the archive is genuine). The archive was refused; nothing of it was extracted.`);
    }
    const declared = entries.reduce((s, e) => s + e.size, 0);
    if (declared > limits.maxBytes) {
      throw new UnsafeArchiveError(`${archive}: its entries declare ${declared} bytes in all, beyond the limit of ${limits.maxBytes} (a zip bomb? raise it with --max-extract-size if the archive is genuine). The archive was refused; nothing of it was extracted.`);
    }
    for (const e of entries) {
      tree.parts(e.name); // names first: an unsafe one is refused whatever its type
      if (e.flags & 1) tree.refuse(e.name, 'is encrypted; fetch cannot extract it');
      const type = unixType(e);
      const bytes = () => wrap(memberBytes(fh, e, archive), archive);
      if (type === S_IFLNK) {
        const target = await readAll(bytes(), MAX_LINK_TARGET, `${archive}: link ${e.name}`);
        await tree.symlink(e.name, target.toString('utf8'));
      } else if (e.name.endsWith('/') || e.name.endsWith('\\') || type === S_IFDIR) {
        if (e.size !== 0) tree.refuse(e.name, 'is a folder with contents of its own');
        await tree.dir(e.name);
      } else if (type === undefined || type === S_IFREG) {
        await tree.file(e.name, e.size, bytes());
      } else {
        tree.refuse(e.name, `is a special file (Unix type 0o${type.toString(8)}), not a file, folder or link`);
      }
    }
    tree.finish();
    return tree.stats;
  } finally {
    await fh.close();
  }
}

/** memberBytes' errors (corrupt data, CRC) as data errors naming the archive. */
async function* wrap(chunks: AsyncGenerator<Uint8Array>, archive: string): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (err) {
    if (err instanceof DataError) throw err;
    const msg = (err as Error).message;
    throw new DataError(`${msg.startsWith(archive) ? msg : `${archive}: ${msg}`}. The archive is damaged; delete it and fetch again.`);
  }
}
