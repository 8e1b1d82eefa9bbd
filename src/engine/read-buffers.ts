// Reused read buffers for the item loop. A fresh Buffer per small file (236k TIFF stacks of ~10 KB
// for TissueMNIST) is memory outside the JS heap that V8 reclaims only after tens of MB pile up: ~50 MB
// of RSS for nothing. Files are read into a buffer taken from a short free list and given back once
// the item is processed, unless something still points into it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Buffers above this size are not kept: one CT volume must not stay resident for the whole run. */
const KEEP_MAX = 1 << 20;

export class ReadBuffers {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  /** The whole file, in a view of a reused buffer (synchronous: one read is faster than a round trip). */
  read(file: string): Buffer {
    const fd = openSync(file, 'r');
    try {
      let buf = this.take(fstatSync(fd).size);
      let n = 0;
      for (;;) {
        if (n === buf.length) {
          // The file grew since its stat (or stat gave 0, as for /proc files): read on into a larger buffer.
          const bigger = Buffer.allocUnsafeSlow(Math.max(64 << 10, buf.length * 2));
          buf.copy(bigger, 0, 0, n);
          this.give(buf);
          buf = bigger;
        }
        const got = readSync(fd, buf, n, buf.length - n, null);
        if (got === 0) break;
        n += got;
      }
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Give back a view read() returned; `stillUsed` lists arrays that must not share its memory. Every
   * buffer here is its own allocation (allocUnsafeSlow, never Node's shared pool), so reusing its
   * whole ArrayBuffer touches nothing else.
   */
  release(view: Uint8Array, stillUsed: readonly Uint8Array[] = []): void {
    if (stillUsed.some((a) => a.buffer === view.buffer)) return;
    this.give(Buffer.from(view.buffer));
  }

  private take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i]!.length >= size && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // Room for the read that finds the end; kept sizes are rounded up to a power of two, so that files
    // of about this size fit too (a large one, never kept, gets just what it needs).
    if (size + 1 > KEEP_MAX) return Buffer.allocUnsafeSlow(size + 1);
    return Buffer.allocUnsafeSlow(Math.max(4096, 1 << Math.ceil(Math.log2(size + 1))));
  }

  private give(buf: Buffer): void {
    if (buf.length > KEEP_MAX || this.free.length >= this.keep) return;
    this.free.push(buf);
  }
}
