// Split strategies behind --split (design §4): official | grouped | manifest:FILE.
import type { DatasetSpec, Sample } from '../pipeline/contract.js';
import { UsageError } from '../pipeline/errors.js';
import { splitOfficial, type SplitSamples } from './official.js';

export type { SplitSamples } from './official.js';

export interface SplitRequest {
  strategy: string;
  seed: number;
}

export async function splitSamples(samples: readonly Sample[], spec: DatasetSpec, req: SplitRequest): Promise<SplitSamples> {
  if (req.strategy === 'official') return splitOfficial(samples, spec, req.seed);
  throw new UsageError(`unknown --split ${JSON.stringify(req.strategy)}: use official, grouped or manifest:FILE`);
}
