// Files with their size and SHA-256 (the lock's raw inputs), kept compactly while a build runs: the item
// loop collects them for the lock, the stat cache keeps them for its next save. As objects with hex
// strings they held ~30 MB at TissueMNIST's 236k stacks; here a digest is 32 bytes of one buffer and
// an object is made only when one is asked for.
import type { LockInputFile } from './lockfile.js';

/** A SHA-256 as the lock and the stat cache write it: 64 lower-case hex digits. */
export function isSha256Hex(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

export class HashedFileList implements Iterable<LockInputFile> {
  private readonly paths: string[] = [];
  private sizes: Float64Array;
  private digests: Buffer;

  /** `expected`: how many files will be added (the arrays grow past it if needed). */
  constructor(expected = 1024) {
    this.sizes = new Float64Array(Math.max(1, expected));
    this.digests = Buffer.alloc(32 * Math.max(1, expected));
  }

  static of(files: readonly LockInputFile[]): HashedFileList {
    const list = new HashedFileList(files.length);
    for (const f of files) list.add(f);
    return list;
  }

  get length(): number {
    return this.paths.length;
  }

  add(f: LockInputFile): void {
    const n = this.paths.length;
    if (n === this.sizes.length) {
      const sizes = new Float64Array(2 * n);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const digests = Buffer.alloc(64 * n);
      this.digests.copy(digests);
      this.digests = digests;
    }
    if (!isSha256Hex(f.sha256)) throw new Error(`hashed file ${f.path}: ${JSON.stringify(f.sha256)} is not a SHA-256 in hex`);
    this.paths.push(f.path);
    this.sizes[n] = f.bytes;
    this.digests.write(f.sha256, 32 * n, 32, 'hex');
  }

  path(i: number): string {
    return this.paths[i]!;
  }

  at(i: number): LockInputFile {
    return { path: this.paths[i]!, bytes: this.sizes[i]!, sha256: this.digests.toString('hex', 32 * i, 32 * i + 32) };
  }

  *[Symbol.iterator](): Iterator<LockInputFile> {
    for (let i = 0; i < this.paths.length; i++) yield this.at(i);
  }
}
