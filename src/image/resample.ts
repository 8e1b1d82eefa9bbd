// Pillow-exact resampling (Pillow >= 9, libImaging/Resample.c and Geometry.c).
// Convolution filters: horizontal pass first, intermediate rounded and clipped to uint8, then vertical;
// weights normalised, converted to integers with 22 fractional bits; accumulator starts at 1/2.
// NEAREST is not a convolution in Pillow: it is an affine nearest-neighbour transform.
import type { ResampleFilter } from '../pipeline/contract.js';
import type { RasterImage } from './raster.js';

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

interface FilterDef {
  support: number;
  fn: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

const FILTERS: Record<Exclude<ResampleFilter, 'nearest'>, FilterDef> = {
  box: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    support: 1,
    fn: (x) => {
      if (x < 0) x = -x;
      return x < 1 ? 1 - x : 0;
    },
  },
  hamming: {
    support: 1,
    fn: (x) => {
      if (x < 0) x = -x;
      if (x === 0) return 1;
      if (x >= 1) return 0;
      x *= Math.PI;
      return (Math.sin(x) / x) * (0.54 + 0.46 * Math.cos(x));
    },
  },
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      if (x < 0) x = -x;
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Integer coefficients of one axis: for output i, taps k[i*ksize .. +count[i]) start at input first[i]. */
export interface AxisCoeffs {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  k: Int32Array;
}

const coeffCache = new Map<string, AxisCoeffs>();

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for a full-image box [0, inSize). */
export function axisCoeffs(inSize: number, outSize: number, filter: Exclude<ResampleFilter, 'nearest'>): AxisCoeffs {
  const key = `${filter}:${inSize}:${outSize}`;
  const hit = coeffCache.get(key);
  if (hit) return hit;
  const f = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = f.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C casts to int: truncation toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const v = f.fn((x + xmin - center + 0.5) * ss);
      w[x] = v;
      ww += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x]! / ww : w[x]!;
      // (int)(±0.5 + v * 2^22): truncation toward zero.
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  const c = { ksize, first, count, k };
  if (coeffCache.size > 256) coeffCache.clear();
  coeffCache.set(key, c);
  return c;
}

function clip8(v: number): number {
  if (v >= 1 << (PRECISION_BITS + 8)) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function resampleHorizontal(src: RasterImage, outW: number, rowFirst: number, rows: number, c: AxisCoeffs): RasterImage {
  const ch = src.channels;
  const out = new Uint8Array(outW * rows * ch);
  const { ksize, first, count, k } = c;
  const inRow = src.width * ch;
  for (let y = 0; y < rows; y++) {
    const rowOff = (y + rowFirst) * inRow;
    const outOff = y * outW * ch;
    for (let xx = 0; xx < outW; xx++) {
      const kOff = xx * ksize;
      const n = count[xx]!;
      const base = rowOff + first[xx]! * ch;
      for (let b = 0; b < ch; b++) {
        let ss = HALF;
        for (let x = 0; x < n; x++) ss += src.data[base + x * ch + b]! * k[kOff + x]!;
        out[outOff + xx * ch + b] = clip8(ss);
      }
    }
  }
  return { data: out, width: outW, height: rows, channels: ch };
}

function resampleVertical(src: RasterImage, outH: number, c: AxisCoeffs, shift: number): RasterImage {
  const ch = src.channels;
  const rowLen = src.width * ch;
  const out = new Uint8Array(rowLen * outH);
  const { ksize, first, count, k } = c;
  for (let yy = 0; yy < outH; yy++) {
    const kOff = yy * ksize;
    const n = count[yy]!;
    const y0 = first[yy]! - shift;
    const outOff = yy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let ss = HALF;
      for (let y = 0; y < n; y++) ss += src.data[(y0 + y) * rowLen + i]! * k[kOff + y]!;
      out[outOff + i] = clip8(ss);
    }
  }
  return { data: out, width: src.width, height: outH, channels: ch };
}

/** Pillow's nearest-neighbour resize (ImagingScaleAffine): positions accumulate in double precision. */
function resizeNearest(src: RasterImage, outW: number, outH: number): RasterImage {
  const ch = src.channels;
  const out = new Uint8Array(outW * outH * ch);
  const ax = src.width / outW;
  const ay = src.height / outH;
  const xin = new Int32Array(outW);
  let xo = ax * 0.5;
  for (let x = 0; x < outW; x++) {
    xin[x] = xo < 0 ? -1 : Math.trunc(xo);
    xo += ax;
  }
  let yo = ay * 0.5;
  for (let y = 0; y < outH; y++) {
    const yi = yo < 0 ? -1 : Math.trunc(yo);
    yo += ay;
    if (yi < 0 || yi >= src.height) continue;
    for (let x = 0; x < outW; x++) {
      const xi = xin[x]!;
      if (xi < 0 || xi >= src.width) continue;
      for (let b = 0; b < ch; b++) out[(y * outW + x) * ch + b] = src.data[(yi * src.width + xi) * ch + b]!;
    }
  }
  return { data: out, width: outW, height: outH, channels: ch };
}

/** Image.resize((outW, outH), filter) for 8-bit modes without alpha (L, RGB). */
export function resize(src: RasterImage, outW: number, outH: number, filter: ResampleFilter): RasterImage {
  if (!(outW >= 1 && outH >= 1 && Number.isInteger(outW) && Number.isInteger(outH))) {
    throw new RangeError(`resize: invalid output size ${outW}x${outH}`);
  }
  if (src.width === outW && src.height === outH) {
    return { ...src, data: src.data.slice() };
  }
  if (filter === 'nearest') return resizeNearest(src, outW, outH);
  const needH = outW !== src.width;
  const needV = outH !== src.height;
  const ch = axisCoeffs(src.width, outW, filter);
  const cv = axisCoeffs(src.height, outH, filter);
  let img = src;
  let shift = 0;
  if (needH) {
    // Only the rows the vertical pass will read are resampled horizontally.
    const yFirst = cv.first[0]!;
    const yLast = cv.first[outH - 1]! + cv.count[outH - 1]!;
    img = resampleHorizontal(src, outW, needV ? yFirst : 0, needV ? yLast - yFirst : src.height, ch);
    shift = needV ? yFirst : 0;
  }
  if (needV) img = resampleVertical(img, outH, cv, shift);
  return img;
}
