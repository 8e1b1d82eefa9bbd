// A test converter over synthetic int16 CT-like volumes (the shape of the LiTS sources to come): each
// volume file is one item; a box table cuts 2D samples in three views (slices of each box along z, y
// and x) and one 3D sample per box. Files: `vol-<n>_<D>x<H>x<W>.i16` (raw little-endian int16, C order
// [D, H, W]) and boxes.csv (`volume,organ,z0,z1,y0,y1,x0,x1`, half-open). load() counts its calls per
// item so a test can show each volume is loaded once for all its samples in both datasets.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Converter, DatasetSpec, Item, Sample, ScanResult } from '../../src/core/contract.js';
import { DataError } from '../../src/core/errors.js';
import { ndarray, type NdArray } from '../../src/core/ndarray.js';
import { parseCsv } from '../../src/core/csv.js';

export const VIEWS = ['axial', 'coronal', 'sagittal'] as const;
export const ORGANS = ['liver', 'kidney', 'spleen'];
export const WINDOW = { width: 400, level: 50 };
/** Every SLICE_STEP-th slice of a box along each view axis is a 2D sample. */
export const SLICE_STEP = 3;

const base = {
  task: 'multi-class' as const,
  labels: ORGANS,
  nChannels: 1 as const,
  officialCounts: { train: 0, val: 0, test: 0 },
  split: { rule: 'ratio-7-1-2' as const, stratify: 'none' as const },
  groupName: 'volume',
  metaColumns: ['view', 'slice'],
};

export const organ2d: DatasetSpec = {
  ...base,
  flag: 'testorgan2d',
  title: 'TestOrgan2D',
  dims: 2,
  recipe: [{ op: 'window', ...WINDOW }, { op: 'box-crop' }, { op: 'resize', filter: 'bicubic' }],
};

export const organ3d: DatasetSpec = {
  ...base,
  flag: 'testorgan3d',
  title: 'TestOrgan3D',
  dims: 3,
  metaColumns: [],
  recipe: [{ op: 'window', ...WINDOW }, { op: 'box-crop' }, { op: 'resize3d', filter: 'bicubic' }],
};

const NAME_RE = /^vol-(\d+)_(\d+)x(\d+)x(\d+)\.i16$/;

export interface VolumeConverter extends Converter {
  /** load() calls per item id. */
  loads: Map<string, number>;
}

export function volumeConverter(): VolumeConverter {
  const loads = new Map<string, number>();
  return {
    loads,
    source: {
      id: 'test-volumes',
      name: 'Synthetic int16 volumes (tests only)',
      homepage: 'https://example.invalid/test-volumes',
      license: { spdx: 'CC0-1.0', url: 'https://creativecommons.org/publicdomain/zero/1.0/' },
      citation: 'none (synthetic test data)',
      downloads: [],
      instructions: 'written by writeFakeDownload()',
      layout: ['boxes.csv', 'vol-<n>_<z>x<y>x<x>.i16'],
    },
    datasets: [organ2d, organ3d],
    async scan(input: string): Promise<ScanResult> {
      const table = join(input, 'boxes.csv');
      const rows = parseCsv(await readFile(table, 'utf8')).filter((r) => r.length > 1);
      const items = new Map<string, Item & { shape: number[] }>();
      const s2: Sample[] = [];
      const s3: Sample[] = [];
      rows.slice(1).forEach((r, i) => {
        const [file, organ, ...nums] = r as [string, string, ...string[]];
        const m = NAME_RE.exec(file);
        if (!m) throw new DataError(`${table} row ${i + 2}: ${file} is not a volume file name`);
        const shape = [Number(m[2]), Number(m[3]), Number(m[4])];
        const id = `vol${m[1]}`;
        if (!items.has(id)) items.set(id, { id, files: [join(input, file)], shape });
        const [z0, z1, y0, y1, x0, x1] = nums.map(Number) as [number, number, number, number, number, number];
        const box = { start: [z0, y0, x0], end: [z1, y1, x1] };
        const label = ORGANS.indexOf(organ);
        s3.push({ id: `${id}-${organ}`, item: id, region: { box }, label: [label], groupId: id });
        VIEWS.forEach((view, axis) => {
          for (let k = box.start[axis]!; k < box.end[axis]!; k += SLICE_STEP) {
            s2.push({ id: `${id}-${organ}-${view}-${k}`, item: id, region: { box, slice: { axis, index: k } }, label: [label], groupId: id, meta: { view, slice: String(k) } });
          }
        });
      });
      return { items: [...items.values()].map(({ id, files }) => ({ id, files })), samples: { [organ2d.flag]: s2, [organ3d.flag]: s3 }, metadataFiles: [table] };
    },
    async load(item: Item, bytes: readonly Uint8Array[]): Promise<NdArray> {
      loads.set(item.id, (loads.get(item.id) ?? 0) + 1);
      const m = NAME_RE.exec(basename(item.files[0]!))!;
      const shape = [Number(m[2]), Number(m[3]), Number(m[4])];
      const b = bytes[0]!;
      // Copy: the file buffer need not be 2-byte aligned.
      const data = new Int16Array(Uint8Array.from(b).buffer);
      return ndarray('int16', shape, data);
    },
    async writeFakeDownload(dir: string, o: { count: number; seed: number }): Promise<void> {
      await mkdir(dir, { recursive: true });
      const lines = ['volume,organ,z0,z1,y0,y1,x0,x1'];
      let s = o.seed * 7919 + 1;
      const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      for (let v = 0; v < o.count; v++) {
        const [d, h, w] = [12 + v * 3, 40 + v * 4, 36 + v * 2];
        const data = new Int16Array(d * h * w);
        for (let i = 0; i < data.length; i++) data[i] = Math.round(-1000 + rnd() * 2000);
        const file = `vol-${v}_${d}x${h}x${w}.i16`;
        ORGANS.forEach((organ, k) => {
          // Organ-like blobs: a brighter ellipsoid inside each box.
          const z0 = 1 + k, z1 = d - 1 - ((v + k) % 3), y0 = 2 + 5 * k, y1 = y0 + 14 + v, x0 = 3 + 4 * k, x1 = x0 + 11 + 2 * v;
          for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
            const q = ((2 * (z - z0)) / (z1 - z0) - 1) ** 2 + ((2 * (y - y0)) / (y1 - y0) - 1) ** 2 + ((2 * (x - x0)) / (x1 - x0) - 1) ** 2;
            if (q < 1) data[(z * h + y) * w + x] = Math.round(40 + 60 * k + rnd() * 80);
          }
          lines.push([file, organ, z0, z1, y0, y1, x0, x1].join(','));
        });
        await writeFile(join(dir, file), new Uint8Array(data.buffer));
      }
      await writeFile(join(dir, 'boxes.csv'), lines.join('\r\n') + '\r\n');
    },
  };
}
