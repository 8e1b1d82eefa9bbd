// Raw inputs of a build: every file the converter read, by POSIX path relative to the --input folder
// (so a lock does not depend on where the download lives), with size and SHA-256. The manifest hash is
// the SHA-256 of the lines `<sha256>  <bytes>  <path>\n` in path order.
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { DataError } from '../core/errors.js';
import { progressCounter, type OnProgress } from '../core/progress.js';
import { sha256File } from './hash.js';
import type { LockInputFile, LockInputs } from './lockfile.js';

/** How many input files are hashed at once (small files: latency-bound, not throughput-bound). */
const PARALLEL = 4;

export function relativeInputPath(inputDir: string, file: string): string {
  const rel = relative(inputDir, file);
  if (rel === '' || rel.startsWith('..')) {
    throw new DataError(`input file ${file} is outside the --input folder ${inputDir}; the lock records paths relative to it. Move the file below ${inputDir}.`);
  }
  return rel.split(sep).join('/');
}

/** UTF-16 code unit -> its rank in code point order: surrogates (halves of U+10000 and up) after U+E000-FFFF. */
const codePointRank = (u: number): number => (u < 0xd800 ? u : u <= 0xdfff ? u + 0x2000 : u - 0x800);

/**
 * The lock's path order, UTF-8 byte order (= code point order), computed on the strings: sorting 236k
 * paths with Buffer.from per comparison allocated two buffers for each of ~4M comparisons.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

export function inputsManifestHash(files: readonly LockInputFile[]): string {
  // Fed in pieces of ~64 KB: the lines of 236k inputs as one string (and their array) held ~60 MB.
  const h = createHash('sha256');
  let piece = '';
  for (const f of files) {
    piece += `${f.sha256}  ${f.bytes}  ${f.path}\n`;
    if (piece.length >= 1 << 16) {
      h.update(piece, 'utf8');
      piece = '';
    }
  }
  return h.update(piece, 'utf8').digest('hex');
}

/** Hash every raw input (progress: step 'hashing inputs', counted in files, for `subject`). */
export async function hashInputs(inputDir: string, files: readonly string[], o: { onProgress?: OnProgress; subject?: string } = {}): Promise<LockInputs> {
  const rels = [...new Set(files)].map((f) => ({ abs: f, path: relativeInputPath(inputDir, f) }));
  rels.sort((a, b) => compareUtf8(a.path, b.path));
  const tick = progressCounter(o.onProgress, 'hashing inputs', rels.length, o.subject === undefined ? {} : { subject: o.subject });
  const out: LockInputFile[] = new Array(rels.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rels.length) {
      const i = next++;
      const h = await sha256File(rels[i]!.abs);
      out[i] = { path: rels[i]!.path, bytes: h.bytes, sha256: h.sha256 };
      tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, rels.length) }, worker));
  return { manifestSha256: inputsManifestHash(out), files: out };
}

export interface InputChange {
  kind: 'missing' | 'modified' | 'unexpected';
  path: string;
  detail?: string;
}

/**
 * What differs between the locked inputs and the inputs read now: every file entry (path, size, SHA-256)
 * is compared, not only the manifest hash, and a locked list that does not hash to its own manifest hash
 * (an edited lock) is reported too.
 */
export function compareInputs(locked: LockInputs, now: LockInputs): InputChange[] {
  const out: InputChange[] = [];
  const own = inputsManifestHash(locked.files);
  if (own !== locked.manifestSha256) {
    out.push({ kind: 'modified', path: '(lock) inputs.manifestSha256', detail: `the lock's file list hashes to ${own.slice(0, 12)}, its manifestSha256 says ${locked.manifestSha256.slice(0, 12)}: the lock was edited` });
  } else if (locked.manifestSha256 === now.manifestSha256) return [];
  const a = new Map(locked.files.map((f) => [f.path, f]));
  const b = new Map(now.files.map((f) => [f.path, f]));
  for (const [p, f] of a) {
    const g = b.get(p);
    if (!g) out.push({ kind: 'missing', path: p });
    else if (g.sha256 !== f.sha256 || g.bytes !== f.bytes) {
      out.push({ kind: 'modified', path: p, detail: `${f.bytes} bytes sha256 ${f.sha256.slice(0, 12)} -> ${g.bytes} bytes sha256 ${g.sha256.slice(0, 12)}` });
    }
  }
  for (const p of b.keys()) if (!a.has(p)) out.push({ kind: 'unexpected', path: p });
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
