// BUSI, Dataset_BUSI_with_GT (Al-Dhabyani et al. 2020) -> BreastMNIST: facts from reference/sources.md §7.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** BUSI's class folders. */
export const BUSI_CLASSES = ['benign', 'malignant', 'normal'] as const;
export type BusiClass = (typeof BUSI_CLASSES)[number];

/** BreastMNIST's binary label of each BUSI class: malignant = 0, normal or benign = 1. */
export const BUSI_LABEL: Record<BusiClass, number> = { benign: 1, malignant: 0, normal: 1 };

/** BUSI class counts (benign 437, malignant 210, normal 133); the binary strata 210 / 570 give 546 / 78 / 156. */
export const BUSI_COUNTS: Record<BusiClass, number> = { benign: 437, malignant: 210, normal: 133 };

export const DATASET_FOLDER = 'Dataset_BUSI_with_GT';

export const source: SourceInfo = {
  id: 'busi',
  name: 'Breast Ultrasound Images Dataset (Dataset_BUSI_with_GT)',
  homepage: 'https://scholar.cu.edu.eg/?q=afahmy/pages/dataset',
  license: {
    spdx: 'NOASSERTION',
    url: 'https://scholar.cu.edu.eg/?q=afahmy/pages/dataset',
    note: "Not established: the publisher's own licence statement was not seen. MedIMeta records CC-BY-4.0 and MedMNIST releases BreastMNIST under CC BY 4.0; a Hugging Face mirror marks it 'other'. Check the terms on the publisher's page before redistributing.",
  },
  citation:
    'Al-Dhabyani W, Gomaa M, Khaled H, Fahmy A. Dataset of breast ultrasound images. Data in Brief 28: 104863 (2020). https://doi.org/10.1016/j.dib.2019.104863',
  downloads: [{ name: 'Dataset_BUSI.zip', url: 'https://scholar.cu.edu.eg/?q=afahmy/pages/dataset' }],
  instructions:
    'Download Dataset_BUSI.zip from https://scholar.cu.edu.eg/?q=afahmy/pages/dataset, unzip it (giving Dataset_BUSI_with_GT/{benign,malignant,normal}/) and pass the folder holding Dataset_BUSI_with_GT/ (or that folder itself) as --input.',
  layout: [
    'Dataset_BUSI_with_GT/  # or pass it itself as --input',
    '  {benign,malignant,normal}/<class> (<n>).png  # the <class> (<n>)_mask.png files are skipped',
  ],
};

export const breastmnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('breastmnist'),
  split: { rule: 'ratio-7-1-2', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'L' }, { op: 'resize', filter: 'bicubic' }],
  fineLabelName: 'busi_class',
  fineLabelDescription: 'BUSI class folder (benign, malignant, normal); the label merges normal and benign',
  metaColumns: ['masks'],
};
