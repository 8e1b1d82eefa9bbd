// Safe extraction, shared by the zip and tar readers: every entry goes through SafeTree, which writes
// only below its root (a fresh temporary folder) and refuses the whole archive at the first entry that
//   - has an absolute path (/x, C:\x, \\host\x) or a `..` component (backslashes count as separators),
//   - would be written through a symbolic link, or replace one,
//   - is a symbolic link whose target is absolute or resolves outside the root (checked when it is
//     made, and again for every link once all entries exist, by resolving through the links the
//     archive made: a later link cannot turn an earlier one into an escape),
//   - is a hard link to anything but a regular file the archive extracted before it,
//   - is a device, FIFO or other special file (the readers refuse those by type),
//   - takes the archive past the entry-count or total-size limits (zip-bomb limits).
// Files are created with mode 0644 and folders 0755 whatever the archive says.
import { copyFile, link, lstat, mkdir, open, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';

export interface ExtractLimits {
  /** Most bytes one archive may extract (sum of its files' sizes). */
  maxBytes: number;
  /** Most entries (files, folders, links) one archive may hold. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ExtractLimits = { maxBytes: 200 * 2 ** 30, maxEntries: 1_000_000 };

export interface ExtractStats {
  entries: number;
  files: number;
  dirs: number;
  links: number;
  bytes: number;
}

/** An archive refused as unsafe or beyond the limits (exit code 1). */
export class UnsafeArchiveError extends DataError {}

const MAX_LINK_HOPS = 40;

export class SafeTree {
  readonly stats: ExtractStats = { entries: 0, files: 0, dirs: 0, links: 0, bytes: 0 };
  private readonly links = new Map<string, string>();
  private readonly files = new Set<string>();
  private readonly madeDirs = new Set<string>();

  /**
   * @param root a fresh, empty folder (the temporary extraction folder)
   * @param archive the archive's path, for messages
   */
  constructor(
    readonly root: string,
    readonly archive: string,
    readonly limits: ExtractLimits,
    private readonly onEntry?: (s: ExtractStats) => void,
  ) {}

  refuse(name: string, why: string): never {
    throw new UnsafeArchiveError(`${this.archive}: entry ${JSON.stringify(name)} ${why}. The archive was refused; nothing of it was extracted.`);
  }

  /** The safe components of an entry name; [] for the root itself (`./`). */
  parts(name: string): string[] {
    if (name.includes('\0')) this.refuse(name, 'has a NUL character in its name');
    const n = name.replace(/\\/g, '/');
    if (n.startsWith('/') || /^[A-Za-z]:/.test(n)) this.refuse(name, 'has an absolute path');
    const parts = n.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) this.refuse(name, 'climbs out of the extraction folder with ".."');
    return parts;
  }

  /** Count an entry of `bytes` against the limits (before anything of it is written). */
  private count(name: string, bytes: number): void {
    this.stats.entries++;
    this.stats.bytes += bytes;
    if (this.stats.entries > this.limits.maxEntries) {
      this.refuse(name, `is entry number ${this.stats.entries}, beyond the limit of ${this.limits.maxEntries} entries (a zip bomb? raise it with --max-entries if the archive is genuine)`);
    }
    if (this.stats.bytes > this.limits.maxBytes) {
      this.refuse(name, `takes the extracted size to ${this.stats.bytes} bytes, beyond the limit of ${this.limits.maxBytes} (a zip bomb? raise it with --max-extract-size if the archive is genuine)`);
    }
  }

  /** Create the parent folders of `parts`, never through a link. */
  private async parents(name: string, parts: string[]): Promise<void> {
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (this.links.has(rel)) this.refuse(name, `would be written through the symbolic link ${rel}`);
      if (this.files.has(rel)) this.refuse(name, `needs a folder ${rel}, which the archive made a file`);
    }
    if (parts.length > 1) await this.mkdirs(name, parts.slice(0, -1));
  }

  private async mkdirs(name: string, parts: string[]): Promise<void> {
    const rel = parts.join('/');
    if (this.madeDirs.has(rel)) return;
    try {
      await mkdir(join(this.root, ...parts), { recursive: true, mode: 0o755 });
    } catch (err) {
      this.refuse(name, `cannot have its folder ${rel} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (let i = 1; i <= parts.length; i++) this.madeDirs.add(parts.slice(0, i).join('/'));
  }

  /** Make room for a new file or link at `rel`: refuse links and folders there, remove an older file. */
  private async clear(name: string, rel: string): Promise<void> {
    if (this.links.has(rel)) this.refuse(name, `would replace the symbolic link ${rel}`);
    if (this.madeDirs.has(rel)) this.refuse(name, `would replace the folder ${rel}`);
    if (this.files.has(rel)) {
      // A later copy of the same name (tar appends updates): the last one wins, as with tar itself.
      await unlink(join(this.root, rel));
      this.files.delete(rel);
    }
  }

  async dir(name: string): Promise<void> {
    const parts = this.parts(name);
    this.count(name, 0);
    if (parts.length === 0) return;
    await this.parents(name, parts);
    const rel = parts.join('/');
    if (this.links.has(rel)) this.refuse(name, `would replace the symbolic link ${rel}`);
    if (this.files.has(rel)) this.refuse(name, `is a folder where the archive made a file`);
    await this.mkdirs(name, parts);
    this.stats.dirs++;
    this.onEntry?.(this.stats);
  }

  /** A regular file of exactly `size` bytes, streamed from `data`. */
  async file(name: string, size: number, data: AsyncIterable<Uint8Array>): Promise<void> {
    const parts = this.parts(name);
    if (parts.length === 0) this.refuse(name, 'is a file without a name');
    this.count(name, size);
    await this.parents(name, parts);
    const rel = parts.join('/');
    await this.clear(name, rel);
    // 'wx': never follows or reuses whatever is there (nothing should be: the root is fresh).
    const fh = await open(join(this.root, ...parts), 'wx', 0o644);
    let written = 0;
    try {
      for await (const chunk of data) {
        written += chunk.length;
        if (written > size) this.refuse(name, `holds more than the ${size} bytes it declares`);
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
    if (written !== size) this.refuse(name, `holds ${written} bytes, it declares ${size} (a truncated or corrupt archive)`);
    this.files.add(rel);
    this.stats.files++;
    this.onEntry?.(this.stats);
  }

  /** A symbolic link; its target must stay inside the root. */
  async symlink(name: string, target: string): Promise<void> {
    const parts = this.parts(name);
    if (parts.length === 0) this.refuse(name, 'is a link without a name');
    this.count(name, 0);
    if (target === '' || target.includes('\0')) this.refuse(name, 'is a symbolic link with an empty or invalid target');
    if (target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target)) this.refuse(name, `is a symbolic link to the absolute path ${JSON.stringify(target)}, outside the extraction folder`);
    await this.parents(name, parts);
    const rel = parts.join('/');
    await this.clear(name, rel);
    if (this.resolve(parts.slice(0, -1), target) === null) {
      this.refuse(name, `is a symbolic link to ${JSON.stringify(target)}, which points outside the extraction folder`);
    }
    await symlink(target, join(this.root, ...parts));
    this.links.set(rel, target);
    this.stats.links++;
    this.onEntry?.(this.stats);
  }

  /** A hard link to `target`, an earlier regular file of the archive (a path from the archive's root). */
  async hardlink(name: string, target: string): Promise<void> {
    const parts = this.parts(name);
    if (parts.length === 0) this.refuse(name, 'is a link without a name');
    this.count(name, 0);
    const tparts = this.parts(target);
    const trel = tparts.join('/');
    if (!this.files.has(trel)) this.refuse(name, `is a hard link to ${JSON.stringify(target)}, which is not a file the archive extracted before it`);
    await this.parents(name, parts);
    const rel = parts.join('/');
    if (rel === trel) return;
    await this.clear(name, rel);
    const from = join(this.root, ...tparts);
    const to = join(this.root, ...parts);
    await link(from, to).catch(() => copyFile(from, to));
    this.files.add(rel);
    this.stats.links++;
    this.onEntry?.(this.stats);
  }

  /**
   * Where `target`, read from the folder `start` (components below the root), leads, following the
   * links this archive made; null when it leaves the root (or loops).
   */
  private resolve(start: string[], target: string, hops = { n: 0 }): string[] | null {
    let stack = [...start];
    for (const c of target.split('/')) {
      if (c === '' || c === '.') continue;
      if (c === '..') {
        if (stack.length === 0) return null;
        stack.pop();
        continue;
      }
      stack.push(c);
      const t = this.links.get(stack.join('/'));
      if (t !== undefined) {
        if (++hops.n > MAX_LINK_HOPS || t.startsWith('/')) return null;
        stack.pop();
        const r = this.resolve(stack, t, hops);
        if (r === null) return null;
        stack = r;
      }
    }
    return stack;
  }

  /** After the last entry: every link, resolved through all the others, still stays inside. */
  finish(): void {
    for (const [rel, target] of this.links) {
      if (this.resolve(rel.split('/').slice(0, -1), target) === null) {
        this.refuse(rel, `is a symbolic link to ${JSON.stringify(target)}, which (through the archive's other links) points outside the extraction folder`);
      }
    }
    if (this.stats.entries === 0) throw new UnsafeArchiveError(`${this.archive}: the archive holds no entries`);
  }
}

/** Make sure `root` exists as an empty folder. */
export async function freshFolder(root: string): Promise<void> {
  const st = await lstat(root).catch(() => null);
  if (st) throw new Error(`${root} already exists`);
  await mkdir(root, { recursive: true, mode: 0o755 });
}
