// F.samples.csv: MedMNIST's mapping columns (split,index,image_id) then label, group_id, fine_label and
// source metadata (design §5). Multi-label rows join their labels with '_' as the PNG file names do.
// The provenance columns have the names the Arrow and Parquet files use (split, index, image_id,
// group_id, fine_label); what group_id and fine_label hold for a source (HAM10000's lesion_id and dx...)
// is said by provenanceColumns(), which F_S.json and the dataset card record.
import type { DatasetSpec, SplitCounts } from '../core/contract.js';
import type { SampleInfo } from '../formats/sink.js';
import { SPLITS } from '../core/contract.js';
import { csvRow } from '../core/csv.js';

/** One column of F.samples.csv, with what it holds for this dataset. */
export interface ProvenanceColumn {
  name: string;
  description: string;
  /** The source's own name for what the column holds (lesion_id, dx...), where it has one. */
  source_column?: string;
}

/** The columns Arrow and Parquet carry besides image and label (design §5), in their order. */
export const COLUMNAR_PROVENANCE = ['split', 'index', 'image_id', 'group_id', 'fine_label'] as const;

/**
 * The columns of F.samples.csv in order: split, index, image_id, label, then group_id and fine_label
 * where the source has them, then the source's own metadata columns.
 */
export function provenanceColumns(spec: DatasetSpec, sourceId: string): ProvenanceColumn[] {
  const cols: ProvenanceColumn[] = [
    { name: 'split', description: 'train, val or test (the Hugging Face split names are train, validation, test)' },
    { name: 'index', description: 'position within the split: the row of the split in the NPZ arrays (train_images...) and in the split\'s Arrow and Parquet files' },
    { name: 'image_id', description: `id of the image in the source (${sourceId}), unique within the dataset` },
    {
      name: 'label',
      description:
        spec.task === 'multi-label, binary-class'
          ? `MedMNIST label: ${spec.labels.length} binary values (one per label column), joined by _ in samples.csv`
          : 'MedMNIST label: the index of the class name',
    },
  ];
  if (spec.groupName) {
    cols.push({ name: 'group_id', description: spec.groupDescription ?? `${sourceId} ${spec.groupName}`, source_column: spec.groupName });
  }
  if (spec.fineLabelName) {
    cols.push({ name: 'fine_label', description: spec.fineLabelDescription ?? `${sourceId} ${spec.fineLabelName}`, source_column: spec.fineLabelName });
  }
  for (const c of spec.metaColumns ?? []) {
    if ((COLUMNAR_PROVENANCE as readonly string[]).includes(c) || c === 'label') throw new Error(`${spec.flag}: metadata column ${c} clashes with a provenance column`);
    cols.push({ name: c, description: `source metadata (${sourceId})`, source_column: c });
  }
  return cols;
}

export function samplesCsvHeader(spec: DatasetSpec): string[] {
  return provenanceColumns(spec, '').map((c) => c.name);
}

/** Samples of a dataset in output order (train, val, test), with the split sizes. */
export interface OrderedSamples {
  counts: SplitCounts;
  samples: readonly SampleInfo[];
}

export function* samplesCsvLines(spec: DatasetSpec, ordered: OrderedSamples): Generator<string> {
  yield csvRow(samplesCsvHeader(spec));
  let pos = 0;
  for (const split of SPLITS) {
    for (let index = 0; index < ordered.counts[split]; index++) {
      const s = ordered.samples[pos++]!;
      const row = [split, String(index), s.id, s.label.join('_')];
      if (spec.groupName) row.push(s.groupId ?? '');
      if (spec.fineLabelName) row.push(s.fineLabel ?? '');
      for (const c of spec.metaColumns ?? []) row.push(s.meta?.[c] ?? '');
      yield csvRow(row);
    }
  }
}
