// The pixel stage of the engine: load an item from the bytes the engine read (once), then cut every
// sample of it with a dataset's recipe, at every size. The engine runs several items at a time and
// consumes results in order. Decoding runs on sharp's libuv threads; the recipe runs on the main thread
// or, with resampleThreads > 0, on a pool of worker threads. Output bytes never depend on either
// setting: every step is a pure function of the loaded array.
import type { Converter, Item, Region } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import type { Recipe } from '../core/recipe.js';
import { RecipeInputError } from './ops/index.js';
import { rasterToArray } from './raster.js';
import { cutItem } from './recipe.js';
import { ResamplePool } from './resample-pool.js';

export interface ItemProcessor {
  /** The item's array: converter.load(), or the decoded image of files[0]. */
  load(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray>;
  /** Per region, the pixels at each size of `sizes` (uint8, C order). */
  cut(item: Item, loaded: NdArray, recipe: Recipe, regions: readonly (Region | undefined)[]): Promise<Uint8Array[][]>;
  close(): Promise<void>;
}

export interface ProcessorOptions {
  converter: Converter;
  sizes: readonly number[];
  workers: number;
  /**
   * Worker threads for the recipe; 0 runs it on the main thread. Default: 0 for workers <= 2 (on this
   * project's 2-core machine the main thread was fastest: sharp's decoding already fills both cores
   * and handing rasters to threads costs a copy), else min(workers - 1, 4): decoding runs on libuv's
   * 4 threads, and resizing costs less than decoding, so more threads would idle (a heuristic, not
   * measured on a machine with more than 2 cores).
   */
  resampleThreads?: number;
}

// decode.js loads sharp, a native library: imported on the first decode, not by every command.
let decodeModule: Promise<typeof import('./decode.js')> | undefined;

/** The default load(): decode the item's first file as an image file, to uint8 [H, W, C]. */
export async function loadImageItem(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray> {
  const { decodeImage } = await (decodeModule ??= import('./decode.js'));
  return rasterToArray(await decodeImage(bytes[0]!, item.files[0]!));
}

export function createItemProcessor(o: ProcessorOptions): ItemProcessor {
  const { converter, sizes } = o;
  const threads = Math.max(0, Math.floor(o.resampleThreads ?? (o.workers > 2 ? Math.min(o.workers - 1, 4) : 0)));
  const pool = threads > 0 ? new ResamplePool(threads) : null;
  const load = converter.load ?? loadImageItem;
  return {
    load: (item, bytes) => load(item, bytes),
    async cut(item, loaded, recipe, regions) {
      try {
        return pool ? await pool.run(loaded, recipe, regions, sizes) : cutItem(loaded, recipe, regions, sizes);
      } catch (err) {
        if (err instanceof RecipeInputError || (err instanceof Error && err.name === 'RecipeInputError')) {
          throw new DataError(`${item.files[0] ?? item.id}: ${err.message}. Remove or replace this file, then run again.`);
        }
        throw err;
      }
    },
    async close() {
      await pool?.close();
    },
  };
}
