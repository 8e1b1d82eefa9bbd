// Budgets every decoder and container reader enforces, so that a crafted or corrupt file is refused
// quickly and in bounded memory instead of exhausting the machine (design §8.2).
//
// Pixels: like Pillow's Image.MAX_IMAGE_PIXELS, whose DecompressionBombError fires above twice its value
// (2 * 89,478,485 = 178,956,970 pixels). MedMNIST's largest raw images (Kather tiles, fundus photos,
// ~12 MP) are far below it. Set MEDMNIST_BUILD_MAX_IMAGE_PIXELS to raise or lower it (a positive integer).
import { DataError, UsageError } from './errors.js';

export const DEFAULT_MAX_IMAGE_PIXELS = 178_956_970;

export function maxImagePixels(): number {
  const v = process.env['MEDMNIST_BUILD_MAX_IMAGE_PIXELS'];
  if (v === undefined || v === '') return DEFAULT_MAX_IMAGE_PIXELS;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`MEDMNIST_BUILD_MAX_IMAGE_PIXELS=${v} must be a positive whole number of pixels (default ${DEFAULT_MAX_IMAGE_PIXELS})`);
  return n;
}

/** Refuse an image whose declared geometry exceeds the pixel budget, before any pixel is decoded. */
export function checkImagePixels(width: number, height: number, what: string): void {
  const limit = maxImagePixels();
  if (width * height > limit) {
    throw new DataError(
      `${what}: ${width}x${height} = ${(width * height).toLocaleString('en-US')} pixels exceeds the limit of ${limit.toLocaleString('en-US')} (a decompression bomb, or a corrupt header). ` +
        'If the image is genuine, raise MEDMNIST_BUILD_MAX_IMAGE_PIXELS.',
    );
  }
}
