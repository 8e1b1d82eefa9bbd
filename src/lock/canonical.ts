// Canonical JSON for lock files: object keys sorted (code-unit order) at every depth, arrays in their
// order, numbers as JavaScript prints them (shortest round-trip form), 2-space indent, trailing newline.
// Two equal locks are byte-equal, and a lock diff in git shows only what changed.
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
