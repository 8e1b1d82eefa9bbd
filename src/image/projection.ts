// Maximum-intensity projection over the slices of a stack (TissueMNIST: 32 x 32 x 7 cells, projected
// along z before the resize), as numpy's stack.max(axis=0) for a (depth, height, width) array.
import type { RasterImage } from './raster.js';

type Samples = Uint8Array | Uint16Array | Int16Array | Float32Array;

/** Per-pixel maximum of `depth` consecutive slices of `pixels` samples each; same sample type. */
export function maxProjection<T extends Samples>(stack: T, depth: number, pixels: number): T {
  if (!(depth >= 1 && pixels >= 1) || stack.length !== depth * pixels) {
    throw new RangeError(`stack of ${stack.length} samples is not ${depth} slices of ${pixels} samples`);
  }
  const out = stack.slice(0, pixels) as T;
  for (let z = 1; z < depth; z++) {
    const off = z * pixels;
    for (let i = 0; i < pixels; i++) {
      const v = stack[off + i]!;
      if (v > out[i]!) out[i] = v;
    }
  }
  return out;
}

/** Max projection of 8-bit gray slices (each width x height) to one L raster. */
export function maxProjectSlices(slices: readonly RasterImage[]): RasterImage {
  const first = slices[0];
  if (!first) throw new RangeError('max projection needs at least one slice');
  const pixels = first.width * first.height * first.channels;
  const stack = new Uint8Array(pixels * slices.length);
  slices.forEach((s, z) => {
    if (s.width !== first.width || s.height !== first.height || s.channels !== first.channels) {
      throw new RangeError(`slice ${z} is ${s.width}x${s.height}x${s.channels}, slice 0 is ${first.width}x${first.height}x${first.channels}`);
    }
    stack.set(s.data, z * pixels);
  });
  return { ...first, data: maxProjection(stack, slices.length, pixels) };
}
