// What the columnar formats (Arrow, Parquet) share: per-split file names, the batching rule, the
// provenance values of a record and the `medmnist` schema metadata that makes a file self-describing.
import { join } from 'node:path';
import { SPLITS, type DatasetSpec, type SplitName, labelColumns } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import type { DatasetSink, SinkContext, SinkRecord } from './sink.js';

/** Bytes of raw pixels buffered before a record batch / row group is written (memory bound per sink). */
export const BATCH_PIXEL_BYTES = 8 << 20;
/** Upper bound on rows per batch, whatever the image size. */
export const MAX_BATCH_ROWS = 4096;

/** Rows per record batch / row group for images of `imageBytes` bytes: deterministic, bounded memory. */
export function batchRows(imageBytes: number): number {
  return Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_PIXEL_BYTES / imageBytes)));
}

/** `F_S_<split>.<ext>` (design §5). */
export function splitFileName(baseName: string, split: SplitName, ext: string): string {
  return `${baseName}_${split}.${ext}`;
}

export function splitFileNames(baseName: string, ext: string): string[] {
  return SPLITS.map((s) => splitFileName(baseName, s, ext));
}


export interface Provenance {
  split: SplitName;
  index: number;
  image_id: string;
  group_id: string | null;
  fine_label: string | null;
}

export function provenanceOf(r: SinkRecord): Provenance {
  return {
    split: r.split,
    index: r.index,
    image_id: r.sample.id,
    group_id: r.sample.groupId ?? null,
    fine_label: r.sample.fineLabel ?? null,
  };
}

/** Schema metadata key (Arrow and Parquet) describing the dataset, so a lone file can be inspected. */
export const MEDMNIST_META_KEY = 'medmnist';

export interface EmbeddedInfo {
  flag: string;
  title: string;
  task: string;
  size: number;
  /** Shape of one image. */
  shape: number[];
  /** Label columns: 1, or 14 for multi-label. */
  label_columns: number;
  /** Class names, index = label value (multi-label: index = label column). */
  labels: string[];
  split: SplitName;
  n_samples: number;
  /** The source's names for what group_id and fine_label hold (lesion_id, dx...), when it has them. */
  group_name?: string;
  fine_label_name?: string;
  /** medmnist-build version that wrote the file. */
  tool_version?: string;
}

export function embeddedInfo(ctx: SinkContext, split: SplitName): EmbeddedInfo {
  const spec: DatasetSpec = ctx.spec;
  return {
    flag: spec.flag,
    title: spec.title,
    task: spec.task,
    size: ctx.size,
    shape: ctx.imageShape,
    label_columns: labelColumns(spec),
    labels: [...spec.labels],
    split,
    n_samples: ctx.counts[split],
    ...(spec.groupName ? { group_name: spec.groupName } : {}),
    ...(spec.fineLabelName ? { fine_label_name: spec.fineLabelName } : {}),
    tool_version: TOOL_VERSION,
  };
}

/**
 * Flat schema metadata keys beside the `medmnist` JSON, so a reader that globs several sizes
 * (`dermamnist_*.parquet` matches dermamnist_train and dermamnist_64_train) tells them apart without
 * parsing JSON: DuckDB `parquet_kv_metadata()`, pyarrow `schema.metadata`, apache-arrow `schema.metadata`.
 */
export function flatMetadata(ctx: SinkContext, split: SplitName): [string, string][] {
  return [
    ['medmnist:flag', ctx.spec.flag],
    ['medmnist:size', String(ctx.size)],
    ['medmnist:split', split],
    ['medmnist:tool_version', TOOL_VERSION],
  ];
}

/** Parse and check the embedded metadata of a file. */
export function parseEmbeddedInfo(text: string | undefined, what: string): EmbeddedInfo {
  if (text === undefined) throw new DataError(`${what}: no '${MEDMNIST_META_KEY}' schema metadata; was it written by medmnist-build?`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new DataError(`${what}: '${MEDMNIST_META_KEY}' schema metadata is not JSON`);
  }
  const o = v as Partial<EmbeddedInfo>;
  if (
    typeof o !== 'object' || o === null ||
    !Array.isArray(o.shape) || !o.shape.every((n) => Number.isInteger(n) && n > 0) ||
    !Number.isInteger(o.label_columns) || !Array.isArray(o.labels) ||
    !SPLITS.includes(o.split as SplitName) || !Number.isInteger(o.n_samples)
  ) {
    throw new DataError(`${what}: '${MEDMNIST_META_KEY}' schema metadata lacks shape, label_columns, labels, split or n_samples`);
  }
  return o as EmbeddedInfo;
}

/** Rows are written in index order; catch an engine that does not. */
export function checkOrder(format: string, expectedSplit: SplitName, expectedIndex: number, r: SinkRecord): void {
  if (r.split !== expectedSplit || r.index !== expectedIndex) {
    throw new Error(`${format}: got ${r.split}[${r.index}], expected ${expectedSplit}[${expectedIndex}] (records must arrive in split and index order)`);
  }
}

/** Writes the file of one split; rows arrive in index order. */
export interface SplitFileWriter {
  add(r: SinkRecord): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * A sink writing one file per split (`F_S_<split>.<ext>`). Every split gets its file, an empty one
 * (schema, no rows) when the split has no samples, so the set of names never depends on the data.
 */
export class PerSplitSink implements DatasetSink {
  private next = 0;
  private current: { split: SplitName; writer: SplitFileWriter; written: number } | null = null;

  constructor(
    private readonly format: string,
    private readonly ctx: SinkContext,
    private readonly ext: string,
    private readonly openSplit: (split: SplitName, path: string) => Promise<SplitFileWriter>,
  ) {}

  private async closeCurrent(): Promise<void> {
    const c = this.current;
    if (!c) return;
    const n = this.ctx.counts[c.split];
    if (c.written !== n) throw new Error(`${this.format}: ${c.split} got ${c.written} records, expected ${n}`);
    this.current = null;
    await c.writer.close();
  }

  /** Close the open split and open every split up to `target` (null: all remaining). */
  private async advanceTo(target: SplitName | null): Promise<void> {
    await this.closeCurrent();
    const upto = target === null ? SPLITS.length - 1 : SPLITS.indexOf(target);
    if (target !== null && upto < this.next) throw new Error(`${this.format}: split ${target} written after a later split`);
    for (; this.next <= upto; this.next++) {
      const split = SPLITS[this.next]!;
      const writer = await this.openSplit(split, join(this.ctx.dir, splitFileName(this.ctx.baseName, split, this.ext)));
      this.current = { split, writer, written: 0 };
      if (split !== target) await this.closeCurrent();
    }
  }

  async write(r: SinkRecord): Promise<void> {
    if (this.current?.split !== r.split) await this.advanceTo(r.split);
    const c = this.current!;
    checkOrder(this.format, c.split, c.written, r);
    await c.writer.add(r);
    c.written++;
  }

  async finish(): Promise<string[]> {
    await this.advanceTo(null);
    return splitFileNames(this.ctx.baseName, this.ext);
  }

  async abort(): Promise<void> {
    await this.current?.writer.abort();
    this.current = null;
  }
}
