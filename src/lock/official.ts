// The official MedMNIST releases: the published MD5 of every official NPZ (from the catalog, which holds
// MedMNIST's medmnist/info.py v3.0.2), recorded in the repository's datasets.lock.json, and
// `verify --official DIR` that checks downloaded copies (pathmnist.npz, pathmnist_64.npz, ...).
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CATALOG, INFO_FILE, OFFICIAL_RELEASE } from '../catalog/index.js';
import { DataError } from '../core/errors.js';
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

export async function verifyOfficial(dirArg: string, lockPath: string = REPOSITORY_LOCK): Promise<OfficialReport> {
  const dir = resolve(dirArg);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new DataError(`verify --official: ${dir} is not a folder; pass the folder holding the downloaded official .npz files.`);
  const lock = await readLock(lockPath);
  if (!lock.official) throw new DataError(`${lockPath} has no "official" section with MedMNIST MD5s; use the repository's datasets.lock.json (omit --lock).`);
  const checks: OfficialCheck[] = [];
  for (const [name, { md5: expected }] of Object.entries(lock.official.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = join(dir, name);
    const fst = await stat(p).catch(() => null);
    if (!fst?.isFile()) {
      checks.push({ name, status: 'absent', expected });
      continue;
    }
    const h = await md5File(p);
    checks.push({ name, status: h.md5 === expected ? 'ok' : 'mismatch', expected, md5: h.md5, bytes: h.bytes });
  }
  return { dir, lock: lockPath, release: lock.official.release, checks };
}
