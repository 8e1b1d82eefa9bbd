// The pixel stage for one item (design §3, §6): the item's loaded array -> the recipe's operations
// (src/image/ops/) -> every requested size, for each sample cut from it.
import type { Region } from '../core/contract.js';
import type { NdArray } from '../core/ndarray.js';
import type { Recipe } from '../core/recipe.js';
import { runItemStage, runSampleStage } from './ops/index.js';

/** Pixels of each region of one loaded item, per region one array per size. */
export function cutItem(loaded: NdArray, recipe: Recipe, regions: readonly (Region | undefined)[], sizes: readonly number[]): Uint8Array[][] {
  const shared = runItemStage(loaded, recipe, sizes);
  return regions.map((r) => runSampleStage(shared, recipe, r, sizes));
}
