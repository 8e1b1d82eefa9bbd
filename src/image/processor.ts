// The pixel stage of the engine: turn a sample into its pixels at every requested size, decoding once.
// The engine calls process() for several samples at a time and consumes results in order.
import type { Converter, DatasetSpec, Sample } from '../pipeline/contract.js';
import { decodeFile } from './decode.js';
import { applyRecipe } from './pipeline.js';

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
}

export async function createImageProcessor(o: ProcessorOptions): Promise<ImageProcessor> {
  const { converter, spec, sizes } = o;
  return {
    async process(sample) {
      const img = converter.decode ? await converter.decode(sample, spec) : await decodeFile(sample.files[0]!);
      return applyRecipe(img, spec.recipe, sizes);
    },
    async close() {},
  };
}
