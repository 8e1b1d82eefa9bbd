// Reads a BBBC051 download as the secondary evidence describes it (sources.md §10; not established):
//   <root>/<specimen>/<cell type>/<cell type>/All_3D/*.tif   (the zip's own folder inside the extract)
//   <root>/<specimen>/<cell type>/All_3D/*.tif               (also accepted)
// <root> is --input or the shallowest folder (up to 3 levels down) whose sub-folders hold cell-type
// folders. Every sub-folder of <root> is a specimen (the group id); every folder inside a specimen must
// be a cell type of TYPE_FOLDERS, else an error listing the known names. A <type>.zip without its
// extracted folder is an error (unzip it); a zip next to its folder is not read. One item = one TIFF
// stack; load() parses it (src/image/tiff-stack.ts) and requires 7 pages.
import { join, sep } from 'node:path';
import type { Item, Sample, ScanResult } from '../../src/core/contract.js';
import { DataError } from '../../src/core/errors.js';
import { ndarray, type NdArray } from '../../src/core/ndarray.js';
import { readTiffStack } from '../../src/image/tiff-stack.js';
import { findRoot, listDir, stem } from '../_kit/class-folders.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { SLICES, STACK_FOLDER, TYPE_FOLDERS, source, tissuemnist } from './spec.js';

const TIFF_RE = /\.tiff?$/i;
const ZIP_RE = /\.zip$/i;
const KNOWN = Object.keys(TYPE_FOLDERS);
const isType = (name: string) => Object.hasOwn(TYPE_FOLDERS, name);

/** The folder of stacks of one cell-type folder: <type>/<type>/All_3D or <type>/All_3D. */
async function stackFolder(typeDir: string, type: string): Promise<string> {
  const l = await listDir(typeDir);
  if (l.dirs.includes(type) && (await listDir(join(typeDir, type))).dirs.includes(STACK_FOLDER)) return join(typeDir, type, STACK_FOLDER);
  if (l.dirs.includes(STACK_FOLDER)) return join(typeDir, STACK_FOLDER);
  throw new DataError(
    `${typeDir}: no ${type}/${STACK_FOLDER}/ or ${STACK_FOLDER}/ folder of TIFF stacks inside. Re-extract ${type}.zip here (it should give ${type}/${type}/${STACK_FOLDER}/*.tif).`,
  );
}

export async function scanBbbc051(inputDir: string): Promise<ScanResult> {
  await assertInputDir(inputDir, source.instructions);
  const holdsTypes = async (dir: string) => (await listDir(dir)).dirs.some(isType);
  const root = await findRootAsync(inputDir, holdsTypes);
  if (!root) {
    throw new DataError(`${inputDir}: no specimen folder (F33/, F44/, F59/...) holding cell-type folders (${KNOWN.join(', ')}) found, searched 3 levels down. ${source.instructions}`);
  }
  const items: Item[] = [];
  const samples: Sample[] = [];
  for (const specimen of (await listDir(root)).dirs) {
    const specDir = join(root, specimen);
    const { dirs, files } = await listDir(specDir);
    for (const d of dirs) {
      if (!isType(d)) {
        throw new DataError(`${join(specDir, d)}: unknown cell-type folder ${JSON.stringify(d)}; the known names are ${KNOWN.join(', ')}. Add it to TYPE_FOLDERS in converters/bbbc051/spec.ts if it is a real BBBC051 type, or move it out of ${specDir}.`);
      }
    }
    for (const f of files) {
      if (ZIP_RE.test(f) && !dirs.includes(stem(f))) {
        throw new DataError(`${join(specDir, f)}: not extracted; unzip it inside ${specDir} (it gives ${stem(f)}/...), then run again.`);
      }
    }
    for (const type of dirs) {
      // One label array per type folder, shared by its stacks (an array per stack is ~56 bytes).
      const label = [TYPE_FOLDERS[type]!];
      const folder = await stackFolder(join(specDir, type), type);
      const listing = await listDir(folder);
      if (listing.dirs.length > 0) throw new DataError(`${join(folder, listing.dirs[0]!)}: unexpected folder inside ${folder}; the TIFF stacks lie directly in it.`);
      const tiffs = listing.files.filter((f) => TIFF_RE.test(f));
      const other = listing.files.find((f) => !TIFF_RE.test(f));
      if (other) throw new DataError(`${join(folder, other)}: not a TIFF stack (.tif); remove it from ${folder} and run again.`);
      if (tiffs.length === 0) throw new DataError(`${folder}: no TIFF stacks in it. Re-extract ${type}.zip.`);
      // Ids are specimen/type/stem, so two stacks can only clash within one folder, as a.tif + a.tiff.
      const stems = new Map<string, string>();
      for (const f of tiffs) {
        // Array join makes one flat string; a template literal or path.join per file builds chains of
        // V8 cons strings (~0.5 KB a stack, 100+ MB over BBBC051's 236k). f is a plain name from the listing.
        const name = stem(f);
        const id = [specimen, type, name].join('/');
        const clash = stems.get(name);
        if (clash !== undefined) throw new DataError(`stack id ${id} occurs twice: ${join(folder, clash)} and ${join(folder, f)}. Remove one copy.`);
        stems.set(name, f);
        items.push({ id, files: [[folder, f].join(sep)] });
        samples.push({ id, item: id, label, groupId: specimen, fineLabel: type });
      }
    }
  }
  if (samples.length === 0) throw new DataError(`${root}: no TIFF stacks found. ${source.instructions}`);
  return { items, samples: { [tissuemnist.flag]: samples }, metadataFiles: [] };
}

/** findRoot with an async test: the shallowest folder (<= 3 levels) with a sub-folder that holds cell types. */
async function findRootAsync(input: string, holdsTypes: (dir: string) => Promise<boolean>): Promise<string | null> {
  const marks = new Map<string, boolean>();
  // Pre-compute, level by level, which folders have a specimen-like child; findRoot is synchronous in its test.
  const visit = async (dir: string, depth: number): Promise<void> => {
    const { dirs } = await listDir(dir);
    let hit = false;
    for (const d of dirs) if (await holdsTypes(join(dir, d))) hit = true;
    marks.set(dir, hit);
    if (!hit && depth < 3) for (const d of dirs) await visit(join(dir, d), depth + 1);
  };
  await visit(input, 0);
  return findRoot(input, (_l, dir) => marks.get(dir) === true, 3, 'the BBBC051 specimen folders');
}

/** One stack: uint8 [7, H, W] (16-bit clipped at 255, Pillow's convert('L')); any other page count is an error. */
export async function loadBbbc051(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray> {
  const file = item.files[0]!;
  const s = readTiffStack(bytes[0]!, file);
  if (s.depth !== SLICES) {
    throw new DataError(`${file}: ${s.depth} pages (z-slices), a TissueMNIST stack has ${SLICES}. Re-extract this file from its zip, or remove it.`);
  }
  return ndarray('uint8', [s.depth, s.height, s.width], s.data);
}
