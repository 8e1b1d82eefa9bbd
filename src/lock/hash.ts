// Streaming SHA-256 of files: large positional reads, constant memory.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 8 << 20;

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const fh = await open(path, 'r');
  try {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return { sha256: h.digest('hex'), bytes: pos };
  } finally {
    await fh.close();
  }
}
