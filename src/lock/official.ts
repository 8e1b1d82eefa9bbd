// The official MedMNIST releases: the published MD5 of every official NPZ (from the catalog, which holds
// MedMNIST's medmnist/info.py v3.0.2), recorded in the repository's datasets.lock.json, and
// `verify --official DIR` that checks downloaded copies (pathmnist.npz, pathmnist_64.npz, ...).
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CATALOG, INFO_FILE, OFFICIAL_RELEASE } from '../catalog/index.js';
import { DataError } from '../core/errors.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { PACKAGE_ROOT } from '../version.js';
import { md5File } from './hash.js';
import { LOCK_NAME, readLock, validateLock, type OfficialRelease } from './lockfile.js';

/** The repository's own lock: the demo release and the official MD5s. */
export const REPOSITORY_LOCK = join(PACKAGE_ROOT, LOCK_NAME);

/**
 * The official MD5s as the lock's `official` section: every NPZ of every catalog flag, keyed by file name
 * in sorted order (so the written lock does not depend on the catalog's order), validated with the lock
 * schema.
 */
export function bundledOfficial(): OfficialRelease {
  const files = CATALOG.flatMap((e) => e.officialFiles)
    .map((f) => [f.name, { md5: f.md5, url: f.url }] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const official: OfficialRelease = { files: Object.fromEntries(files), release: OFFICIAL_RELEASE };
  validateLock({ lockfileVersion: 1, datasets: {}, official }, INFO_FILE);
  return official;
}

export interface OfficialCheck {
  name: string;
  status: 'ok' | 'mismatch' | 'absent';
  expected: string;
  md5?: string;
  bytes?: number;
}

export interface OfficialReport {
  dir: string;
  lock: string;
  release: string;
  checks: OfficialCheck[];
}

/** MD5 every official file present in `dirArg` (progress: 'md5 of official files', bytes). */
export async function verifyOfficial(dirArg: string, lockPath: string = REPOSITORY_LOCK, onProgress?: OnProgress): Promise<OfficialReport> {
  const dir = resolve(dirArg);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new DataError(`verify --official: ${dir} is not a folder; pass the folder holding the downloaded official .npz files.`);
  const lock = await readLock(lockPath);
  if (!lock.official) throw new DataError(`${lockPath} has no "official" section with MedMNIST MD5s; use the repository's datasets.lock.json (omit --lock).`);
  const files = Object.entries(lock.official.files).sort(([a], [b]) => (a < b ? -1 : 1));
  const sizes = await Promise.all(files.map(([name]) => stat(join(dir, name)).then((st) => (st.isFile() ? st.size : null), () => null)));
  const tick = progressCounter(onProgress, 'md5 of official files', sizes.reduce<number>((a, b) => a + (b ?? 0), 0), { unit: 'bytes' });
  const checks: OfficialCheck[] = [];
  for (const [i, [name, { md5: expected }]] of files.entries()) {
    if (sizes[i] === null) {
      checks.push({ name, status: 'absent', expected });
      continue;
    }
    const h = await md5File(join(dir, name), tick);
    checks.push({ name, status: h.md5 === expected ? 'ok' : 'mismatch', expected, md5: h.md5, bytes: h.bytes });
  }
  tick.finish();
  return { dir, lock: lockPath, release: lock.official.release, checks };
}

/**
 * What to say when none of the official files is in the folder: which names were expected where, where
 * to download them, and any .npz files there under other names.
 */
export async function nothingPresentMessage(r: OfficialReport): Promise<string> {
  const lock = await readLock(r.lock);
  const names = r.checks.map((c) => c.name);
  const example = r.checks.find((c) => c.name === 'dermamnist.npz') ?? r.checks[0];
  const url = example ? lock.official?.files[example.name]?.url : undefined;
  const others = (await readdir(r.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.npz')).sort();
  // Names grouped by the sizes each flag has: "F.npz, F_64.npz ... for pathmnist, ...".
  const suffixes = new Map<string, string[]>();
  for (const n of names) {
    const m = /^(.+?)(_\d+)?\.npz$/.exec(n);
    if (!m) continue;
    (suffixes.get(m[1]!) ?? suffixes.set(m[1]!, []).get(m[1]!)!).push(`F${m[2] ?? ''}.npz`);
  }
  const groups = new Map<string, string[]>();
  for (const [flag, files] of suffixes) {
    const key = files.sort((x, y) => x.length - y.length || (x < y ? -1 : 1)).join(', ');
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(flag);
  }
  const lines = [
    `verify --official: nothing was checked: none of the ${names.length} official MedMNIST files of ${r.release} is in ${r.dir}.`,
    `Expected there, under their published names: ${[...groups].map(([files, flags]) => `${files} for F in ${flags.join(', ')}`).join('; ')}.`,
  ];
  if (others.length > 0) lines.push(`${r.dir} holds ${others.length} .npz file${others.length === 1 ? '' : 's'} under other names: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', ...' : ''}; rename them to the published names.`);
  if (example && url) lines.push(`Download them from Zenodo into that folder, e.g. curl -L -o ${join(r.dir, example.name)} '${url}'`);
  return lines.join('\n');
}
