// Text written to a file descriptor through one buffer: a large JSON document (a lock listing 236k raw
// inputs is 50 MB) is written piece by piece, never held as one string, and each piece dies young
// instead of waiting in a list (pieces that outlive a scavenge fill the old generation with garbage).
import { closeSync, openSync, writeSync } from 'node:fs';

const SIZE = 1 << 20;

function writeAll(fd: number, b: Uint8Array): void {
  for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, b.length - at);
}

export class TextWriter {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private at = 0;

  constructor(private readonly fd: number) {}

  put(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.at + text.length * 3 > SIZE) {
      this.flush();
      if (text.length * 3 > SIZE) return writeAll(this.fd, Buffer.from(text));
    }
    this.at += this.buf.write(text, this.at);
  }

  /** Write what is buffered (call once at the end). */
  flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.at));
    this.at = 0;
  }
}

/** A new file at `path` (replacing it), written by `write` through one buffer: no string of the whole. */
export function writeTextSync(path: string, write: (w: TextWriter) => void): void {
  const fd = openSync(path, 'w');
  try {
    const w = new TextWriter(fd);
    write(w);
    w.flush();
  } finally {
    closeSync(fd);
  }
}

export function writeLinesSync(path: string, lines: Iterable<string>): void {
  writeTextSync(path, (w) => {
    for (const line of lines) w.put(line);
  });
}
