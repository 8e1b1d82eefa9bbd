// Pillow's resampling coefficients (Pillow >= 9, libImaging/Resample.c: precompute_coeffs and
// normalize_coeffs_8bpc), computed in double precision exactly as the C code does, once per geometry.
import type { ResampleFilter } from '../core/contract.js';

const PRECISION_BITS = 32 - 8 - 2;

interface FilterDef {
  support: number;
  fn: (x: number) => number;
}

const F054 = Math.fround(0.54);
const F046 = Math.fround(0.46);

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
      // Pillow writes 0.54f and 0.46f: single-precision constants in double arithmetic.
      return (Math.sin(x) / x) * (F054 + F046 * Math.cos(x));
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
