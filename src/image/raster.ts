import { ndarray, type NdArray } from '../core/ndarray.js';

// A decoded image: interleaved 8-bit channels, row-major (Pillow's mode L = 1, LA = 2, RGB = 3, RGBA = 4).
export interface RasterImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** A raster as an n-D array [H, W, C] sharing its bytes. */
export function rasterToArray(img: RasterImage): NdArray<'uint8'> {
  return ndarray('uint8', [img.height, img.width, img.channels], img.data);
}

/** A uint8 [H, W] or [H, W, C] (C = 1..4) array as a raster sharing its bytes, or null if it is not one. */
export function arrayToRaster(a: NdArray): RasterImage | null {
  if (a.dtype !== 'uint8' || (a.shape.length !== 2 && a.shape.length !== 3)) return null;
  const channels = a.shape.length === 2 ? 1 : a.shape[2]!;
  if (channels < 1 || channels > 4) return null;
  return { data: a.data as Uint8Array, width: a.shape[1]!, height: a.shape[0]!, channels: channels as RasterImage['channels'] };
}
