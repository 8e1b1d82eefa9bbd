// window(width, level): CT intensities (any dtype) to uint8, pointwise, formula in ../window.ts.
import { ndarray } from '../../core/ndarray.js';
import { windowHu } from '../window.js';
import type { StepOp } from './types.js';

export const windowOp: StepOp<'window'> = {
  kind: 'step',
  apply: (a, op) => ndarray('uint8', a.shape, windowHu(a.data, { width: op.width, level: op.level })),
};
