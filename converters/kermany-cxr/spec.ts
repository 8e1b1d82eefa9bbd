// Kermany et al. ChestXRay2017 (same Mendeley Data record as OCT2017) -> PneumoniaMNIST: facts from
// reference/sources.md §5.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';
import { KERMANY_CITATION, KERMANY_DOI, KERMANY_LICENSE, KERMANY_RECORD } from '../kermany-oct/spec.js';

/** Class folder names in MedMNIST label order (NORMAL = 0, PNEUMONIA = 1). */
export const CXR_CLASSES = ['NORMAL', 'PNEUMONIA'] as const;

/** Per-class counts of chest_xray/train (reference/official-splits.md); they give 4,708 / 524. */
export const CXR_TRAIN_COUNTS = [1349, 3883] as const;

export const source: SourceInfo = {
  id: 'kermany-cxr',
  name: 'Labeled chest X-ray images for classification (ChestXRay2017, pneumonia)',
  homepage: KERMANY_RECORD,
  doi: KERMANY_DOI,
  license: KERMANY_LICENSE,
  citation: KERMANY_CITATION,
  downloads: [{ name: 'ChestXRay2017.zip', url: KERMANY_RECORD }],
  instructions:
    `Download ChestXRay2017.zip from ${KERMANY_RECORD}, unzip it (giving chest_xray/train/{NORMAL,PNEUMONIA}/ and chest_xray/test/...) and pass the folder holding chest_xray/ (or chest_xray/ itself) as --input. The Kaggle copy (chest-xray-pneumonia, with a val/ folder) is read too.`,
  layout: [
    'chest_xray/  # or pass chest_xray/ itself as --input; the Kaggle copy also has val/',
    '  train/{NORMAL,PNEUMONIA}/*.jpeg',
    '  test/{NORMAL,PNEUMONIA}/*.jpeg',
  ],
};

export const pneumoniamnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('pneumoniamnist'),
  split: { rule: 'source-test-9-1', stratify: 'label' },
  recipe: [{ op: 'convert', mode: 'L' }, { op: 'square-crop' }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'patient_id',
  groupDescription: 'ChestXRay2017 patient id read from the file name (person<n> for pneumonia, IM-<n> or NORMAL2-IM-<n> for normal images); empty where the name carries none',
  fineLabelName: 'finding',
  fineLabelDescription: 'ChestXRay2017 finding from the file name: normal, bacteria or virus (else the class folder, lower case)',
  metaColumns: ['source_folder'],
};
