// The decode routes that need no sharp (see decode.md): exact by construction or measured exact against
// Pillow, each far cheaper than sharp for the files it takes. No native module is loaded here, so the
// resampling threads import this file to decode in place. Every route declines (null) whatever it
// does not take, and any error; the caller then goes to sharp, which decodes or refuses as before.
import { decodeJpegShared } from './jpeg-wasm.js';
import { decodePngShared } from './png-fast.js';
import type { RasterImage } from './raster.js';
import { decodeRawTiff } from './tiff-raw.js';

/**
 * Pillow's Image.open pixels by a fast route, or null. The raster may live in a per-thread buffer
 * that the next call on this thread overwrites: consume or copy it first.
 */
export function decodeFastShared(bytes: Uint8Array): RasterImage | null {
  return decodeJpegShared(bytes) ?? decodePngShared(bytes) ?? decodeRawTiff(bytes);
}
