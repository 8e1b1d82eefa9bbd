// NPZ (np.savez layout): members train_images.npy, train_labels.npy, val_..., test_... in that order;
// images streamed straight into their stored member, labels kept (small) until the split ends.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SPLITS, type SplitName } from '../pipeline/contract.js';
import { npyHeader, parseNpyHeader, type NpyInfo } from './npy.js';
import type { DatasetSink, OutputFormat, ReadRecord, SinkContext, SinkRecord } from './sink.js';
import { readZipDirectory, ZipWriter, type ZipEntry, type ZipMemberWriter } from './zip.js';

export const NPZ_KEYS = SPLITS.flatMap((s) => [`${s}_images`, `${s}_labels`]);

class NpzSink implements DatasetSink {
  private zip: ZipWriter | null = null;
  private split: SplitName | null = null;
  private member: ZipMemberWriter | null = null;
  private labels: Uint8Array = new Uint8Array(0);
  private written = 0;
  private readonly imageBytes: number;

  constructor(private readonly ctx: SinkContext, private readonly path: string) {
    this.imageBytes = ctx.imageShape.reduce((a, b) => a * b, 1);
  }

  async open(): Promise<void> {
    this.zip = await ZipWriter.create(this.path);
  }

  private async startSplit(split: SplitName): Promise<void> {
    const zip = this.zip!;
    const n = this.ctx.counts[split];
    const header = npyHeader([n, ...this.ctx.imageShape]);
    this.member = await zip.beginStored(`${split}_images.npy`, header.length + n * this.imageBytes);
    await this.member.write(header);
    this.labels = new Uint8Array(n * this.ctx.spec.labelColumns);
    this.written = 0;
    this.split = split;
  }

  private async endSplit(): Promise<void> {
    const split = this.split!;
    const n = this.ctx.counts[split];
    if (this.written !== n) throw new Error(`npz: ${split} got ${this.written} images, expected ${n}`);
    await this.member!.end();
    const header = npyHeader([n, this.ctx.spec.labelColumns]);
    const lab = new Uint8Array(header.length + this.labels.length);
    lab.set(header, 0);
    lab.set(this.labels, header.length);
    await this.zip!.addStored(`${split}_labels.npy`, lab);
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
    this.labels.set(r.label, this.written * this.ctx.spec.labelColumns);
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
        if (entry.method !== 0) {
          throw new Error(`${what}: compressed members need the compressed-NPZ reader (method ${entry.method})`);
        }
        const head = Buffer.alloc(Math.min(entry.size, 4096));
        await fh.read(head, 0, head.length, entry.dataOffset);
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

  member(key: string): NpzMember {
    const m = this.members.get(key);
    if (!m) throw new Error(`${this.path}: no member ${key}.npy (has ${[...this.members.keys()].join(', ')})`);
    return m;
  }

  async read(key: string): Promise<NpzArray> {
    const m = this.member(key);
    const n = m.entry.size - m.info.headerLength;
    const data = new Uint8Array(n);
    await this.fh.read(data, 0, n, m.entry.dataOffset + m.info.headerLength);
    return { shape: m.info.shape, data };
  }

  /** Stream a member's rows in batches of up to `rows` items (first axis). */
  async *rows(key: string, rows: number): AsyncGenerator<{ start: number; count: number; data: Uint8Array }> {
    const m = this.member(key);
    const [n = 0, ...rest] = m.info.shape;
    const item = rest.reduce((a, b) => a * b, 1);
    for (let start = 0; start < n; start += rows) {
      const count = Math.min(rows, n - start);
      const data = new Uint8Array(count * item);
      await this.fh.read(data, 0, data.length, m.entry.dataOffset + m.info.headerLength + start * item);
      yield { start, count, data };
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
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
