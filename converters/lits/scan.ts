// scan(): LiTS volumes and Xu et al.'s box files, anywhere below --input (sources.md §8):
//   volume-N.nii[.gz]         training CT (Training Batch 1/2; segmentation-N.nii masks are ignored)
//   test-volume-N.nii[.gz]    test CT
//   segmentation-N.txt        boxes of volume-N       test-segmentation-N.txt   boxes of test-volume-N
// Only NIfTI headers are read here (shape, spacing); voxels are read once, by the engine, per volume.
// A box file without its volume, a box outside its volume, a malformed line or an organ listed twice
// is an error naming the file and line. Volumes without spacing (pixdim all 1 or 0) are kept (the recipe
// does not use spacing) and listed on stderr; so are volumes without a box file (no samples).
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Item, Sample, ScanResult, SplitName } from '../../src/core/contract.js';
import { DataError } from '../../src/core/errors.js';
import { describeShape, ndarray, type NdArray } from '../../src/core/ndarray.js';
import { readNifti, readNiftiHeaderFile } from '../../src/image/nifti.js';
import { assertInputDir } from '../_kit/scan-helpers.js';
import { ORGANS_BY_ID, SWAPPED_AXES, VIEWS, VIEW_AXIS, VIEW_DATASET, organmnist3d, selectSlices, source, type View } from './spec.js';

export interface LitsBox {
  /** Xu organ id 1..11. */
  organ: number;
  name: string;
  /** Half-open, array order [z, y, x]. */
  start: [number, number, number];
  end: [number, number, number];
  file: string;
  line: number;
}

export interface LitsVolume {
  /** `train-N` or `test-N`. */
  key: string;
  set: 'train' | 'test';
  number: number;
  file: string;
  /** Array shape [Z, Y, X] after any axis fix. */
  shape: [number, number, number];
  spacing: number[];
  boxes: LitsBox[];
}

const VOLUME_RE = /^(test-)?volume-(\d+)\.nii(\.gz)?$/;
const BOXES_RE = /^(test-)?segmentation-(\d+)\.txt$/;

const pad3 = (n: number) => String(n).padStart(3, '0');

/** `train-112-8-sagittal-028`: source set, volume number, Xu organ id, view, slice index (3 digits or more). */
export function sliceId(v: Pick<LitsVolume, 'set' | 'number'>, organ: number, view: View, slice: number): string {
  return `${v.set}-${v.number}-${organ}-${view}-${pad3(slice)}`;
}
export function boxId(v: Pick<LitsVolume, 'set' | 'number'>, organ: number): string {
  return `${v.set}-${v.number}-${organ}`;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export function parseBoxFile(text: string, file: string, shape: readonly [number, number, number]): LitsBox[] {
  const boxes: LitsBox[] = [];
  const seen = new Map<number, number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    const where = `${file} line ${i + 1}`;
    const f = line.split(/\s+/);
    if (f.length !== 8 || !f.slice(1).every((v) => /^-?\d+$/.test(v))) {
      throw new DataError(`${where}: ${JSON.stringify(line)} is not "<organ name> <organ id> x_min x_max y_min y_max z_min z_max" (8 fields, integers after the name).`);
    }
    const [id, x0, x1, y0, y1, z0, z1] = f.slice(1).map(Number) as [number, number, number, number, number, number, number];
    if (id < 1 || id > ORGANS_BY_ID.length) throw new DataError(`${where}: organ id ${id} is not one of Xu et al.'s ids 1..11.`);
    const prev = seen.get(id);
    if (prev !== undefined) throw new DataError(`${where}: organ ${id} is boxed twice (also on line ${prev}).`);
    seen.set(id, i + 1);
    const [Z, Y, X] = shape;
    for (const [axis, lo, hi, n] of [['x', x0, x1, X], ['y', y0, y1, Y], ['z', z0, z1, Z]] as const) {
      if (lo < 0 || hi > n || lo > hi) {
        throw new DataError(`${where}: ${axis} ${lo}..${hi} lies outside the volume (${axis} extent ${n}, shape x ${X}, y ${Y}, z ${Z}). Check that the box file belongs to this volume.`);
      }
    }
    boxes.push({ organ: id, name: f[0]!, start: [z0, y0, x0], end: [z1, y1, x1], file, line: i + 1 });
  });
  return boxes;
}

export interface LitsScan extends ScanResult {
  volumes: LitsVolume[];
  /** Boxes with an empty extent (min = max on some axis): no samples. */
  emptyBoxes: LitsBox[];
}

export async function scanLits(input: string): Promise<LitsScan> {
  await assertInputDir(input, source.instructions);
  const files = await walk(input);
  const volumeFile = new Map<string, string>();
  const boxFile = new Map<string, string>();
  for (const f of files) {
    const name = basename(f);
    let m = VOLUME_RE.exec(name);
    if (m) {
      const key = `${m[1] ? 'test' : 'train'}-${Number(m[2])}`;
      const prev = volumeFile.get(key);
      if (prev) throw new DataError(`${f}: a second file for volume ${key} (also ${prev}). Keep one (.nii or .nii.gz).`);
      volumeFile.set(key, f);
      continue;
    }
    m = BOXES_RE.exec(name);
    if (m) {
      const key = `${m[1] ? 'test' : 'train'}-${Number(m[2])}`;
      const prev = boxFile.get(key);
      if (prev) throw new DataError(`${f}: a second box file for volume ${key} (also ${prev}). Keep one.`);
      boxFile.set(key, f);
    }
  }
  if (boxFile.size === 0) throw new DataError(`${input}: no box files (segmentation-N.txt, test-segmentation-N.txt). ${source.instructions}`);
  const order = (k: string) => [k.startsWith('test') ? 1 : 0, Number(k.split('-')[1])] as const;
  const keys = [...boxFile.keys()].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  const volumes: LitsVolume[] = [];
  const emptyBoxes: LitsBox[] = [];
  const noSpacing: string[] = [];
  for (const key of keys) {
    const bf = boxFile.get(key)!;
    const vf = volumeFile.get(key);
    const [set, num] = key.split('-') as ['train' | 'test', string];
    if (!vf) throw new DataError(`${bf}: boxes for ${set === 'test' ? 'test-' : ''}volume-${num}.nii, which is not in ${input}. Unzip every LiTS batch into the input folder.`);
    const h = await readNiftiHeaderFile(vf);
    const dims = h.dims.slice(0, 3);
    if (dims.length !== 3 || h.dims.slice(3).some((d) => d !== 1)) throw new DataError(`${vf}: NIfTI dim [${h.dims.join(', ')}] is not a 3D volume.`);
    const [x, y, z] = SWAPPED_AXES.has(key) ? [dims[0]!, dims[2]!, dims[1]!] : (dims as [number, number, number]);
    const shape: [number, number, number] = [z, y, x];
    const spacing = h.spacing.slice(0, 3);
    if (spacing.every((s) => s === 1 || s === 0)) noSpacing.push(basename(vf));
    const all = parseBoxFile(await readFile(bf, 'utf8'), bf, shape);
    const boxes = all.filter((b) => b.start.every((s, i) => s < b.end[i]!));
    emptyBoxes.push(...all.filter((b) => !boxes.includes(b)));
    volumes.push({ key, set, number: Number(num), file: vf, shape, spacing, boxes });
  }
  const unboxed = [...volumeFile.keys()].filter((k) => !boxFile.has(k));
  if (noSpacing.length > 0) process.stderr.write(`lits: ${noSpacing.length} volume(s) without spacing (pixdim 1), kept (the recipe does not use spacing): ${noSpacing.join(', ')}\n`);
  if (unboxed.length > 0) process.stderr.write(`lits: ${unboxed.length} volume(s) without a box file, no samples: ${unboxed.join(', ')}\n`);
  if (emptyBoxes.length > 0) process.stderr.write(`lits: ${emptyBoxes.length} empty box(es) (min = max), no samples: ${emptyBoxes.map((b) => `${b.file} line ${b.line}`).join(', ')}\n`);
  return { ...samplesOf(volumes), volumes, emptyBoxes };
}

function sampleOf(v: LitsVolume, b: LitsBox, view: View | null, slice?: number): Sample {
  const sourceSplit: SplitName | undefined = v.set === 'test' ? 'test' : undefined;
  const box = { start: [...b.start], end: [...b.end] };
  const boxText = `x${b.start[2]}-${b.end[2]} y${b.start[1]}-${b.end[1]} z${b.start[0]}-${b.end[0]}`;
  const common = { item: v.key, groupId: v.key, ...(sourceSplit ? { sourceSplit } : {}) };
  if (view === null) {
    return { id: boxId(v, b.organ), ...common, region: { box }, label: [b.organ - 1], meta: { volume: basename(v.file), organ_id: String(b.organ), box: boxText } };
  }
  const label = VIEW_DATASET[view].labels.indexOf(ORGANS_BY_ID[b.organ - 1]!);
  return {
    id: sliceId(v, b.organ, view, slice!),
    ...common,
    region: { box, slice: { axis: VIEW_AXIS[view], index: slice! } },
    label: [label],
    meta: { volume: basename(v.file), organ_id: String(b.organ), view, slice: String(slice), box: boxText },
  };
}

const ID_RE = /^(train|val|test)-(\d+)-(\d+)-(axial|coronal|sagittal)-(\d+)$/;

/** Items, samples by the default slice rule, and resolvers for any slice a manifest names. */
export function samplesOf(volumes: readonly LitsVolume[]): ScanResult {
  const items: Item[] = volumes.filter((v) => v.boxes.length > 0).map((v) => ({ id: v.key, files: [v.file] }));
  const samples: Record<string, Sample[]> = { [organmnist3d.flag]: [] };
  for (const view of VIEWS) samples[VIEW_DATASET[view].flag] = [];
  for (const v of volumes) {
    for (const b of v.boxes) {
      samples[organmnist3d.flag]!.push(sampleOf(v, b, null));
      for (const view of VIEWS) {
        const axis = VIEW_AXIS[view];
        for (const k of selectSlices(b.start[axis]!, b.end[axis]!, view)) samples[VIEW_DATASET[view].flag]!.push(sampleOf(v, b, view, k));
      }
    }
  }
  const byKey = new Map(volumes.map((v) => [v.key, v]));
  const resolve: Record<string, (id: string) => Sample | undefined> = {};
  for (const view of VIEWS) {
    resolve[VIEW_DATASET[view].flag] = (id) => {
      // train-112-8-sagittal-028: split (train and val name training volumes), volume, organ, view, slice.
      const m = ID_RE.exec(id);
      if (!m || m[4] !== view) return undefined;
      const v = byKey.get(`${m[1] === 'test' ? 'test' : 'train'}-${Number(m[2])}`);
      const b = v?.boxes.find((x) => x.organ === Number(m[3]));
      const k = Number(m[5]);
      const axis = VIEW_AXIS[view];
      if (!v || !b || k < b.start[axis]! || k >= b.end[axis]!) return undefined;
      return sampleOf(v, b, view, k);
    };
  }
  resolve[organmnist3d.flag] = (id) => {
    const m = /^(train|val|test)-(\d+)-(\d+)$/.exec(id);
    const v = m ? byKey.get(`${m[1] === 'test' ? 'test' : 'train'}-${Number(m[2])}`) : undefined;
    const b = v?.boxes.find((x) => x.organ === Number(m![3]));
    return v && b ? sampleOf(v, b, null) : undefined;
  };
  const metadataFiles = [...new Set(volumes.flatMap((v) => v.boxes.map((b) => b.file)))];
  return { items, samples, metadataFiles, resolve };
}

/** Swap the two leading axes of a [A, B, C] array (a copy). */
function swap01(a: NdArray): NdArray {
  const [p, q, r] = a.shape as [number, number, number];
  const out = ndarray(a.dtype, [q, p, r]);
  const src = a.data as Int16Array;
  const dst = out.data as Int16Array;
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) dst.set(src.subarray((i * q + j) * r, (i * q + j + 1) * r), (j * p + i) * r);
  return out;
}

/** One volume's voxels as [Z, Y, X] (int16 as stored, or float32 when the header scales them). */
export async function loadLits(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray> {
  const file = item.files[0]!;
  const { array } = readNifti(bytes[0]!, file);
  let a = array;
  if (a.shape.length > 3) a = ndarray(a.dtype, a.shape.slice(-3), a.data as never);
  if (a.shape.length !== 3) throw new DataError(`${file}: ${describeShape(a)} is not a 3D volume.`);
  // Volumes whose 2nd and 3rd NIfTI axes are swapped: stored [Y, Z, X] in C order -> [Z, Y, X].
  if (SWAPPED_AXES.has(item.id)) a = swap01(a);
  return a;
}
