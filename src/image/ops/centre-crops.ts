// center-crop(w, h) and square-crop: Pillow's img.crop((l, t, l + w, t + h)) with the centre offsets
// of design §6 (left = floor((W - w) / 2), top = floor((H - h) / 2)).
import { rasterToArray } from '../raster.js';
import { cropBox } from '../crop.js';
import { asRaster } from './shape.js';
import { RecipeInputError, type StepOp } from './types.js';

function centre(a: Parameters<typeof asRaster>[0], w: number, h: number, op: string) {
  const img = asRaster(a, op);
  if (w === img.width && h === img.height) return a;
  if (w > img.width || h > img.height) throw new RecipeInputError(`${img.width}x${img.height} pixels, smaller than the ${w}x${h} centre crop`);
  return rasterToArray(cropBox(img, { left: Math.floor((img.width - w) / 2), top: Math.floor((img.height - h) / 2), width: w, height: h }));
}

export const centerCropOp: StepOp<'center-crop'> = {
  kind: 'step',
  apply: (a, op) => centre(a, op.width, op.height, 'center-crop'),
};

export const squareCropOp: StepOp<'square-crop'> = {
  kind: 'step',
  apply: (a) => {
    const s = Math.min(a.shape[0]!, a.shape[1]!);
    return centre(a, s, s, 'square-crop');
  },
};
