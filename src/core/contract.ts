// The converter contract v2 (design §3). A converter describes its source and datasets as data and
// implements scan(), optionally load(), and writeFakeDownload(); the engine does everything else.
//
// scan() returns items and samples. An item is the unit that is read, hashed, decoded and sharded (one
// JPEG, one TIFF stack, one NIfTI volume); a sample names its item and, optionally, a region of it (a box,
// and for 2D cuts of a volume a slice). The engine reads each item's files once, hashes those bytes for
// the lock, hands them to load() and cuts every sample of that item while it is loaded.
import type { NdArray } from './ndarray.js';
import type { Recipe } from './recipe.js';

export type { ColorMode, ResampleFilter, Recipe, RecipeOp } from './recipe.js';

export type Task = 'multi-class' | 'binary-class' | 'multi-label, binary-class' | 'ordinal-regression';
export type SplitName = 'train' | 'val' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

export function isMultiLabel(task: Task): boolean {
  return task === 'multi-label, binary-class';
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
  /**
   * The layout `scan` reads below --input, as an indented tree (two spaces a level; a line ending in `/`
   * is a folder; in names `*` is any text, `<name>` a named part, `{a,b}` alternatives; `  # ` starts a
   * comment). `list` shows it; the conformance tests check it names every file scan reads from the fake
   * download.
   */
  layout: readonly string[];
}

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

/** MedMNIST's facts about one dataset flag (src/catalog/ holds them for all 18). */
export interface DatasetInfo {
  /** MedMNIST flag, e.g. dermamnist. Output names derive from it (design §5). */
  flag: string;
  title: string;
  task: Task;
  /** Label names in MedMNIST order; index = label value (multi-label: one column each). */
  labels: readonly string[];
  nChannels: 1 | 3;
  dims: 2 | 3;
  officialCounts: SplitCounts;
}

/**
 * What a split rule stratifies on: the label vector as one class, each label column on its own
 * (multi-label sets: iterative stratification, src/split/iterative.ts), or nothing.
 */
export type Stratify = 'label' | 'labels' | 'none';

/**
 * How `--split official` splits a dataset (reference/official-splits.md):
 * - ratio-7-1-2: per stratum, trunc(n*0.7) train, trunc(n*0.8) - trunc(n*0.7) val, rest test.
 * - source-test-9-1: the source's own test set is test; its training set is split 9:1 per stratum.
 * - by-group: every group (patient, scan) in one split, split sizes as close to `targets` as the groups
 *   allow (source test samples stay in test when `sourceTest` is set). With stratify 'labels' the
 *   sizes are exactly `targets` (scaled to the sample count when it differs) and every label column's
 *   prevalence is kept per split (src/split/iterative.ts).
 * - by-group-count: a fixed number of groups per split, whatever their sizes (LiTS: 115 / 16 training
 *   CT scans): the source's test set is test; the other groups, in the seeded order of their ids, go
 *   `groups.train` to train and the rest to val (with another number of groups n: trunc(n * train /
 *   (train + val)) to train). Depends on the group ids only, so datasets cut from one source agree.
 */
export type SplitRule =
  | { rule: 'ratio-7-1-2'; stratify: Stratify }
  | { rule: 'source-test-9-1'; stratify: Stratify }
  | { rule: 'by-group'; stratify: Stratify; targets: SplitCounts; sourceTest?: boolean }
  | { rule: 'by-group-count'; stratify: 'none'; groups: { train: number; val: number } };

/** A dataset as a converter produces it: the catalog's facts plus the source's own. */
export interface DatasetSpec extends DatasetInfo {
  recipe: Recipe;
  split: SplitRule;
  /**
   * The source's name for its groups (lesion_id, patient_id...), if it has them. Every output calls the
   * column group_id; F_S.json and the dataset card record this name and the description below.
   */
  groupName?: string;
  /** What group_id holds for this source, e.g. "HAM10000 lesion_id (HAM_...): the skin lesion ...". */
  groupDescription?: string;
  /** The source's name for its fine label (dx, finding...), if any; the column is called fine_label. */
  fineLabelName?: string;
  /** What fine_label holds for this source. */
  fineLabelDescription?: string;
  /** Extra per-sample metadata columns, in samples.csv order. */
  metaColumns?: string[];
}

/** Number of label columns: one per label for multi-label sets, else 1. */
export function labelColumns(spec: Pick<DatasetInfo, 'task' | 'labels'>): number {
  return isMultiLabel(spec.task) ? spec.labels.length : 1;
}

/** Shape of one output image at side S: [S, S], [S, S, 3] or [S, S, S]. */
export function imageShape(spec: Pick<DatasetInfo, 'dims' | 'nChannels'>, size: number): number[] {
  if (spec.dims === 3) return [size, size, size];
  return spec.nChannels === 3 ? [size, size, 3] : [size, size];
}

/** The unit the engine reads, hashes and loads: one image file, one TIFF stack, one volume. */
export interface Item {
  /** Unique within the scan. */
  id: string;
  /** Files load() reads, absolute paths (the default load decodes files[0] as an image). */
  files: string[];
}

/** A part of an item: a box over its spatial axes and, for 2D cuts of a volume, one slice of it. */
export interface Region {
  /** Half-open [start, end) per axis of the loaded array's spatial axes (2D: y, x; 3D: z, y, x). */
  box?: { start: number[]; end: number[] };
  /** Keep only the plane at `index` (an index of the whole array, inside the box) along `axis`. */
  slice?: { axis: number; index: number };
}

export interface Sample {
  /** Unique within the dataset: the source's image id (ISIC_0027419). */
  id: string;
  /** Id of the item its pixels come from. */
  item: string;
  region?: Region;
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
  items: Item[];
  /** Samples per dataset flag (one source may produce several datasets). */
  samples: Record<string, Sample[]>;
  /** Files read by scan() itself (metadata tables, box files), absolute paths: raw inputs of the lock. */
  metadataFiles: string[];
  /**
   * Per dataset flag, optionally: a sample for an image id that `samples` does not list (a slice the
   * default slice rule skips), so `--split manifest:FILE` can name any sample the source can cut.
   * undefined when the id does not resolve.
   */
  resolve?: Record<string, (imageId: string) => Sample | undefined>;
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
  /**
   * Turn an item's file bytes (one buffer per Item.files entry, read once by the engine) into an
   * array. Default: decode files[0] as an image file, as Pillow's Image.open sees it, to uint8 [H, W, C].
   */
  load?(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray>;
  /** Write a small synthetic download in exactly the layout scan() reads. */
  writeFakeDownload(dir: string, options: FakeDownloadOptions): Promise<void>;
}

/** A source id -> converter lookup, passed down from the CLI (the engine never imports converters/). */
export interface ConverterRegistry {
  readonly all: readonly Converter[];
  get(id: string): Converter;
}
