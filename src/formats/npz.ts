// NPZ (np.savez layout): members train_images.npy, train_labels.npy, val_..., test_... in that order;
// images streamed straight into their member, labels kept (small) until the split ends. With the
// format option npzCompress (--npz-compress) members are deflated like np.savez_compressed (zlib
// level 6, numpy's default), still streamed, ZIP64-capable and deterministic.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { SPLITS, type SplitName, labelColumns } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import { npyHeader, parseNpyHeader, type NpyInfo } from './npy.js';
import type { DatasetSink, OutputFormat, ReadRecord, SinkContext, SinkRecord } from './sink.js';
import { memberBytes, readZipDirectory, ZipWriter, type ZipEntry, type ZipMemberWriter } from './zip.js';

/** zlib level of compressed NPZ members (Python's zlib default, which np.savez_compressed uses). */
export const NPZ_DEFLATE_LEVEL = 6;

/** The sink option set by --npz-compress. */
export function npzCompressOption(options: SinkContext['options']): boolean {
  return options['npzCompress'] === true;
}


class NpzSink implements DatasetSink {
  private zip: ZipWriter | null = null;
  private split: SplitName | null = null;
  private member: ZipMemberWriter | null = null;
  private labels: Uint8Array = new Uint8Array(0);
  private written = 0;
  private readonly imageBytes: number;
  private readonly compress: boolean;

  constructor(private readonly ctx: SinkContext, private readonly path: string) {
    this.imageBytes = ctx.imageShape.reduce((a, b) => a * b, 1);
    this.compress = npzCompressOption(ctx.options);
  }

  async open(): Promise<void> {
    this.zip = await ZipWriter.create(this.path);
  }

  private async startSplit(split: SplitName): Promise<void> {
    const zip = this.zip!;
    const n = this.ctx.counts[split];
    const header = npyHeader([n, ...this.ctx.imageShape]);
    const name = `${split}_images.npy`;
    const size = header.length + n * this.imageBytes;
    this.member = this.compress ? await zip.beginDeflated(name, size, NPZ_DEFLATE_LEVEL) : await zip.beginStored(name, size);
    await this.member.write(header);
    this.labels = new Uint8Array(n * labelColumns(this.ctx.spec));
    this.written = 0;
    this.split = split;
  }

  private async endSplit(): Promise<void> {
    const split = this.split!;
    const n = this.ctx.counts[split];
    if (this.written !== n) throw new Error(`npz: ${split} got ${this.written} images, expected ${n}`);
    await this.member!.end();
    const header = npyHeader([n, labelColumns(this.ctx.spec)]);
    const lab = new Uint8Array(header.length + this.labels.length);
    lab.set(header, 0);
    lab.set(this.labels, header.length);
    if (this.compress) {
      await this.zip!.addDeflated(`${split}_labels.npy`, deflateRawSync(lab, { level: NPZ_DEFLATE_LEVEL }), lab.length, crc32(lab));
    } else {
      await this.zip!.addStored(`${split}_labels.npy`, lab);
    }
    this.split = null;
  }

  /** Index in SPLITS of the next split to open. */
  private next = 0;

  /** Close the open split and open `target` (null: none), writing any skipped split as empty. */
  private async advanceTo(target: SplitName | null): Promise<void> {
    if (this.split !== null) await this.endSplit();
    const upto = target === null ? SPLITS.length : SPLITS.indexOf(target);
    if (upto < this.next) throw new Error(`npz: split ${target} written after a later split`);
    for (; this.next < upto; this.next++) {
      await this.startSplit(SPLITS[this.next]!);
      await this.endSplit();
    }
    if (target !== null) {
      await this.startSplit(target);
      this.next = upto + 1;
    }
  }

  async write(r: SinkRecord): Promise<void> {
    if (r.split !== this.split) await this.advanceTo(r.split);
    if (r.index !== this.written) throw new Error(`npz: ${r.split} index ${r.index} out of order`);
    if (r.pixels.length !== this.imageBytes) throw new Error(`npz: image of ${r.pixels.length} bytes, expected ${this.imageBytes}`);
    await this.member!.write(r.pixels);
    this.labels.set(r.label, this.written * labelColumns(this.ctx.spec));
    this.written++;
  }

  async finish(): Promise<string[]> {
    await this.advanceTo(null);
    await this.zip!.close();
    return [`${this.ctx.baseName}.npz`];
  }

  async abort(): Promise<void> {
    await this.zip?.abort();
  }
}

export const npzFormat: OutputFormat = {
  name: 'npz',
  fileNames: (base) => [`${base}.npz`],
  async createSink(ctx) {
    const sink = new NpzSink(ctx, join(ctx.dir, `${ctx.baseName}.npz`));
    await sink.open();
    return sink;
  },
  readRecords: (outDir, base) => readNpzRecords(join(outDir, `${base}.npz`)),
};

/** Stream the records of an NPZ in split and index order, a batch of images at a time. */
export async function* readNpzRecords(path: string): AsyncGenerator<ReadRecord> {
  const f = await NpzFile.open(path);
  try {
    for (const split of SPLITS) {
      const labels = await f.read(`${split}_labels`);
      const cols = labels.shape[1] ?? 1;
      const imgs = f.member(`${split}_images`).info.shape;
      if (imgs[0] !== labels.shape[0]) {
        throw new Error(`${path}: ${split}_images has ${imgs[0]} items but ${split}_labels has ${labels.shape[0]}`);
      }
      const item = imgs.slice(1).reduce((a, b) => a * b, 1);
      for await (const batch of f.rows(`${split}_images`, 256)) {
        for (let i = 0; i < batch.count; i++) {
          const index = batch.start + i;
          yield {
            split,
            index,
            pixels: batch.data.subarray(i * item, (i + 1) * item),
            label: labels.data.subarray(index * cols, (index + 1) * cols),
          };
        }
      }
    }
  } finally {
    await f.close();
  }
}

export interface NpzArray {
  shape: number[];
  data: Uint8Array;
}

export interface NpzMember {
  key: string;
  entry: ZipEntry;
  info: NpyInfo;
}

/** An opened NPZ: validated headers of every member; arrays read on demand. */
export class NpzFile {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly members: Map<string, NpzMember>,
  ) {}

  static async open(path: string): Promise<NpzFile> {
    const fh = await open(path, 'r');
    try {
      const entries = await readZipDirectory(fh, path);
      const members = new Map<string, NpzMember>();
      for (const entry of entries) {
        if (!entry.name.endsWith('.npy')) continue;
        const key = entry.name.slice(0, -4);
        const what = `${path} member ${entry.name}`;
        const head = await readHead(fh, entry, Math.min(entry.size, 4096), what);
        const info = parseNpyHeader(head, what);
        if (info.descr !== '|u1' && info.descr !== '<u1') throw new Error(`${what}: dtype ${info.descr}, expected uint8`);
        if (info.fortranOrder) throw new Error(`${what}: Fortran-ordered arrays are not supported`);
        const expected = info.headerLength + info.shape.reduce((a, b) => a * b, 1);
        if (entry.size !== expected) {
          throw new Error(`${what}: truncated or oversized member (${entry.size} bytes, header says ${expected})`);
        }
        members.set(key, { key, entry, info });
      }
      return new NpzFile(path, fh, members);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** True when any member is deflated (np.savez_compressed or --npz-compress). */
  get compressed(): boolean {
    return [...this.members.values()].some((m) => m.entry.method !== 0);
  }

  member(key: string): NpzMember {
    const m = this.members.get(key);
    if (!m) throw new Error(`${this.path}: no member ${key}.npy (has ${[...this.members.keys()].join(', ')})`);
    return m;
  }

  async read(key: string): Promise<NpzArray> {
    const m = this.member(key);
    const n = m.entry.size - m.info.headerLength;
    const data = new Uint8Array(n);
    if (m.entry.method === 0) {
      await this.fh.read(data, 0, n, m.entry.dataOffset + m.info.headerLength);
    } else {
      let pos = -m.info.headerLength;
      for await (const c of memberBytes(this.fh, m.entry, this.path)) {
        if (pos >= 0) data.set(c, pos);
        else if (pos + c.length > 0) data.set(c.subarray(-pos), 0);
        pos += c.length;
      }
    }
    return { shape: m.info.shape, data };
  }

  /** Stream a member's rows in batches of up to `rows` items (first axis). */
  async *rows(key: string, rows: number): AsyncGenerator<{ start: number; count: number; data: Uint8Array }> {
    const m = this.member(key);
    const [n = 0, ...rest] = m.info.shape;
    const item = rest.reduce((a, b) => a * b, 1);
    if (m.entry.method === 0) {
      for (let start = 0; start < n; start += rows) {
        const count = Math.min(rows, n - start);
        const data = new Uint8Array(count * item);
        await this.fh.read(data, 0, data.length, m.entry.dataOffset + m.info.headerLength + start * item);
        yield { start, count, data };
      }
      return;
    }
    // Deflated: inflate as a stream and cut it into batches of rows.
    let skip = m.info.headerLength;
    let start = 0;
    let batch = new Uint8Array(Math.min(rows, n) * item);
    let fill = 0;
    for await (let c of memberBytes(this.fh, m.entry, this.path)) {
      if (skip > 0) {
        const k = Math.min(skip, c.length);
        c = c.subarray(k);
        skip -= k;
      }
      while (c.length > 0) {
        const k = Math.min(c.length, batch.length - fill);
        batch.set(c.subarray(0, k), fill);
        fill += k;
        c = c.subarray(k);
        if (fill === batch.length) {
          const count = batch.length / item;
          yield { start, count, data: batch };
          start += count;
          batch = new Uint8Array(Math.min(rows, n - start) * item);
          fill = 0;
        }
      }
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** The first `n` uncompressed bytes of a member (its NPY header). */
async function readHead(fh: FileHandle, entry: ZipEntry, n: number, what: string): Promise<Uint8Array> {
  const head = Buffer.alloc(n);
  if (entry.method === 0) {
    await fh.read(head, 0, n, entry.dataOffset);
    return head;
  }
  let got = 0;
  for await (const c of memberBytes(fh, entry, what)) {
    const k = Math.min(n - got, c.length);
    head.set(c.subarray(0, k), got);
    got += k;
    if (got === n) break;
  }
  if (got < n) throw new DataError(`${what}: truncated NPY header`);
  return head;
}

/** Read every array of an NPZ into memory (tests, small files). */
export async function readNpz(path: string): Promise<Record<string, NpzArray>> {
  const f = await NpzFile.open(path);
  try {
    const out: Record<string, NpzArray> = {};
    for (const key of f.members.keys()) out[key] = await f.read(key);
    return out;
  } finally {
    await f.close();
  }
}
