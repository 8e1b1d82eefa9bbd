// DeepDRiD (ISBI 2020, regular fundus part) -> RetinaMNIST: facts from reference/sources.md §6.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

export const PARTS = [
  { folder: 'regular-fundus-training', csv: 'regular-fundus-training.csv', test: false },
  { folder: 'regular-fundus-validation', csv: 'regular-fundus-validation.csv', test: true },
] as const;
export const REGULAR_FOLDER = 'regular_fundus_images';
export const IMAGES_FOLDER = 'Images';

export const GRADE_COLUMNS = ['left_eye_DR_Level', 'right_eye_DR_Level', 'patient_DR_Level'] as const;
export const QUALITY_COLUMNS = ['Overall quality', 'Clarity', 'Field definition', 'Artifact'] as const;
export const REQUIRED_COLUMNS = ['patient_id', 'image_id', 'image_path', ...GRADE_COLUMNS, ...QUALITY_COLUMNS] as const;
/** The header of regular-fundus-{training,validation}.csv as published (column order). */
export const CSV_HEADER = [
  'patient_id', 'image_id', 'image_path', 'Overall quality', 'left_eye_DR_Level', 'right_eye_DR_Level', 'patient_DR_Level',
  'Clarity', 'Field definition', 'Artifact',
] as const;

export const source: SourceInfo = {
  id: 'deepdrid',
  name: 'DeepDRiD: Deep Diabetic Retinopathy Image Dataset (ISBI 2020 challenge), regular fundus images',
  homepage: 'https://github.com/deepdrdoc/DeepDRiD',
  license: {
    spdx: 'CC-BY-SA-4.0',
    url: 'https://creativecommons.org/licenses/by-sa/4.0/',
    note: 'As recorded by MedIMeta; no licence file was seen in the DeepDRiD repository.',
  },
  citation:
    'Liu R, Wang X, Wu Q, et al. DeepDRiD: Diabetic Retinopathy-Grading and Image Quality Estimation Challenge. Patterns 3(6): 100512 (2022). https://doi.org/10.1016/j.patter.2022.100512',
  downloads: [{ name: 'DeepDRiD-master.zip', url: 'https://github.com/deepdrdoc/DeepDRiD/archive/refs/heads/master.zip' }],
  instructions:
    'Clone https://github.com/deepdrdoc/DeepDRiD or download and unzip DeepDRiD-master.zip, and pass the repository folder (or its regular_fundus_images/) as --input. Only regular_fundus_images/regular-fundus-training/ and regular-fundus-validation/ are read; the online-challenge and ultra-widefield folders are not RetinaMNIST.',
  layout: [
    'DeepDRiD-master/  # the repository; or pass it, or its regular_fundus_images/, as --input',
    '  regular_fundus_images/',
    '    regular-fundus-training/',
    '      regular-fundus-training.csv',
    '      Images/<patient>/<patient>_{l,r}*.jpg',
    '    regular-fundus-validation/  # the test split',
    '      regular-fundus-validation.csv',
    '      Images/<patient>/<patient>_{l,r}*.jpg',
  ],
};

export const retinamnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('retinamnist'),
  // Training folder -> train/val 9:1 by patient (270 / 30 patients x 4 = 1,080 / 120); validation folder -> test.
  split: { rule: 'by-group', stratify: 'label', targets: { train: 1080, val: 120, test: 400 }, sourceTest: true },
  recipe: [{ op: 'convert', mode: 'RGB' }, { op: 'square-crop' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'patient_id',
  groupDescription: 'DeepDRiD patient_id: the patient the image belongs to (several images of both eyes each)',
  fineLabelName: 'label_source',
  fineLabelDescription: 'DeepDRiD grade column the label was read from (the eye\'s own left_eye_DR_Level / right_eye_DR_Level, else patient_DR_Level)',
  metaColumns: [...GRADE_COLUMNS, ...QUALITY_COLUMNS, 'path_note'],
};
