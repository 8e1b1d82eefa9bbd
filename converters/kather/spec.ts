// NCT-CRC-HE-100K + CRC-VAL-HE-7K (Kather et al. 2018) -> PathMNIST: facts from reference/sources.md §1.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** Class folder names in MedMNIST label order (ADI = 0 ... TUM = 8). */
export const KATHER_CLASSES = ['ADI', 'BACK', 'DEB', 'LYM', 'MUC', 'MUS', 'NORM', 'STR', 'TUM'] as const;

/** Per-class counts of NCT-CRC-HE-100K (reference/official-splits.md); they give 89,996 / 10,004. */
export const KATHER_TRAIN_COUNTS = [10407, 10566, 11512, 11557, 8896, 13536, 8763, 10446, 14317] as const;

/** The training archive as Zenodo ships it (Macenko-normalised), its unnormalised twin, and the test archive. */
export const TRAIN_ARCHIVE = 'NCT-CRC-HE-100K';
export const TRAIN_ARCHIVE_NONORM = 'NCT-CRC-HE-100K-NONORM';
export const TEST_ARCHIVE = 'CRC-VAL-HE-7K';

export const source: SourceInfo = {
  id: 'kather',
  name: 'NCT-CRC-HE-100K and CRC-VAL-HE-7K: 100,000 histological images of human colorectal cancer and healthy tissue',
  homepage: 'https://zenodo.org/records/1214456',
  doi: '10.5281/zenodo.1214456',
  license: { spdx: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  citation:
    'Kather JN, Halama N, Marx A. 100,000 histological images of human colorectal cancer and healthy tissue (v0.1). Zenodo (2018). https://doi.org/10.5281/zenodo.1214456 ; Kather JN, et al. Predicting survival from colorectal cancer histology slides using deep learning: a retrospective multicenter study. PLoS Medicine 16(1): e1002730 (2019). https://doi.org/10.1371/journal.pmed.1002730',
  downloads: [
    { name: 'NCT-CRC-HE-100K.zip', md5: '035777cf327776a71a05c95da6d6325f', url: 'https://zenodo.org/records/1214456/files/NCT-CRC-HE-100K.zip?download=1' },
    { name: 'NCT-CRC-HE-100K-NONORM.zip', url: 'https://zenodo.org/records/1214456/files/NCT-CRC-HE-100K-NONORM.zip?download=1' },
    { name: 'CRC-VAL-HE-7K.zip', md5: '2fd1651b4f94ebd818ebf90ad2b6ce06', url: 'https://zenodo.org/records/1214456/files/CRC-VAL-HE-7K.zip?download=1' },
  ],
  instructions:
    'Download NCT-CRC-HE-100K.zip (or NCT-CRC-HE-100K-NONORM.zip) and CRC-VAL-HE-7K.zip from https://zenodo.org/records/1214456, unzip both into one folder (giving NCT-CRC-HE-100K/<CLASS>/*.tif and CRC-VAL-HE-7K/<CLASS>/*.tif) and pass that folder as --input.',
  layout: [
    'NCT-CRC-HE-100K/  # or NCT-CRC-HE-100K-NONORM/: the training set',
    '  {ADI,BACK,DEB,LYM,MUC,MUS,NORM,STR,TUM}/*.tif',
    'CRC-VAL-HE-7K/  # the source test set',
    '  {ADI,BACK,DEB,LYM,MUC,MUS,NORM,STR,TUM}/*.tif',
  ],
};

export const pathmnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('pathmnist'),
  split: { rule: 'source-test-9-1', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'RGB' }, { op: 'resize', filter: 'bicubic' }],
  metaColumns: ['archive'],
};
