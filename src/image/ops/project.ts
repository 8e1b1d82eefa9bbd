// project(max, axis): the maximum over one axis (TissueMNIST: a stack [7, H, W] over axis 0, as numpy's
// stack.max(axis=0)); the axis is dropped.
import { describeShape, ndarray, stridesOf } from '../../core/ndarray.js';
import { RecipeInputError, type StepOp } from './types.js';

export const projectOp: StepOp<'project'> = {
  kind: 'step',
  apply: (a, op) => {
    const { axis } = op;
    if (!Number.isInteger(axis) || axis < 0 || axis >= a.shape.length || a.shape[axis]! < 1) {
      throw new RecipeInputError(`project over axis ${axis} needs an array with that axis, got ${describeShape(a)}`);
    }
    const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
    const depth = a.shape[axis]!;
    const inner = stridesOf(a.shape)[axis]!;
    const out = ndarray(a.dtype, a.shape.filter((_, i) => i !== axis));
    const s = a.data;
    const o = out.data;
    for (let p = 0; p < outer; p++) {
      const base = p * depth * inner;
      o.set(s.subarray(base, base + inner) as never, p * inner);
      for (let z = 1; z < depth; z++) {
        const off = base + z * inner;
        for (let i = 0; i < inner; i++) {
          const v = s[off + i]!;
          if (v > o[p * inner + i]!) o[p * inner + i] = v;
        }
      }
    }
    return out;
  },
};
