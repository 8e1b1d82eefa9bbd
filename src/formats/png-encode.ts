// A small deterministic PNG codec for 8-bit gray (colour type 0) and RGB (colour type 2) images:
// IHDR, one IDAT, IEND and nothing else (no time, text or gamma chunks), per-row adaptive filter
// chosen by the minimum sum of absolute differences (the heuristic libpng and Pillow use), zlib at a
// fixed level. The same pixels always give the same bytes for a given Node (zlib) build.
// The decoder reads what the encoder writes (8-bit, non-interlaced, colour type 0 or 2).
import { promisify } from 'node:util';
import { crc32, deflate, deflateSync, inflateSync } from 'node:zlib';

const deflateAsync = promisify(deflate);
import { checkImagePixels } from '../core/limits.js';
import { DataError, UsageError } from '../core/errors.js';

/** zlib level of every PNG we write (Pillow's default). */
export const PNG_ZLIB_LEVEL = 6;

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface DecodedPng {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Interleaved uint8 pixels, row-major. */
  data: Uint8Array;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** |v| of a filtered byte read as signed: the cost libpng's heuristic sums. */
const COST = Uint16Array.from({ length: 256 }, (_, v) => (v < 128 ? v : 256 - v));

/**
 * Filter every row with the filter type whose output has the smallest sum of |signed byte| (ties to
 * the lower type). One branch-free loop per type: this runs for every pixel of every PNG written.
 */
function filterRows(pixels: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * (stride + 1));
  const zero = new Uint8Array(stride);
  const sub = new Uint8Array(stride);
  const up = new Uint8Array(stride);
  const avg = new Uint8Array(stride);
  const pae = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const x = pixels.subarray(y * stride, (y + 1) * stride);
    const b = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : zero;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let i = 0; i < stride; i++) s0 += COST[x[i]!]!;
    for (let i = 0; i < bpp; i++) {
      // a = c = 0 for the first pixel: Paeth predicts b, Average predicts b >> 1.
      const v1 = x[i]!;
      const v2 = (x[i]! - b[i]!) & 0xff;
      const v3 = (x[i]! - (b[i]! >> 1)) & 0xff;
      sub[i] = v1;
      up[i] = v2;
      avg[i] = v3;
      pae[i] = v2;
      s1 += COST[v1]!;
      s2 += COST[v2]!;
      s3 += COST[v3]!;
      s4 += COST[v2]!;
    }
    for (let i = bpp; i < stride; i++) {
      const xi = x[i]!;
      const a = x[i - bpp]!;
      const bi = b[i]!;
      const c = b[i - bpp]!;
      const v1 = (xi - a) & 0xff;
      const v2 = (xi - bi) & 0xff;
      const v3 = (xi - ((a + bi) >> 1)) & 0xff;
      const pa0 = bi - c;
      const pb0 = a - c;
      const pc0 = pa0 + pb0;
      const pa = pa0 < 0 ? -pa0 : pa0;
      const pb = pb0 < 0 ? -pb0 : pb0;
      const pc = pc0 < 0 ? -pc0 : pc0;
      const v4 = (xi - (pa <= pb && pa <= pc ? a : pb <= pc ? bi : c)) & 0xff;
      sub[i] = v1;
      up[i] = v2;
      avg[i] = v3;
      pae[i] = v4;
      s1 += COST[v1]!;
      s2 += COST[v2]!;
      s3 += COST[v3]!;
      s4 += COST[v4]!;
    }
    let best = 0;
    let bestSum = s0;
    if (s1 < bestSum) (best = 1), (bestSum = s1);
    if (s2 < bestSum) (best = 2), (bestSum = s2);
    if (s3 < bestSum) (best = 3), (bestSum = s3);
    if (s4 < bestSum) best = 4;
    const o = y * (stride + 1);
    out[o] = best;
    out.set(best === 0 ? x : best === 1 ? sub : best === 2 ? up : best === 3 ? avg : pae, o + 1);
  }
  return out;
}

function ihdrOf(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Buffer {
  if (pixels.length !== width * height * channels) {
    throw new RangeError(`png: ${pixels.length} bytes for a ${width}x${height}x${channels} image`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  return ihdr;
}

function assemble(ihdr: Buffer, idat: Uint8Array): Uint8Array {
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** Encode uint8 pixels (height x width x channels, C order) as a PNG. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  const ihdr = ihdrOf(pixels, width, height, channels);
  const filtered = filterRows(pixels, height, width * channels, channels);
  return assemble(ihdr, deflateSync(filtered, { level: PNG_ZLIB_LEVEL }));
}

/** encodePng with the deflate on libuv's thread pool, so several images compress at once. Same bytes. */
export async function encodePngAsync(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Uint8Array> {
  const ihdr = ihdrOf(pixels, width, height, channels);
  const filtered = filterRows(pixels, height, width * channels, channels);
  return assemble(ihdr, await deflateAsync(filtered, { level: PNG_ZLIB_LEVEL }));
}

/** Decode an 8-bit gray or RGB, non-interlaced PNG. `what` names the source in errors. */
export function decodePng(bytes: Uint8Array, what: string): DecodedPng {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || !SIGNATURE.every((b, i) => buf[i] === b)) throw new DataError(`${what}: not a PNG file`);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels: 1 | 3 = 1;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > buf.length) throw new DataError(`${what}: truncated PNG chunk ${type}`);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if ((crc32(buf.subarray(pos + 4, pos + 8 + len)) >>> 0) !== buf.readUInt32BE(pos + 8 + len)) {
      throw new DataError(`${what}: PNG chunk ${type} fails its CRC (corrupt file)`);
    }
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      if (depth !== 8 || (colour !== 0 && colour !== 2) || data[12] !== 0) {
        throw new DataError(
          `${what}: PNG with bit depth ${depth}, colour type ${colour}, interlace ${data[12]}; expected 8-bit gray or RGB, non-interlaced (as medmnist-build writes)`,
        );
      }
      channels = colour === 0 ? 1 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos += 12 + len;
  }
  if (width === 0 || height === 0 || !sawEnd) throw new DataError(`${what}: PNG without IHDR or IEND (truncated?)`);
  checkImagePixels(width, height, what);
  const stride = width * channels;
  const expected = height * (stride + 1);
  let raw: Buffer;
  try {
    // Bounded by the size the header declares: a deflate bomb stops there instead of filling memory.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (err) {
    throw new DataError(`${what}: PNG image data does not inflate (${(err as Error).message})`);
  }
  if (raw.length !== expected) throw new DataError(`${what}: PNG image data has ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const out = new Uint8Array(height * stride);
  const bpp = channels;
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = y > 0 ? out[dst - stride + i]! : 0;
      const c = i >= bpp && y > 0 ? out[dst - stride + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: v = x + paeth(a, b, c); break;
        default: throw new DataError(`${what}: PNG row ${y} has unknown filter type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

// The engine hands the same pixel array of one size to every sink of that size; Parquet and the PNG
// folder both need its PNG, so encode it once. Weak keys: entries go with the pixels.
const encoded = new WeakMap<Uint8Array, Promise<Uint8Array>>();

/** encodePngAsync, memoised on the pixel array's identity. */
export function encodePngShared(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Uint8Array> {
  let png = encoded.get(pixels);
  if (!png) {
    png = encodePngAsync(pixels, width, height, channels);
    // Whoever awaits sees a failure; this only keeps an unawaited one from being reported as unhandled.
    png.catch(() => undefined);
    encoded.set(pixels, png);
  }
  return png;
}

/** Width, height and channels of a 2D image shape [S, S] or [S, S, 3]. */
export function pngGeometry(shape: readonly number[], what: string): { width: number; height: number; channels: 1 | 3 } {
  const [height, width, c] = shape;
  if (shape.length === 2 && height && width) return { width, height, channels: 1 };
  if (shape.length === 3 && height && width && c === 3) return { width, height, channels: 3 };
  throw new UsageError(`${what}: images of shape [${shape.join(', ')}] cannot be stored as PNG (2D gray or RGB only); choose --format npz or arrow`);
}
