// The plain PNGs the sources are made of (ChestX-ray14: 1024x1024 8-bit gray, a few hundred RGBA; BUSI)
// decoded without sharp: Node's zlib inflates the IDAT stream and the row filters are undone here.
// PNG is lossless, so any correct decoder gives Pillow's pixels; the point is cost: sharp spent 10-20
// CPU-ms on a 1024x1024 gray PNG where inflate + unfilter take ~4-5 (Node's zlib is Chromium's, with
// SIMD inflate). Only the plainest layout is taken: 8-bit gray / RGB / gray+alpha / RGBA, not
// interlaced, no tRNS, no palette, IHDR first, IDATs contiguous, the stream inflating to exactly the
// rows IHDR declares. Anything else (and any zlib error: truncated, bad checksum) returns null and
// goes to sharp, which decodes or refuses exactly as before.
//
// IDAT CRCs are not checked, as Pillow does not check them either (it skips the IDAT CRC while
// reading image data); the other chunks before IDAT are CRC-checked, as Pillow's chunk reader does.
//
// Output: gray+alpha gives gray (the alpha dropped, as decode.ts does for every route); the rest keep
// their channels. The raster lives in a reused per-thread buffer, valid until the next call.
import { inflateSync } from 'node:zlib';
import { maxImagePixels } from '../core/limits.js';
import type { RasterImage } from './raster.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Colour type -> samples per pixel (0 gray, 2 RGB, 4 gray+alpha, 6 RGBA); 3 (palette) is not taken. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

let out = new Uint8Array(0);
let zeroRow = new Uint8Array(0);
let joinBuf = new Uint8Array(0);

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** `buf` if it holds `size` bytes, else a larger one (grow-only: per-thread buffers reach a steady size). */
function atLeast(buf: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> {
  return buf.length >= size ? buf : new Uint8Array(Math.max(size, Math.ceil(buf.length * 1.25)));
}

function crc32(b: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function chunkType(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

export interface PlainPng {
  width: number;
  height: number;
  /** Samples per pixel in the file (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  samples: number;
  /** [offset, length] of each IDAT's data, in order. */
  idat: [number, number][];
}

/** The layout of a plain 8-bit non-interlaced PNG (see above), or null when it is anything else. */
export function sniffPlainPng(b: Uint8Array): PlainPng | null {
  if (b.length < 8 + 25 || SIGNATURE.some((v, i) => b[i] !== v)) return null;
  if (u32(b, 8) !== 13 || chunkType(b, 12) !== 'IHDR') return null;
  const width = u32(b, 16);
  const height = u32(b, 20);
  const [depth, colour, compression, filter, interlace] = [b[24]!, b[25]!, b[26]!, b[27]!, b[28]!];
  const samples = SAMPLES[colour];
  if (depth !== 8 || samples === undefined || compression !== 0 || filter !== 0 || interlace !== 0) return null;
  if (width === 0 || height === 0 || width * height > maxImagePixels()) return null;
  const idat: [number, number][] = [];
  let at = 8;
  let seenEnd = false;
  while (at + 12 <= b.length) {
    const len = u32(b, at);
    const type = chunkType(b, at + 4);
    const data = at + 8;
    if (len > b.length - data - 4) return null;
    if (type === 'IDAT') {
      // IDATs must be consecutive (the PNG rule); a gap means something odd: leave it to sharp.
      if (idat.length > 0 && idat[idat.length - 1]![0] + idat[idat.length - 1]![1] + 12 !== data) return null;
      idat.push([data, len]);
    } else {
      if (type === 'tRNS' || type === 'PLTE') return null;
      if (idat.length === 0 && crc32(b, at + 4, data + len) !== u32(b, data + len)) return null;
      if (type === 'IEND') {
        seenEnd = true;
        break;
      }
    }
    at = data + len + 4;
  }
  // No IEND: Pillow still decodes a file cut after its last IDAT, but keep the oddity with sharp.
  if (!seenEnd || idat.length === 0) return null;
  return { width, height, samples, idat };
}

/** The IDAT data parts joined (into a reused per-thread buffer when there are several). */
function idatStream(b: Uint8Array, idat: readonly [number, number][]): Uint8Array {
  if (idat.length === 1) return b.subarray(idat[0]![0], idat[0]![0] + idat[0]![1]);
  // Consecutive IDATs are separated by 12 bytes of CRC + header: join the data parts.
  const total = idat.reduce((a, [, n]) => a + n, 0);
  joinBuf = atLeast(joinBuf, total);
  const joined = joinBuf.subarray(0, total);
  let o = 0;
  for (const [s, n] of idat) {
    joined.set(b.subarray(s, s + n), o);
    o += n;
  }
  return joined;
}

/**
 * Undo the row filters (PNG spec §9) of `raw` (rows of 1 filter byte + stride bytes) into `dst`,
 * keeping `keep` of every `bpp` samples (bpp 2 -> gray: the alpha dropped). False on a bad filter type.
 */
function unfilter(raw: Uint8Array, dst: Uint8Array, width: number, height: number, bpp: number, keep: number): boolean {
  const stride = width * bpp;
  if (zeroRow.length < stride) zeroRow = new Uint8Array(stride);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1);
    const type = raw[base]!;
    const row = raw.subarray(base + 1, base + 1 + stride);
    // The row above, already unfiltered in place (none above the first: zeros).
    const prev = y === 0 ? zeroRow : raw.subarray(base - stride, base);
    switch (type) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) row[i] = (row[i]! + row[i - bpp]!) & 0xff;
        break;
      case 2:
        for (let i = 0; i < stride; i++) row[i] = (row[i]! + prev[i]!) & 0xff;
        break;
      case 3:
        for (let i = 0; i < bpp; i++) row[i] = (row[i]! + (prev[i]! >> 1)) & 0xff;
        for (let i = bpp; i < stride; i++) row[i] = (row[i]! + ((row[i - bpp]! + prev[i]!) >> 1)) & 0xff;
        break;
      case 4:
        for (let i = 0; i < bpp; i++) row[i] = (row[i]! + prev[i]!) & 0xff;
        for (let i = bpp; i < stride; i++) {
          const a = row[i - bpp]!;
          const b = prev[i]!;
          const c = prev[i - bpp]!;
          const p = a + b - c;
          const pa = p > a ? p - a : a - p;
          const pb = p > b ? p - b : b - p;
          const pc = p > c ? p - c : c - p;
          row[i] = (row[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
        }
        break;
      default:
        return false;
    }
    if (keep === bpp) {
      dst.set(row, o);
      o += stride;
    } else {
      for (let i = 0; i < stride; i += bpp) dst[o++] = row[i]!;
    }
  }
  return true;
}

/**
 * Decode a plain PNG into this thread's reused buffer (valid until the next call on this thread), or
 * null when the file is not one or anything is off: the caller then uses sharp.
 */
export function decodePngShared(bytes: Uint8Array): RasterImage | null {
  const png = sniffPlainPng(bytes);
  if (!png) return null;
  const { width, height, samples } = png;
  const rowBytes = width * samples + 1;
  const expected = rowBytes * height;
  let raw: Buffer;
  try {
    // maxOutputLength: a stream that inflates past the declared rows stops at once (a bomb, or trailing
    // data Pillow would not read): either way sharp decides.
    // chunkSize: the whole image in one output buffer (zlib's default 16 KB chunks are joined at the
    // end, one more full-size copy).
    raw = inflateSync(idatStream(bytes, png.idat), { maxOutputLength: expected, chunkSize: expected + 64 });
  } catch {
    return null;
  }
  if (raw.length !== expected) return null;
  const channels = samples === 2 ? 1 : samples;
  const size = width * height * channels;
  out = atLeast(out, size);
  const dst = out.subarray(0, size);
  if (!unfilter(raw, dst, width, height, samples, channels)) return null;
  return { data: dst, width, height, channels: channels as RasterImage['channels'] };
}
