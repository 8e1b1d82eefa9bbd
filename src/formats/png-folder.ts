// PNG folders in the layout of `python -m medmnist save` (medmnist/utils.py save_fn):
//   F_S/<split><index>_<labels joined by _>.png   one PNG per image (gray: colour type 0, RGB: 2)
//   F_S.csv                                       rows `TRAIN|VALIDATION|TEST,<file name>,<labels joined by ,>`
// No header row, splits in the order train, val, test, indices from 0 within each split (as medmnist
// appends one split after the other). PNG bytes are deterministic (see png-encode.ts).
// 3D sets (shape [S, S, S]) are written as `medmnist save` writes them: `<split><index>_<labels>.gif`,
// an animated GIF with one frame per slice along the first axis (gif-encode.ts), same CSV.
import { mkdir, open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SPLITS, type SplitName } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import { checkOrder } from './columnar.js';
import { decodeGif, encodeGif } from './gif-encode.js';
import { decodePng, encodePngShared, pngGeometry } from './png-encode.js';
import type { DatasetSink, OutputFormat, ReadRecord, SinkContext, SinkRecord } from './sink.js';

/** medmnist's SPLIT_DICT ("compatible for Google AutoML Vision"). */
export const CSV_SPLIT_TAGS: Record<SplitName, string> = { train: 'TRAIN', val: 'VALIDATION', test: 'TEST' };

/** `<split><index>_<labels joined by _>.png`, medmnist's file name. */
export function pngFileName(split: SplitName, index: number, label: ArrayLike<number>): string {
  return `${split}${index}_${Array.from(label).join('_')}.png`;
}

/** 3D samples: `<split><index>_<labels joined by _>.gif` (medmnist save3d's postfix). */
export function gifFileName(split: SplitName, index: number, label: ArrayLike<number>): string {
  return `${split}${index}_${Array.from(label).join('_')}.gif`;
}

/** A 3D image shape [S, S, S] (GIF frames), else null. */
function volumeShape(shape: readonly number[]): [number, number, number] | null {
  return shape.length === 3 && shape[2] !== 3 ? (shape as [number, number, number]) : null;
}

const CSV_FLUSH_BYTES = 1 << 16;
/** PNGs being encoded or written at once (bounded memory, overlapping compression and I/O). */
const IN_FLIGHT = 16;

class PngFolderSink implements DatasetSink {
  private csv: FileHandle | null = null;
  private csvBuf: string[] = [];
  private csvLen = 0;
  private csvPos = 0;
  private split: SplitName = SPLITS[0]!;
  private nextIndex = 0;
  private readonly geometry: { width: number; height: number; channels: 1 | 3 };
  /** [frames, height, width] for 3D sets (GIFs), else null. */
  private readonly volume: [number, number, number] | null;
  private readonly folder: string;
  private readonly done: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  private inFlight: Promise<void>[] = [];

  constructor(private readonly ctx: SinkContext) {
    this.volume = ctx.spec.dims === 3 ? volumeShape(ctx.imageShape) : null;
    this.geometry = this.volume ? { width: this.volume[2], height: this.volume[1], channels: 1 } : pngGeometry(ctx.imageShape, `--format png for ${ctx.spec.flag}`);
    this.folder = join(ctx.dir, ctx.baseName);
  }

  async open(): Promise<void> {
    await mkdir(this.folder);
    this.csv = await open(join(this.ctx.dir, `${this.ctx.baseName}.csv`), 'w');
  }

  private async flushCsv(): Promise<void> {
    if (this.csvBuf.length === 0) return;
    const bytes = Buffer.from(this.csvBuf.join(''), 'utf8');
    this.csvBuf = [];
    this.csvLen = 0;
    await this.csv!.write(bytes, 0, bytes.length, this.csvPos);
    this.csvPos += bytes.length;
  }

  async write(r: SinkRecord): Promise<void> {
    if (r.split !== this.split) {
      if (SPLITS.indexOf(r.split) < SPLITS.indexOf(this.split)) throw new Error(`png: split ${r.split} written after ${this.split}`);
      this.split = r.split;
      this.nextIndex = 0;
    }
    checkOrder('png', this.split, this.nextIndex, r);
    const { width, height, channels } = this.geometry;
    const vol = this.volume;
    const name = (vol ? gifFileName : pngFileName)(r.split, r.index, r.label);
    const path = join(this.folder, name);
    const job = vol
      ? writeFile(path, encodeGif(r.pixels, vol[0], vol[1], vol[2]))
      : encodePngShared(r.pixels, width, height, channels).then((png) => writeFile(path, png));
    job.catch(() => undefined); // awaited below, in order
    this.inFlight.push(job);
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
    const line = `${CSV_SPLIT_TAGS[r.split]},${name},${Array.from(r.label).join(',')}\n`;
    this.csvBuf.push(line);
    this.csvLen += line.length;
    if (this.csvLen >= CSV_FLUSH_BYTES) await this.flushCsv();
    this.nextIndex++;
    this.done[r.split]++;
  }

  async finish(): Promise<string[]> {
    for (const s of SPLITS) {
      if (this.done[s] !== this.ctx.counts[s]) throw new Error(`png: ${s} got ${this.done[s]} images, expected ${this.ctx.counts[s]}`);
    }
    for (const job of this.inFlight.splice(0)) await job;
    await this.flushCsv();
    await this.csv!.close();
    this.csv = null;
    return [this.ctx.baseName, `${this.ctx.baseName}.csv`];
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
    await this.csv?.close().catch(() => undefined);
    this.csv = null;
  }
}

export interface PngCsvRow {
  split: SplitName;
  index: number;
  file: string;
  label: Uint8Array;
}

const NAME_RE = /^(train|val|test)(\d+)_(\d+(?:_\d+)*)\.(?:png|gif)$/;

/** Parse and check F_S.csv: tags, file names that agree with their row, indices 0.. per split in order. */
export function parsePngCsv(text: string, what: string): PngCsvRow[] {
  const tagToSplit = new Map(SPLITS.map((s) => [CSV_SPLIT_TAGS[s], s] as const));
  const rows: PngCsvRow[] = [];
  const next: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  let lastSplit = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `${what} row ${i + 1}`;
    const f = line.replace(/\r$/, '').split(',');
    const split = tagToSplit.get(f[0] ?? '');
    if (!split) throw new DataError(`${where}: first column ${JSON.stringify(f[0])} is not TRAIN, VALIDATION or TEST`);
    const m = NAME_RE.exec(f[1] ?? '');
    if (!m || m[1] !== split) throw new DataError(`${where}: file name ${JSON.stringify(f[1])} is not ${split}<index>_<labels>.png (or .gif for 3D)`);
    const labels = f.slice(2);
    if (labels.length === 0 || labels.join('_') !== m[3] || !labels.every((l) => /^\d+$/.test(l) && Number(l) < 256)) {
      throw new DataError(`${where}: labels ${JSON.stringify(labels.join(','))} do not match the file name ${f[1]}`);
    }
    const order = SPLITS.indexOf(split);
    if (order < lastSplit) throw new DataError(`${where}: ${split} row after a later split (rows must be train, val, test)`);
    lastSplit = order;
    const index = Number(m[2]);
    if (index !== next[split]) throw new DataError(`${where}: index ${index}, expected ${next[split]} (rows must be in index order)`);
    next[split]++;
    rows.push({ split, index, file: f[1]!, label: Uint8Array.from(labels.map(Number)) });
  });
  return rows;
}

/** Read a PNG folder back: the CSV gives order and labels, each PNG is decoded and checked against the first. */
export async function* readPngFolder(csvPath: string, folder: string): AsyncGenerator<ReadRecord & { file: string }> {
  const text = await readFile(csvPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${csvPath}: cannot read (${err.code ?? err.message})`);
  });
  const rows = parsePngCsv(text, csvPath);
  let geometry: string | null = null;
  for (const row of rows) {
    const path = join(folder, row.file);
    const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new DataError(`${path}: listed in ${csvPath} but cannot be read (${err.code ?? err.message})`);
    });
    const png = row.file.endsWith('.gif') ? gifAsImage(decodeGif(bytes, path)) : decodePng(bytes, path);
    const g = `${png.width}x${png.height}x${png.channels}`;
    if (geometry !== null && g !== geometry) throw new DataError(`${path}: ${g} image, the folder's first image is ${geometry}`);
    geometry = g;
    yield { split: row.split, index: row.index, pixels: png.data, label: row.label, file: row.file };
  }
}

/** A decoded GIF volume in the shape the folder reader compares: frames stacked, width x (frames*height). */
function gifAsImage(g: { frames: number; width: number; height: number; data: Uint8Array }): { width: number; height: number; channels: 1; data: Uint8Array } {
  return { width: g.width, height: g.height * g.frames, channels: 1, data: g.data };
}

export const pngFormat: OutputFormat = {
  name: 'png',
  fileNames: (base) => [base, `${base}.csv`],
  async createSink(ctx) {
    const sink = new PngFolderSink(ctx);
    await sink.open();
    return sink;
  },
  async *readRecords(outDir, base) {
    for await (const r of readPngFolder(join(outDir, `${base}.csv`), join(outDir, base))) {
      yield { split: r.split, index: r.index, pixels: r.pixels, label: r.label };
    }
  },
};
