// NIH ChestX-ray14 (Wang et al. 2017) -> ChestMNIST: facts from reference/sources.md §2.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** NIH's finding strings in MedMNIST's label-column order (catalog: atelectasis ... hernia). */
export const FINDINGS = [
  'Atelectasis',
  'Cardiomegaly',
  'Effusion',
  'Infiltration',
  'Mass',
  'Nodule',
  'Pneumonia',
  'Pneumothorax',
  'Consolidation',
  'Edema',
  'Emphysema',
  'Fibrosis',
  'Pleural_Thickening',
  'Hernia',
] as const;

/** The negative finding: all 14 columns 0. */
export const NO_FINDING = 'No Finding';

/** 112,120 images of 30,805 patients; the NIH lists hold 86,524 (train_val) and 25,596 (test) names. */
export const REAL_IMAGES = 112_120;
export const REAL_PATIENTS = 30_805;

/**
 * Positive images per finding in Data_Entry_2017.csv, as widely reported for the NIH release (e.g. the
 * Kaggle copy's label histogram); used only to make the synthetic label table of the split test realistic.
 */
export const REAL_FINDING_COUNTS = [11559, 2776, 13317, 19894, 5782, 6331, 1431, 5302, 4667, 2303, 2516, 1686, 3385, 227] as const;

const MD5 = [
  'fe8ed0a6961412fddcbb3603c11b3698', 'ab07a2d7cbe6f65ddd97b4ed7bde10bf', '2301d03bde4c246388bad3876965d574',
  '9f1b7f5aae01b13f4bc8e2c44a4b8ef6', '1861f3cd0ef7734df8104f2b0309023b', '456b53a8b351afd92a35bc41444c58c8',
  '1075121ea20a137b87f290d6a4a5965e', 'b61f34cec3aa69f295fbb593cbd9d443', '442a3caa61ae9b64e61c561294d1e183',
  '09ec81c4c31e32858ad8cf965c494b74', '499aefc67207a5a97692424cf5dbeed5', 'dc9fda1757c2de0032b63347a7d2895c',
];

export const source: SourceInfo = {
  id: 'nih-cxr14',
  name: 'NIH ChestX-ray14 (ChestX-ray8): NIH Clinical Center chest X-ray dataset',
  homepage: 'https://nihcc.app.box.com/v/ChestXray-NIHCC',
  license: {
    spdx: 'LicenseRef-NIH-CXR14',
    url: 'https://nihcc.app.box.com/v/ChestXray-NIHCC',
    note:
      'No SPDX licence: NIH allows unrestricted use provided the Box link is given, the NIH Clinical Center is acknowledged and the CVPR 2017 paper is cited (MedMNIST publishes ChestMNIST under CC BY 4.0).',
  },
  citation:
    'Wang X, Peng Y, Lu L, Lu Z, Bagheri M, Summers RM. ChestX-ray8: Hospital-scale chest X-ray database and benchmarks on weakly-supervised classification and localization of common thorax diseases. CVPR 2017, pp. 3462-3471. https://arxiv.org/abs/1705.02315',
  downloads: [
    ...MD5.map((md5, i) => ({ name: `images_${String(i + 1).padStart(3, '0')}.tar.gz`, md5 })),
    { name: 'Data_Entry_2017_v2020.csv' },
    { name: 'train_val_list.txt' },
    { name: 'test_list.txt' },
  ],
  instructions:
    'Download images_001.tar.gz ... images_012.tar.gz, Data_Entry_2017_v2020.csv (or Data_Entry_2017.csv), train_val_list.txt and test_list.txt from https://nihcc.app.box.com/v/ChestXray-NIHCC (or CXR8.zip), extract the archives side by side (one merged images/ folder or images_0NN/images/) and pass that folder as --input.',
  layout: [
    'Data_Entry_2017_v2020.csv  # or Data_Entry_2017.csv',
    'train_val_list.txt',
    'test_list.txt',
    'images_<NNN>/images/*.png  # images_001 ... images_012 side by side, or one merged images/ folder',
  ],
};

export const chestmnist: DatasetSpec = {
  // MedMNIST's facts (14 label columns, task, counts) come from the catalog; the rest is this source's.
  ...datasetInfo('chestmnist'),
  // MedMNIST's split is neither NIH's lists nor a 7:1:2 image split (sources.md §2): whole patients per
  // split, the published sizes, every finding's prevalence kept per split (src/split/iterative.ts).
  split: { rule: 'by-group', stratify: 'labels', targets: { train: 78468, val: 11219, test: 22433 } },
  recipe: [{ op: 'convert', mode: 'L' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'patient_id',
  groupDescription: 'ChestX-ray14 Patient ID (8 digits, zero-padded)',
  fineLabelName: 'finding_labels',
  fineLabelDescription: 'ChestX-ray14 Finding Labels: the findings joined by | (or No Finding), from which the 14 binary labels are set',
  metaColumns: ['follow_up', 'age', 'sex', 'view_position', 'original_width', 'original_height', 'pixel_spacing_x', 'pixel_spacing_y', 'nih_list'],
};
