// The format-independent content hash of one dataset at one size: NPZ, Arrow, Parquet and PNG of the
// same data give the same hash, because it is taken over the decoded records, never over file bytes.
//
//   sample  = SHA-256( u32le(label length) | label bytes | u32le(pixel length) | pixel bytes )
//   split   = SHA-256 over the lines `<index>:<sample hex>\n` of the split, in index order
//   content = SHA-256 over the lines `<split>:<count>:<split hex>\n` for train, val, test
//
// Hashing streams (constant memory). The engine feeds it the records it writes; verify --content and
// diff feed it what a format's readRecords() decodes.
import { createHash, type Hash } from 'node:crypto';
import { SPLITS, type SplitName } from '../core/contract.js';
import type { DatasetSink, ReadRecord, SinkRecord } from '../formats/sink.js';
import type { ContentHash } from './lockfile.js';

export function sampleHash(label: Uint8Array, pixels: Uint8Array): string {
  const h = createHash('sha256');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(label.length);
  h.update(len);
  h.update(label);
  len.writeUInt32LE(pixels.length);
  h.update(len);
  h.update(pixels);
  return h.digest('hex');
}

export class ContentHasher {
  private readonly splits = new Map<SplitName, { hash: Hash; count: number }>();
  private last: { split: number; index: number } = { split: 0, index: -1 };

  /** Add one record; records must come in split order, then index order, without gaps. */
  add(split: SplitName, index: number, label: Uint8Array, pixels: Uint8Array): string {
    const si = SPLITS.indexOf(split);
    const expected = si === this.last.split ? this.last.index + 1 : 0;
    if (si < this.last.split || index !== expected) {
      throw new Error(`content hash: record ${split}[${index}] out of order (after ${SPLITS[this.last.split]}[${this.last.index}])`);
    }
    this.last = { split: si, index };
    let s = this.splits.get(split);
    if (!s) this.splits.set(split, (s = { hash: createHash('sha256'), count: 0 }));
    const h = sampleHash(label, pixels);
    s.hash.update(`${index}:${h}\n`);
    s.count++;
    return h;
  }

  digest(): ContentHash {
    const top = createHash('sha256');
    const splits = {} as ContentHash['splits'];
    for (const split of SPLITS) {
      const s = this.splits.get(split);
      const sha256 = (s?.hash ?? createHash('sha256')).digest('hex');
      const count = s?.count ?? 0;
      splits[split] = { count, sha256 };
      top.update(`${split}:${count}:${sha256}\n`);
    }
    return { sha256: top.digest('hex'), splits };
  }
}

/** A sink that writes nothing and hashes what the engine streams to the real sinks of that size. */
export class ContentHashSink implements DatasetSink {
  private readonly hasher = new ContentHasher();
  private result: ContentHash | null = null;

  async write(r: SinkRecord): Promise<void> {
    this.hasher.add(r.split, r.index, r.label, r.pixels);
  }

  async finish(): Promise<string[]> {
    this.result = this.hasher.digest();
    return [];
  }

  async abort(): Promise<void> {}

  get content(): ContentHash {
    if (!this.result) throw new Error('content hash read before the sink finished');
    return this.result;
  }
}

/** Content hash of decoded records; `onSample` sees each sample's hash (diff uses it). */
export async function contentOfRecords(
  records: AsyncIterable<ReadRecord>,
  onSample?: (split: SplitName, index: number, hash: string) => void,
): Promise<ContentHash> {
  const h = new ContentHasher();
  for await (const r of records) {
    const s = h.add(r.split, r.index, r.label, r.pixels);
    onSample?.(r.split, r.index, s);
  }
  return h.digest();
}
