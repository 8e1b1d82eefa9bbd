// Extract a .tar.gz through SafeTree, streaming: zlib's gunzip, then 512-byte tar headers (POSIX
// ustar, GNU and pax: long names from GNU `L`/`K` records and pax `path`/`linkpath`/`size`; sizes in
// octal or GNU base-256). Every header's checksum is checked. Files, folders, symbolic and hard links
// are extracted; devices, FIFOs and other types are refused. Sizes count against the limits before the
// data is written, so a bomb stops at its first oversized entry.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DataError } from '../core/errors.js';
import { type ExtractLimits, type ExtractStats, SafeTree, UnsafeArchiveError } from './extract.js';

const BLOCK = 512;
const MAX_META = 1 << 20; // long names and pax records: a megabyte is plenty

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
    return this.buf.length >= n;
  }

  /** Exactly n bytes; null at a clean end of stream (no bytes left); throws when it ends midway. */
  async read(n: number, what: string): Promise<Buffer | null> {
    if (!(await this.fill(n))) {
      if (this.buf.length === 0) return null;
      throw new DataError(`${what}: the archive ends in the middle of a record (truncated download?)`);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Stream exactly n bytes in the chunks they arrive in. */
  async *take(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill(1))) throw new DataError(`${what}: the archive ends in the middle of a file (truncated download?)`);
      const k = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, k);
      this.buf = this.buf.subarray(k);
      left -= k;
      yield out;
    }
  }

  async skip(n: number, what: string): Promise<void> {
    for await (const _ of this.take(n, what)) void _;
  }
}

function cstring(b: Buffer): string {
  const z = b.indexOf(0);
  return (z < 0 ? b : b.subarray(0, z)).toString('utf8');
}

/** A numeric header field: octal text, or GNU base-256 (high bit of the first byte set). */
function number(b: Buffer, what: string): number {
  if (b[0]! & 0x80) {
    let v = 0n;
    for (let i = 1; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
    v |= BigInt(b[0]! & 0x7f) << BigInt(8 * (b.length - 1));
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError(`${what}: a size too large to be real`);
    return Number(v);
  }
  const s = cstring(b).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new DataError(`${what}: a malformed number ${JSON.stringify(s)} in a header (not a tar archive, or a damaged one)`);
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(cstring(h.subarray(148, 156)).trim() || 'x', 8);
  if (Number.isNaN(stored)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: "<len> <key>=<value>\n". */
function parsePax(data: Buffer, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  while (p < data.length) {
    const sp = data.indexOf(0x20, p);
    if (sp < 0) break;
    const len = Number(data.subarray(p, sp).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= 0 || p + len > data.length) throw new DataError(`${what}: a malformed pax header record`);
    const rec = data.subarray(sp + 1, p + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    p += len;
  }
  return out;
}

const padding = (n: number) => (BLOCK - (n % BLOCK)) % BLOCK;

export async function extractTarGz(archive: string, root: string, limits: ExtractLimits, onEntry?: (s: ExtractStats) => void): Promise<ExtractStats> {
  const src = createReadStream(archive, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  src.on('error', (err) => gunzip.destroy(err));
  src.pipe(gunzip);
  const reader = new ByteReader((gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const tree = new SafeTree(root, archive, limits, onEntry);
  try {
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Record<string, string> = {};
    let ended = false;
    for (;;) {
      const h = await reader.read(BLOCK, archive);
      if (h === null) break; // end of stream without end-of-archive blocks: tolerated (GNU tar does)
      if (h.every((b) => b === 0)) {
        ended = true;
        break;
      }
      if (!checksumOk(h)) {
        throw new DataError(`${archive}: a tar header fails its checksum after ${tree.stats.entries} entries (not a tar.gz archive, or a damaged one; delete it and fetch again)`);
      }
      const type = String.fromCharCode(h[156]!);
      let size = number(h.subarray(124, 136), archive);
      const magic = h.subarray(257, 263).toString('latin1');
      const prefix = magic === 'ustar\0' ? cstring(h.subarray(345, 500)) : '';
      const name = longName ?? pax['path'] ?? (prefix ? `${prefix}/${cstring(h.subarray(0, 100))}` : cstring(h.subarray(0, 100)));
      const linkName = longLink ?? pax['linkpath'] ?? cstring(h.subarray(157, 257));
      if (pax['size'] !== undefined && /^\d+$/.test(pax['size'])) size = Number(pax['size']);
      const what = `${archive}: entry ${JSON.stringify(name)}`;
      if (type === 'L' || type === 'K' || type === 'x') {
        if (size > MAX_META) throw new UnsafeArchiveError(`${what}: a ${size}-byte ${type === 'x' ? 'pax' : 'long-name'} record, beyond ${MAX_META} (crafted archive)`);
        const data = (await reader.read(size + padding(size), archive)) ?? Buffer.alloc(0);
        const body = data.subarray(0, size);
        if (type === 'L') longName = cstring(body);
        else if (type === 'K') longLink = cstring(body);
        else pax = { ...pax, ...parsePax(body, what) };
        continue;
      }
      longName = undefined;
      longLink = undefined;
      pax = {};
      if (type === 'g') {
        // A pax global header (e.g. git archive's comment): metadata only.
        await reader.skip(size + padding(size), archive);
        continue;
      }
      if (type === '0' || type === '\0' || type === '7') {
        if (name.endsWith('/')) {
          // Old tars mark folders by a trailing slash on a regular-file entry.
          await tree.dir(name);
          await reader.skip(size + padding(size), archive);
        } else {
          await tree.file(name, size, reader.take(size, archive));
          await reader.skip(padding(size), archive);
        }
      } else if (type === '5') {
        await tree.dir(name);
        await reader.skip(size + padding(size), archive);
      } else if (type === '2') {
        await tree.symlink(name, linkName);
        await reader.skip(size + padding(size), archive);
      } else if (type === '1') {
        await tree.hardlink(name, linkName);
        await reader.skip(size + padding(size), archive);
      } else {
        const kinds: Record<string, string> = { '3': 'a character device', '4': 'a block device', '6': 'a FIFO', S: 'a sparse file', V: 'a volume label', M: 'a multi-volume continuation' };
        tree.parts(name);
        tree.refuse(name, `is ${kinds[type] ?? `of tar type ${JSON.stringify(type)}`}, not a file, folder or link`);
      }
    }
    if (!ended && tree.stats.entries === 0) throw new DataError(`${archive}: not a tar archive inside the gzip (no entries)`);
    tree.finish();
    return tree.stats;
  } catch (err) {
    if (err instanceof DataError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_') || /incorrect header check|unexpected end of file|invalid/i.test(e.message)) {
      throw new DataError(`${archive}: not a readable gzip file (${e.message}); delete it and fetch again`);
    }
    throw err;
  } finally {
    src.destroy();
    gunzip.destroy();
  }
}
