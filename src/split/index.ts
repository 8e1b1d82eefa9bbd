// Split strategies behind --split (design §4): official | grouped | source | manifest:FILE.
import type { DatasetSpec, Sample } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { splitGrouped } from './grouped.js';
import { splitSource } from './iterative.js';
import { splitManifest } from './manifest.js';
import { splitOfficial, type SplitSamples } from './official.js';

export type { SplitSamples } from './official.js';

export interface SplitRequest {
  strategy: string;
  seed: number;
  /** The file a sample's pixels come from (a manifest may name images by file name). */
  fileOf?: (s: Sample) => string | undefined;
  /** A sample for an id the scan did not list (ScanResult.resolve), for manifests. */
  resolve?: (imageId: string) => Sample | undefined;
}

export const MANIFEST_PREFIX = 'manifest:';

export async function splitSamples(samples: readonly Sample[], spec: DatasetSpec, req: SplitRequest): Promise<SplitSamples> {
  if (req.strategy === 'official') return splitOfficial(samples, spec, req.seed);
  // A by-group-count rule already keeps every group in one split.
  if (req.strategy === 'grouped') return spec.split.rule === 'by-group-count' ? splitOfficial(samples, spec, req.seed) : splitGrouped(samples, spec, req.seed);
  if (req.strategy === 'source') return splitSource(samples, spec, req.seed);
  if (req.strategy.startsWith(MANIFEST_PREFIX)) {
    const file = req.strategy.slice(MANIFEST_PREFIX.length);
    if (!file) throw new UsageError('--split manifest:FILE needs a file, e.g. --split manifest:dermamnist_split_info.csv');
    return splitManifest(samples, spec, file, req.fileOf, req.resolve);
  }
  throw new UsageError(`unknown --split ${JSON.stringify(req.strategy)}: use official, grouped, source or manifest:FILE`);
}
