// The recipe runner: one implementation per operation (one file each), applied in the recipe's order.
// The operations before the first one that reads the sample's region run once per item, so every
// sample of a CT volume shares one windowing of it.
import type { Region } from '../../core/contract.js';
import type { NdArray } from '../../core/ndarray.js';
import { itemStageLength, type Recipe, type RecipeOp } from '../../core/recipe.js';
import { boxCropOp } from './box-crop.js';
import { centerCropOp, squareCropOp } from './centre-crops.js';
import { convertOp } from './convert.js';
import { dropBlankOp } from './drop-blank.js';
import { projectOp } from './project.js';
import { resizeOp } from './resize.js';
import { resize3dOp } from './resize3d.js';
import type { FinalOp, OpContext, OpOf, StepOp } from './types.js';
import { windowOp } from './window.js';

export { RecipeInputError } from './types.js';

type Impl<N extends RecipeOp['op']> = StepOp<N> | FinalOp<N>;

const OPS: { [N in RecipeOp['op']]: Impl<N> } = {
  convert: convertOp,
  window: windowOp,
  'box-crop': boxCropOp,
  'center-crop': centerCropOp,
  'square-crop': squareCropOp,
  'drop-blank': dropBlankOp,
  project: projectOp,
  resize: resizeOp,
  resize3d: resize3dOp,
};

function implOf<N extends RecipeOp['op']>(op: OpOf<N>): Impl<N> {
  const impl = OPS[op.op as N] as Impl<N> | undefined;
  if (!impl) throw new Error(`unknown recipe operation ${JSON.stringify(op.op)}`);
  return impl;
}

/** A recipe is steps followed by exactly one final operation (resize or resize3d). */
export function checkRecipe(recipe: Recipe): void {
  if (recipe.length === 0) throw new Error('a recipe needs at least a resize');
  recipe.forEach((op, i) => {
    const last = i === recipe.length - 1;
    const kind = implOf(op).kind;
    if (last && kind !== 'final') throw new Error(`a recipe must end with resize or resize3d, not ${op.op}`);
    if (!last && kind === 'final') throw new Error(`${op.op} must be the last operation of a recipe`);
  });
}

function runSteps(a: NdArray, ops: Recipe, ctx: OpContext): NdArray | null {
  let v: NdArray | null = a;
  for (const op of ops) {
    v = (implOf(op) as StepOp<typeof op.op>).apply(v, op as never, ctx);
    if (v === null) return null;
  }
  return v;
}

/** The operations shared by all samples of an item, applied once. */
export function runItemStage(loaded: NdArray, recipe: Recipe, sizes: readonly number[]): NdArray {
  const v = runSteps(loaded, recipe.slice(0, itemStageLength(recipe)), { sizes });
  if (!v) throw new Error('drop-blank must come after box-crop (it judges one sample)');
  return v;
}

/** The rest of the recipe for one sample: its bytes at every size (uint8, C order); [] when dropped. */
export function runSampleStage(itemStage: NdArray, recipe: Recipe, region: Region | undefined, sizes: readonly number[]): Uint8Array[] {
  const ctx: OpContext = { sizes, ...(region ? { region } : {}) };
  const rest = recipe.slice(itemStageLength(recipe));
  const v = runSteps(itemStage, rest.slice(0, -1), ctx);
  if (v === null) return [];
  const last = rest[rest.length - 1]!;
  return (implOf(last) as FinalOp<typeof last.op>).apply(v, last as never, ctx);
}

/** The whole recipe for one sample of an item. */
export function runRecipe(loaded: NdArray, recipe: Recipe, region: Region | undefined, sizes: readonly number[]): Uint8Array[] {
  return runSampleStage(runItemStage(loaded, recipe, sizes), recipe, region, sizes);
}
