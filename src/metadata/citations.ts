export const MEDMNIST_CITATION =
  'Yang J, Shi R, Wei D, Liu Z, Zhao L, Ke B, Pfister H, Ni B. MedMNIST v2 - A large-scale lightweight benchmark for 2D and 3D biomedical image classification. Scientific Data 10, 41 (2023). https://doi.org/10.1038/s41597-022-01721-8';

/** MedMNIST's homepage. */
export const MEDMNIST_HOMEPAGE = 'https://medmnist.com/';
