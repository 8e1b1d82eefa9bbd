// F_S.json: everything a user needs to know about one built dataset at one size (design §5).
import type { DatasetSpec, LicenseInfo, Recipe, SourceInfo, SplitCounts } from '../core/contract.js';
import { describeRecipe } from '../core/recipe.js';
import { TOOL_VERSION } from '../version.js';
import { MEDMNIST_CITATION } from './citations.js';
import { provenanceColumns, type ProvenanceColumn } from './samples-csv.js';
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
  /** Samples the recipe dropped as blank (recipes with drop-blank only). */
  dropped?: { train: number; val: number; test: number };
  splitStrategy: string;
  seed: number;
  files: FileRecord[];
}

export function splitRuleText(spec: DatasetSpec, strategy: string): string {
  const iterative = `whole groups (${spec.groupName ?? 'group'}) per split, every label's prevalence kept per split (iterative stratification, Sechidis et al. 2011, rarest label first)`;
  if (strategy === 'source') return `source test list = test; the rest: train = trunc(n*0.875), val = rest, ${iterative}; order: sha256(seed:image_id)`;
  if (strategy !== 'official') return strategy;
  if (spec.split.stratify === 'labels') {
    const r = spec.split;
    const sizes =
      r.rule === 'by-group'
        ? `sizes exactly ${r.targets.train} / ${r.targets.val} / ${r.targets.test} (scaled to n by largest remainder when n differs) as far as the groups allow`
        : r.rule === 'ratio-7-1-2'
          ? 'sizes trunc(n*0.7) / trunc(n*0.8) - trunc(n*0.7) / rest'
          : 'source test set = test; sizes of the rest trunc(n*0.9) / rest';
    return `${sizes}; ${iterative}; order: sha256(seed:image_id)`;
  }
  const per = spec.split.stratify === 'label' ? 'per class' : 'over all samples';
  switch (spec.split.rule) {
    case 'ratio-7-1-2':
      return `${per}: train = trunc(n*0.7), val = trunc(n*0.8) - trunc(n*0.7), test = rest; order: sha256(seed:image_id)`;
    case 'source-test-9-1':
      return `source test set = test; ${per} of the source train set: train = trunc(n*0.9), val = rest; order: sha256(seed:image_id)`;
    case 'by-group': {
      const t = spec.split.targets;
      const src = spec.split.sourceTest ? 'source test set = test; ' : '';
      return `${src}whole groups (${spec.groupName ?? 'group'}) per split, sizes closest to ${t.train} / ${t.val} / ${t.test}; order: sha256(seed:image_id)`;
    }
    case 'by-group-count': {
      const g = spec.split.groups;
      return `source test set = test; source training ${spec.groupName ?? 'group'}s in the order sha256(seed:group): the first ${g.train} (of ${g.train + g.val}; of n others: trunc(n*${g.train}/${g.train + g.val})) train, the rest val; order: sha256(seed:image_id)`;
    }
  }
}

/** F_S.json as written (schemas/dataset-metadata.schema.json). */
export interface DatasetMetadata {
  schemaVersion: 1;
  flag: string;
  title: string;
  task: DatasetSpec['task'];
  labels: Record<string, string>;
  n_channels: 1 | 3;
  size: number;
  shape: number[];
  n_dropped_blank?: SplitCounts;
  n_samples: SplitCounts;
  official_n_samples: SplitCounts;
  license: LicenseInfo;
  sources: { id: string; name: string; homepage: string; doi?: string; license: LicenseInfo; citation: string }[];
  citations: string[];
  preprocessing: { ops: Recipe; order: string };
  split: { strategy: string; seed: number; rule: string };
  provenance: { samples_csv: string; columns: ProvenanceColumn[] };
  tool: { name: 'medmnist-build'; version: string };
  files: FileRecord[];
}

export function buildDatasetMetadata(m: DatasetMetadataInput): DatasetMetadata {
  const { spec, source } = m;
  const doc: DatasetMetadata = {
    schemaVersion: 1,
    flag: spec.flag,
    title: spec.title,
    task: spec.task,
    labels: Object.fromEntries(spec.labels.map((l, i) => [String(i), l])),
    n_channels: spec.nChannels,
    size: m.size,
    shape: m.imageShape,
    ...(m.dropped && spec.recipe.some((o) => o.op === 'drop-blank') ? { n_dropped_blank: m.dropped } : {}),
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
    preprocessing: { ops: spec.recipe, order: `decode -> ${describeRecipe(spec.recipe)}, Pillow-exact` },
    split: { strategy: m.splitStrategy, seed: m.seed, rule: splitRuleText(spec, m.splitStrategy) },
    // The columns of F.samples.csv; Arrow and Parquet carry split, index, image_id, group_id and
    // fine_label with the same meaning (group_id / fine_label null where this list has none).
    provenance: { samples_csv: `${spec.flag}.samples.csv`, columns: provenanceColumns(spec, source.id) },
    tool: { name: 'medmnist-build', version: TOOL_VERSION },
    files: m.files,
  };
  assertValid('dataset-metadata.schema.json', doc, `metadata of ${spec.flag} size ${m.size}`);
  return doc;
}
