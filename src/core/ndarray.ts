// n-D arrays: what a converter's load() returns and what the recipe works on. C order (last axis
// fastest), one typed array per dtype. 2D images are [H, W] or [H, W, C]; volumes [D, H, W].
export type DType = 'uint8' | 'uint16' | 'int16' | 'float32';

export interface TypedArrays {
  uint8: Uint8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  float32: Float32Array;
}

export type AnyTypedArray = TypedArrays[DType];

export interface NdArray<D extends DType = DType> {
  dtype: D;
  shape: readonly number[];
  data: TypedArrays[D];
}

const CTORS = { uint8: Uint8Array, uint16: Uint16Array, int16: Int16Array, float32: Float32Array } as const;

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`array shape [${shape.join(', ')}] has a bad extent ${d}`);
    n *= d;
  }
  return n;
}

/** A new array of `shape` (zero-filled), or a view of `data`, which must hold exactly that many elements. */
export function ndarray<D extends DType>(dtype: D, shape: readonly number[], data?: TypedArrays[D]): NdArray<D> {
  const n = elementCount(shape);
  const d = data ?? (new CTORS[dtype](n) as TypedArrays[D]);
  if (d.length !== n) throw new RangeError(`${dtype} array of ${d.length} elements does not have shape [${shape.join(', ')}]`);
  return { dtype, shape: [...shape], data: d };
}

/** Element strides of a C-order shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function describeShape(a: Pick<NdArray, 'dtype' | 'shape'>): string {
  return `${a.dtype}[${a.shape.join(', ')}]`;
}
