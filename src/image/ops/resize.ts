// resize(filter): Pillow's resize((S, S), filter) of an L or RGB image to every size from one input
// (resample.ts shares the upload and the horizontal pass's strips between sizes).
import { resizeMany } from '../resample.js';
import { asRaster } from './shape.js';
import type { FinalOp } from './types.js';

export const resizeOp: FinalOp<'resize'> = {
  kind: 'final',
  apply: (a, op, ctx) =>
    resizeMany(
      asRaster(a, 'resize'),
      ctx.sizes.map((s) => [s, s] as const),
      op.filter,
    ).map((r) => r.data),
};
