// F_S.json: everything a user needs to know about one built dataset at one size (design §5).
import type { DatasetSpec, SourceInfo } from '../core/contract.js';
import { TOOL_VERSION } from '../version.js';
import { MEDMNIST_CITATION } from './citations.js';
import { assertValid } from './schemas.js';

export interface FileRecord {
  name: string;
  bytes: number;
  sha256: string;
}

export interface DatasetMetadataInput {
  spec: DatasetSpec;
  source: SourceInfo;
  size: number;
  imageShape: number[];
  counts: { train: number; val: number; test: number };
  splitStrategy: string;
  seed: number;
  files: FileRecord[];
}

export const RECIPE_ORDER = 'decode -> convert(mode) -> crop -> resize((S, S), filter), Pillow-exact';

export function splitRuleText(spec: DatasetSpec, strategy: string): string {
  if (strategy === 'official') {
    return spec.officialSplit === 'ratio-7-1-2'
      ? 'per class: train = trunc(n*0.7), val = trunc(n*0.8) - trunc(n*0.7), test = rest; order: sha256(seed:image_id)'
      : "source test set = test; per class of the source train set: train = trunc(n*0.9), val = rest; order: sha256(seed:image_id)";
  }
  return strategy;
}

export function buildDatasetMetadata(m: DatasetMetadataInput): Record<string, unknown> {
  const { spec, source } = m;
  const doc = {
    schemaVersion: 1,
    flag: spec.flag,
    title: spec.title,
    task: spec.task,
    labels: Object.fromEntries(spec.labels.map((l, i) => [String(i), l])),
    n_channels: spec.nChannels,
    size: m.size,
    shape: m.imageShape,
    n_samples: m.counts,
    official_n_samples: spec.officialCounts,
    license: source.license,
    sources: [
      {
        id: source.id,
        name: source.name,
        homepage: source.homepage,
        ...(source.doi ? { doi: source.doi } : {}),
        license: source.license,
        citation: source.citation,
      },
    ],
    citations: [source.citation, MEDMNIST_CITATION],
    preprocessing: { mode: spec.recipe.mode, crop: spec.recipe.crop, filter: spec.recipe.filter, order: RECIPE_ORDER },
    split: { strategy: m.splitStrategy, seed: m.seed, rule: splitRuleText(spec, m.splitStrategy) },
    tool: { name: 'medmnist-build', version: TOOL_VERSION },
    files: m.files,
  };
  assertValid('dataset-metadata.schema.json', doc, `metadata of ${spec.flag} size ${m.size}`);
  return doc;
}
