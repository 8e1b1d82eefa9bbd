// The documented seeded order (design §6): samples sort by SHA-256 of `${seed}:${image_id}` (hex),
// ties broken by image_id. It depends only on the seed and the ids: not on platform, file system
// order or worker count.
import { createHash } from 'node:crypto';
import type { Sample } from '../core/contract.js';

export function orderKey(seed: number, id: string): string {
  return createHash('sha256').update(`${seed}:${id}`).digest('hex');
}

export function seededOrder<T extends Pick<Sample, 'id'>>(items: readonly T[], seed: number): T[] {
  const keyed = items.map((s) => ({ s, k: orderKey(seed, s.id) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.s.id < b.s.id ? -1 : a.s.id > b.s.id ? 1 : 0));
  return keyed.map((x) => x.s);
}
