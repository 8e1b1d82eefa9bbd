// A stat cache of raw-input hashes, kept in the output folder (like git's index): for each input file
// the size, mtime, ctime and inode it had when hashed, and its SHA-256. Deciding whether a dataset is up
// to date then costs a stat per input instead of re-reading gigabytes; a file whose stat changed in any
// way (edited, touched, replaced) is hashed again. The cache is only an accelerator: it is never part
// of the lock, a damaged or foreign cache is ignored, and --frozen never uses it.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { writeFileAtomicSync } from '../core/atomic-write.js';
import { boundHeap } from '../core/heap.js';
import { TextWriter } from '../core/text-writer.js';
import { sha256File } from './hash.js';
import { HashedFileList } from './hashed-files.js';
import { compareUtf8, inputsManifestHash, relativeInputPath } from './inputs.js';
import type { LockInputFile, LockInputs } from './lockfile.js';

export const INPUT_CACHE_NAME = '.medmnist-build-inputs.json';
const CACHE_VERSION = 1;

interface CacheEntry {
  bytes: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: number;
  sha256: string;
}

interface CacheFile {
  version: typeof CACHE_VERSION;
  /** Absolute input path -> what it was when hashed. */
  files: Record<string, CacheEntry>;
}

function statKey(st: Stats & { mtimeNs?: bigint }): Omit<CacheEntry, 'sha256'> {
  const big = st as unknown as { mtimeNs: bigint; ctimeNs: bigint; size: bigint; ino: bigint };
  return { bytes: Number(big.size), mtimeNs: String(big.mtimeNs), ctimeNs: String(big.ctimeNs), ino: Number(big.ino) };
}

function sameStat(a: Omit<CacheEntry, 'sha256'>, b: Omit<CacheEntry, 'sha256'>): boolean {
  return a.bytes === b.bytes && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** A build's inputs to remember, written by save() straight from the build's list. */
interface Recorded {
  inputDir: string;
  /** Sorted by path (compareUtf8), as the lock lists them; compact, as the lock's objects go first. */
  files: HashedFileList;
  since: number;
}

export class InputHashCache {
  private dirty = false;
  private readonly recorded: Recorded[] = [];
  /** Files hashed (not taken from the cache) by the last hashInputs call. */
  rehashed = 0;

  private constructor(
    private readonly path: string,
    private readonly data: CacheFile,
  ) {}

  static load(outDir: string): InputHashCache {
    const path = join(outDir, INPUT_CACHE_NAME);
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
      if (data.version === CACHE_VERSION && data.files && typeof data.files === 'object') return new InputHashCache(path, data);
    } catch {
      /* absent or damaged: start empty */
    }
    return new InputHashCache(path, { version: CACHE_VERSION, files: {} });
  }

  /** The inputs as the lock records them, hashing only files whose stat is not in the cache. */
  async hashInputs(inputDir: string, files: readonly string[], onFile?: (done: number, total: number) => void): Promise<LockInputs> {
    const rels = [...new Set(files)].map((abs) => ({ abs, path: relativeInputPath(inputDir, abs) }));
    rels.sort((a, b) => compareUtf8(a.path, b.path));
    const out: LockInputFile[] = [];
    this.rehashed = 0;
    for (const r of rels) {
      const st = statSync(r.abs, { bigint: true, throwIfNoEntry: false });
      if (!st) throw new Error(`${r.abs}: the input file disappeared while it was being checked`);
      const key = statKey(st as unknown as Stats);
      const hit = this.data.files[r.abs];
      let sha256: string;
      if (hit && sameStat(hit, key)) sha256 = hit.sha256;
      else {
        const h = await sha256File(r.abs);
        // Racy-git rule: a file changed in the same instant as it was hashed is not trusted next time.
        const after = statKey(statSync(r.abs, { bigint: true }) as unknown as Stats);
        sha256 = h.sha256;
        if (sameStat(after, key) && h.bytes === key.bytes) {
          this.data.files[r.abs] = { ...key, sha256 };
          this.dirty = true;
        }
        this.rehashed++;
      }
      out.push({ path: r.path, bytes: key.bytes, sha256 });
      onFile?.(out.length, rels.length);
    }
    return { manifestSha256: inputsManifestHash(out), files: out };
  }

  /**
   * Remember the hashes a build took while reading its inputs, in the file save() writes (not for this
   * instance's hashInputs). Only files not modified since the build started (`since`, ms) are kept: one
   * changed during the build gets hashed afresh next time.
   */
  record(inputDir: string, inputs: LockInputs, since: number): void {
    // Kept as a compact copy of the build's list and turned into entries while saving: as objects the
    // entries of TissueMNIST's 236k stacks held 140 MB, and the lock's own list (30 MB) can go.
    this.recorded.push({ inputDir, files: HashedFileList.of(inputs.files), since });
    this.dirty = true;
  }

  /** True when a recorded build lists `abs` (its entry is written from that build, or dropped). */
  private isRecorded(abs: string): boolean {
    for (const r of this.recorded) {
      if (!abs.startsWith(r.inputDir + sep)) continue;
      const path = relativeInputPath(r.inputDir, abs);
      let lo = 0;
      let hi = r.files.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const c = compareUtf8(r.files.path(mid), path);
        if (c === 0) return true;
        if (c < 0) lo = mid + 1;
        else hi = mid;
      }
    }
    return false;
  }

  /** The cache entry of a recorded file, or null if it changed since the build started (or is gone). */
  private static entryOf(abs: string, f: LockInputFile, since: number): CacheEntry | null {
    const st = statSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) return null;
    const key = statKey(st as unknown as Stats);
    if (key.bytes !== f.bytes || Number(BigInt(key.mtimeNs) / 1_000_000n) >= since) return null;
    return { ...key, sha256: f.sha256 };
  }

  /** Write the cache if it changed (atomically; failure only costs re-hashing next time). */
  save(): void {
    if (!this.dirty) return;
    try {
      // The cache file an entry at a time (as one string it is 55 MB for TissueMNIST): entries of files
      // a recorded build lists come from that build, every other entry stays.
      writeFileAtomicSync(this.path, (fd) => {
        const w = new TextWriter(fd);
        w.put(`{"version":${this.data.version},"files":{`);
        let comma = '';
        const put = (abs: string, entry: CacheEntry) => {
          w.put(`${comma}${JSON.stringify(abs)}:${JSON.stringify(entry)}`);
          comma = ',';
        };
        for (const k of Object.keys(this.data.files)) if (!this.isRecorded(k)) put(k, this.data.files[k]!);
        for (const r of this.recorded) {
          for (const f of r.files) {
            const abs = join(r.inputDir, ...f.path.split('/'));
            const entry = InputHashCache.entryOf(abs, f, r.since);
            if (entry) put(abs, entry);
            boundHeap();
          }
        }
        w.put('}}');
        w.flush();
      });
      this.dirty = false;
    } catch {
      /* read-only or full: the cache is an accelerator only */
    }
  }
}
