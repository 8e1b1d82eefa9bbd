// F.samples.csv: MedMNIST's mapping columns (split,index,image_id) then label, group id, fine label and
// source metadata (design §5). Multi-label rows join their labels with '_' as the PNG file names do.
import type { DatasetSpec } from '../core/contract.js';
import type { SplitSamples } from '../split/index.js';
import { SPLITS } from '../core/contract.js';
import { csvRow } from '../core/csv.js';

export function samplesCsvHeader(spec: DatasetSpec): string[] {
  const cols = ['split', 'index', 'image_id', 'label'];
  if (spec.groupName) cols.push(spec.groupName);
  if (spec.fineLabelName) cols.push(spec.fineLabelName);
  cols.push(...(spec.metaColumns ?? []));
  return cols;
}

export function* samplesCsvLines(spec: DatasetSpec, splits: SplitSamples): Generator<string> {
  yield csvRow(samplesCsvHeader(spec));
  for (const split of SPLITS) {
    let index = 0;
    for (const s of splits[split]) {
      const row = [split, String(index++), s.id, s.label.join('_')];
      if (spec.groupName) row.push(s.groupId ?? '');
      if (spec.fineLabelName) row.push(s.fineLabel ?? '');
      for (const c of spec.metaColumns ?? []) row.push(s.meta?.[c] ?? '');
      yield csvRow(row);
    }
  }
}
