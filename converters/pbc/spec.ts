// PBC dataset (Acevedo et al. 2020, Mendeley Data snkd93bnjr) -> BloodMNIST: facts from reference/sources.md §9.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** Class folder names in MedMNIST label order (alphabetical: basophil = 0 ... platelet = 7). */
export const PBC_CLASSES = ['basophil', 'eosinophil', 'erythroblast', 'ig', 'lymphocyte', 'monocyte', 'neutrophil', 'platelet'] as const;

/** Commonly quoted per-class counts (unverified, sources.md §9); they give 11,959 / 1,712 / 3,421. */
export const PBC_COUNTS = [1218, 3117, 1551, 2895, 1214, 1420, 3329, 2348] as const;

export const DATASET_FOLDER = 'PBC_dataset_normal_DIB';
/** BloodMNIST's centre crop (sources.md §0.3). */
export const CROP = 200;

export const source: SourceInfo = {
  id: 'pbc',
  name: 'PBC: a dataset for microscopic peripheral blood cell images for development of automatic recognition systems',
  homepage: 'https://data.mendeley.com/datasets/snkd93bnjr/1',
  doi: '10.17632/snkd93bnjr.1',
  license: { spdx: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  citation:
    'Acevedo A, Merino A, Alférez S, Molina Á, Boldú L, Rodellar J. A dataset of microscopic peripheral blood cell images for development of automatic recognition systems. Data in Brief 30: 105474 (2020). https://doi.org/10.1016/j.dib.2020.105474',
  downloads: [{ name: 'PBC_dataset_normal_DIB.zip', url: 'https://data.mendeley.com/datasets/snkd93bnjr/1' }],
  instructions:
    'Download PBC_dataset_normal_DIB.zip from https://data.mendeley.com/datasets/snkd93bnjr/1, unzip it (giving PBC_dataset_normal_DIB/<8 class folders>/*.jpg) and pass the folder holding PBC_dataset_normal_DIB/ (or that folder itself) as --input.',
  layout: [
    'PBC_dataset_normal_DIB/  # or pass it itself as --input',
    '  {basophil,eosinophil,erythroblast,ig,lymphocyte,monocyte,neutrophil,platelet}/*.jpg',
  ],
};

export const bloodmnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('bloodmnist'),
  split: { rule: 'ratio-7-1-2', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'RGB' }, { op: 'center-crop', width: CROP, height: CROP }, { op: 'resize', filter: 'bicubic' }],
};
