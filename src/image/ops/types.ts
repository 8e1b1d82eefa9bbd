// What every recipe operation implements. A step maps an array to an array; the last step of a recipe
// (resize, resize3d) maps it to the output bytes at every requested size.
import type { Region } from '../../core/contract.js';
import type { NdArray } from '../../core/ndarray.js';
import type { RecipeOp } from '../../core/recipe.js';

export interface OpContext {
  /** The sample's region (box-crop reads it). */
  region?: Region;
  /** Output sides S, in the order results are returned. */
  sizes: readonly number[];
}

export type OpOf<N extends RecipeOp['op']> = Extract<RecipeOp, { op: N }>;

export interface StepOp<N extends RecipeOp['op']> {
  kind: 'step';
  /** Only drop-blank may return null: it drops the sample (the engine leaves it out and counts it). */
  apply(a: NdArray, op: OpOf<N>, ctx: OpContext): N extends 'drop-blank' ? NdArray | null : NdArray;
}

export interface FinalOp<N extends RecipeOp['op']> {
  kind: 'final';
  /** uint8 C-order bytes per size of ctx.sizes. */
  apply(a: NdArray, op: OpOf<N>, ctx: OpContext): Uint8Array[];
}

/** A message for a recipe step that cannot run on this input (the engine adds the item's file). */
export class RecipeInputError extends Error {
  override name = 'RecipeInputError';
}
