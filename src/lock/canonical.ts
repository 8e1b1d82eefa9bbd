// Canonical JSON for lock files: object keys sorted (code-unit order) at every depth, arrays in their
// order, numbers as JavaScript prints them (shortest round-trip form), 2-space indent, trailing newline.
// Two equal locks are byte-equal, and a lock diff in git shows only what changed.
import { boundHeap } from '../core/heap.js';
import { writeTextSync, type TextWriter } from '../core/text-writer.js';

export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) {
      if (src[k] !== undefined) out[k] = canonicalize(src[k]);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonical JSON cannot hold ${value}`);
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value), null, 2) + '\n';
}

/** Compact canonical form, for hashing (the recipe hash). */
export function canonicalCompact(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

/** True for the keys V8 enumerates first, in numeric order, on a plain object (array indexes). */
function isArrayIndex(k: string): boolean {
  if (k.length === 0 || k.length > 10 || (k.length > 1 && k[0] === '0')) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(k) < 4294967295;
}

/**
 * canonicalJson(value) written as it is walked, without the deep copy and without one string of the
 * whole: a lock lists every raw input (236k files, 50 MB of JSON for TissueMNIST). Same bytes as
 * canonicalJson: keys sorted, then ordered as JSON.stringify enumerates the sorted copy (array-index
 * keys first), undefined, functions and symbols left out of objects and written as null in arrays.
 */
function writeCanonical(value: unknown, pad: string, w: TextWriter): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return w.put('[]');
    const inner = pad + '  ';
    for (let i = 0; i < value.length; i++) {
      w.put(i === 0 ? `[\n${inner}` : `,\n${inner}`);
      const v: unknown = value[i];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') w.put('null');
      else writeCanonical(v, inner, w);
      boundHeap(); // each entry's key lists and pieces are garbage (236k input entries in a lock)
    }
    return w.put(`\n${pad}]`);
  }
  if (value !== null && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const sorted = Object.keys(src).sort();
    const index = sorted.filter(isArrayIndex);
    const keys = index.length === 0 ? sorted : [...index.sort((a, b) => Number(a) - Number(b)), ...sorted.filter((k) => !isArrayIndex(k))];
    const inner = pad + '  ';
    let first = true;
    for (const k of keys) {
      const v = src[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      w.put(`${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `);
      first = false;
      writeCanonical(v, inner, w);
    }
    return w.put(first ? '{}' : `\n${pad}}`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonical JSON cannot hold ${value}`);
  w.put(JSON.stringify(value));
}

/** Write canonicalJson(value) to `path` (created or truncated) through a 1 MB buffer. */
export function writeCanonicalJson(path: string, value: unknown): void {
  writeTextSync(path, (w) => {
    writeCanonical(value, '', w);
    w.put('\n');
  });
}
