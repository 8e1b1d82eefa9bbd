// Kermany et al. OCT2017 (Mendeley Data rscbjbr9sj) -> OCTMNIST: facts from reference/sources.md §4.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** Class folder names in MedMNIST label order (CNV = 0 ... NORMAL = 3). */
export const OCT_CLASSES = ['CNV', 'DME', 'DRUSEN', 'NORMAL'] as const;

/** Per-class counts of OCT2017/train (reference/official-splits.md); they give 97,477 / 10,832. */
export const OCT_TRAIN_COUNTS = [37205, 11348, 8616, 51140] as const;
/** OCT2017/test: 250 per class, 1,000 in all. */
export const OCT_TEST_COUNTS = [250, 250, 250, 250] as const;

export const KERMANY_RECORD = 'https://data.mendeley.com/datasets/rscbjbr9sj/3';
export const KERMANY_DOI = '10.17632/rscbjbr9sj.2';
export const KERMANY_LICENSE = {
  spdx: 'CC-BY-4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  note: 'CC BY 4.0 as the Mendeley Data record states (per MedIMeta); one third-party README claims CC BY-NC-SA 4.0 (unverified).',
};
export const KERMANY_CITATION =
  'Kermany DS, Goldbaum M, Cai W, et al. Identifying Medical Diagnoses and Treatable Diseases by Image-Based Deep Learning. Cell 172(5): 1122-1131.e9 (2018). https://doi.org/10.1016/j.cell.2018.02.010 ; data: Kermany D, Zhang K, Goldbaum M. Labeled Optical Coherence Tomography (OCT) and Chest X-Ray Images for Classification. Mendeley Data, v2. https://doi.org/10.17632/rscbjbr9sj.2';

export const source: SourceInfo = {
  id: 'kermany-oct',
  name: 'Labeled Optical Coherence Tomography (OCT) images for classification (OCT2017)',
  homepage: KERMANY_RECORD,
  doi: KERMANY_DOI,
  license: KERMANY_LICENSE,
  citation: KERMANY_CITATION,
  downloads: [{ name: 'OCT2017.tar.gz', url: KERMANY_RECORD }],
  instructions:
    `Download OCT2017.tar.gz from ${KERMANY_RECORD}, extract it (giving OCT2017/train/<CLASS>/ and OCT2017/test/<CLASS>/) and pass the folder holding OCT2017/ (or OCT2017/ itself) as --input. The Kaggle copy (kermany2018, with a val/ folder) is read too.`,
  layout: [
    'OCT2017/  # or pass OCT2017/ itself as --input; the Kaggle copy also has val/',
    '  train/{CNV,DME,DRUSEN,NORMAL}/*.jpeg',
    '  test/{CNV,DME,DRUSEN,NORMAL}/*.jpeg',
  ],
};

export const octmnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('octmnist'),
  split: { rule: 'source-test-9-1', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'L' }, { op: 'square-crop' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'patient_id',
  groupDescription: 'OCT2017 patient id read from the file name (<CLASS>-<patient id>-<n>.jpeg)',
  metaColumns: ['source_folder'],
};
