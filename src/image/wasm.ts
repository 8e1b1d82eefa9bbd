// Host side of the wasm SIMD resampler (asm/resample.ts, built to dist/wasm/resample.wasm by
// `npm run build`). One module instance per thread; its memory only grows, bounded by the largest image.
// Coefficients come from axisCoeffs() (Pillow's double-precision tables); this file only lays them out
// for the SIMD kernels and moves pixels in and out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResampleFilter } from '../core/contract.js';
import { PACKAGE_ROOT } from '../version.js';
import { axisCoeffs, type AxisCoeffs } from './resample-coeffs.js';

export const WASM_PATH = join(PACKAGE_ROOT, 'dist', 'wasm', 'resample.wasm');

// The WebAssembly global, typed here because the project's lib settings leave it out.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, () => void>>) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Kernels {
  memory: WasmMemory;
  hpassT(
    src: number, srcStride: number, width: number, ch: number, rows: number,
    dst: number, dstStride: number, dstPlane: number, outW: number,
    bounds: number, coef: number, coefStride: number, shift: number, bounds2: number, scratch: number,
  ): void;
  vpassPairs(
    src: number, srcStride: number, rowBase: number, width: number, dst: number, dstStride: number, outH: number,
    bounds: number, coef: number, coefStride: number, shift: number, bounds2: number,
  ): void;
  pairStrips(src: number, srcStride: number, width: number, ch: number, rows: number, dst: number, scratch: number): void;
  hpassStrips(
    strips: number, width: number, ch: number, first: number, count: number,
    dst: number, dstStride: number, dstPlane: number, outW: number,
    bounds: number, coef: number, coefStride: number, shift: number, bounds2: number,
  ): void;
  interleave(src: number, planeStride: number, rowStride: number, w: number, h: number, ch: number, dst: number): void;
  heapBase(): number;
}

let kernels: Kernels | null = null;

function load(): Kernels {
  if (kernels) return kernels;
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_PATH);
  } catch {
    throw new Error(`the wasm resampler ${WASM_PATH} is missing: run \`npm run build\` (it compiles asm/ with AssemblyScript)`);
  }
  const inst = new WA.Instance(new WA.Module(bytes), {
    env: {
      abort: () => {
        throw new Error('wasm resampler aborted');
      },
    },
  });
  kernels = inst.exports as unknown as Kernels;
  return kernels;
}

const align16 = (n: number): number => (n + 15) & ~15;
/** Whole-vector loads may run up to 15 bytes past a buffer's end; every buffer keeps this slack. */
const SLACK = 16;

/**
 * Tables of both passes (asm hpassT / hpassStrips over columns, vpassPairs over rows): per output the
 * first tap pair and the pair count; per tap pair i16 hi0, hi1, lo0, lo1 with k = hi * 2^shift + lo, hi = round(k / 2^shift) in
 * i16, lo in [-2^(shift-1), 2^(shift-1)); pairs start at column first & ~1 (a zero tap in front when
 * first is odd); per output the range [bmin, bmax] of sum(pixel * lo) for pixels in 0..255.
 */
interface HTable {
  bounds: Int32Array;
  coef: Int16Array;
  coefStride: number;
  shift: number;
  lowRange: Int32Array;
}

const tCache = new Map<AxisCoeffs, HTable>();

function hTable(c: AxisCoeffs): HTable {
  const hit = tCache.get(c);
  if (hit) return hit;
  const out = c.first.length;
  const high = (k: number, shift: number): number => (shift === 0 ? k : (k + (1 << (shift - 1))) >> shift);
  let shift = 0;
  for (const k of c.k) {
    while (high(k, shift) > 32767 || high(k, shift) < -32768) shift++;
  }
  const maxPairs = Math.ceil((c.ksize + 1) / 2);
  const stride = maxPairs * 4;
  const bounds = new Int32Array(out * 2);
  const coef = new Int16Array(out * stride);
  const lowRange = new Int32Array(out * 2);
  for (let xx = 0; xx < out; xx++) {
    const first = c.first[xx]!;
    const odd = first & 1;
    const n = c.count[xx]! + odd;
    bounds[xx * 2] = first >> 1;
    bounds[xx * 2 + 1] = Math.ceil(n / 2);
    let neg = 0;
    let pos = 0;
    for (let t = odd; t < n; t++) {
      const k = c.k[xx * c.ksize + t - odd]!;
      const hi = high(k, shift);
      const lo = k - hi * 2 ** shift;
      const at = xx * stride + (t >> 1) * 4 + (t & 1);
      coef[at] = hi;
      coef[at + 2] = lo;
      if (lo < 0) neg += lo;
      else pos += lo;
    }
    lowRange[xx * 2] = 255 * neg;
    lowRange[xx * 2 + 1] = 255 * pos;
  }
  const t = { bounds, coef, coefStride: stride * 2, shift, lowRange };
  if (tCache.size > 256) tCache.clear();
  tCache.set(c, t);
  return t;
}

/** A bump allocator over the module's memory for one call. */
class Arena {
  private top: number;
  constructor(private readonly k: Kernels) {
    this.top = align16(k.heapBase());
  }
  alloc(bytes: number): number {
    const at = this.top;
    this.top = align16(at + bytes + SLACK);
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }
  u8(): Uint8Array {
    return new Uint8Array(this.k.memory.buffer);
  }
  putI32(a: Int32Array): number {
    const at = this.alloc(a.byteLength);
    new Int32Array(this.k.memory.buffer, at, a.length).set(a);
    return at;
  }
  putI16(a: Int16Array): number {
    const at = this.alloc(a.byteLength);
    new Int16Array(this.k.memory.buffer, at, a.length).set(a);
    return at;
  }
}

export type ConvFilter = Exclude<ResampleFilter, 'nearest'>;

/**
 * Resize interleaved 8-bit pixels (ch channels, no premultiplication here) to every size in `sizes`
 * with one of Pillow's convolution filters. Each result is interleaved, w*h*ch bytes.
 * The source is copied into wasm memory once; when several sizes need a horizontal pass, the pair
 * columns of the whole image are built once and shared by them.
 */
export function resizeConvMany(
  data: Uint8Array,
  width: number,
  height: number,
  ch: number,
  sizes: readonly (readonly [number, number])[],
  filter: ConvFilter,
): Uint8Array[] {
  const k = load();
  const arena = new Arena(k);
  // One spare row after the image: the vertical pass may point a row pair's unused second row there.
  const srcAt = arena.alloc(width * (height + 1) * ch);
  arena.u8().set(data.subarray(0, width * height * ch), srcAt);
  const rowCap = (width + 31) & ~15;
  const scratchAt = arena.alloc(rowCap * 16 * (ch + 2));
  let stripsAt = -1;
  if (sizes.filter(([w]) => w !== width).length >= 2) {
    stripsAt = arena.alloc(Math.ceil(height / 16) * ch * rowCap * 32);
    k.pairStrips(srcAt, width * ch, width, ch, height, stripsAt, scratchAt);
  }
  const src: Source = { at: srcAt, width, height, ch, scratchAt, stripsAt };
  return sizes.map(([outW, outH]) => resizeOne(k, arena, src, outW, outH, filter));
}

interface Source {
  at: number;
  width: number;
  height: number;
  ch: number;
  scratchAt: number;
  /** Shared pair strips (pairStrips), or -1 to build them per size. */
  stripsAt: number;
}

function resizeOne(k: Kernels, arena: Arena, src: Source, outW: number, outH: number, filter: ConvFilter): Uint8Array {
  const { width, height, ch } = src;
  const needH = outW !== width;
  const needV = outH !== height;
  const cv = axisCoeffs(height, outH, filter);
  const yFirst = needV ? cv.first[0]! : 0;
  const yLast = needV ? cv.first[outH - 1]! + cv.count[outH - 1]! : height;
  // Shared strips start at multiples of 16 rows: the kept rows begin at rowBase.
  const shared = src.stripsAt >= 0;
  // Even, so row pairs of the vertical tables (from row first & ~1) stay inside the kept rows.
  const rowBase = shared ? yFirst & ~15 : yFirst & ~1;
  const rows = yLast - rowBase;
  const srcStride = width * ch;
  const vt = needV ? hTable(cv) : null;
  const vBounds = vt ? arena.putI32(vt.bounds) : 0;
  const vCoef = vt ? arena.putI16(vt.coef) : 0;
  const vRange = vt ? arena.putI32(vt.lowRange) : 0;
  const result = new Uint8Array(outW * outH * ch);
  if (!needH && !needV) {
    result.set(arena.u8().subarray(src.at, src.at + result.length));
    return result;
  }
  if (!needH) {
    // Vertical only: every byte of a row is independent, so the interleaved rows are one wide plane.
    const stride = align16(srcStride);
    const outAt = arena.alloc(stride * outH);
    k.vpassPairs(src.at, srcStride, 0, srcStride, outAt, stride, outH, vBounds, vCoef, vt!.coefStride, vt!.shift, vRange);
    const mem = arena.u8();
    for (let y = 0; y < outH; y++) result.set(mem.subarray(outAt + y * stride, outAt + y * stride + srcStride), y * srcStride);
    return result;
  }
  const t = hTable(axisCoeffs(width, outW, filter));
  const hBounds = arena.putI32(t.bounds);
  const hCoef = arena.putI16(t.coef);
  const hRange = arena.putI32(t.lowRange);
  const outStride = align16(outW);
  // The horizontal pass writes whole 16-row strips: planes it writes hold a multiple of 16 rows.
  const planeOut = outStride * (needV ? outH : align16(outH));
  const outAt = arena.alloc(planeOut * ch);
  const hpass = (dst: number, dstPlane: number): void => {
    if (shared) {
      k.hpassStrips(src.stripsAt, width, ch, rowBase >> 4, Math.ceil(rows / 16), dst, outStride, dstPlane, outW, hBounds, hCoef, t.coefStride, t.shift, hRange);
    } else {
      k.hpassT(src.at + rowBase * srcStride, srcStride, width, ch, rows, dst, outStride, dstPlane, outW, hBounds, hCoef, t.coefStride, t.shift, hRange, src.scratchAt);
    }
  };
  if (needV) {
    // One spare row for the vertical pass's unused second row of a pair.
    const planeTmp = outStride * (align16(rows) + 1);
    const tmpAt = arena.alloc(planeTmp * ch);
    hpass(tmpAt, planeTmp);
    for (let c = 0; c < ch; c++) {
      k.vpassPairs(tmpAt + c * planeTmp, outStride, rowBase, outW, outAt + c * planeOut, outStride, outH, vBounds, vCoef, vt!.coefStride, vt!.shift, vRange);
    }
  } else {
    hpass(outAt, planeOut);
  }
  if (ch === 1) {
    const mem = arena.u8();
    for (let y = 0; y < outH; y++) result.set(mem.subarray(outAt + y * outStride, outAt + y * outStride + outW), y * outW);
  } else {
    const at = arena.alloc(result.length);
    k.interleave(outAt, planeOut, outStride, outW, outH, ch, at);
    result.set(arena.u8().subarray(at, at + result.length));
  }
  return result;
}
