// BBBC051 (Woloshuk et al. 2021, human kidney cortex nuclei) -> TissueMNIST: facts from
// reference/sources.md §10. The download's layout is known only second-hand (one public converter
// script): specimen folders F33, F44, F59, each with one zip per cell type extracting to
// <type>/<type>/All_3D/*.tif (3D TIFF, 7 z-slices of 32x32). Treat it as not established: scan() reads
// that layout (and <type>/All_3D/), refuses anything it does not recognise, and names what it found.
import { datasetInfo } from '../../src/catalog/index.js';
import type { DatasetSpec, SourceInfo } from '../../src/core/contract.js';

/**
 * Cell-type folder names -> TissueMNIST label (MedMNIST order: 0 CD/CNT, 1 DCT, 2 glomerular
 * endothelial, 3 interstitial endothelial, 4 leukocytes, 5 podocytes, 6 proximal tubule, 7 TAL).
 * The one table of the converter; the variants are the ones the secondary evidence lists.
 */
export const TYPE_FOLDERS: Readonly<Record<string, number>> = {
  CD_CNT: 0,
  CD: 0,
  CNT: 0,
  DCT: 1,
  CD31_glom: 2,
  CD31glom: 2,
  CD31_inter: 3,
  CD31int: 3,
  CD45: 4,
  'CD45.0': 4,
  'CD45.1': 4,
  'CD45.2': 4,
  Nestin: 5,
  S1S2: 6,
  S2S3: 6,
  TAL: 7,
};

/** Every z-stack has this many slices (MedMNIST: 32x32x7). */
export const SLICES = 7;
/** The folder of TIFF stacks inside a cell-type folder. */
export const STACK_FOLDER = 'All_3D';
/** Specimens named by the secondary evidence (any folder holding cell-type folders is read as one). */
export const SPECIMENS = ['F33', 'F44', 'F59'] as const;

/**
 * Per-class counts that the 7:1:2 rule turns into TissueMNIST's published sizes. CONSTRUCTED, not
 * BBBC051's real counts (not established, reference/official-splits.md): they only show that eight
 * classes summing to MedMNIST's 236,386 can give 165,466 / 23,640 / 47,280 under the rule.
 */
export const CONSTRUCTED_COUNTS = [29549, 29549, 29548, 29548, 29548, 29548, 29548, 29548] as const;

export const source: SourceInfo = {
  id: 'bbbc051',
  name: 'BBBC051: human kidney cortex cell nuclei in 3D (NephNuc), Broad Bioimage Benchmark Collection',
  homepage: 'https://bbbc.broadinstitute.org/BBBC051',
  license: {
    spdx: 'NOASSERTION',
    url: 'https://bbbc.broadinstitute.org/BBBC051',
    note: 'Not established: MedMNIST v2.0 listed TissueMNIST as CC BY 3.0; many BBBC sets are CC0. Check the BBBC page before redistributing.',
  },
  citation:
    'Woloshuk A, Khochare S, Almulhim AF, et al. In situ classification of cell types in human kidney tissue using 3D nuclear staining. Cytometry Part A (2021). https://pmc.ncbi.nlm.nih.gov/articles/PMC8382162 ; Ljosa V, Sokolnicki KL, Carpenter AE. Annotated high-throughput microscopy image sets for validation. Nature Methods 9, 637 (2012).',
  downloads: [],
  instructions:
    'Download the BBBC051 images from https://bbbc.broadinstitute.org/BBBC051 (page not verified here), unzip every cell-type zip inside its specimen folder (F33/, F44/, F59/), giving <specimen>/<cell type>/<cell type>/All_3D/*.tif, and pass the folder holding the specimen folders (or one above it) as --input.',
  layout: [
    'BBBC051/  # or pass it itself as --input (the specimen folders are found up to 3 levels down)',
    '  <specimen>/  # F33/, F44/, F59/: the group id',
    '    <cell type>/<cell type>/All_3D/*.tif  # 7-page TIFF stacks; <cell type>/All_3D/ is read too',
    '    <cell type>/All_3D/*.tif',
  ],
};

export const tissuemnist: DatasetSpec = {
  // MedMNIST's facts (labels, task, counts...) come from the catalog; the rest is this source's.
  ...datasetInfo('tissuemnist'),
  split: { rule: 'ratio-7-1-2', stratify: 'label' },
  recipe: [{ op: 'project', reduce: 'max', axis: 0 }, { op: 'resize', filter: 'bicubic' }],
  groupName: 'specimen',
  groupDescription: 'BBBC051 specimen folder (F33, F44, F59...) the cell was imaged in',
  fineLabelName: 'cell_type_folder',
  fineLabelDescription: 'BBBC051 cell-type folder the TIFF stack lies in, which sets the label',
};
