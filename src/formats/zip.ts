// A small deterministic ZIP writer and reader for NPZ: stored or deflated members streamed to disk,
// ZIP64 when a member, an offset or the entry count needs it, CRC-32 from Node's zlib.crc32, fixed
// 1980-01-01 timestamps. Sizes are known before a stored member starts, so the local header carries
// them; the CRC (and a deflated member's compressed size) is patched in place when the member ends
// (no data descriptors), as Python's zipfile does on a seekable file.
import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32, createDeflateRaw, createInflateRaw } from 'node:zlib';

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const U32 = 0xffffffff;
const WRITE_CHUNK = 1 << 20;

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  method: number;
}

/** A member being written; call write() with its bytes, then end(). */
export interface ZipMemberWriter {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** CRC and byte count of a member's uncompressed data, held to the size declared up front. */
class MemberTally {
  crc = 0;
  private written = 0;
  constructor(private readonly name: string, private readonly size: number) {}

  add(chunk: Uint8Array): void {
    this.crc = crc32(chunk, this.crc);
    this.written += chunk.length;
    if (this.written > this.size) throw new Error(`zip: member ${this.name} exceeds its declared size ${this.size}`);
  }

  /** Throws unless exactly the declared size was written; returns the final CRC. */
  finish(): number {
    if (this.written !== this.size) throw new Error(`zip: member ${this.name} has ${this.written} bytes, declared ${this.size}`);
    return this.crc >>> 0;
  }
}

export interface ZipWriterOptions {
  /**
   * Sizes and offsets at or above this use ZIP64 records (default 0xFFFFFFFF, as the format requires).
   * Tests lower it to exercise the ZIP64 path on small files.
   */
  zip64Threshold?: number;
}

export class ZipWriter {
  private pos = 0;
  private readonly threshold: number;
  private readonly entries: CentralEntry[] = [];
  private readonly buf = Buffer.allocUnsafe(WRITE_CHUNK);
  private bufLen = 0;
  private open = false;

  private constructor(private readonly fh: FileHandle, options: ZipWriterOptions) {
    this.threshold = options.zip64Threshold ?? U32;
  }

  static async create(path: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'w'), options);
  }

  private needs64(n: number): boolean {
    return n >= this.threshold;
  }

  private async flush(): Promise<void> {
    if (this.bufLen === 0) return;
    // The write is awaited, so the same buffer takes the next chunk: a fresh one per flush outlived
    // young-generation collections and piled up outside the heap (an output's size, in 1 MB pieces).
    await this.fh.write(this.buf, 0, this.bufLen, this.pos - this.bufLen);
    this.bufLen = 0;
  }

  private async append(data: Uint8Array): Promise<void> {
    if (data.length >= WRITE_CHUNK) {
      await this.flush();
      await this.fh.write(data, 0, data.length, this.pos);
      this.pos += data.length;
      return;
    }
    if (this.bufLen + data.length > WRITE_CHUNK) await this.flush();
    this.buf.set(data, this.bufLen);
    this.bufLen += data.length;
    this.pos += data.length;
  }

  /**
   * Write a local file header (+ name, + ZIP64 extra when `zip64`) at the current position and return
   * its offset. CRC and sizes not known yet are written as 0 and patched by the caller.
   */
  private async localHeader(nameBuf: Buffer, h: { method: number; crc: number; size: number; compressedSize: number; zip64: boolean }): Promise<number> {
    const offset = this.pos;
    const extra = h.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (h.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(h.size), 4);
      extra.writeBigUInt64LE(BigInt(h.compressedSize), 12);
    }
    const b = Buffer.alloc(30);
    b.writeUInt32LE(0x04034b50, 0);
    b.writeUInt16LE(h.zip64 ? 45 : 20, 4);
    b.writeUInt16LE(0x0800, 6); // UTF-8 names
    b.writeUInt16LE(h.method, 8);
    b.writeUInt16LE(DOS_TIME, 10);
    b.writeUInt16LE(DOS_DATE, 12);
    b.writeUInt32LE(h.crc >>> 0, 14);
    b.writeUInt32LE(h.zip64 ? U32 : h.compressedSize, 18);
    b.writeUInt32LE(h.zip64 ? U32 : h.size, 22);
    b.writeUInt16LE(nameBuf.length, 26);
    b.writeUInt16LE(extra.length, 28);
    await this.append(b);
    await this.append(nameBuf);
    await this.append(extra);
    return offset;
  }

  /** Start a stored member of exactly `size` bytes; its CRC is patched in place at end(). */
  async beginStored(name: string, size: number): Promise<ZipMemberWriter> {
    if (this.open) throw new Error('zip: previous member not ended');
    this.open = true;
    const nameBuf = Buffer.from(name, 'utf8');
    const offset = await this.localHeader(nameBuf, { method: 0, crc: 0, size, compressedSize: size, zip64: this.needs64(size) });
    const tally = new MemberTally(name, size);
    return {
      write: async (chunk) => {
        tally.add(chunk);
        await this.append(chunk);
      },
      end: async () => {
        const crc = tally.finish();
        await this.flush();
        const c = Buffer.alloc(4);
        c.writeUInt32LE(crc, 0);
        await this.fh.write(c, 0, 4, offset + 14);
        this.entries.push({ name: nameBuf, crc, compressedSize: size, size, offset, method: 0 });
        this.open = false;
      },
    };
  }

  /**
   * Start a member of `size` uncompressed bytes, deflated as it streams (raw DEFLATE at `level`, like
   * np.savez_compressed). The compressed size is unknown until the end, so the local header gets a
   * ZIP64 extra field whenever the compressed data could reach 4 GiB (incompressible data grows by a
   * few bytes per 16 KiB block; 1/1024 + 1 KiB covers it).
   */
  async beginDeflated(name: string, size: number, level: number): Promise<ZipMemberWriter> {
    if (this.open) throw new Error('zip: previous member not ended');
    this.open = true;
    const nameBuf = Buffer.from(name, 'utf8');
    const zip64 = this.needs64(size + Math.ceil(size / 1024) + 1024);
    // CRC and compressed size are patched at end().
    const offset = await this.localHeader(nameBuf, { method: 8, crc: 0, size, compressedSize: 0, zip64 });
    const dataStart = this.pos;
    const z = createDeflateRaw({ level });
    const out: Buffer[] = [];
    let failure: Error | null = null;
    z.on('data', (b: Buffer) => out.push(b));
    z.on('error', (err) => (failure = err));
    const drain = async (): Promise<void> => {
      if (failure) throw failure;
      while (out.length > 0) await this.append(out.shift()!);
    };
    const tally = new MemberTally(name, size);
    return {
      write: async (chunk) => {
        tally.add(chunk);
        await new Promise<void>((resolve, reject) => z.write(chunk, (err) => (err ? reject(err) : resolve())));
        await drain();
      },
      end: async () => {
        const crc = tally.finish();
        const ended = once(z, 'end');
        z.end();
        await ended;
        await drain();
        await this.flush();
        const compressedSize = this.pos - dataStart;
        if (!zip64 && this.needs64(compressedSize)) throw new Error(`zip: member ${name} deflated to ${compressedSize} bytes without ZIP64`);
        const c = Buffer.alloc(4);
        c.writeUInt32LE(crc, 0);
        await this.fh.write(c, 0, 4, offset + 14);
        if (zip64) {
          const z64 = Buffer.alloc(8);
          z64.writeBigUInt64LE(BigInt(compressedSize), 0);
          await this.fh.write(z64, 0, 8, offset + 30 + nameBuf.length + 12);
        } else {
          const cs = Buffer.alloc(4);
          cs.writeUInt32LE(compressedSize, 0);
          await this.fh.write(cs, 0, 4, offset + 18);
        }
        this.entries.push({ name: nameBuf, crc, compressedSize, size, offset, method: 8 });
        this.open = false;
      },
    };
  }

  /** Write a whole member whose bytes are in memory. */
  async addStored(name: string, data: Uint8Array): Promise<void> {
    const m = await this.beginStored(name, data.length);
    await m.write(data);
    await m.end();
  }

  /** Write a member already deflated (raw DEFLATE) with its CRC and sizes known. */
  async addDeflated(name: string, deflated: Uint8Array, size: number, crc: number): Promise<void> {
    if (this.open) throw new Error('zip: previous member not ended');
    const nameBuf = Buffer.from(name, 'utf8');
    const zip64 = this.needs64(size) || this.needs64(deflated.length);
    const offset = await this.localHeader(nameBuf, { method: 8, crc, size, compressedSize: deflated.length, zip64 });
    await this.append(deflated);
    this.entries.push({ name: nameBuf, crc: crc >>> 0, compressedSize: deflated.length, size, offset, method: 8 });
  }

  async close(): Promise<void> {
    if (this.open) throw new Error('zip: member not ended before close');
    const cdStart = this.pos;
    for (const e of this.entries) {
      const z64 = this.needs64(e.size) || this.needs64(e.compressedSize) || this.needs64(e.offset);
      const fields: bigint[] = [];
      if (z64) {
        // Order fixed by the spec: uncompressed size, compressed size, offset (only those set to 0xFFFFFFFF).
        fields.push(BigInt(e.size), BigInt(e.compressedSize), BigInt(e.offset));
      }
      const extra = Buffer.alloc(fields.length ? 4 + 8 * fields.length : 0);
      if (fields.length) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * fields.length, 2);
        fields.forEach((v, i) => extra.writeBigUInt64LE(v, 4 + 8 * i));
      }
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(z64 ? 45 : 20, 4); // made by: MS-DOS, spec version
      h.writeUInt16LE(z64 ? 45 : 20, 6);
      h.writeUInt16LE(0x0800, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(DOS_TIME, 12);
      h.writeUInt16LE(DOS_DATE, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(z64 ? U32 : e.compressedSize, 20);
      h.writeUInt32LE(z64 ? U32 : e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt16LE(0, 32); // comment
      h.writeUInt16LE(0, 34); // disk
      h.writeUInt16LE(0, 36); // internal attrs
      h.writeUInt32LE(0, 38); // external attrs
      h.writeUInt32LE(z64 ? U32 : e.offset, 42);
      await this.append(h);
      await this.append(e.name);
      await this.append(extra);
    }
    const cdSize = this.pos - cdStart;
    const count = this.entries.length;
    const z64End = this.needs64(cdStart) || this.needs64(cdSize) || count >= 0xffff;
    if (z64End) {
      const r = Buffer.alloc(56);
      const recOffset = this.pos;
      r.writeUInt32LE(0x06064b50, 0);
      r.writeBigUInt64LE(44n, 4);
      r.writeUInt16LE(45, 12);
      r.writeUInt16LE(45, 14);
      r.writeUInt32LE(0, 16);
      r.writeUInt32LE(0, 20);
      r.writeBigUInt64LE(BigInt(count), 24);
      r.writeBigUInt64LE(BigInt(count), 32);
      r.writeBigUInt64LE(BigInt(cdSize), 40);
      r.writeBigUInt64LE(BigInt(cdStart), 48);
      await this.append(r);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeUInt32LE(0, 4);
      loc.writeBigUInt64LE(BigInt(recOffset), 8);
      loc.writeUInt32LE(1, 16);
      await this.append(loc);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(z64End ? 0xffff : count, 8);
    end.writeUInt16LE(z64End ? 0xffff : count, 10);
    end.writeUInt32LE(z64End ? U32 : cdSize, 12);
    end.writeUInt32LE(z64End ? U32 : cdStart, 16);
    await this.append(end);
    await this.flush();
    await this.fh.close();
  }

  /** Close the file without writing a directory (the caller deletes it). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's data (after its local header). */
  dataOffset: number;
  /** General purpose flags (bit 0: encrypted; bit 11: UTF-8 name). */
  flags: number;
  /** The host system of "version made by" (3 = Unix: the high 16 bits of `externalAttributes` are its mode). */
  madeBy: number;
  externalAttributes: number;
}

/** Read a ZIP's central directory (ZIP64 aware), with positional reads: works for files of any size. */
export async function readZipDirectory(fh: FileHandle, what: string): Promise<ZipEntry[]> {
  const { size: fileSize } = await fh.stat();
  const tailLen = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, fileSize - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${what}: not a ZIP/NPZ file or truncated (no end of central directory)`);
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdStart = tail.readUInt32LE(eocd + 16);
  if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
    const recOff = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const rec = Buffer.alloc(56);
    await fh.read(rec, 0, 56, recOff);
    if (rec.readUInt32LE(0) !== 0x06064b50) throw new Error(`${what}: corrupt ZIP64 end record`);
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdStart = Number(rec.readBigUInt64LE(48));
  }
  if (cdStart + cdSize > fileSize) throw new Error(`${what}: truncated (central directory beyond end of file)`);
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdStart);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${what}: corrupt central directory`);
    const madeBy = cd.readUInt8(p + 5);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let csize = cd.readUInt32LE(p + 20);
    let usize = cd.readUInt32LE(p + 24);
    const nlen = cd.readUInt16LE(p + 28);
    const xlen = cd.readUInt16LE(p + 30);
    const clen = cd.readUInt16LE(p + 32);
    const externalAttributes = cd.readUInt32LE(p + 38);
    let offset = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nlen).toString('utf8');
    let x = p + 46 + nlen;
    const xEnd = x + xlen;
    while (x + 4 <= xEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (usize === U32) (usize = Number(cd.readBigUInt64LE(q))), (q += 8);
        if (csize === U32) (csize = Number(cd.readBigUInt64LE(q))), (q += 8);
        if (offset === U32) offset = Number(cd.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    p = xEnd + clen;
    const lh = Buffer.alloc(30);
    await fh.read(lh, 0, 30, offset);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new Error(`${what}: corrupt local header for ${name}`);
    const dataOffset = offset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    if (dataOffset + csize > fileSize) throw new Error(`${what}: member ${name} is truncated`);
    // Size lies are refused before anything is allocated: a stored member is as long as its data, and
    // deflate cannot expand more than 1032:1 (zlib's limit), so a larger declared size is crafted.
    if (method === 0 && csize !== usize) throw new Error(`${what}: stored member ${name} declares ${usize} bytes but holds ${csize} (corrupt or crafted file)`);
    if (method === 8 && usize > csize * MAX_DEFLATE_RATIO + 1024) {
      throw new Error(`${what}: member ${name} declares ${usize} bytes from ${csize} compressed, more than deflate can produce (corrupt or crafted file)`);
    }
    entries.push({ name, method, crc, compressedSize: csize, size: usize, dataOffset, flags, madeBy, externalAttributes });
  }
  return entries;
}

const READ_CHUNK = 1 << 20;
/** The largest expansion deflate can achieve (zlib technical details: 1032:1). */
const MAX_DEFLATE_RATIO = 1032;

/** The raw (possibly compressed) bytes of a member, read in chunks. */
async function* rawChunks(fh: FileHandle, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  for (let done = 0; done < entry.compressedSize; ) {
    const n = Math.min(READ_CHUNK, entry.compressedSize - done);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await fh.read(buf, 0, n, entry.dataOffset + done);
    if (bytesRead !== n) throw new Error(`member ${entry.name} is truncated`);
    done += n;
    yield buf;
  }
}

class SizeLie extends Error {}

/**
 * Stream a member's uncompressed bytes (stored or deflated). When the member is read to its end, its
 * length and CRC-32 are checked against the directory; stopping early skips the check.
 */
export async function* memberBytes(fh: FileHandle, entry: ZipEntry, what: string): AsyncGenerator<Uint8Array> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new Error(`${what}: member ${entry.name} uses ZIP method ${entry.method}; only stored (0) and deflated (8) are supported`);
  }
  let crc = 0;
  let total = 0;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new Error(`${what}: stored member ${entry.name} has ${entry.compressedSize} bytes, the directory says ${entry.size} (corrupt file)`);
    for await (const c of rawChunks(fh, entry)) {
      crc = crc32(c, crc);
      total += c.length;
      yield c;
    }
  } else {
    const src = Readable.from(rawChunks(fh, entry), { objectMode: false });
    const z = src.pipe(createInflateRaw());
    src.on('error', (err) => z.destroy(err));
    try {
      for await (const c of z as AsyncIterable<Buffer>) {
        crc = crc32(c, crc);
        total += c.length;
        // Inflate is bounded by the declared size: a member that inflates past it (a bomb, or a lying
        // directory) is refused at once, never expanded to the end.
        if (total > entry.size) throw new SizeLie(`${what}: member ${entry.name} inflates past its declared ${entry.size} bytes (a decompression bomb or a corrupt directory); refused`);
        yield c;
      }
    } catch (err) {
      if (err instanceof SizeLie) throw new Error(err.message);
      throw new Error(`${what}: member ${entry.name} does not inflate (${(err as Error).message})`);
    } finally {
      src.destroy();
      z.destroy();
    }
  }
  if (total !== entry.size) throw new Error(`${what}: member ${entry.name} has ${total} bytes, the directory says ${entry.size}`);
  if ((crc >>> 0) !== entry.crc) throw new Error(`${what}: member ${entry.name} fails its CRC-32 check (corrupt file)`);
}
