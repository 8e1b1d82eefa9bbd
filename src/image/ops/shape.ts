// Shape checks shared by the operations: which inputs each accepts, with messages that say why not.
import { describeShape, type NdArray } from '../../core/ndarray.js';
import { arrayToRaster, type RasterImage } from '../raster.js';
import { RecipeInputError } from './types.js';

export function asRaster(a: NdArray, op: string): RasterImage {
  const r = arrayToRaster(a);
  if (!r) throw new RecipeInputError(`${op} needs an 8-bit 2D image, got ${describeShape(a)}`);
  return r;
}

/** A uint8 volume [D, H, W]. */
export function asVolume(a: NdArray, op: string): NdArray<'uint8'> {
  if (a.dtype !== 'uint8' || a.shape.length !== 3) throw new RecipeInputError(`${op} needs a uint8 volume [D, H, W], got ${describeShape(a)} (window it first)`);
  return a as NdArray<'uint8'>;
}
