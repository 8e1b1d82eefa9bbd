// NIfTI-1 single-file volumes (.nii, and .nii.gz through node:zlib): header and voxels.
//
// The header (348 bytes, either byte order: sizeof_hdr = 348 says which) gives dim (rank and extents),
// datatype, pixdim (voxel spacing), vox_offset (where voxels start), scl_slope / scl_inter (value
// scaling; slope 0 means none, as nibabel reads it). Voxels are stored with the first axis fastest
// (Fortran order), so the voxels of an X x Y x Z volume are, unchanged, a C-order array [Z, Y, X]: that is
// the array readNifti returns (no copy when the file's byte order is this machine's and the voxels are
// aligned). nibabel's `img.dataobj` is the same array indexed [x, y, z].
//
// Supported datatypes: uint8 (2), int16 (4), int32 (8), float32 (16), float64 (64), int8 (256), uint16
// (512). int16 / uint8 / uint16 without scaling keep their type; everything else (and any scaling) becomes
// float32 = raw * slope + inter (exact for the integer HU ranges of CT). Others are refused, naming them.
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DataError } from '../core/errors.js';
import { ndarray, type NdArray } from '../core/ndarray.js';

export interface NiftiHeader {
  littleEndian: boolean;
  /** dim[1..dim[0]]: extents, first axis fastest (x, y, z). */
  dims: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[1..dim[0]]: voxel spacing (mm for CT). */
  spacing: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  magic: string;
}

export const NIFTI_DATATYPES: Readonly<Record<number, { name: string; bytes: number }>> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
};

const OTHER_DATATYPES: Readonly<Record<number, string>> = {
  1: 'binary', 32: 'complex64', 128: 'rgb24', 768: 'uint32', 1024: 'int64', 1280: 'uint64', 1536: 'float128', 1792: 'complex128', 2048: 'complex256', 2304: 'rgba32',
};

export const NIFTI_HEADER_BYTES = 348;

/** True for gzip bytes (a .nii.gz). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parse the 348-byte NIfTI-1 header at the start of `bytes` (already gunzipped). */
export function parseNiftiHeader(bytes: Uint8Array, what: string): NiftiHeader {
  if (bytes.length < NIFTI_HEADER_BYTES) throw new DataError(`${what}: ${bytes.length} bytes, too short for a NIfTI-1 header (348). Is the file complete?`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, NIFTI_HEADER_BYTES);
  let le = true;
  if (dv.getInt32(0, true) !== 348) {
    if (dv.getInt32(0, false) !== 348) {
      const n2 = dv.getInt32(0, true) === 540 || dv.getInt32(0, false) === 540;
      throw new DataError(`${what}: not a NIfTI-1 file (sizeof_hdr is not 348${n2 ? '; 540 is NIfTI-2, which is not supported: convert it to NIfTI-1, e.g. with nibabel' : ''}).`);
    }
    le = false;
  }
  const magic = String.fromCharCode(...bytes.subarray(344, 347));
  if (magic !== 'n+1' && magic !== 'ni1') throw new DataError(`${what}: NIfTI magic is ${JSON.stringify(magic)}, not "n+1" (Analyze 7.5 files are not supported).`);
  if (magic === 'ni1') throw new DataError(`${what}: a two-file NIfTI (.hdr/.img, magic "ni1"); give the single-file .nii.`);
  const rank = dv.getInt16(40, le);
  if (rank < 1 || rank > 7) throw new DataError(`${what}: dim[0] = ${rank}, not a rank from 1 to 7.`);
  const dims: number[] = [];
  const spacing: number[] = [];
  for (let i = 1; i <= rank; i++) {
    const d = dv.getInt16(40 + 2 * i, le);
    if (d < 1) throw new DataError(`${what}: dim[${i}] = ${d}; every extent must be at least 1.`);
    dims.push(d);
    spacing.push(dv.getFloat32(76 + 4 * i, le));
  }
  const slope = dv.getFloat32(112, le);
  const inter = dv.getFloat32(116, le);
  return {
    littleEndian: le,
    dims,
    datatype: dv.getInt16(70, le),
    bitpix: dv.getInt16(72, le),
    spacing,
    voxOffset: dv.getFloat32(108, le),
    // nibabel: slope 0 or not finite means no scaling.
    sclSlope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    sclInter: Number.isFinite(slope) && slope !== 0 && Number.isFinite(inter) ? inter : 0,
    magic,
  };
}

/** The file's bytes, gunzipped when they are gzip (.nii.gz). */
export function niftiBytes(bytes: Uint8Array, what: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new DataError(`${what}: damaged gzip data (${(err as Error).message}). Download the file again.`);
  }
}

/** The voxels as an array [dims reversed] (C order: for x, y, z that is [Z, Y, X]). */
export function readNifti(raw: Uint8Array, what: string): { header: NiftiHeader; array: NdArray } {
  const bytes = niftiBytes(raw, what);
  const h = parseNiftiHeader(bytes, what);
  const dt = NIFTI_DATATYPES[h.datatype];
  if (!dt) {
    const name = OTHER_DATATYPES[h.datatype];
    throw new DataError(`${what}: NIfTI datatype ${h.datatype}${name ? ` (${name})` : ''} is not supported; supported: ${Object.entries(NIFTI_DATATYPES).map(([k, v]) => `${v.name} (${k})`).join(', ')}. Convert the volume, e.g. with nibabel.`);
  }
  const offset = Math.trunc(h.voxOffset);
  if (offset < NIFTI_HEADER_BYTES || offset !== h.voxOffset) throw new DataError(`${what}: vox_offset ${h.voxOffset} is not a whole number of bytes >= 348.`);
  const shape = [...h.dims].reverse();
  const n = shape.reduce((a, b) => a * b, 1);
  const end = offset + n * dt.bytes;
  if (bytes.length < end) throw new DataError(`${what}: ${bytes.length} bytes, the header's dim [${h.dims.join(', ')}] of ${dt.name} needs ${end}. The file is truncated: download it again.`);
  const machineLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const native = h.littleEndian === machineLE || dt.bytes === 1;
  const scaled = h.sclSlope !== 1 || h.sclInter !== 0;
  const start = bytes.byteOffset + offset;
  // A view when possible (no copy of a 500 MB volume), else a byte-swapped or aligned copy.
  const view = <T>(Ctor: { new (b: ArrayBufferLike, o: number, n: number): T; new (n: number): T }): T => {
    if (native && start % dt.bytes === 0) return new Ctor(bytes.buffer, start, n);
    const copy = new Uint8Array(n * dt.bytes);
    copy.set(bytes.subarray(offset, end));
    if (!native) {
      for (let i = 0; i < copy.length; i += dt.bytes) copy.subarray(i, i + dt.bytes).reverse();
    }
    return new Ctor(copy.buffer, 0, n);
  };
  let raw0: ArrayLike<number>;
  switch (dt.name) {
    case 'uint8':
      raw0 = new Uint8Array(bytes.buffer, start, n);
      if (!scaled) return { header: h, array: ndarray('uint8', shape, raw0 as Uint8Array) };
      break;
    case 'int16':
      raw0 = view(Int16Array);
      if (!scaled) return { header: h, array: ndarray('int16', shape, raw0 as Int16Array) };
      break;
    case 'uint16':
      raw0 = view(Uint16Array);
      if (!scaled) return { header: h, array: ndarray('uint16', shape, raw0 as Uint16Array) };
      break;
    case 'int8':
      raw0 = new Int8Array(bytes.buffer, start, n);
      break;
    case 'int32':
      raw0 = view(Int32Array);
      break;
    case 'float32':
      raw0 = view(Float32Array);
      break;
    default:
      raw0 = view(Float64Array);
  }
  const out = new Float32Array(n);
  const { sclSlope: s, sclInter: c } = h;
  for (let i = 0; i < n; i++) out[i] = raw0[i]! * s + c;
  return { header: h, array: ndarray('float32', shape, out) };
}

/** Bytes of a NIfTI-1 file for tests and fake downloads: int16 voxels given as a C-order [Z, Y, X] array. */
export function writeNiftiInt16(voxels: Int16Array, dims: readonly [number, number, number], opts: { spacing?: readonly number[]; slope?: number; inter?: number; bigEndian?: boolean } = {}): Uint8Array {
  const [x, y, z] = dims;
  if (voxels.length !== x * y * z) throw new RangeError(`${voxels.length} voxels for dims ${dims.join('x')}`);
  const le = !opts.bigEndian;
  const out = new Uint8Array(352 + voxels.length * 2);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 348, le);
  dv.setInt16(40, 3, le);
  dims.forEach((d, i) => dv.setInt16(42 + 2 * i, d, le));
  for (let i = 4; i < 8; i++) dv.setInt16(40 + 2 * i, 1, le);
  dv.setInt16(70, 4, le);
  dv.setInt16(72, 16, le);
  const sp = opts.spacing ?? [1, 1, 1];
  dv.setFloat32(76, 1, le);
  sp.forEach((s, i) => dv.setFloat32(80 + 4 * i, s, le));
  dv.setFloat32(108, 352, le);
  dv.setFloat32(112, opts.slope ?? 1, le);
  dv.setFloat32(116, opts.inter ?? 0, le);
  dv.setInt16(252, 0, le); // qform_code
  dv.setInt16(254, 0, le); // sform_code
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  for (let i = 0; i < voxels.length; i++) dv.setInt16(352 + 2 * i, voxels[i]!, le);
  return out;
}

/** The header of a .nii or .nii.gz file, reading (and gunzipping) only its first bytes. */
export async function readNiftiHeaderFile(path: string): Promise<NiftiHeader> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${path}: cannot read (${err.code ?? err.message}).`);
  });
  try {
    const head = Buffer.alloc(64 << 10);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    let bytes: Uint8Array = head.subarray(0, bytesRead);
    if (isGzip(bytes)) bytes = await gunzipPrefix(fh, NIFTI_HEADER_BYTES, path);
    return parseNiftiHeader(bytes, path);
  } finally {
    await fh.close();
  }
}

async function gunzipPrefix(fh: import('node:fs/promises').FileHandle, want: number, what: string): Promise<Uint8Array> {
  const gz = createGunzip();
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<Uint8Array>((resolve, reject) => {
    gz.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= want) {
        gz.pause();
        resolve(Buffer.concat(chunks));
      }
    });
    gz.on('error', (err) => reject(new DataError(`${what}: damaged gzip data (${err.message}). Download the file again.`)));
    gz.on('end', () => resolve(Buffer.concat(chunks)));
  });
  let pos = 0;
  const buf = Buffer.alloc(64 << 10);
  for (;;) {
    if (got >= want) break;
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) {
      gz.end();
      break;
    }
    pos += bytesRead;
    const more = gz.write(Buffer.from(buf.subarray(0, bytesRead)));
    if (!more) await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
  }
  const out = await done;
  gz.destroy();
  return out;
}
