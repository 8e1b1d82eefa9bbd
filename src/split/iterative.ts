// Per-label stratification for multi-label sets (ChestMNIST): iterative stratification after Sechidis,
// Tsoumakas & Vlahavas (2011), "On the stratification of multi-label data", on whole groups (patients),
// with exact split sizes. Used when a split rule has `stratify: 'labels'`, and by `--split source`.
//
// 1. Groups: samples with the same group id form one group (a sample without one is its own group).
//    A group's weight is its sample count; its label counts are, per label column, how many of its
//    samples are positive (single-label sets: one column per class, one-hot).
// 2. Targets: split sizes T_s (the rule's; see targetSizes), and per split and label the desired count
//    D_sl = positives_l * T_s / N.
// 3. Iterative pass (Sechidis): while labelled groups are left, take the label with the fewest positives
//    still unassigned (ties: lower column); deal its unassigned groups, largest first (ties: SHA-256 of
//    `seed:group`, then the key), each to the split with the largest remaining desired count for that
//    label among the splits with room for the whole group (none has room: all splits), ties to the larger
//    remaining size, then train, val, test; subtract the group from the split's remaining size and from
//    every label's remaining desired count.
// 4. Groups without any positive label, largest first (same ties), each to the split with the most room
//    left (ties: train, val, test). With enough small unlabelled groups this ends on the exact sizes.
// 5. Repair, if some split is still off its size: move the group (of at most the surplus and deficit) from
//    the split with the largest surplus to the one with the largest deficit that changes the label cost
//    least (cost = sum over splits and labels of (count_sl - D_sl)^2 / T_s^2, i.e. squared prevalence
//    error), else swap two groups whose size difference fits; until exact or no step is possible (the
//    remaining difference is then what the groups allow, reported on stderr).
// 6. Each split is put in the seeded order of image ids, as every other split.
import type { DatasetSpec, Sample, SplitName } from '../core/contract.js';
import { SPLITS, isMultiLabel } from '../core/contract.js';
import { DataError } from '../core/errors.js';
import type { SplitSamples } from './official.js';
import { apportionCounts as scale } from './apportion.js';
import { orderKey, seededOrder } from './order.js';

interface Group {
  key: string;
  members: Sample[];
  n: number;
  /** Positives per label column. */
  counts: Int32Array;
  sortKey: string;
}

/** Label columns a sample is stratified on (multi-label: as is; single-label: one-hot; none: empty). */
function labelWidth(spec: DatasetSpec): number {
  return spec.split.stratify === 'none' ? 0 : spec.labels.length;
}

function groupsOf(samples: readonly Sample[], spec: DatasetSpec, seed: number): Group[] {
  const L = labelWidth(spec);
  const multi = isMultiLabel(spec.task);
  const m = new Map<string, Group>();
  for (const s of samples) {
    const key = s.groupId ? `g:${s.groupId}` : `s:${s.id}`;
    let g = m.get(key);
    if (!g) m.set(key, (g = { key, members: [], n: 0, counts: new Int32Array(L), sortKey: orderKey(seed, key) }));
    g.members.push(s);
    g.n++;
    if (L === 0) continue;
    if (multi) s.label.forEach((v, l) => (g!.counts[l]! += v ? 1 : 0));
    else g.counts[s.label[0]!]!++;
  }
  return [...m.values()].sort(byOrder);
}

function byOrder(a: Group, b: Group): number {
  return b.n - a.n || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}


export interface IterativeResult {
  /** Split index per group (in the order of `groups`). */
  where: number[];
  /** sum_s |size_s - T_s| after the repair (0 = exact). */
  distance: number;
}

/** Steps 2-5 on prepared groups: `targets` are the split sizes (their sum = the groups' sample count). */
export function iterativeAssign(groups: readonly Pick<Group, 'n' | 'counts' | 'sortKey' | 'key'>[], targets: readonly number[]): IterativeResult {
  const S = targets.length;
  const L = groups[0]?.counts.length ?? 0;
  const N = groups.reduce((a, g) => a + g.n, 0);
  const positives = new Float64Array(L);
  for (const g of groups) for (let l = 0; l < L; l++) positives[l]! += g.counts[l]!;
  const desired = targets.map((t) => Float64Array.from(positives, (p) => (N === 0 ? 0 : (p * t) / N)));
  const want = desired.map((d) => Float64Array.from(d));
  const room = [...targets];
  const where = new Array<number>(groups.length).fill(-1);
  const assign = (gi: number, s: number) => {
    const g = groups[gi]!;
    where[gi] = s;
    room[s]! -= g.n;
    for (let l = 0; l < L; l++) if (g.counts[l]) want[s]![l]! -= g.counts[l]!;
  };

  // 3. Iterative pass over labels, rarest first.
  const remaining = Float64Array.from(positives);
  const byLabel: number[][] = Array.from({ length: L }, () => []);
  groups.forEach((g, gi) => {
    for (let l = 0; l < L; l++) if (g.counts[l]) byLabel[l]!.push(gi);
  });
  for (;;) {
    let l = -1;
    for (let k = 0; k < L; k++) if (remaining[k]! > 0 && (l < 0 || remaining[k]! < remaining[l]!)) l = k;
    if (l < 0) break;
    for (const gi of byLabel[l]!) {
      if (where[gi]! >= 0) continue;
      const g = groups[gi]!;
      const fits = room.some((r) => r >= g.n);
      let best = -1;
      for (let s = 0; s < S; s++) {
        if (fits && room[s]! < g.n) continue;
        if (best < 0 || want[s]![l]! > want[best]![l]! || (want[s]![l]! === want[best]![l]! && room[s]! > room[best]!)) best = s;
      }
      assign(gi, best);
      for (let k = 0; k < L; k++) remaining[k]! -= g.counts[k]!;
    }
    remaining[l] = 0;
  }
  // 4. Unlabelled groups fill the room left.
  groups.forEach((_, gi) => {
    if (where[gi]! >= 0) return;
    let best = 0;
    for (let s = 1; s < S; s++) if (room[s]! > room[best]!) best = s;
    assign(gi, best);
  });

  // 5. Repair the sizes.
  const size = targets.map((t, s) => t - room[s]!);
  const count = targets.map(() => new Float64Array(L));
  groups.forEach((g, gi) => {
    for (let l = 0; l < L; l++) count[where[gi]!]![l]! += g.counts[l]!;
  });
  const moveCost = (g: (typeof groups)[number], from: number, to: number, sign = 1): number => {
    let d = 0;
    const tf = targets[from]! || 1;
    const tt = targets[to]! || 1;
    for (let l = 0; l < L; l++) {
      const k = g.counts[l]! * sign;
      if (!k) continue;
      const a = count[from]![l]! - desired[from]![l]!;
      const b = count[to]![l]! - desired[to]![l]!;
      d += ((a - k) ** 2 - a ** 2) / (tf * tf) + ((b + k) ** 2 - b ** 2) / (tt * tt);
    }
    return d;
  };
  const move = (gi: number, to: number) => {
    const g = groups[gi]!;
    const from = where[gi]!;
    size[from]! -= g.n;
    size[to]! += g.n;
    for (let l = 0; l < L; l++) {
      count[from]![l]! -= g.counts[l]!;
      count[to]![l]! += g.counts[l]!;
    }
    where[gi] = to;
  };
  for (let step = 0; step < 100_000; step++) {
    let over = -1;
    let under = -1;
    for (let s = 0; s < S; s++) {
      const d = size[s]! - targets[s]!;
      if (d > 0 && (over < 0 || d > size[over]! - targets[over]!)) over = s;
      if (d < 0 && (under < 0 || d < size[under]! - targets[under]!)) under = s;
    }
    if (over < 0 || under < 0) break;
    const limit = Math.min(size[over]! - targets[over]!, targets[under]! - size[under]!);
    let best = -1;
    let bestCost = Infinity;
    groups.forEach((g, gi) => {
      if (where[gi] !== over || g.n > limit) return;
      const c = moveCost(g, over, under);
      if (c < bestCost) [best, bestCost] = [gi, c];
    });
    if (best >= 0) {
      move(best, under);
      continue;
    }
    // Swap: a group of `over` for a smaller one of `under`, the difference within the limit.
    const inUnder = new Map<number, number>();
    groups.forEach((g, gi) => {
      if (where[gi] === under && !inUnder.has(g.n)) inUnder.set(g.n, gi);
    });
    let a = -1;
    let b = -1;
    for (let gi = 0; gi < groups.length && a < 0; gi++) {
      if (where[gi] !== over) continue;
      const n = groups[gi]!.n;
      for (const [k, gj] of inUnder) {
        if (k < n && n - k <= limit) {
          [a, b] = [gi, gj];
          break;
        }
      }
    }
    if (a < 0) break;
    move(a, under);
    move(b, over);
  }
  const distance = size.reduce((acc, n, s) => acc + Math.abs(n - targets[s]!), 0);
  return { where, distance };
}

/** Split sizes for n samples under the spec's rule (by-group targets are scaled to n when they differ). */
export function targetSizes(spec: DatasetSpec, n: number): number[] {
  const rule = spec.split;
  if (rule.rule === 'by-group') {
    const t = [rule.targets.train, rule.targets.val, rule.targets.test];
    return t.reduce((a, b) => a + b, 0) === n ? t : scale(n, t);
  }
  if (rule.rule === 'ratio-7-1-2') {
    const a = Math.trunc(n * 0.7);
    const b = Math.trunc(n * 0.8);
    return [a, b - a, n - b];
  }
  const a = Math.trunc(n * 0.9);
  return [a, n - a];
}

function finish(flag: string, groups: readonly Group[], names: readonly SplitName[], targets: readonly number[], out: SplitSamples, seed: number): SplitSamples {
  const { where, distance } = iterativeAssign(groups, targets);
  groups.forEach((g, gi) => out[names[where[gi]!]!].push(...g.members));
  if (distance > 0) {
    const got = names.map((s) => out[s].length).join(' / ');
    process.stderr.write(`${flag}: whole groups allow split sizes ${got}, ${distance} sample(s) off the targets ${targets.join(' / ')}.\n`);
  }
  return Object.fromEntries(SPLITS.map((s) => [s, seededOrder(out[s], seed)])) as SplitSamples;
}

/** The official (and grouped) split of a rule with stratify 'labels'. */
export function splitIterative(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  const rule = spec.split;
  const out: SplitSamples = { train: [], val: [], test: [] };
  const keepTest = rule.rule === 'source-test-9-1' || (rule.rule === 'by-group' && rule.sourceTest === true);
  if (!keepTest) return finish(spec.flag, groupsOf(samples, spec, seed), SPLITS, targetSizes(spec, samples.length), out, seed);
  const free: Group[] = [];
  for (const g of groupsOf(samples, spec, seed)) {
    if (g.members.some((s) => s.sourceSplit === 'test')) out.test.push(...g.members);
    else free.push(g);
  }
  if (out.test.length === 0) throw new DataError(`${spec.flag}: the source's own test set is empty; the split keeps it as test. Check that the input holds the source's test part.`);
  const n = free.reduce((a, g) => a + g.n, 0);
  const a = Math.trunc(n * 0.9);
  return finish(spec.flag, free, ['train', 'val'], [a, n - a], out, seed);
}

/**
 * --split source: the source's own lists. Its test set is test; the rest is split 7:1 into train and
 * val (train = trunc(n * 0.875)) by whole groups, stratified as in splitIterative.
 */
export function splitSource(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  const test = samples.filter((s) => s.sourceSplit === 'test');
  if (test.length === 0) {
    throw new DataError(`${spec.flag}: --split source needs the source's own test set, and no scanned sample has one. Use --split official.`);
  }
  const rest = samples.filter((s) => s.sourceSplit !== 'test');
  const n = rest.length;
  const a = Math.trunc(n * 0.875);
  return finish(spec.flag, groupsOf(rest, spec, seed), ['train', 'val'], [a, n - a], { train: [], val: [], test: [...test] }, seed);
}
