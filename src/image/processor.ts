// The pixel stage of the engine: turn a sample into its pixels at every requested size, decoding once.
// The engine calls process() for several samples at a time and consumes results in order.
// Decoding runs on sharp's libuv threads; the recipe (convert -> crop -> resize) runs on the main
// thread or, with resampleThreads > 0, on a pool of worker threads. Output bytes never depend on
// either setting: every step is a pure function of the decoded pixels.
import type { Converter, DatasetSpec, Sample } from '../core/contract.js';
import { decodeFile } from './decode.js';
import { applyRecipe } from './recipe.js';
import { ResamplePool } from './resample-pool.js';

export interface ImageProcessor {
  /** Pixels of one sample at each size of `sizes`, in that order (uint8, C order). */
  process(sample: Sample): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

export interface ProcessorOptions {
  converter: Converter;
  spec: DatasetSpec;
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

export async function createImageProcessor(o: ProcessorOptions): Promise<ImageProcessor> {
  const { converter, spec, sizes } = o;
  const threads = Math.max(0, Math.floor(o.resampleThreads ?? (o.workers > 2 ? Math.min(o.workers - 1, 4) : 0)));
  const pool = threads > 0 ? new ResamplePool(threads) : null;
  const decode = (sample: Sample) => (converter.decode ? converter.decode(sample, spec) : decodeFile(sample.files[0]!));
  return {
    async process(sample) {
      const img = await decode(sample);
      return pool ? pool.run(img, spec.recipe, sizes) : applyRecipe(img, spec.recipe, sizes);
    },
    async close() {
      await pool?.close();
    },
  };
}
