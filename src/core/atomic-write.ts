// The one temp-then-rename writer, and the fsync helpers durability needs. A reader of `path` sees the
// old file or the new one, never half of one; after writeFileAtomic returns, the new file survives a
// power loss (file data fsynced before the rename, the folder fsynced after it). The temporary file lies
// beside `path` (same file system, so rename is atomic) and is removed if anything fails.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsync a folder so that the names created, renamed or removed in it are durable. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR); there is nothing more to do there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EBADF') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** fsync one file's data (and size) to disk. */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function tempNameBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempNameBeside(path);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  fsyncDirSync(dirname(path));
}

/**
 * writeFileAtomic, synchronously (for the commit, which must not yield to signal handlers). `data` may
 * be a function that writes the content to the open file itself (large JSON, piece by piece).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array | ((fd: number) => void)): void {
  const tmp = tempNameBeside(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      if (typeof data === 'function') data(fd);
      else writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDirSync(dirname(path));
}
