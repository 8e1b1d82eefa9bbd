// LiTS CT volumes + Xu et al.'s organ boxes -> OrganAMNIST, OrganCMNIST, OrganSMNIST (axial, coronal and
// sagittal 2D slices of each box) and OrganMNIST3D (each box as a volume). Facts: reference/sources.md §8.
//
// Geometry. A volume's voxels, as stored (x fastest), are the array [Z, Y, X] (src/image/nifti.ts); a box
// line `<name> <id> x_min x_max y_min y_max z_min z_max` indexes nibabel's img[x, y, z] (MedIMeta), read
// here as half-open [min, max) (Python slicing as MedIMeta indexes with them; inclusive max is not
// established, and max z 1000 in the training boxes fits a half-open box of a 1000-slice volume).
// The 2D image of a slice has the array's two other axes, in order, with no flip:
//   axial    = slice z of the box: rows y, columns x
//   coronal  = slice y:            rows z, columns x
//   sagittal = slice x:            rows z, columns y
// Slice rule (a documented default; MedMNIST never published its own, issue #36): along the view axis,
// a box of n slices starting at s gives the slices s + floor(0.2 n), then every `step`-th, below
// s + ceil(0.8 n); step 2 axial, 5 coronal and sagittal (chosen so that a synthetic box table with the
// real per-organ box counts comes near the official totals: `npm run bench -- lits` prints the table).
// Manifests (`--split manifest:FILE`) may name any slice of a box, whatever the rule.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo, SplitRule } from '../../src/core/contract.js';
import type { Recipe } from '../../src/core/recipe.js';

/** Xu et al.'s organ ids 1..11 in id order; OrganMNIST3D's label = id - 1 (sources.md §8.3). */
export const ORGANS_BY_ID = ['liver', 'kidney-right', 'kidney-left', 'femur-right', 'femur-left', 'bladder', 'heart', 'lung-right', 'lung-left', 'spleen', 'pancreas'] as const;

export const VIEWS = ['axial', 'coronal', 'sagittal'] as const;
export type View = (typeof VIEWS)[number];
/** The array axis a view slices ([Z, Y, X]: axial z = 0, coronal y = 1, sagittal x = 2). */
export const VIEW_AXIS: Record<View, number> = { axial: 0, coronal: 1, sagittal: 2 };

export interface SliceRule {
  from: number;
  to: number;
  step: Record<View, number>;
}
export const SLICE_RULE: SliceRule = { from: 0.2, to: 0.8, step: { axial: 2, coronal: 5, sagittal: 5 } };

/** Slice indexes the rule picks from a box [start, end) along a view axis. */
export function selectSlices(start: number, end: number, view: View, rule: SliceRule = SLICE_RULE): number[] {
  const n = end - start;
  const lo = start + Math.floor(n * rule.from);
  const hi = start + Math.ceil(n * rule.to);
  const out: number[] = [];
  for (let k = lo; k < hi; k += rule.step[view]) out.push(k);
  return out;
}

/** The HU window (W = 400, L = 50: MedIMeta's abdominal window; MedMNIST says only "abdominal window"). */
export const WINDOW = { width: 400, level: 50 };

/** Test volumes whose 2nd and 3rd NIfTI axes are swapped (nibabel shape X, Z, Y); load() swaps them back. */
export const SWAPPED_AXES = new Set(['test-59']);

export const source: SourceInfo = {
  id: 'lits',
  name: 'LiTS (Liver Tumor Segmentation Benchmark) CT volumes with Xu et al. organ bounding boxes',
  homepage: 'https://competitions.codalab.org/competitions/17094',
  doi: '10.1016/j.media.2022.102680',
  license: {
    spdx: 'CC-BY-NC-SA-4.0',
    url: 'https://creativecommons.org/licenses/by-nc-sa/4.0/',
    note: 'Not settled: MedIMeta lists LiTS as CC-BY-NC-SA-4.0, kaiko-ai/eva as CC-BY-NC-ND-4.0 (reference/sources.md §8.1); non-commercial either way. The organ boxes (Xu et al., IEEE DataPort) are CC-BY-4.0.',
  },
  citation:
    'Bilic P, Christ P, Li HB, et al. The Liver Tumor Segmentation Benchmark (LiTS). Medical Image Analysis 84:102680 (2023). https://doi.org/10.1016/j.media.2022.102680 ; Xu X, Zhou F, Liu B, Fu D, Bai X. Efficient Multiple Organ Localization in CT Image Using 3D Region Proposal Network. IEEE TMI 38(8):1885-1898 (2019). https://doi.org/10.1109/TMI.2019.2894854',
  downloads: [
    { name: 'Training_Batch1.zip', url: 'https://competitions.codalab.org/competitions/17094' },
    { name: 'Training_Batch2.zip', url: 'https://competitions.codalab.org/competitions/17094' },
    { name: 'LITS-Challenge-Test-Data', url: 'https://drive.google.com/drive/folders/0B0vscETPGI1-NDZNd3puMlZiNWM' },
    {
      name: 'annotations_of_training_set.zip',
      sizeBytes: 44163,
      sha256: '7420f5a0ff912829ac9bff4136cf5e86042c7062a91a36e3afd0acdd13e26cff',
      url: 'https://github.com/superxuang/caffe_3d_faster_rcnn/raw/master/annotations_on_LiTS/annotations_of_training_set.zip',
    },
    {
      name: 'annotations_of_testing_set.zip',
      sizeBytes: 24458,
      sha256: '045961eeb0eddcb3d1cbdede41ea3bb7b6da366dfb9bf560a90c08ac50a2329b',
      url: 'https://github.com/superxuang/caffe_3d_faster_rcnn/raw/master/annotations_on_LiTS/annotations_of_testing_set.zip',
    },
  ],
  instructions:
    'Download LiTS (Training_Batch1.zip, Training_Batch2.zip from https://competitions.codalab.org/competitions/17094, and the test volumes) and the two box archives annotations_of_training_set.zip and annotations_of_testing_set.zip from https://github.com/superxuang/caffe_3d_faster_rcnn/tree/master/annotations_on_LiTS; unzip everything into one folder (giving "Training Batch 1/volume-N.nii", "Training Batch 2/volume-N.nii", test-volume-N.nii, segmentation-N.txt and test-segmentation-N.txt, in any sub-folders; .nii.gz also works) and pass that folder as --input.',
  layout: [
    'Training Batch 1/volume-<n>.nii{,.gz}  # any sub-folders work',
    'Training Batch 2/volume-<n>.nii{,.gz}',
    'LITS-Challenge-Test-Data/test-volume-<n>.nii{,.gz}',
    "annotations_of_training_set/segmentation-<n>.txt  # Xu et al.'s organ boxes",
    'annotations_of_testing_set/test-segmentation-<n>.txt',
  ],
};

/** By CT scan: source training volumes 115 train / 16 val, test volumes test. */
const SPLIT: SplitRule = { rule: 'by-group-count', stratify: 'none', groups: { train: 115, val: 16 } };

const RECIPE_2D: Recipe = [{ op: 'window', ...WINDOW }, { op: 'box-crop' }, { op: 'drop-blank' }, { op: 'resize', filter: 'bicubic' }];
const RECIPE_3D: Recipe = [{ op: 'window', ...WINDOW }, { op: 'box-crop' }, { op: 'drop-blank' }, { op: 'resize3d', filter: 'bicubic' }];

/** What group_id holds for the LiTS datasets. */
const LITS_SCAN = 'LiTS CT scan the sample is cut from: train-<n> (training volume-<n>) or test-<n> (test-volume-<n>)';
const META_2D = ['volume', 'organ_id', 'view', 'slice', 'box'];

export const organamnist: DatasetSpec = { ...datasetInfo('organamnist'), recipe: RECIPE_2D, split: SPLIT, groupName: 'scan', groupDescription: LITS_SCAN, metaColumns: META_2D };
export const organcmnist: DatasetSpec = { ...datasetInfo('organcmnist'), recipe: RECIPE_2D, split: SPLIT, groupName: 'scan', groupDescription: LITS_SCAN, metaColumns: META_2D };
export const organsmnist: DatasetSpec = { ...datasetInfo('organsmnist'), recipe: RECIPE_2D, split: SPLIT, groupName: 'scan', groupDescription: LITS_SCAN, metaColumns: META_2D };
export const organmnist3d: DatasetSpec = { ...datasetInfo('organmnist3d'), recipe: RECIPE_3D, split: SPLIT, groupName: 'scan', groupDescription: LITS_SCAN, metaColumns: ['volume', 'organ_id', 'box'] };

/** The 2D dataset of each view. */
export const VIEW_DATASET: Record<View, DatasetSpec> = { axial: organamnist, coronal: organcmnist, sagittal: organsmnist };
