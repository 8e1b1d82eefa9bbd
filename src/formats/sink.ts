// The sink interface: one writer per (format, size). The engine streams every image, split by split
// (train, val, test), in index order; a sink writes into a temporary folder the engine owns and
// returns the names of the files it wrote there. The engine renames them into place when all sinks
// are done, so a failed run leaves nothing.
import type { DatasetSpec, Sample, SplitName } from '../core/contract.js';

/** What a sink may record about a sample (provenance), whatever its item and region. */
export type SampleInfo = Pick<Sample, 'id' | 'label' | 'groupId' | 'fineLabel' | 'meta' | 'sourceSplit'>;

export interface SinkContext {
  spec: DatasetSpec;
  /** Image side S. */
  size: number;
  /** `F` when S = 28 else `F_S` (MedMNIST naming). */
  baseName: string;
  /** Temporary folder to write into (same file system as the output folder). */
  dir: string;
  /** Number of samples per split, known before the first write. */
  counts: Record<SplitName, number>;
  /** Shape of one image: [S, S] or [S, S, 3] (3D: [S, S, S]). */
  imageShape: number[];
  /** Format options from the CLI (compression...). */
  options: Readonly<Record<string, string | number | boolean>>;
}

export interface SinkRecord {
  split: SplitName;
  /** Index within the split. */
  index: number;
  sample: SampleInfo;
  /** Image bytes, uint8, C order, imageShape. */
  pixels: Uint8Array;
  /** Label values, one per label column. */
  label: Uint8Array;
}

export interface DatasetSink {
  write(record: SinkRecord): Promise<void>;
  /** Called after the last record of every split; returns file names relative to ctx.dir. */
  finish(): Promise<string[]>;
  /** Release resources after an error; the engine deletes the folder. */
  abort(): Promise<void>;
}

/** One decoded record read back from an output, in split order (train, val, test) then index order. */
export interface ReadRecord {
  split: SplitName;
  index: number;
  /** Image bytes, uint8, C order. */
  pixels: Uint8Array;
  /** Label values (length = label columns). */
  label: Uint8Array;
}

export interface OutputFormat {
  /** The --format name. */
  name: string;
  /**
   * Names of the files (or folders) this format writes for a dataset at one size, relative to the
   * output folder (for planning, verify and inspect).
   */
  fileNames(baseName: string): string[];
  createSink(ctx: SinkContext): Promise<DatasetSink>;
  /** Decode what createSink wrote back into records (verify --content, inspect, tests). */
  readRecords(outDir: string, baseName: string): AsyncGenerator<ReadRecord>;
}

export function baseNameFor(flag: string, size: number): string {
  return size === 28 ? flag : `${flag}_${size}`;
}
