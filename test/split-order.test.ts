// seededOrder sorts by a 48-bit prefix of each key and compares whole keys only on a tie; this checks it
// against the documented order computed the plain way (the full hex key of every sample, then the id).
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { orderKey, seededOrder } from '../src/split/order.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

function plainOrder<T extends { id: string }>(items: readonly T[], seed: number): T[] {
  return items
    .map((s, i) => ({ s, i, k: hex(`${seed}:${s.id}`) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.s.id < b.s.id ? -1 : a.s.id > b.s.id ? 1 : a.i - b.i))
    .map((x) => x.s);
}

describe('seeded order', () => {
  test('equals the plain sort by sha256(seed:id) hex, then id', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ id: `ISIC_${(i * 7919) % 100003}`, n: i }));
    for (const seed of [0, 7, 123456]) expect(seededOrder(items, seed)).toEqual(plainOrder(items, seed));
  });

  test('two keys with the same first 6 bytes are ordered by their whole key', () => {
    // A pair found by search: sha256("0:img_5324408") and sha256("0:img_9064862") both start 37c43d9b2d81.
    const a = hex('0:img_5324408');
    const b = hex('0:img_9064862');
    expect(a.slice(0, 12)).toBe('37c43d9b2d81');
    expect(b.slice(0, 12)).toBe('37c43d9b2d81');
    expect(a).not.toBe(b);
    const items = ['img_9064862', 'img_1', 'img_5324408', 'img_2', 'img_3'].map((id) => ({ id }));
    const got = seededOrder(items, 0).map((x) => x.id);
    expect(got).toEqual(plainOrder(items, 0).map((x) => x.id));
    expect(got.indexOf('img_5324408') < got.indexOf('img_9064862')).toBe(a < b);
    expect(orderKey(0, 'img_5324408')).toBe(a);
  });

  test('samples with one id keep their input order', () => {
    const items = [{ id: 'x', n: 1 }, { id: 'y', n: 2 }, { id: 'x', n: 3 }, { id: 'x', n: 4 }];
    const got = seededOrder(items, 3).filter((s) => s.id === 'x').map((s) => s.n);
    expect(got).toEqual([1, 3, 4]);
  });
});
