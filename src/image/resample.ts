// Pillow-exact Image.resize (Pillow >= 9, libImaging/Resample.c and Geometry.c).
// Convolution filters: horizontal pass first, intermediate rounded and clipped to uint8, then vertical;
// integer coefficients with 22 fractional bits (resample-coeffs.ts); the passes run in wasm SIMD (wasm.ts).
// NEAREST is not a convolution in Pillow: it is an affine nearest-neighbour transform.
// Modes with alpha (LA, RGBA) are premultiplied before a convolution and un-premultiplied after, as
// Image.resize does through La / RGBa.
import type { ResampleFilter } from '../core/contract.js';
import type { RasterImage } from './raster.js';
import { resizeConvMany } from './wasm.js';

export { axisCoeffs, type AxisCoeffs } from './resample-coeffs.js';

/** Pillow's nearest-neighbour resize (ImagingScaleAffine): positions accumulate in double precision. */
function resizeNearest(src: RasterImage, outW: number, outH: number): RasterImage {
  const ch = src.channels;
  const out = new Uint8Array(outW * outH * ch);
  const ax = src.width / outW;
  const ay = src.height / outH;
  // Source byte offset of each output column, or -1 where Pillow leaves the pixel black.
  const xoff = new Int32Array(outW);
  let xo = ax * 0.5;
  for (let x = 0; x < outW; x++) {
    const xi = xo < 0 ? -1 : Math.trunc(xo);
    xoff[x] = xi >= 0 && xi < src.width ? xi * ch : -1;
    xo += ax;
  }
  const s = src.data;
  const rowBytes = src.width * ch;
  let yo = ay * 0.5;
  for (let y = 0; y < outH; y++) {
    const yi = yo < 0 ? -1 : Math.trunc(yo);
    yo += ay;
    if (yi < 0 || yi >= src.height) continue;
    const row = yi * rowBytes;
    let d = y * outW * ch;
    if (ch === 1) {
      for (let x = 0; x < outW; x++, d++) {
        const o = xoff[x]!;
        if (o >= 0) out[d] = s[row + o]!;
      }
    } else if (ch === 3) {
      for (let x = 0; x < outW; x++, d += 3) {
        const o = xoff[x]!;
        if (o < 0) continue;
        out[d] = s[row + o]!;
        out[d + 1] = s[row + o + 1]!;
        out[d + 2] = s[row + o + 2]!;
      }
    } else {
      for (let x = 0; x < outW; x++, d += ch) {
        const o = xoff[x]!;
        if (o < 0) continue;
        for (let b = 0; b < ch; b++) out[d + b] = s[row + o + b]!;
      }
    }
  }
  return { data: out, width: outW, height: outH, channels: ch };
}

/** Convert.c rgbA2rgba / la2lA's inverse: colour = MULDIV255(colour, alpha), alpha last. */
function premultiply(data: Uint8Array, ch: 2 | 4): Uint8Array {
  const out = new Uint8Array(data.length);
  const a = ch - 1;
  for (let i = 0; i < data.length; i += ch) {
    const alpha = data[i + a]!;
    for (let b = 0; b < a; b++) {
      const t = data[i + b]! * alpha + 128;
      out[i + b] = ((t >> 8) + t) >> 8;
    }
    out[i + a] = alpha;
  }
  return out;
}

/** Convert.c rgba2rgbA: colour = clip8(255 * colour / alpha) unless alpha is 0 or 255. */
function unpremultiply(data: Uint8Array, ch: 2 | 4): void {
  const a = ch - 1;
  for (let i = 0; i < data.length; i += ch) {
    const alpha = data[i + a]!;
    if (alpha === 255 || alpha === 0) continue;
    for (let b = 0; b < a; b++) {
      const v = Math.trunc((255 * data[i + b]!) / alpha);
      data[i + b] = v > 255 ? 255 : v;
    }
  }
}

function checkSize(outW: number, outH: number): void {
  if (!(outW >= 1 && outH >= 1 && Number.isInteger(outW) && Number.isInteger(outH))) {
    throw new RangeError(`resize: invalid output size ${outW}x${outH}`);
  }
}

/** Image.resize((w, h), filter) of one image to several sizes, sharing the wasm upload and planes. */
export function resizeMany(src: RasterImage, sizes: readonly (readonly [number, number])[], filter: ResampleFilter): RasterImage[] {
  for (const [w, h] of sizes) checkSize(w, h);
  const results: (RasterImage | null)[] = sizes.map(([w, h]) => {
    if (w === src.width && h === src.height) return { ...src, data: src.data.slice() };
    if (filter === 'nearest') return resizeNearest(src, w, h);
    return null;
  });
  const todo = sizes.filter((_, i) => results[i] === null);
  if (todo.length === 0) return results as RasterImage[];
  const ch = src.channels;
  const alpha = ch === 2 || ch === 4;
  const input = alpha ? premultiply(src.data, ch) : src.data;
  const conv = resizeConvMany(input, src.width, src.height, ch, todo, filter as Exclude<ResampleFilter, 'nearest'>);
  let j = 0;
  return results.map((r, i) => {
    if (r) return r;
    const data = conv[j++]!;
    if (alpha) unpremultiply(data, ch);
    return { data, width: sizes[i]![0], height: sizes[i]![1], channels: ch };
  });
}

/** Image.resize((outW, outH), filter) for L, LA, RGB and RGBA rasters. */
export function resize(src: RasterImage, outW: number, outH: number, filter: ResampleFilter): RasterImage {
  return resizeMany(src, [[outW, outH]], filter)[0]!;
}
