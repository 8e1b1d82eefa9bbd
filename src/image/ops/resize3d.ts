// resize3d(filter): a uint8 volume [D, H, W] to [S, S, S], defined so that Pillow can check it: every
// axial slice is resized in-plane to S x S with Pillow (uint8 result), then every coronal plane of
// that stack (D rows x S columns) is resized to S x S, which is Pillow's vertical pass only.
import { resizeMany } from '../resample.js';
import { asVolume } from './shape.js';
import type { FinalOp } from './types.js';

export const resize3dOp: FinalOp<'resize3d'> = {
  kind: 'final',
  apply: (a, op, ctx) => {
    const v = asVolume(a, 'resize3d');
    const [d, h, w] = v.shape as [number, number, number];
    const sizes = ctx.sizes;
    // In-plane: per size, a [D, S, S] stack.
    const stacks = sizes.map((s) => new Uint8Array(d * s * s));
    for (let z = 0; z < d; z++) {
      const slice = { data: v.data.subarray(z * h * w, (z + 1) * h * w), width: w, height: h, channels: 1 as const };
      resizeMany(slice, sizes.map((s) => [s, s] as const), op.filter).forEach((r, k) => stacks[k]!.set(r.data, z * sizes[k]! * sizes[k]!));
    }
    return sizes.map((s, k) => {
      const stack = stacks[k]!;
      const out = new Uint8Array(s * s * s);
      const plane = new Uint8Array(d * s);
      for (let y = 0; y < s; y++) {
        // Coronal plane at row y: rows are z, columns are x.
        for (let z = 0; z < d; z++) plane.set(stack.subarray((z * s + y) * s, (z * s + y + 1) * s), z * s);
        const r = resizeMany({ data: plane, width: s, height: d, channels: 1 }, [[s, s]], op.filter)[0]!.data;
        for (let z = 0; z < s; z++) out.set(r.subarray(z * s, (z + 1) * s), (z * s + y) * s);
      }
      return out;
    });
  },
};
