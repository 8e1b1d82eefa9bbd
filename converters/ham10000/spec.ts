// HAM10000 (Tschandl et al. 2018) -> DermaMNIST: facts from reference/sources.md §3.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/** dx codes in MedMNIST label order (alphabetical): akiec = 0 ... vasc = 6. */
export const DX_CODES = ['akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'vasc'] as const;

/** Widely quoted per-class counts of HAM10000; they reproduce DermaMNIST's split sizes exactly. */
export const REAL_CLASS_COUNTS = [327, 514, 1099, 115, 1113, 6705, 142] as const;

export const source: SourceInfo = {
  id: 'ham10000',
  name: 'HAM10000: a large collection of multi-source dermatoscopic images of common pigmented skin lesions',
  homepage: 'https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:10.7910/DVN/DBW86T',
  doi: '10.7910/DVN/DBW86T',
  license: {
    spdx: 'CC-BY-NC-4.0',
    url: 'https://creativecommons.org/licenses/by-nc/4.0/',
    note: 'Non-commercial use only. DermaMNIST inherits this licence.',
  },
  citation:
    'Tschandl P, Rosendahl C, Kittler H. The HAM10000 dataset, a large collection of multi-source dermatoscopic images of common pigmented skin lesions. Scientific Data 5, 180161 (2018). https://doi.org/10.1038/sdata.2018.161',
  downloads: [
    { name: 'HAM10000_images_part_1.zip' },
    { name: 'HAM10000_images_part_2.zip' },
    { name: 'HAM10000_metadata.csv' },
  ],
  instructions:
    'Download HAM10000_images_part_1.zip, HAM10000_images_part_2.zip and HAM10000_metadata from https://doi.org/10.7910/DVN/DBW86T (or the Kaggle copy), unzip them into one folder and pass that folder as --input.',
  layout: [
    'HAM10000_metadata.csv  # lesion_id,image_id,dx,dx_type,age,sex,localization[,dataset]',
    'HAM10000_images_part_1/ISIC_*.jpg  # images may also lie flat, or anywhere below --input',
    'HAM10000_images_part_2/ISIC_*.jpg',
  ],
};

export const dermamnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('dermamnist'),
  split: { rule: 'ratio-7-1-2', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'RGB' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'lesion_id',
  groupDescription: 'HAM10000 lesion_id (HAM_...): the skin lesion the image shows; one lesion can have several images',
  fineLabelName: 'dx',
  fineLabelDescription: 'HAM10000 dx: the diagnosis code (akiec, bcc, bkl, df, mel, nv, vasc), whose alphabetical index is the label',
  metaColumns: ['dx_type', 'age', 'sex', 'localization', 'dataset'],
};
