// A stat cache of raw-input hashes, kept in the output folder (like git's index): for each input file
// the size, mtime, ctime and inode it had when hashed, and its SHA-256. Deciding whether a dataset is up
// to date then costs a stat per input instead of re-reading gigabytes; a file whose stat changed in any
// way (edited, touched, replaced) is hashed again. The cache is only an accelerator: it is never part
// of the lock, a damaged or foreign cache is ignored, and --frozen never uses it.
//
// The file is JSON with one entry per line, sorted by absolute path (compareUtf8):
//   {"version":2,"files":[
//   ["<absolute path>","<sha256>",<bytes>,"<mtimeNs>","<ctimeNs>",<ino>],
//   ...
//   ]}
// so that it is read and rewritten as a stream, merged with the lookups in path order: never held as
// a whole (parsed at once, TissueMNIST's 236k entries took ~400 MB).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { writeFileAtomicSync } from '../core/atomic-write.js';
import { boundHeap } from '../core/heap.js';
import { TextWriter } from '../core/text-writer.js';
import { sha256File } from './hash.js';
import { HashedFileList, isSha256Hex } from './hashed-files.js';
import { compareUtf8, inputsManifestHash, relativeInputPath } from './inputs.js';
import type { LockInputFile, LockInputs } from './lockfile.js';

export const INPUT_CACHE_NAME = '.medmnist-build-inputs.json';
const HEADER = '{"version":2,"files":[';
const FOOTER = ']}';

interface StatKey {
  bytes: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: number;
}

interface CacheEntry extends StatKey {
  abs: string;
  sha256: string;
}

function statKey(st: Stats): StatKey {
  const big = st as unknown as { mtimeNs: bigint; ctimeNs: bigint; size: bigint; ino: bigint };
  return { bytes: Number(big.size), mtimeNs: String(big.mtimeNs), ctimeNs: String(big.ctimeNs), ino: Number(big.ino) };
}

function sameStat(a: StatKey, b: StatKey): boolean {
  return a.bytes === b.bytes && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

function entryLine(e: CacheEntry): string {
  return JSON.stringify([e.abs, e.sha256, e.bytes, e.mtimeNs, e.ctimeNs, e.ino]);
}

function parseEntry(line: string): CacheEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 6) return null;
  const [abs, sha256, bytes, mtimeNs, ctimeNs, ino] = v as unknown[];
  if (typeof abs !== 'string' || typeof sha256 !== 'string' || !isSha256Hex(sha256) || typeof bytes !== 'number' || typeof mtimeNs !== 'string' || typeof ctimeNs !== 'string' || typeof ino !== 'number') return null;
  return { abs, sha256, bytes, mtimeNs, ctimeNs, ino };
}

/**
 * The entries of a cache file in order, one line at a time. A missing, foreign or damaged file (or one
 * out of order) ends the stream there: what was read before stays usable, nothing after it is trusted.
 */
class EntryReader {
  private fd: number | null = null;
  private readonly chunk = Buffer.allocUnsafe(1 << 20);
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private lines: string[] = [];
  private at = 0;
  private started = false;
  private last: string | null = null;
  /** The entry under the cursor (null: the end). */
  current: CacheEntry | null = null;

  constructor(path: string) {
    try {
      // Non-blocking, then only a regular file: a FIFO put in its place must not hang the build.
      this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      if (!fstatSync(this.fd).isFile()) this.close();
    } catch {
      this.close();
    }
    this.advance();
  }

  private nextLine(): string | null {
    while (this.at >= this.lines.length) {
      if (this.fd === null) return null;
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) {
        this.close();
        const tail = this.rest + this.decoder.end();
        this.rest = '';
        return tail === '' ? null : tail;
      }
      const parts = (this.rest + this.decoder.write(this.chunk.subarray(0, n))).split('\n');
      this.rest = parts.pop()!;
      this.lines = parts;
      this.at = 0;
    }
    return this.lines[this.at++]!;
  }

  /** Move to the next entry. */
  advance(): void {
    this.current = null;
    if (!this.started) {
      this.started = true;
      if (this.nextLine() !== HEADER) return this.close();
    }
    const line = this.nextLine();
    if (line === null || line === FOOTER) return this.close();
    const e = parseEntry(line.endsWith(',') ? line.slice(0, -1) : line);
    if (!e || (this.last !== null && compareUtf8(this.last, e.abs) >= 0)) return this.close();
    this.last = e.abs;
    this.current = e;
  }

  /** The entry for `abs`, passing over smaller ones; lookups must come in compareUtf8 order. */
  find(abs: string): CacheEntry | null {
    while (this.current && compareUtf8(this.current.abs, abs) < 0) this.advance();
    return this.current && this.current.abs === abs ? this.current : null;
  }

  close(): void {
    this.current = null;
    this.lines = [];
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A build's inputs to remember, written by save() straight from the build's list. */
interface Recorded {
  inputDir: string;
  /** Compact: the lock's list of objects can go before the cache is written. */
  files: HashedFileList;
  /** Indexes of `files` in compareUtf8 order of their absolute paths. */
  order: Uint32Array;
  since: number;
}

export class InputHashCache {
  private dirty = false;
  private readonly recorded: Recorded[] = [];
  /** Files hashed afresh by hashInputs, to be added by save(). */
  private readonly fresh: CacheEntry[] = [];
  /** Files hashed (not taken from the cache) by the last hashInputs call. */
  rehashed = 0;

  private constructor(private readonly path: string) {}

  static load(outDir: string): InputHashCache {
    return new InputHashCache(join(outDir, INPUT_CACHE_NAME));
  }

  /** The inputs as the lock records them, hashing only files whose stat is not in the cache. */
  async hashInputs(inputDir: string, files: readonly string[], onFile?: (done: number, total: number) => void): Promise<LockInputs> {
    const abs = [...new Set(files)];
    abs.sort(compareUtf8);
    const hashed: LockInputFile[] = new Array(abs.length);
    const reader = new EntryReader(this.path);
    this.rehashed = 0;
    try {
      for (let i = 0; i < abs.length; i++) {
        const file = abs[i]!;
        const st = statSync(file, { bigint: true, throwIfNoEntry: false });
        if (!st) throw new Error(`${file}: the input file disappeared while it was being checked`);
        const key = statKey(st as unknown as Stats);
        const hit = reader.find(file);
        let sha256: string;
        if (hit && sameStat(hit, key)) sha256 = hit.sha256;
        else {
          const h = await sha256File(file);
          // Racy-git rule: a file changed in the same instant as it was hashed is not trusted next time.
          const after = statKey(statSync(file, { bigint: true }) as unknown as Stats);
          sha256 = h.sha256;
          if (sameStat(after, key) && h.bytes === key.bytes) {
            this.fresh.push({ abs: file, sha256, ...key });
            this.dirty = true;
          }
          this.rehashed++;
        }
        hashed[i] = { path: relativeInputPath(inputDir, file), bytes: key.bytes, sha256 };
        onFile?.(i + 1, abs.length);
        boundHeap();
      }
    } finally {
      reader.close();
    }
    hashed.sort((a, b) => compareUtf8(a.path, b.path));
    return { manifestSha256: inputsManifestHash(hashed), files: hashed };
  }

  /**
   * Remember the hashes a build took while reading its inputs (`files`: as its lock lists them, in path
   * order), in the file save() writes (not for this instance's hashInputs). Only files not modified since the build started (`since`, ms) are kept: one
   * changed during the build gets hashed afresh next time.
   */
  record(inputDir: string, files: HashedFileList, since: number): void {
    const order = Uint32Array.from({ length: files.length }, (_, i) => i);
    // The lock's order (relative paths) is the order of the absolute paths when the separator is '/'.
    if (sep !== '/') {
      const abs = Array.from(order, (i) => absoluteOf(inputDir, files.path(i)));
      order.sort((a, b) => compareUtf8(abs[a]!, abs[b]!));
    }
    this.recorded.push({ inputDir, files, order, since });
    this.dirty = true;
  }

  /**
   * Write the cache if it changed (atomically; failure only costs re-hashing next time): the entries of
   * the cache file, of files hashed afresh and of recorded builds, merged in path order. Where several
   * name one file, the first of these decides: a recorded build (its entry, or none if the file changed
   * since the build started), a fresh hash, the file's old entry.
   */
  save(): void {
    if (!this.dirty) return;
    const old = new EntryReader(this.path);
    const fresh = [...this.fresh].sort((a, b) => compareUtf8(a.abs, b.abs));
    let fi = 0;
    const sources: EntrySource[] = [
      ...this.recorded.map((r) => recordedSource(r)),
      { head: () => fresh[fi]?.abs ?? null, entry: () => fresh[fi]!, next: () => void fi++ },
      { head: () => old.current?.abs ?? null, entry: () => old.current, next: () => old.advance() },
    ];
    try {
      writeFileAtomicSync(this.path, (fd) => {
        const w = new TextWriter(fd);
        w.put(HEADER);
        let first = true;
        for (;;) {
          let abs: string | null = null;
          for (const s of sources) {
            const h = s.head();
            if (h !== null && (abs === null || compareUtf8(h, abs) < 0)) abs = h;
          }
          if (abs === null) break;
          let decided = false;
          for (const s of sources) {
            if (s.head() !== abs) continue;
            if (!decided) {
              decided = true;
              const e = s.entry();
              if (e) {
                w.put(`${first ? '\n' : ',\n'}${entryLine(e)}`);
                first = false;
              }
            }
            s.next();
          }
          boundHeap();
        }
        w.put(`\n${FOOTER}\n`);
        w.flush();
      });
      this.dirty = false;
    } catch {
      /* read-only or full: the cache is an accelerator only */
    } finally {
      old.close();
    }
  }
}

/** Entries in path order: the path of the head, its entry (null: write none), and a step on. */
interface EntrySource {
  head(): string | null;
  entry(): CacheEntry | null;
  next(): void;
}

/** A recorded build's files in path order; an entry is the file's stat now, if unchanged since the build. */
function recordedSource(r: Recorded): EntrySource {
  let at = 0;
  let abs: string | null = null;
  const load = () => {
    abs = at < r.order.length ? absoluteOf(r.inputDir, r.files.path(r.order[at]!)) : null;
  };
  load();
  return {
    head: () => abs,
    entry: () => recordedEntry(abs!, r.files.at(r.order[at]!), r.since),
    next: () => {
      at++;
      load();
    },
  };
}

/** The cache entry of a recorded file, or null if it changed since the build started (or is gone). */
function recordedEntry(abs: string, f: LockInputFile, since: number): CacheEntry | null {
  const st = statSync(abs, { bigint: true, throwIfNoEntry: false });
  if (!st) return null;
  const key = statKey(st as unknown as Stats);
  if (key.bytes !== f.bytes || Number(BigInt(key.mtimeNs) / 1_000_000n) >= since) return null;
  return { abs, sha256: f.sha256, ...key };
}

function absoluteOf(inputDir: string, rel: string): string {
  return sep === '/' ? `${inputDir}/${rel}` : join(inputDir, ...rel.split('/'));
}
