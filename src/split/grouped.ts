// --split grouped: every group (patient, lesion...) lies in exactly one split, and the split sizes come
// as close to the official ratios as the groups allow. Deterministic for a given seed:
//
// 1. Groups: samples with the same group id form one group; a sample without a group id is a group of
//    its own. A dataset without group ids (DatasetSpec.groupName unset) cannot be split this way.
// 2. Targets, per class (label vector) c with n_c samples, from the official rule:
//    7:1:2 sets: trunc(n_c*0.7) / trunc(n_c*0.8) - trunc(n_c*0.7) / rest; a split's target is the sum
//    over classes, so with one sample per group this reproduces the official sizes exactly.
//    Sets with their own test set: the source's test set stays in test, and so does every image of a
//    group that has an image there (OCT2017 and ChestXRay2017 have patients in both train and test);
//    the other groups are split 9:1 (targets trunc(n_c*0.9) / rest over the samples left).
// 3. Greedy, largest group first (ties: SHA-256 of `seed:group`, then the group key): each group goes
//    to the split where it raises the total distance |size - target| the least; ties go to the split
//    where it raises the per-class distance sum_c |n_sc - t_sc| the least, then to train, val, test.
// 4. Then, in rounds: single groups move to another split where that lowers the total size distance,
//    or keeps it and lowers the per-class distance; and two groups of different sizes in two splits
//    swap where that lowers the total size distance. Every step lowers (size distance, class distance)
//    in lexicographic order, so the rounds end (capped at 1,000).
// 5. Each split is put in the seeded order of image ids, as the official split does.
import type { DatasetSpec, Sample, SplitName } from '../pipeline/contract.js';
import { SPLITS } from '../pipeline/contract.js';
import { DataError, UsageError } from '../pipeline/errors.js';
import { ratio712, ratio91, type SplitSamples } from './official.js';
import { orderKey, seededOrder } from './order.js';

interface Group {
  key: string;
  members: Sample[];
  /** Members per class index. */
  perClass: number[];
  sortKey: string;
}

function classIndex(samples: readonly Sample[]): Map<string, number> {
  const keys = [...new Set(samples.map((s) => s.label.join(',')))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return new Map(keys.map((k, i) => [k, i]));
}

function groupsOf(samples: readonly Sample[], classes: Map<string, number>, seed: number): Group[] {
  const m = new Map<string, Group>();
  for (const s of samples) {
    const key = s.groupId ? `g:${s.groupId}` : `s:${s.id}`;
    let g = m.get(key);
    if (!g) m.set(key, (g = { key, members: [], perClass: new Array<number>(classes.size).fill(0), sortKey: orderKey(seed, key) }));
    g.members.push(s);
    g.perClass[classes.get(s.label.join(','))!]!++;
  }
  return [...m.values()].sort(
    (a, b) => b.members.length - a.members.length || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.key < b.key ? -1 : 1),
  );
}

/** Assign groups to the splits in `names`, aiming at `target` (split -> class -> count). */
function assign(groups: readonly Group[], names: readonly SplitName[], target: number[][]): number[] {
  const nClasses = target[0]!.length;
  const total = target.map((t) => t.reduce((a, b) => a + b, 0));
  const size = names.map(() => 0);
  const per = names.map(() => new Array<number>(nClasses).fill(0));
  const where = new Array<number>(groups.length).fill(-1);
  // Change in distance when group g enters (sign = 1) or leaves (sign = -1) split s.
  const sizeDelta = (g: Group, s: number, sign: number) => {
    const n = g.members.length * sign;
    return Math.abs(size[s]! + n - total[s]!) - Math.abs(size[s]! - total[s]!);
  };
  const classDelta = (g: Group, s: number, sign: number) => {
    let d = 0;
    for (let c = 0; c < nClasses; c++) {
      const k = g.perClass[c]!;
      if (k === 0) continue;
      d += Math.abs(per[s]![c]! + k * sign - target[s]![c]!) - Math.abs(per[s]![c]! - target[s]![c]!);
    }
    return d;
  };
  const place = (gi: number, s: number, sign: number) => {
    const g = groups[gi]!;
    size[s]! += g.members.length * sign;
    for (let c = 0; c < nClasses; c++) per[s]![c]! += g.perClass[c]! * sign;
    where[gi] = sign > 0 ? s : -1;
  };

  groups.forEach((g, gi) => {
    let best = 0;
    let bestSize = Infinity;
    let bestClass = Infinity;
    for (let s = 0; s < names.length; s++) {
      const ds = sizeDelta(g, s, 1);
      const dc = classDelta(g, s, 1);
      if (ds < bestSize || (ds === bestSize && dc < bestClass)) [best, bestSize, bestClass] = [s, ds, dc];
    }
    place(gi, best, 1);
  });

  const movePass = (): boolean => {
    let moved = false;
    groups.forEach((g, gi) => {
      const from = where[gi]!;
      const outSize = sizeDelta(g, from, -1);
      const outClass = classDelta(g, from, -1);
      let best = -1;
      let bestSize = 0;
      let bestClass = 0;
      for (let s = 0; s < names.length; s++) {
        if (s === from) continue;
        const ds = outSize + sizeDelta(g, s, 1);
        const dc = outClass + classDelta(g, s, 1);
        if (ds < bestSize || (ds === bestSize && dc < bestClass)) [best, bestSize, bestClass] = [s, ds, dc];
      }
      if (best >= 0) {
        place(gi, from, -1);
        place(gi, best, 1);
        moved = true;
      }
    });
    return moved;
  };

  // One swap of a group of size ka in split a with a group of size kb in split b changes only those two
  // sizes, by kb - ka and ka - kb: search size pairs, not group pairs, and swap the first groups (in the
  // greedy order) of those sizes when that lowers the total size distance.
  const swapPass = (): boolean => {
    let swapped = false;
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        const firstOfSize = (s: number) => {
          const m = new Map<number, number>();
          where.forEach((w, gi) => {
            const k = groups[gi]!.members.length;
            if (w === s && !m.has(k)) m.set(k, gi);
          });
          return m;
        };
        const inA = firstOfSize(a);
        const inB = firstOfSize(b);
        let best: [number, number] | null = null;
        let bestGain = 0;
        for (const [ka, ga] of inA) {
          for (const [kb, gb] of inB) {
            if (ka === kb) continue;
            const d = kb - ka;
            const gain =
              Math.abs(size[a]! + d - total[a]!) - Math.abs(size[a]! - total[a]!) + Math.abs(size[b]! - d - total[b]!) - Math.abs(size[b]! - total[b]!);
            if (gain < bestGain) [best, bestGain] = [[ga, gb], gain];
          }
        }
        if (best) {
          const [ga, gb] = best;
          place(ga, a, -1);
          place(gb, b, -1);
          place(ga, b, 1);
          place(gb, a, 1);
          swapped = true;
        }
      }
    }
    return swapped;
  };

  for (let round = 0; round < 1000; round++) {
    const moved = movePass();
    if (!swapPass() && !moved) break;
  }
  return where;
}

export function splitGrouped(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  if (!spec.groupName) {
    throw new UsageError(
      `--split grouped needs group ids (patients, lesions...), and ${spec.flag} has none in its source. Use --split official or --split manifest:FILE.`,
    );
  }
  const classes = classIndex(samples);
  const out: SplitSamples = { train: [], val: [], test: [] };
  let free: Group[];
  let names: SplitName[];
  let fractions: (n: number) => number[];
  if (spec.officialSplit === 'ratio-7-1-2') {
    free = groupsOf(samples, classes, seed);
    names = ['train', 'val', 'test'];
    fractions = ratio712;
  } else {
    if (!samples.some((s) => s.sourceSplit === 'test')) {
      throw new DataError(
        `${spec.flag}: the source's own test set is empty; the grouped split keeps it as test. Check that the input folder holds the source's test part.`,
      );
    }
    free = [];
    for (const g of groupsOf(samples, classes, seed)) {
      if (g.members.some((s) => s.sourceSplit === 'test')) out.test.push(...g.members);
      else free.push(g);
    }
    names = ['train', 'val'];
    fractions = ratio91;
  }
  const nPerClass = new Array<number>(classes.size).fill(0);
  for (const g of free) g.perClass.forEach((k, c) => (nPerClass[c]! += k));
  const target = names.map((_, s) => nPerClass.map((n) => fractions(n)[s]!));
  const where = assign(free, names, target);
  free.forEach((g, gi) => out[names[where[gi]!]!].push(...g.members));
  return Object.fromEntries(SPLITS.map((s) => [s, seededOrder(out[s], seed)])) as SplitSamples;
}
