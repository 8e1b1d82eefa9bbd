// What a dataset card (card.ts) and a Croissant file (croissant.ts) are written from: one dataset flag as
// its output folder holds it at the end of a run (every size and format its lock entry lists), with
// each size's F_S.json. Pure data and pure functions; src/engine/docs.ts reads the files and writes.
import type { DatasetMetadata } from './dataset-metadata.js';

/** An output file (or a folder hashed as a manifest: `files` = number of files in it). */
export interface DocFile {
  name: string;
  bytes: number;
  sha256: string;
  files?: number;
}

export interface DocsSize {
  size: number;
  /** F_S.json of this size, as written. */
  metadata: DatasetMetadata;
  metadataFile: DocFile;
  /** Files of this size per format (npz, arrow, parquet, png), as the lock lists them. */
  formats: Record<string, DocFile[]>;
}

export interface DatasetDocsInput {
  flag: string;
  /** One factual paragraph (src/catalog/descriptions.ts). */
  description: string;
  samplesCsv: DocFile;
  /** Every size in the folder, ascending. */
  sizes: DocsSize[];
}

export const cardName = (flag: string): string => `${flag}.card.md`;
export const croissantName = (flag: string): string => `${flag}.croissant.json`;

/** Hugging Face split names, and the split file suffix each reads. */
export const HF_SPLITS = [
  { hf: 'train', ours: 'train' },
  { hf: 'validation', ours: 'val' },
  { hf: 'test', ours: 'test' },
] as const;

export interface SizeConfig {
  /** `size_<S>`: one configuration per image size, never mixing sizes. */
  name: string;
  size: number;
  /** Hugging Face split name -> the Parquet file of that split, relative to the output folder. */
  dataFiles: { split: 'train' | 'validation' | 'test'; path: string }[];
}

const baseName = (flag: string, size: number): string => (size === 28 ? flag : `${flag}_${size}`);

/**
 * One configuration per size that has its three Parquet split files (`F_S_<split>.parquet`, design §5);
 * sizes without Parquet get none. Only Parquet is listed: it is the format `datasets` reads with the
 * image feature and class names (the `huggingface` schema metadata).
 */
export function sizeConfigs(d: DatasetDocsInput): SizeConfig[] {
  const out: SizeConfig[] = [];
  for (const s of d.sizes) {
    const names = new Set((s.formats['parquet'] ?? []).map((f) => f.name));
    const dataFiles = HF_SPLITS.map(({ hf, ours }) => ({ split: hf, path: `${baseName(d.flag, s.size)}_${ours}.parquet` }));
    if (dataFiles.every((f) => names.has(f.path))) out.push({ name: `size_${s.size}`, size: s.size, dataFiles });
  }
  return out;
}

/** Licence ids of the Hugging Face Hub that are SPDX ids in lower case. */
const HF_LICENSES = new Set([
  'apache-2.0', 'mit', 'afl-3.0', 'artistic-2.0', 'bsl-1.0', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear',
  'cc0-1.0', 'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'cc-by-sa-3.0', 'cc-by-sa-4.0', 'cc-by-nc-2.0',
  'cc-by-nc-3.0', 'cc-by-nc-4.0', 'cc-by-nd-4.0', 'cc-by-nc-nd-3.0', 'cc-by-nc-nd-4.0', 'cc-by-nc-sa-2.0',
  'cc-by-nc-sa-3.0', 'cc-by-nc-sa-4.0', 'cdla-sharing-1.0', 'cdla-permissive-1.0', 'cdla-permissive-2.0', 'wtfpl',
  'ecl-2.0', 'epl-1.0', 'epl-2.0', 'eupl-1.1', 'eupl-1.2', 'agpl-3.0', 'gpl-2.0', 'gpl-3.0', 'lgpl-2.1', 'lgpl-3.0',
  'isc', 'lppl-1.3c', 'ms-pl', 'mpl-2.0', 'odc-by', 'odbl', 'osl-3.0', 'postgresql', 'ofl-1.1', 'ncsa', 'unlicense',
  'zlib', 'pddl',
]);

export interface HfLicense {
  license: string;
  /** For `other`: a slug naming the licence, and where to read it. */
  license_name?: string;
  license_link?: string;
}

/**
 * The Hub's licence field for an SPDX id: the id in lower case where the Hub knows it; NOASSERTION
 * (not established) is `unknown`; a LicenseRef-X is `other` with license_name x and license_link.
 */
export function hfLicense(spdx: string, url: string): HfLicense {
  const id = spdx.toLowerCase();
  if (HF_LICENSES.has(id)) return { license: id };
  if (spdx === 'NOASSERTION') return { license: 'unknown' };
  const slug = id.replace(/^licenseref-/, '').replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'other';
  return { license: 'other', license_name: slug, license_link: url };
}

/** The Hub's size bucket for n samples. */
export function sizeCategory(n: number): string {
  const buckets: [number, string][] = [
    [1e3, 'n<1K'], [1e4, '1K<n<10K'], [1e5, '10K<n<100K'], [1e6, '100K<n<1M'], [1e7, '1M<n<10M'], [1e8, '10M<n<100M'],
  ];
  for (const [limit, name] of buckets) if (n < limit) return name;
  return '100M<n<1B';
}

export const total = (c: { train: number; val: number; test: number }): number => c.train + c.val + c.test;

/**
 * Values that should agree across sizes (recipe, split rule...) grouped by value: one group when they
 * agree, else one per distinct value with the sizes it holds for, so nothing is hidden.
 */
export function groupBySame<T>(sizes: readonly DocsSize[], pick: (m: DatasetMetadata) => T): { sizes: number[]; value: T }[] {
  const groups: { key: string; sizes: number[]; value: T }[] = [];
  for (const s of sizes) {
    const value = pick(s.metadata);
    const key = JSON.stringify(value);
    const g = groups.find((x) => x.key === key);
    if (g) g.sizes.push(s.size);
    else groups.push({ key, sizes: [s.size], value });
  }
  return groups.map(({ sizes: ss, value }) => ({ sizes: ss, value }));
}

/** Every output file of the dataset, ordered by name (samples.csv, F_S.json, every format's files). */
export function outputFiles(d: DatasetDocsInput): { file: DocFile; size?: number; format?: string }[] {
  const out: { file: DocFile; size?: number; format?: string }[] = [{ file: d.samplesCsv }];
  for (const s of d.sizes) {
    out.push({ file: s.metadataFile, size: s.size });
    for (const [format, files] of Object.entries(s.formats).sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const f of files) out.push({ file: f, size: s.size, format });
    }
  }
  return out.sort((a, b) => (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0));
}
