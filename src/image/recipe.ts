// The pixel recipe (design §6): decode -> convert to the target mode -> crop -> resize, every size
// from the same decoded image.
import type { PixelRecipe } from '../core/contract.js';
import { convertMode } from './convert.js';
import { applyCrop } from './crop.js';
import type { RasterImage } from './raster.js';
import { resizeMany } from './resample.js';

export function applyRecipe(decoded: RasterImage, recipe: PixelRecipe, sizes: readonly number[]): Uint8Array[] {
  const converted = convertMode(decoded, recipe.mode);
  const cropped = applyCrop(converted, recipe.crop);
  return resizeMany(
    cropped,
    sizes.map((s) => [s, s] as const),
    recipe.filter,
  ).map((r) => r.data);
}
