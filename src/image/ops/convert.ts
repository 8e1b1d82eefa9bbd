// convert(mode): Pillow's img.convert('L' | 'RGB') of an 8-bit 2D image (Convert.c rules, convert.ts).
import { rasterToArray } from '../raster.js';
import { convertMode } from '../convert.js';
import { asRaster } from './shape.js';
import type { StepOp } from './types.js';

export const convertOp: StepOp<'convert'> = {
  kind: 'step',
  apply: (a, op) => rasterToArray(convertMode(asRaster(a, 'convert'), op.mode)),
};
