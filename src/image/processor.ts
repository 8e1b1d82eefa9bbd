// The pixel stage of the engine: load an item from the bytes the engine read (once), then cut every
// sample of it with each dataset's recipe, at every size. The engine runs several items at a time and
// consumes results in order. Output bytes never depend on where the work runs: every step is a pure
// function of the loaded array.
//
// Where it runs:
// - Items of converters without their own load() are image files. They go to a pool of worker
//   threads with their compressed bytes; a thread decodes them by a fast route (fast-decode.ts:
//   JPEG in WebAssembly, plain PNG, raw TIFF) into its reused buffer and cuts them there, so no
//   full-size pixels cross threads. A file no fast route takes is decoded by sharp (libuv threads)
//   and cut in the pool.
// - Items with a converter's load() (TIFF stacks, NIfTI volumes) load on the main thread and are cut
//   there, or in the pool when resampleThreads > 0.
import type { Converter, Item } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import { RecipeInputError } from './ops/index.js';
import { rasterToArray } from './raster.js';
import { cutItem } from './recipe.js';
import { ResamplePool, type CutSpec } from './resample-pool.js';

export type { CutSpec } from './resample-pool.js';

export interface ItemProcessor {
  /**
   * Per CutSpec, per region, the pixels at each size of `sizes` (uint8, C order). The bytes of an
   * image file may be handed to a thread (detached): the caller must be done with them.
   */
  process(item: Item, bytes: readonly Uint8Array[], cuts: readonly CutSpec[]): Promise<Uint8Array[][][]>;
  close(): Promise<void>;
}

export interface ProcessorOptions {
  converter: Converter;
  sizes: readonly number[];
  workers: number;
  /**
   * Worker threads. Image files (no converter load()): default `workers` (at least 1), as each thread
   * both decodes and resizes. Converter-loaded items: default 0 (the main thread) for workers <= 2,
   * else min(workers - 1, 4): there the load runs on the main thread, so more threads would idle.
   */
  resampleThreads?: number;
}

// decode.js loads sharp, a native library: imported on the first sharp decode, not by every command.
let decodeModule: Promise<typeof import('./decode.js')> | undefined;

/**
 * The default load(): decode the item's first file as an image file, to uint8 [H, W, C]. `sharpOnly`:
 * skip the fast routes (for a file they already declined; they would decline it again).
 */
export async function loadImageItem(item: Item, bytes: readonly Uint8Array[], sharpOnly = false): Promise<NdArray> {
  const { decodeImage, decodeImageSharp } = await (decodeModule ??= import('./decode.js'));
  return rasterToArray(await (sharpOnly ? decodeImageSharp : decodeImage)(bytes[0]!, item.files[0]!));
}

function isRecipeInputError(err: unknown): boolean {
  return err instanceof RecipeInputError || (err instanceof Error && err.name === 'RecipeInputError');
}

export function createItemProcessor(o: ProcessorOptions): ItemProcessor {
  const { converter, sizes } = o;
  const load = converter.load;
  const defaultThreads = load ? (o.workers > 2 ? Math.min(o.workers - 1, 4) : 0) : Math.max(1, o.workers);
  const threads = Math.max(0, Math.floor(o.resampleThreads ?? defaultThreads));
  const pool = threads > 0 ? new ResamplePool(threads) : null;

  const cutLoaded = (loaded: NdArray, cuts: readonly CutSpec[]): Promise<Uint8Array[][][]> | Uint8Array[][][] =>
    pool ? pool.cut(loaded, cuts, sizes) : cuts.map((c) => cutItem(loaded, c.recipe, c.regions, sizes));

  return {
    async process(item, bytes, cuts) {
      try {
        if (load) return await cutLoaded(await load(item, bytes), cuts);
        if (pool) {
          const r = await pool.decodeAndCut(bytes[0]!, cuts, sizes);
          return 'pixels' in r ? r.pixels : await cutLoaded(await loadImageItem(item, [r.declined, ...bytes.slice(1)], true), cuts);
        }
        return await cutLoaded(await loadImageItem(item, bytes), cuts);
      } catch (err) {
        if (isRecipeInputError(err)) {
          const why = err instanceof Error ? err.message : String(err);
          throw new DataError(`${item.files[0] ?? item.id}: ${why}. Remove or replace this file, then run again.`);
        }
        throw err;
      }
    },
    async close() {
      await pool?.close();
    },
  };
}
