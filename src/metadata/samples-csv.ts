// F.samples.csv: MedMNIST's mapping columns (split,index,image_id) then label, group id, fine label and
// source metadata (design §5). Multi-label rows join their labels with '_' as the PNG file names do.
import type { DatasetSpec, SplitCounts } from '../core/contract.js';
import type { SampleInfo } from '../formats/sink.js';
import { SPLITS } from '../core/contract.js';
import { csvRow } from '../core/csv.js';

export function samplesCsvHeader(spec: DatasetSpec): string[] {
  const cols = ['split', 'index', 'image_id', 'label'];
  if (spec.groupName) cols.push(spec.groupName);
  if (spec.fineLabelName) cols.push(spec.fineLabelName);
  cols.push(...(spec.metaColumns ?? []));
  return cols;
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
