// Pillow's mode conversions (libImaging/Convert.c), on interleaved 8-bit rasters.
import type { ColorMode } from '../core/contract.js';
import type { RasterImage } from './raster.js';

/** ITU-R 601-2 luma with Pillow's integer rounding: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16. */
function toL(src: RasterImage): RasterImage {
  const ch = src.channels;
  // Gray is already L: no copy (and no fresh full-size buffer per image).
  if (ch === 1) return src;
  const n = src.width * src.height;
  const out = new Uint8Array(n);
  const s = src.data;
  if (ch === 2) {
    // LA -> L drops alpha.
    for (let i = 0; i < n; i++) out[i] = s[i * 2]!;
  } else {
    // RGB and RGBA -> L: alpha is ignored, as Pillow's rgb2l/rgba2l do.
    for (let i = 0, j = 0; i < n; i++, j += ch) {
      out[i] = (s[j]! * 19595 + s[j + 1]! * 38470 + s[j + 2]! * 7471 + 0x8000) >>> 16;
    }
  }
  return { data: out, width: src.width, height: src.height, channels: 1 };
}

function toRGB(src: RasterImage): RasterImage {
  const n = src.width * src.height;
  const ch = src.channels;
  const s = src.data;
  if (ch === 3) return src;
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += ch) {
    if (ch >= 3) {
      // RGBA -> RGB drops alpha (no compositing).
      out[i * 3] = s[j]!;
      out[i * 3 + 1] = s[j + 1]!;
      out[i * 3 + 2] = s[j + 2]!;
    } else {
      // L / LA -> RGB replicates the gray value.
      const v = s[j]!;
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    }
  }
  return { data: out, width: src.width, height: src.height, channels: 3 };
}

/**
 * img.convert(mode) for mode L or RGB. An image already in `mode` is returned as is, not copied
 * (rasters are never modified in place by the pixel path).
 */
export function convertMode(src: RasterImage, mode: ColorMode): RasterImage {
  return mode === 'L' ? toL(src) : toRGB(src);
}
