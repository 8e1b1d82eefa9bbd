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
//    by-group rules: the rule's targets (the full source's sizes) scaled to the samples present (largest
//    remainder; unchanged on the full download), shared over classes in proportion to their sizes.
// 3. Sizes. Which groups go where matters for the sizes only through how many groups of each size
//    each split gets. Candidate plans, each scored by the total distance sum_s |size_s - target_s|:
//    a) greedy, largest group first (ties: SHA-256 of `seed:group`, then the group key): each group
//       goes to the split where it raises the total distance the least; ties go to the split where it
//       raises the per-class distance sum_c |n_sc - t_sc| the least, then to train, val, test. Then, in
//       rounds: single groups move where that lowers the size distance (or keeps it and lowers the
//       per-class distance), and two groups of different sizes in two splits swap where that lowers
//       the size distance (every step lowers the pair, so the rounds end; capped at 1,000).
//    b) exact bounded subset sums: the sum of group sizes closest to one split's target (below it on a
//       tie), then, for three splits, the sum closest to the second split's target from the groups
//       left; tried val-then-test and test-then-val. With two splits this is the optimum.
//    c) for three splits, exact: dynamic programming over the groups on reachable (val, test) sizes,
//       when groups x (val target + largest group + 1) x (test target + largest group + 1) <= 2e7
//       (small sets, where few large groups make the greedy miss; large sets of mostly small groups
//       reach distance 0 with a or b).
//    The first plan with the smallest distance wins (a, then b val-first, b test-first, c; b and c are
//    only tried while the best distance is above 0). So the sizes are the closest the groups allow
//    for two splits, and for three splits whenever c runs.
// 4. A subset-sum plan is realised by dealing the groups of each size to the splits in the greedy
//    order above, each to the split (with room left for its size) where it raises the per-class
//    distance the least (ties: train, val, test); then the local moves and swaps of (a) run from there.
// 5. Each split is put in the seeded order of image ids, as the official split does.
import type { DatasetSpec, Sample, SplitName, Stratify } from '../core/contract.js';
import { SPLITS } from '../core/contract.js';
import { DataError, UsageError } from '../core/errors.js';
import { splitIterative } from './iterative.js';
import { ratio712, ratio91, type SplitSamples } from './official.js';
import { apportionCounts } from './apportion.js';
import { orderKey, seededOrder } from './order.js';

interface Group {
  key: string;
  members: Sample[];
  /** Members per class index. */
  perClass: number[];
  sortKey: string;
}

/** The stratum of a sample: its label vector, or one stratum for all when the rule stratifies on nothing. */
function stratumOf(s: Sample, stratify: Stratify): string {
  return stratify === 'label' ? s.label.join(',') : '';
}


function classIndex(samples: readonly Sample[], stratify: Stratify): Map<string, number> {
  const keys = [...new Set(samples.map((s) => stratumOf(s, stratify)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return new Map(keys.map((k, i) => [k, i]));
}

function groupsOf(samples: readonly Sample[], classes: Map<string, number>, seed: number, stratify: Stratify): Group[] {
  const m = new Map<string, Group>();
  for (const s of samples) {
    const key = s.groupId ? `g:${s.groupId}` : `s:${s.id}`;
    let g = m.get(key);
    if (!g) m.set(key, (g = { key, members: [], perClass: new Array<number>(classes.size).fill(0), sortKey: orderKey(seed, key) }));
    g.members.push(s);
    g.perClass[classes.get(stratumOf(s, stratify))!]!++;
  }
  return [...m.values()].sort(
    (a, b) => b.members.length - a.members.length || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.key < b.key ? -1 : 1),
  );
}

/**
 * Greedy placement (when `start` is not given) followed by local moves and swaps; with `start`, only
 * the local steps, from that assignment. `target` is split -> class -> count.
 */
function localSearch(groups: readonly Group[], nSplits: number, target: number[][], start?: readonly number[]): number[] {
  const nClasses = target[0]!.length;
  const total = target.map((t) => t.reduce((a, b) => a + b, 0));
  const size = target.map(() => 0);
  const per = target.map(() => new Array<number>(nClasses).fill(0));
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
    if (start) return place(gi, start[gi]!, 1);
    let best = 0;
    let bestSize = Infinity;
    let bestClass = Infinity;
    for (let s = 0; s < nSplits; s++) {
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
      for (let s = 0; s < nSplits; s++) {
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
    for (let a = 0; a < nSplits; a++) {
      for (let b = a + 1; b < nSplits; b++) {
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

function sizeDistance(groups: readonly Group[], where: readonly number[], totals: readonly number[]): number {
  const size = totals.map(() => 0);
  groups.forEach((g, gi) => (size[where[gi]!]! += g.members.length));
  return size.reduce((a, n, s) => a + Math.abs(n - totals[s]!), 0);
}

/**
 * Bounded subset sum over distinct group sizes `sizes` with `avail[i]` groups of size sizes[i]: how
 * many of each to take so that the total is closest to `target` (the lower total on a tie).
 */
export function closestSubset(sizes: readonly number[], avail: readonly number[], target: number): number[] {
  const limit = Math.max(0, target) + Math.max(0, ...sizes);
  // used[i][s]: copies of sizes[i] used to reach s with items 0..i (-1: unreachable).
  const used: Int32Array[] = [];
  let reach = new Uint8Array(limit + 1);
  reach[0] = 1;
  sizes.forEach((d, i) => {
    const u = new Int32Array(limit + 1).fill(-1);
    for (let s = 0; s <= limit; s++) {
      if (reach[s]) u[s] = 0;
      else if (s >= d && u[s - d]! >= 0 && u[s - d]! < avail[i]!) u[s] = u[s - d]! + 1;
    }
    used.push(u);
    reach = Uint8Array.from(u, (v) => (v >= 0 ? 1 : 0));
  });
  let best = 0;
  for (let s = 0; s <= limit; s++) if (reach[s] && Math.abs(s - target) < Math.abs(best - target)) best = s;
  const take = sizes.map(() => 0);
  for (let i = sizes.length - 1, s = best; i >= 0; i--) {
    take[i] = used[i]![s]!;
    s -= take[i]! * sizes[i]!;
  }
  return take;
}

/** Plan b: per split, how many groups of each size (`order` = the splits filled by subset sums, in turn). */
function subsetPlan(groups: readonly Group[], nSplits: number, totals: readonly number[], order: readonly number[]): Map<number, number[]> {
  const count = new Map<number, number>();
  for (const g of groups) count.set(g.members.length, (count.get(g.members.length) ?? 0) + 1);
  const sizes = [...count.keys()].sort((a, b) => a - b);
  const left = sizes.map((d) => count.get(d)!);
  const plan = new Map(sizes.map((d) => [d, new Array<number>(nSplits).fill(0)]));
  for (const s of order) {
    const take = closestSubset(sizes, left, totals[s]!);
    take.forEach((k, i) => {
      plan.get(sizes[i]!)![s] = k;
      left[i]! -= k;
    });
  }
  const rest = [...Array(nSplits).keys()].find((s) => !order.includes(s))!;
  sizes.forEach((d, i) => (plan.get(d)![rest] = left[i]!));
  return plan;
}

/** Step 4: deal the groups to the splits following a per-size plan, minding the per-class distance. */
function realisePlan(groups: readonly Group[], target: number[][], plan: Map<number, number[]>): number[] {
  const nClasses = target[0]!.length;
  const per = target.map(() => new Array<number>(nClasses).fill(0));
  const room = new Map([...plan.entries()].map(([d, k]) => [d, [...k]]));
  return groups.map((g) => {
    const r = room.get(g.members.length)!;
    let best = -1;
    let bestCost = Infinity;
    for (let s = 0; s < r.length; s++) {
      if (r[s]! <= 0) continue;
      let cost = 0;
      g.perClass.forEach((k, c) => {
        if (k > 0) cost += Math.abs(per[s]![c]! + k - target[s]![c]!) - Math.abs(per[s]![c]! - target[s]![c]!);
      });
      if (cost < bestCost) [best, bestCost] = [s, cost];
    }
    r[best]!--;
    g.perClass.forEach((k, c) => (per[best]![c]! += k));
    return best;
  });
}

/** Work limit of the exact three-way search: groups x (val range) x (test range) cells. */
const EXACT_CELLS = 2e7;

/**
 * Plan c, exact for three splits when small enough: dynamic programming over the groups on the
 * reachable (val size, test size) pairs, each bounded by its target plus the largest group. Returns
 * the per-size plan of the pair with the smallest total distance (ties: smaller val, then smaller
 * test size), or null when the table would exceed EXACT_CELLS.
 */
function exactPlan(groups: readonly Group[], totals: readonly number[]): Map<number, number[]> | null {
  const maxG = Math.max(0, ...groups.map((g) => g.members.length));
  const B = totals[1]! + maxG + 1;
  const C = totals[2]! + maxG + 1;
  if (groups.length * B * C > EXACT_CELLS) return null;
  const N = groups.reduce((a, g) => a + g.members.length, 0);
  // choice[i][b*C+c]: where group i went on a path reaching (b, c) (0 train, 1 val, 2 test; 255 none).
  const choice: Uint8Array[] = [];
  let reach = new Uint8Array(B * C);
  reach[0] = 1;
  for (const g of groups) {
    const d = g.members.length;
    const ch = new Uint8Array(B * C).fill(255);
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const k = b * C + c;
        if (reach[k]) ch[k] = 0;
        else if (b >= d && reach[k - d * C]) ch[k] = 1;
        else if (c >= d && reach[k - d]) ch[k] = 2;
      }
    }
    choice.push(ch);
    reach = Uint8Array.from(ch, (v) => (v === 255 ? 0 : 1));
  }
  let best = -1;
  let bestDist = Infinity;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      if (!reach[b * C + c]) continue;
      const dist = Math.abs(N - b - c - totals[0]!) + Math.abs(b - totals[1]!) + Math.abs(c - totals[2]!);
      if (dist < bestDist) [best, bestDist] = [b * C + c, dist];
    }
  }
  const plan = new Map<number, number[]>();
  for (let i = groups.length - 1, k = best; i >= 0; i--) {
    const d = groups[i]!.members.length;
    const s = choice[i]![k]!;
    const row = plan.get(d) ?? [0, 0, 0];
    row[s]!++;
    plan.set(d, row);
    k -= s === 1 ? d * C : s === 2 ? d : 0;
  }
  return plan;
}

function bestAssign(groups: readonly Group[], nSplits: number, target: number[][]): number[] {
  const totals = target.map((t) => t.reduce((a, b) => a + b, 0));
  let where = localSearch(groups, nSplits, target);
  let dist = sizeDistance(groups, where, totals);
  const orders = nSplits === 2 ? [[1]] : [[1, 2], [2, 1]];
  const plans = [...orders.map((order) => () => subsetPlan(groups, nSplits, totals, order)), ...(nSplits === 3 ? [() => exactPlan(groups, totals)] : [])];
  for (const makePlan of plans) {
    if (dist === 0) break;
    const plan = makePlan();
    if (!plan) continue;
    const w = localSearch(groups, nSplits, target, realisePlan(groups, target, plan));
    const d = sizeDistance(groups, w, totals);
    if (d < dist) [where, dist] = [w, d];
  }
  return where;
}

export function splitGrouped(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  if (!spec.groupName) {
    throw new UsageError(
      `--split grouped needs group ids (patients, lesions...), and ${spec.flag} has none in its source. Use --split official or --split manifest:FILE.`,
    );
  }
  // Per-label stratification: iterative stratification over the groups (src/split/iterative.ts).
  if (spec.split.stratify === 'labels') return splitIterative(samples, spec, seed);
  const classes = classIndex(samples, spec.split.stratify);
  const out: SplitSamples = { train: [], val: [], test: [] };
  const rule = spec.split;
  const keepSourceTest = rule.rule === 'source-test-9-1' || (rule.rule === 'by-group' && rule.sourceTest === true);
  let free: Group[];
  let names: SplitName[];
  if (!keepSourceTest) {
    free = groupsOf(samples, classes, seed, spec.split.stratify);
    names = ['train', 'val', 'test'];
  } else {
    if (!samples.some((s) => s.sourceSplit === 'test')) {
      throw new DataError(
        `${spec.flag}: the source's own test set is empty; the grouped split keeps it as test. Check that the input folder holds the source's test part.`,
      );
    }
    free = [];
    for (const g of groupsOf(samples, classes, seed, spec.split.stratify)) {
      if (g.members.some((s) => s.sourceSplit === 'test')) out.test.push(...g.members);
      else free.push(g);
    }
    names = ['train', 'val'];
  }
  const nPerClass = new Array<number>(classes.size).fill(0);
  for (const g of free) g.perClass.forEach((k, c) => (nPerClass[c]! += k));
  let target: number[][];
  if (rule.rule === 'by-group') {
    // Split totals from the rule (the full source's sizes), scaled to the samples present when there are
    // more or fewer (a partial or fake download; the full download keeps them exactly), then shared over
    // the classes in proportion to their sizes.
    const present = nPerClass.reduce((a, b) => a + b, 0);
    const totals = apportionCounts(present, names.map((n) => rule.targets[n]));
    target = names.map((_, s) => apportionCounts(totals[s]!, nPerClass));
  } else {
    const fractions = rule.rule === 'ratio-7-1-2' ? ratio712 : ratio91;
    target = names.map((_, s) => nPerClass.map((n) => fractions(n)[s]!));
  }
  const where = bestAssign(free, names.length, target);
  free.forEach((g, gi) => out[names[where[gi]!]!].push(...g.members));
  return Object.fromEntries(SPLITS.map((s) => [s, seededOrder(out[s], seed)])) as SplitSamples;
}
