// Checksums of downloads: one streaming pass computes size, MD5 and SHA-256; a comparison against the
// published facts (manifest) names every value that differs.
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

export interface Digest {
  bytes: number;
  md5: string;
  sha256: string;
}

/** The facts a download is checked against (the manifest's, or those recorded by an earlier fetch). */
export interface Expected {
  bytes?: number;
  md5?: string;
  sha256?: string;
}

export type CheckName = 'bytes' | 'md5' | 'sha256';

export interface Mismatch {
  what: CheckName;
  expected: string;
  actual: string;
}

/** Running MD5 + SHA-256 + length, for bytes as they arrive. */
export class Hasher {
  private md5: Hash = createHash('md5');
  private sha256: Hash = createHash('sha256');
  bytes = 0;

  update(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digest {
    return { bytes: this.bytes, md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}

const CHUNK = 4 << 20;

/** Feed the first `limit` bytes of a file (default: all of it) to `hasher`; returns the bytes read. */
export async function hashFileInto(path: string, hasher: Hasher, limit = Infinity, onProgress?: (done: number) => void): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    while (pos < limit) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, limit - pos), pos);
      if (bytesRead === 0) break;
      hasher.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      onProgress?.(pos);
    }
    return pos;
  } finally {
    await fh.close();
  }
}

/** Size, MD5 and SHA-256 of a file in one pass. */
export async function digestFile(path: string, onProgress?: (done: number) => void): Promise<Digest> {
  const h = new Hasher();
  await hashFileInto(path, h, Infinity, onProgress);
  return h.digest();
}

/** What of `expected` is known, in the order it is checked. */
export function knownChecks(expected: Expected): CheckName[] {
  return (['bytes', 'md5', 'sha256'] as const).filter((k) => expected[k] !== undefined);
}

/** Every known fact of `expected` that `actual` contradicts. */
export function mismatches(expected: Expected, actual: Digest): Mismatch[] {
  const out: Mismatch[] = [];
  for (const k of knownChecks(expected)) {
    const want = String(expected[k]);
    const got = String(actual[k]);
    if (want !== got) out.push({ what: k, expected: want, actual: got });
  }
  return out;
}

/** "md5 expected X, got Y; bytes expected N, got M". */
export function describeMismatches(ms: readonly Mismatch[]): string {
  return ms.map((m) => `${m.what} expected ${m.expected}, got ${m.actual}`).join('; ');
}
