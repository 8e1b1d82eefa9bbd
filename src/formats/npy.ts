// NPY v1.0 headers, byte-identical to numpy's format.write_array for C-ordered uint8 arrays:
// dict keys sorted, repr spacing, 21 - len(repr(shape[0])) spare spaces for in-place growth, then
// space padding so that magic + header ends on a multiple of 64, with a final newline.
const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Largest element count a reader accepts: 2^40 bytes of uint8, far above any MedMNIST array. */
export const MAX_NPY_ELEMENTS = 2 ** 40;

export type NpyDtype = '|u1';

function pyTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

export function npyHeader(shape: readonly number[], descr: NpyDtype = '|u1'): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const hlen = dict.length + 1;
  const pad = ARRAY_ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ARRAY_ALIGN);
  const total = dict + ' '.repeat(pad) + '\n';
  if (total.length > 0xffff) throw new RangeError('npy header too long for format 1.0');
  const out = new Uint8Array(MAGIC.length + 4 + total.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = total.length & 0xff;
  out[9] = total.length >> 8;
  for (let i = 0; i < total.length; i++) out[10 + i] = total.charCodeAt(i);
  return out;
}

export interface NpyInfo {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes before the data. */
  headerLength: number;
}

/** Parse and validate an NPY header (v1, v2, v3). Throws with `what` in the message. */
export function parseNpyHeader(buf: Uint8Array, what: string): NpyInfo {
  if (buf.length < 10 || !MAGIC.every((b, i) => buf[i] === b)) {
    throw new Error(`${what}: not an NPY array (bad magic)`);
  }
  const major = buf[6]!;
  let hlen: number;
  let start: number;
  if (major === 1) {
    hlen = buf[8]! | (buf[9]! << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new Error(`${what}: truncated NPY header`);
    hlen = (buf[8]! | (buf[9]! << 8) | (buf[10]! << 16)) + buf[11]! * 2 ** 24;
    start = 12;
  } else {
    throw new Error(`${what}: unsupported NPY version ${major}`);
  }
  if (start + hlen > buf.length) throw new Error(`${what}: truncated NPY header`);
  const text = Buffer.from(buf.subarray(start, start + hlen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${what}: malformed NPY header ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new Error(`${what}: malformed NPY shape (${shapeText})`);
      return Number(s);
    });
  const elements = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements) || elements > MAX_NPY_ELEMENTS) {
    throw new Error(`${what}: absurd NPY shape (${shape.join(', ')})`);
  }
  return { descr, fortranOrder: fortran === 'True', shape, headerLength: start + hlen };
}
