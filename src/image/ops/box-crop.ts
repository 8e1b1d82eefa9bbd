// box-crop: the sample's region of the array. The box gives [start, end) on the leading (spatial)
// axes; trailing axes (colour channels) are kept whole. A region slice then keeps one plane along its
// axis and drops that axis, so a slice of a volume [D, H, W] is a 2D image.
import { describeShape, ndarray, stridesOf, type NdArray } from '../../core/ndarray.js';
import { RecipeInputError, type StepOp } from './types.js';

export const boxCropOp: StepOp<'box-crop'> = {
  kind: 'step',
  apply: (a, _op, ctx) => {
    const region = ctx.region;
    if (!region?.box && !region?.slice) throw new RecipeInputError('box-crop needs a sample region (a box or a slice), and this sample has none');
    const start = a.shape.map(() => 0);
    const end = [...a.shape];
    if (region.box) {
      const { start: s, end: e } = region.box;
      if (s.length !== e.length || s.length > a.shape.length) {
        throw new RecipeInputError(`box [${s.join(', ')}]..[${e.join(', ')}] does not match the array ${describeShape(a)}`);
      }
      s.forEach((v, i) => {
        if (!Number.isInteger(v) || !Number.isInteger(e[i]) || v < 0 || e[i]! > a.shape[i]! || v >= e[i]!) {
          throw new RecipeInputError(`box [${s.join(', ')}]..[${e.join(', ')}] lies outside the array ${describeShape(a)} on axis ${i}`);
        }
        start[i] = v;
        end[i] = e[i]!;
      });
    }
    let drop = -1;
    if (region.slice) {
      const { axis, index } = region.slice;
      if (!Number.isInteger(axis) || axis < 0 || axis >= a.shape.length) throw new RecipeInputError(`slice axis ${axis} is not an axis of ${describeShape(a)}`);
      if (!Number.isInteger(index) || index < start[axis]! || index >= end[axis]!) {
        throw new RecipeInputError(`slice ${index} on axis ${axis} lies outside [${start[axis]}, ${end[axis]}) of ${describeShape(a)}`);
      }
      start[axis] = index;
      end[axis] = index + 1;
      drop = axis;
    }
    const full = start.map((s, i) => end[i]! - s);
    const out = ndarray(a.dtype, full);
    copyBox(a, start, full, out.data);
    return drop < 0 ? out : ndarray(a.dtype, full.filter((_, i) => i !== drop), out.data);
  },
};

/** Copy the box of `extent` at `start` of `a` into `dst` (C order), one contiguous run at a time. */
function copyBox(a: NdArray, start: readonly number[], extent: readonly number[], dst: NdArray['data']): void {
  const strides = stridesOf(a.shape);
  const n = a.shape.length;
  // The innermost run: trailing axes taken whole are contiguous with the last cropped axis.
  let inner = n - 1;
  while (inner > 0 && start[inner] === 0 && extent[inner] === a.shape[inner]) inner--;
  const run = extent[inner]! * strides[inner]!;
  const src = a.data;
  let d = 0;
  const idx = new Array<number>(inner).fill(0);
  for (;;) {
    let off = start[inner]! * strides[inner]!;
    for (let i = 0; i < inner; i++) off += (start[i]! + idx[i]!) * strides[i]!;
    (dst as Uint8Array).set((src as Uint8Array).subarray(off, off + run), d);
    d += run;
    let i = inner - 1;
    while (i >= 0 && ++idx[i]! === extent[i]!) idx[i--] = 0;
    if (i < 0) break;
  }
}
