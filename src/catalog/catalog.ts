// MedMNIST's table of its 18 datasets (design §2, issue 10 item 6): the one place that holds the facts
// MedMNIST publishes per flag. Converters add only source facts; `list`, `evaluate --flag`, the official
// NPZ MD5s of the lock and `verify --official` read this.
//
// The facts are two files kept verbatim beside this module, so a diff against MedMNIST's info.py or the
// paper stays reviewable: medmnist-info.json (medmnist/info.py v3.0.2) and baselines-medmnist-v1.json
// (the MedMNIST v1 paper's test AUC/ACC). They are validated when loaded: a malformed bundled file is a
// bug in this package, so it throws a plain Error naming the file and the JSON path.
//
// Layering: imports only src/core/ and node: modules.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetInfo, Task } from '../core/contract.js';

export type { DatasetInfo } from '../core/contract.js';
import { UsageError } from '../core/errors.js';
import { DESCRIPTIONS } from './descriptions.js';


/** One official NPZ of the MedMNIST release on Zenodo. */
export interface OfficialFile {
  /** Image side: 28, 64, 128, 224 (2D) or 28, 64 (3D). */
  size: number;
  /** F.npz at 28, else F_S.npz (MedMNIST's naming, design §5). */
  name: string;
  md5: string;
  url: string;
}

/** Test-split AUC and ACC published for one method. */
export interface BaselineScore {
  AUC: number;
  ACC: number;
}

export interface CatalogEntry extends DatasetInfo {
  /** The class of the `medmnist` Python package (medmnist.DermaMNIST). */
  pythonClass: string;
  /** A short factual paragraph (written for this project, not MedMNIST's text). */
  description: string;
  /** MedMNIST's stated licence of the dataset as an SPDX id (CC-BY-4.0; DermaMNIST CC-BY-NC-4.0). */
  license: string;
  licenseUrl: string;
  /** Sorted by size. */
  officialFiles: OfficialFile[];
  /** The MedMNIST v1 paper's figures by method, in the paper's method order; {} where it has none. */
  baselines: Record<string, BaselineScore>;
}

const TASKS: readonly Task[] = ['multi-class', 'binary-class', 'multi-label, binary-class', 'ordinal-regression'];

/** MedMNIST's licence strings -> SPDX id and URL; an unknown string fails loudly rather than guessing. */
const LICENSES: Readonly<Record<string, { spdx: string; url: string }>> = {
  'CC BY 4.0': { spdx: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  'CC BY-NC 4.0': { spdx: 'CC-BY-NC-4.0', url: 'https://creativecommons.org/licenses/by-nc/4.0/' },
};

/** What the official MD5s are: recorded as `official.release` in datasets.lock.json. */
export const OFFICIAL_RELEASE = 'MedMNIST v3.0.2 (medmnist/info.py, Zenodo record 10519652)';

export const INFO_FILE_NAME = 'medmnist-info.json';
export const BASELINES_FILE_NAME = 'baselines-medmnist-v1.json';

/**
 * The data files stay in src/catalog/ (tsc does not copy JSON): found beside this module when it runs
 * from source (vitest), or under the package root's src/catalog/ when it runs from dist/src/catalog/.
 */
function dataFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, join(here, '..', '..', '..', 'src', 'catalog')]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`medmnist-build: cannot find its catalog file ${name} (looked beside ${here}); reinstall the package`);
}

export const INFO_FILE = dataFile(INFO_FILE_NAME);
export const BASELINES_FILE = dataFile(BASELINES_FILE_NAME);

// --- validation of the bundled JSON (unknown in, typed out) ---

type Json = Record<string, unknown>;

function fail(file: string, path: string, what: string): never {
  throw new Error(`${file}: ${path} ${what} (bundled catalog data is malformed; this is a bug in medmnist-build)`);
}

function object(v: unknown, file: string, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, path, 'must be an object');
  return v as Json;
}

function text(v: unknown, file: string, path: string): string {
  if (typeof v !== 'string' || v === '') fail(file, path, 'must be a non-empty string');
  return v;
}

function count(v: unknown, file: string, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(file, path, 'must be a non-negative integer');
  return v;
}

function score(v: unknown, file: string, path: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(file, path, 'must be a number in [0, 1]');
  return v;
}

function readJson(file: string): Json {
  return object(JSON.parse(readFileSync(file, 'utf8')), file, '$');
}

/** info.py keys url / MD5 are size 28; url_S / MD5_S are size S. */
function officialFiles(flag: string, raw: Json, file: string): OfficialFile[] {
  const files: OfficialFile[] = [];
  for (const key of Object.keys(raw)) {
    const m = /^url(?:_(\d+))?$/.exec(key);
    if (!m) continue;
    const size = m[1] === undefined ? 28 : Number(m[1]);
    const suffix = m[1] === undefined ? '' : `_${m[1]}`;
    const url = text(raw[key], file, `$.datasets.${flag}.${key}`);
    const md5 = text(raw[`MD5${suffix}`], file, `$.datasets.${flag}.MD5${suffix}`);
    if (!/^[0-9a-f]{32}$/.test(md5)) fail(file, `$.datasets.${flag}.MD5${suffix}`, 'must be 32 lower-case hex digits');
    const name = new URL(url).pathname.split('/').pop() ?? '';
    const expected = `${flag}${size === 28 ? '' : `_${size}`}.npz`;
    if (name !== expected) fail(file, `$.datasets.${flag}.${key}`, `names ${JSON.stringify(name)}, expected ${expected}`);
    files.push({ size, name, md5, url });
  }
  for (const key of Object.keys(raw)) {
    const m = /^MD5(_\d+)?$/.exec(key);
    if (m && !(`url${m[1] ?? ''}` in raw)) fail(file, `$.datasets.${flag}.${key}`, 'has no matching url');
  }
  if (files.length === 0) fail(file, `$.datasets.${flag}`, 'lists no official files');
  return files.sort((a, b) => a.size - b.size);
}

/** MedMNIST writes labels as {"0": name, "1": name, ...}; they must be exactly 0..n-1. */
function labelList(v: unknown, file: string, path: string): string[] {
  const raw = object(v, file, path);
  const n = Object.keys(raw).length;
  const labels: string[] = [];
  for (let i = 0; i < n; i++) labels.push(text(raw[String(i)], file, `${path}.${i}`));
  if (n === 0) fail(file, path, 'is empty');
  return labels;
}

/** method -> flag -> score, inverted to flag -> method -> score (method order kept). */
interface BaselineTable {
  about: string;
  methods: string[];
  byFlag: Map<string, Record<string, BaselineScore>>;
}

function loadBaselines(): BaselineTable {
  const f = BASELINES_FILE;
  const root = readJson(f);
  const about = text(root['_about'], f, '$._about');
  const table = object(root['baselines'], f, '$.baselines');
  const byFlag = new Map<string, Record<string, BaselineScore>>();
  for (const [method, perFlag] of Object.entries(table)) {
    for (const [flag, v] of Object.entries(object(perFlag, f, `$.baselines[${JSON.stringify(method)}]`))) {
      const path = `$.baselines[${JSON.stringify(method)}].${flag}`;
      const e = object(v, f, path);
      const entry = { AUC: score(e['AUC'], f, `${path}.AUC`), ACC: score(e['ACC'], f, `${path}.ACC`) };
      byFlag.set(flag, { ...(byFlag.get(flag) ?? {}), [method]: entry });
    }
  }
  return { about, methods: Object.keys(table), byFlag };
}

function loadCatalog(baselines: BaselineTable): { about: string; entries: CatalogEntry[] } {
  const f = INFO_FILE;
  const root = readJson(f);
  const about = text(root['_about'], f, '$._about');
  const datasets = object(root['datasets'], f, '$.datasets');
  const entries = Object.entries(datasets).map(([flag, v]): CatalogEntry => {
    const p = `$.datasets.${flag}`;
    const raw = object(v, f, p);
    const task = raw['task'];
    if (!TASKS.includes(task as Task)) fail(f, `${p}.task`, `must be one of ${TASKS.join(' | ')}`);
    const nChannels = raw['n_channels'];
    if (nChannels !== 1 && nChannels !== 3) fail(f, `${p}.n_channels`, 'must be 1 or 3');
    const n = object(raw['n_samples'], f, `${p}.n_samples`);
    const licence = text(raw['license'], f, `${p}.license`);
    const spdx = LICENSES[licence];
    if (!spdx) fail(f, `${p}.license`, `${JSON.stringify(licence)} has no SPDX mapping in src/catalog/catalog.ts`);
    const description = DESCRIPTIONS[flag];
    if (description === undefined) throw new Error(`src/catalog/descriptions.ts has no description for ${flag}`);
    const pythonClass = text(raw['python_class'], f, `${p}.python_class`);
    return {
      flag,
      title: pythonClass,
      task: task as Task,
      labels: labelList(raw['label'], f, `${p}.label`),
      nChannels,
      // MedMNIST names its 3D sets *3d; nothing else in info.py says which are volumes.
      dims: flag.endsWith('3d') ? 3 : 2,
      officialCounts: {
        train: count(n['train'], f, `${p}.n_samples.train`),
        val: count(n['val'], f, `${p}.n_samples.val`),
        test: count(n['test'], f, `${p}.n_samples.test`),
      },
      pythonClass,
      description,
      license: spdx.spdx,
      licenseUrl: spdx.url,
      officialFiles: officialFiles(flag, raw, f),
      baselines: baselines.byFlag.get(flag) ?? {},
    };
  });
  const known = new Set(entries.map((e) => e.flag));
  for (const flag of baselines.byFlag.keys()) if (!known.has(flag)) fail(BASELINES_FILE, `$.baselines.*.${flag}`, 'is not a flag of medmnist-info.json');
  for (const flag of Object.keys(DESCRIPTIONS)) if (!known.has(flag)) throw new Error(`src/catalog/descriptions.ts describes unknown flag ${flag}`);
  return { about, entries };
}

/** Freeze the shared table so no caller can change another's view of it. */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const baselineTable = loadBaselines();
const loaded = loadCatalog(baselineTable);

/** All 18 MedMNIST flags in info.py's order (2D first, then 3D). */
export const CATALOG: readonly CatalogEntry[] = deepFreeze(loaded.entries);
export const FLAGS: readonly string[] = Object.freeze(CATALOG.map((e) => e.flag));
/** The `_about` note of medmnist-info.json (provenance of the facts). */
export const INFO_NOTE: string = loaded.about;
/** The paper's methods, in its order ("ResNet-18 (28)", ..., "Google AutoML Vision"). */
export const BASELINE_METHODS: readonly string[] = Object.freeze(baselineTable.methods);
/** The `_about` note of baselines-medmnist-v1.json. */
export const BASELINES_ABOUT: string = baselineTable.about;

const BY_FLAG = new Map(CATALOG.map((e) => [e.flag, e]));

export function isCatalogFlag(flag: string): boolean {
  return BY_FLAG.has(flag);
}

/** The catalog entry of a flag; a UsageError naming the known flags if there is none. */
export function catalogEntry(flag: string): CatalogEntry {
  const e = BY_FLAG.get(flag);
  if (!e) throw new UsageError(`unknown MedMNIST dataset flag ${JSON.stringify(flag)}; choose from ${FLAGS.join(', ')}`);
  return e;
}

/** Only the DatasetInfo fields of a flag, as a fresh plain (unfrozen) object. */
export function datasetInfo(flag: string): DatasetInfo {
  const e = catalogEntry(flag);
  return { flag: e.flag, title: e.title, task: e.task, labels: [...e.labels], nChannels: e.nChannels, dims: e.dims, officialCounts: { ...e.officialCounts } };
}
