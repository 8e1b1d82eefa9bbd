// Helpers for sources that are "a folder per class" (Kather, Kermany OCT and chest X-ray, BUSI, PBC):
// find the dataset's root below --input, read its class folders strictly, and check that image ids
// are unique. Hidden files and folders (.DS_Store, __MACOSX...) are skipped everywhere; anything
// else unexpected is an error that names the path, so a misplaced file never becomes a silent label.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { entryKind, isHidden } from './scan-helpers.js';

export interface DirListing {
  dirs: string[];
  files: string[];
}

/** Non-hidden entries of a folder, sorted by name (byte order, independent of locale). */
export async function listDir(dir: string): Promise<DirListing> {
  const entries = await readdir(dir, { withFileTypes: true });
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of entries) {
    if (isHidden(e.name)) continue;
    const kind = await entryKind(join(dir, e.name), e);
    if (kind === 'dir') dirs.push(e.name);
    else if (kind === 'file') files.push(e.name);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { dirs: dirs.sort(byName), files: files.sort(byName) };
}

/**
 * The shallowest folder at or below `input` (at most `maxDepth` levels down) for which `isRoot` holds,
 * searching breadth-first in name order. Several matches at the same depth are an error: the user must
 * say which one to use.
 */
export async function findRoot(
  input: string,
  isRoot: (listing: DirListing, dir: string) => boolean,
  maxDepth: number,
  what: string,
): Promise<string | null> {
  let level = [input];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const hits: string[] = [];
    const next: string[] = [];
    for (const dir of level) {
      const listing = await listDir(dir);
      if (isRoot(listing, dir)) hits.push(dir);
      else next.push(...listing.dirs.map((d) => join(dir, d)));
    }
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      throw new DataError(`${input}: found ${hits.length} copies of ${what}: ${hits.join(', ')}. Pass the one to use as --input.`);
    }
    level = next;
  }
  return null;
}

export interface ClassFolderOptions {
  /** The folder that holds the class folders. */
  root: string;
  /** Class folder names, in label order. */
  classes: readonly string[];
  /** File names that are images of this source (tested on the name only). */
  isImage: (name: string) => boolean;
  /** File names inside class folders to pass over without reading (BUSI masks); default none. */
  isCompanion?: (name: string) => boolean;
  /** Class folders that may be absent (none by default: a missing class is an error). */
  optional?: boolean;
  /** Appended to every error: how to get a good copy. */
  hint: string;
}

export interface ClassFolderContents {
  /** Per class (label order): image file names, sorted. */
  images: string[][];
  /** Per class: companion file names (masks), sorted. */
  companions: string[][];
}

/**
 * Read `root/<class>/` for every class. Errors: a folder that is not a class, a sub-folder inside a
 * class folder, a file that is neither an image nor a companion, an image lying loose in the root,
 * a missing or empty class folder.
 */
export async function readClassFolders(o: ClassFolderOptions): Promise<ClassFolderContents> {
  const top = await listDir(o.root);
  const expected = o.classes.join(', ');
  for (const d of top.dirs) {
    if (!o.classes.includes(d)) {
      throw new DataError(`${join(o.root, d)}: unexpected folder; the class folders of this source are ${expected}. Move it out of ${o.root} (labels come from folder names). ${o.hint}`);
    }
  }
  for (const f of top.files) {
    if (o.isImage(f)) {
      throw new DataError(`${join(o.root, f)}: image outside a class folder; its label is unknown. Move it into one of ${expected}, or out of the input.`);
    }
  }
  const images: string[][] = [];
  const companions: string[][] = [];
  for (const cls of o.classes) {
    const dir = join(o.root, cls);
    if (!top.dirs.includes(cls)) {
      if (o.optional) {
        images.push([]);
        companions.push([]);
        continue;
      }
      throw new DataError(`${dir}: class folder missing (expected ${expected} in ${o.root}). ${o.hint}`);
    }
    const { dirs, files } = await listDir(dir);
    if (dirs.length > 0) {
      throw new DataError(`${join(dir, dirs[0]!)}: unexpected folder inside class folder ${cls}; images must lie directly in ${dir}. ${o.hint}`);
    }
    const imgs: string[] = [];
    const comps: string[] = [];
    for (const f of files) {
      if (o.isCompanion?.(f)) comps.push(f);
      else if (o.isImage(f)) imgs.push(f);
      else throw new DataError(`${join(dir, f)}: unexpected file in class folder ${cls} (not an image of this source). Remove it and run again.`);
    }
    if (imgs.length === 0 && !o.optional) {
      throw new DataError(`${dir}: class folder ${cls} holds no images. ${o.hint}`);
    }
    images.push(imgs);
    companions.push(comps);
  }
  return { images, companions };
}

/** Throws when two files give the same image id; ids must be unique within a dataset. */
export class UniqueIds {
  private readonly seen = new Map<string, string>();
  add(id: string, file: string): void {
    const prev = this.seen.get(id);
    if (prev !== undefined) {
      throw new DataError(`image id ${JSON.stringify(id)} occurs twice: ${prev} and ${file}. Remove the duplicate copy and run again.`);
    }
    this.seen.set(id, file);
  }
}

/** File name without its last extension. */
export function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The source's own parts: train/ and test/, plus the val/ that Kaggle repackagings add. */
export const PART_FOLDERS = ['train', 'test', 'val'] as const;
export type PartFolder = (typeof PART_FOLDERS)[number];

export interface PartImages {
  part: PartFolder;
  /** Per class (label order): image file names. */
  images: string[][];
  dir: string;
}

/**
 * Kermany-style downloads: <root>/{train,test[,val]}/<CLASS>/<image>. The root is --input or the
 * shallowest folder below it (at most `maxDepth` levels) holding train/ or test/. train/ and test/ must
 * both exist; val/ is optional. Any other folder next to them is an error (with a hint when it is a
 * second copy of the dataset, as the Kaggle chest X-ray archive nests one).
 */
export async function readPartFolders(
  inputDir: string,
  classes: readonly string[],
  isImage: (name: string) => boolean,
  what: string,
  hint: string,
  maxDepth = 3,
): Promise<{ root: string; parts: PartImages[] }> {
  const root = await findRoot(inputDir, (l) => l.dirs.includes('train') || l.dirs.includes('test'), maxDepth, what);
  if (!root) throw new DataError(`${inputDir}: no train/ or test/ folder of ${what} found (searched ${maxDepth} levels down). ${hint}`);
  const { dirs } = await listDir(root);
  for (const d of dirs) {
    if ((PART_FOLDERS as readonly string[]).includes(d)) continue;
    const inner = await listDir(join(root, d));
    const copy = inner.dirs.includes('train') || inner.dirs.includes('test');
    throw new DataError(
      `${join(root, d)}: unexpected folder next to train/ and test/${copy ? ' (it looks like a second copy of the dataset, as the Kaggle archive nests one): delete it, or pass it as --input instead' : `: expected only train, test and val in ${root}`}.`,
    );
  }
  for (const need of ['train', 'test']) {
    if (!dirs.includes(need)) throw new DataError(`${join(root, need)}: not found; ${what} needs both train/ and test/. ${hint}`);
  }
  const parts: PartImages[] = [];
  for (const part of PART_FOLDERS) {
    if (!dirs.includes(part)) continue;
    const dir = join(root, part);
    const { images } = await readClassFolders({ root: dir, classes, isImage, hint, optional: part === 'val' });
    parts.push({ part, images, dir });
  }
  return { root, parts };
}
