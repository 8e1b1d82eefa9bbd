// Streaming hashes of outputs and inputs: large positional reads, constant memory. A folder output
// (PNG folders) is hashed as a manifest: its files' relative POSIX paths sorted in code-unit order, one
// line `<path>\t<sha256>\n` each, and the SHA-256 of those lines; bytes = the sum of the file sizes.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

// Two of these are in use at once; larger chunks hash no faster and cost RSS on a 236k-file build.
const CHUNK = 2 << 20;

export interface HashResult {
  sha256: string;
  /** Bytes of the file, or of every file in the folder. */
  bytes: number;
  /** Set for folders: number of files in the manifest. */
  files?: number;
}

/**
 * Feed a file to the hashes. Large files use two buffers: the next chunk is read (in libuv's thread
 * pool) while the current one is hashed on this thread, so reading and hashing overlap. Small files
 * (PNG folders hold many) get one buffer of their own size.
 */
async function digestInto(path: string, hashes: Hash[], onBytes?: (n: number) => void): Promise<number> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; what it is is checked right after.
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENXIO') throw new Error(`${path} is a socket, not a file`);
    throw err;
  });
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${path} is ${st.isFIFO() ? 'a FIFO (named pipe)' : st.isDirectory() ? 'a folder' : 'a special file'}, not a regular file`);
    const size = st.size;
    const bufs = size < CHUNK ? [Buffer.allocUnsafe(Math.max(size, 4096))] : [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const len = bufs[0]!.length;
    let pos = 0;
    let cur = 0;
    pending = fh.read(bufs[0]!, 0, len, 0);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const part = bufs[cur]!.subarray(0, bytesRead);
      pos += bytesRead;
      onBytes?.(bytesRead);
      if (bufs.length === 2) {
        cur ^= 1;
        pending = fh.read(bufs[cur]!, 0, len, pos);
        for (const h of hashes) h.update(part);
      } else {
        for (const h of hashes) h.update(part);
        pending = fh.read(bufs[0]!, 0, len, pos);
      }
    }
    pending = null;
    return pos;
  } finally {
    await pending?.catch(() => undefined); // never close under a read in flight
    await fh.close();
  }
}

/** Every regular file below dir as sorted relative POSIX paths (code-unit order, not locale order). */
export async function listFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string, prefix: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const rel = prefix + e.name;
      if (e.isDirectory()) await visit(join(d, e.name), rel + '/');
      else out.push(rel);
    }
  };
  await visit(dir, '');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Bytes of files and folders (a folder: every file below it), as hashing them will read. */
export async function bytesOf(paths: readonly string[]): Promise<number> {
  let n = 0;
  for (const p of paths) {
    const st = await stat(p);
    if (!st.isDirectory()) n += st.size;
    else for (const name of await listFolder(p)) n += (await stat(join(p, name))).size;
  }
  return n;
}

/** SHA-256 of a file, or of a folder's manifest (see above); `onBytes` hears each chunk hashed. */
export async function sha256File(path: string, onBytes?: (n: number) => void): Promise<HashResult> {
  const st = await stat(path);
  if (st.isDirectory()) return sha256Folder(path, onBytes);
  const h = createHash('sha256');
  const bytes = await digestInto(path, [h], onBytes);
  return { sha256: h.digest('hex'), bytes };
}

export async function sha256Folder(dir: string, onBytes?: (n: number) => void): Promise<HashResult> {
  const manifest = createHash('sha256');
  let bytes = 0;
  const names = await listFolder(dir);
  for (const name of names) {
    const h = createHash('sha256');
    bytes += await digestInto(join(dir, name), [h], onBytes);
    manifest.update(`${name}\t${h.digest('hex')}\n`);
  }
  return { sha256: manifest.digest('hex'), bytes, files: names.length };
}

/** MD5 of a file (the official MedMNIST releases publish MD5 only). */
export async function md5File(path: string, onBytes?: (n: number) => void): Promise<{ md5: string; bytes: number }> {
  const h = createHash('md5');
  const bytes = await digestInto(path, [h], onBytes);
  return { md5: h.digest('hex'), bytes };
}

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
