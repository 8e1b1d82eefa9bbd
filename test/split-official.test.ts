import { describe, expect, test } from 'vitest';
import { dermamnist, REAL_CLASS_COUNTS } from '../converters/ham10000/spec.js';
import type { Sample } from '../src/core/contract.js';
import { ratio712, ratio91, splitOfficial } from '../src/split/official.js';
import { orderKey, seededOrder } from '../src/split/order.js';

function scanned(counts: readonly number[]): Sample[] {
  const out: Sample[] = [];
  let n = 0;
  counts.forEach((c, label) => {
    for (let i = 0; i < c; i++) out.push({ id: `ISIC_${String(n++).padStart(7, '0')}`, item: 'x', label: [label], groupId: `L${n >> 1}` });
  });
  return out;
}

describe('official split rule', () => {
  test('HAM10000 real class counts give DermaMNIST 7007/1003/2005', () => {
    const s = splitOfficial(scanned(REAL_CLASS_COUNTS), dermamnist, 0);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([7007, 1003, 2005]);
  });

  test('double-precision truncation, as the published counts need', () => {
    // 1420 * 0.7 = 993.9999999999999 in IEEE doubles: trunc gives 993 (BloodMNIST's monocytes).
    expect(ratio712(1420)).toEqual([993, 143, 284]);
    expect(ratio91(10407)).toEqual([9366, 1041]);
  });

  test('each class is split independently and nothing is lost or duplicated', () => {
    const samples = scanned(REAL_CLASS_COUNTS);
    const s = splitOfficial(samples, dermamnist, 0);
    const ids = [...s.train, ...s.val, ...s.test].map((x) => x.id);
    expect(new Set(ids).size).toBe(samples.length);
    REAL_CLASS_COUNTS.forEach((n, label) => {
      const per = (arr: Sample[]) => arr.filter((x) => x.label[0] === label).length;
      expect([per(s.train), per(s.val), per(s.test)]).toEqual(ratio712(n));
    });
  });

  test('order is the documented sha256(seed:image_id) order, independent of input order', () => {
    const samples = scanned([30, 20]);
    const a = splitOfficial(samples, dermamnist, 7);
    const b = splitOfficial([...samples].reverse(), dermamnist, 7);
    expect(a.train.map((x) => x.id)).toEqual(b.train.map((x) => x.id));
    const keys = a.train.map((x) => orderKey(7, x.id));
    expect(keys).toEqual([...keys].sort());
    // Known value: sha256("0:ISIC_0027615") computed independently with coreutils.
    expect(orderKey(0, 'ISIC_0027615')).toBe('f713b6e3a5ce46a32c11f4a068d337d72af2ea6f1eda1222f9003c1a56705424');
    const c = splitOfficial(samples, dermamnist, 8);
    expect(c.train.map((x) => x.id)).not.toEqual(a.train.map((x) => x.id));
    expect(seededOrder(samples, 7)).toHaveLength(50);
  });
});
