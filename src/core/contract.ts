// The converter contract (design §3): a converter describes its source and datasets as data and
// implements scan() and writeFakeDownload(). The engine does everything else.
import type { RasterImage } from '../image/raster.js';

export type Task = 'multi-class' | 'binary-class' | 'multi-label, binary-class' | 'ordinal-regression';
export type SplitName = 'train' | 'val' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];
export type ColorMode = 'L' | 'RGB';
export type ResampleFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

/** Crop applied after the colour conversion and before the resize (design §6). */
export type CropSpec =
  | { kind: 'none' }
  /** Square whose side is the short edge, centred: left = floor((w - s) / 2), top = floor((h - s) / 2). */
  | { kind: 'center-square' }
  /** Fixed centre crop of width x height (BloodMNIST: 200 x 200). */
  | { kind: 'center'; width: number; height: number };

export interface PixelRecipe {
  mode: ColorMode;
  crop: CropSpec;
  filter: ResampleFilter;
}

export interface LicenseInfo {
  /** SPDX identifier, e.g. CC-BY-NC-4.0. */
  spdx: string;
  url: string;
  /** Anything a user must know before using the data (non-commercial, attribution terms...). */
  note?: string;
}

export interface DownloadFile {
  name: string;
  sizeBytes?: number;
  md5?: string;
  sha256?: string;
  url?: string;
}

export interface SourceInfo {
  /** The --source id, e.g. ham10000. */
  id: string;
  name: string;
  homepage: string;
  doi?: string;
  license: LicenseInfo;
  citation: string;
  downloads: DownloadFile[];
  /** How a user gets the raw files and what folder to pass as --input. */
  instructions: string;
}

export interface OfficialCounts {
  train: number;
  val: number;
  test: number;
}

/**
 * How the official split arises (reference/official-splits.md):
 * - 'ratio-7-1-2': per class, trunc(n*0.7) train, trunc(n*0.8) - trunc(n*0.7) val, rest test.
 * - 'source-test-9-1': the source's own test set is test; its training set is split 9:1 per class.
 */
export type OfficialSplitRule = 'ratio-7-1-2' | 'source-test-9-1';

export interface DatasetSpec {
  /** MedMNIST flag, e.g. dermamnist. Output names derive from it (design §5). */
  flag: string;
  title: string;
  task: Task;
  /** Label names in MedMNIST order; index = label value. */
  labels: string[];
  /** Number of label columns: 1, or 14 for ChestMNIST. */
  labelColumns: number;
  nChannels: 1 | 3;
  officialCounts: OfficialCounts;
  officialSplit: OfficialSplitRule;
  recipe: PixelRecipe;
  /** Name of the group column (lesion_id, patient_id...) in samples.csv, if the source has groups. */
  groupName?: string;
  /** Name of the fine label column in samples.csv, if any. */
  fineLabelName?: string;
  /** Extra per-sample metadata columns, in samples.csv order. */
  metaColumns?: string[];
}

export interface Sample {
  /** Unique within the dataset: the source's image id (ISIC_0027419). */
  id: string;
  /** Files the pixels come from, absolute paths. */
  files: string[];
  /** One value per label column. */
  label: number[];
  groupId?: string;
  fineLabel?: string;
  /** The source's own split, when it ships one (Kather 7K, OCT2017 test...). */
  sourceSplit?: SplitName;
  /** Extra metadata written to samples.csv (keys = DatasetSpec.metaColumns). */
  meta?: Record<string, string>;
}

export interface ScanResult {
  /** Samples per dataset flag (one source may produce several datasets). */
  samples: Record<string, Sample[]>;
  /** Every file the converter read (metadata and pixels), absolute paths: the lock's raw inputs. */
  inputFiles: string[];
}

export interface FakeDownloadOptions {
  /** Number of images to write (approximately, respecting the class mix). */
  count: number;
  seed: number;
}

export interface Converter {
  source: SourceInfo;
  datasets: DatasetSpec[];
  /** Read the source's own layout under inputDir, validating as it goes (throw DataError). */
  scan(inputDir: string): Promise<ScanResult>;
  /** Write a small synthetic download in exactly the layout scan() reads. */
  writeFakeDownload(dir: string, options: FakeDownloadOptions): Promise<void>;
  /**
   * Optional: produce the decoded image of a sample when it is not "decode files[0] with sharp"
   * (several images cut from one CT volume, TIFF stacks...). Default: decodeFile(files[0]).
   */
  decode?(sample: Sample, spec: DatasetSpec): Promise<RasterImage>;
}
