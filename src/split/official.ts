// The rule that reproduces MedMNIST's published split sizes (reference/official-splits.md), applied
// per class in double precision: a = trunc(n * 0.7), b = trunc(n * 0.8) for 7:1:2; a = trunc(n * 0.9)
// for the train part of sources with their own test set. Which samples of a class fall where follows
// the seeded order; each split is then put in seeded order too, so classes are interleaved as in
// MedMNIST's arrays.
import type { DatasetSpec, Sample, SplitName, Stratify } from '../core/contract.js';
import { splitGrouped } from './grouped.js';
import { splitIterative } from './iterative.js';
import { DataError } from '../core/errors.js';
import { orderKey, seededOrder } from './order.js';

export type SplitSamples = Record<SplitName, Sample[]>;

/** The stratum a sample is split in: its label vector, or one stratum when the rule stratifies on nothing. */
function byStratum(samples: readonly Sample[], stratify: Stratify): Map<string, Sample[]> {
  const m = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = stratify === 'label' ? s.label.join(',') : '';
    let arr = m.get(k);
    if (!arr) m.set(k, (arr = []));
    arr.push(s);
  }
  // Iterate strata in a fixed order (numeric label order), never insertion order.
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** Sizes of (train, val, test) for a class of n samples under the 7:1:2 rule. */
export function ratio712(n: number): [number, number, number] {
  const a = Math.trunc(n * 0.7);
  const b = Math.trunc(n * 0.8);
  return [a, b - a, n - b];
}

/** Sizes of (train, val) for a class of n samples under the 9:1 rule. */
export function ratio91(n: number): [number, number] {
  const a = Math.trunc(n * 0.9);
  return [a, n - a];
}

export function splitOfficial(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  const rule = spec.split;
  // Per-label stratification (multi-label sets) is iterative stratification over groups.
  if (rule.stratify === 'labels') return splitIterative(samples, spec, seed);
  // Group rules are the grouped split with the rule's own targets.
  if (rule.rule === 'by-group') return splitGrouped(samples, spec, seed);
  if (rule.rule === 'by-group-count') return splitByGroupCount(samples, spec, seed);
  const out: SplitSamples = { train: [], val: [], test: [] };
  if (rule.rule === 'ratio-7-1-2') {
    for (const group of byStratum(samples, rule.stratify).values()) {
      const ordered = seededOrder(group, seed);
      const [a, b] = ratio712(ordered.length);
      out.train.push(...ordered.slice(0, a));
      out.val.push(...ordered.slice(a, a + b));
      out.test.push(...ordered.slice(a + b));
    }
  } else {
    const test = samples.filter((s) => s.sourceSplit === 'test');
    const rest = samples.filter((s) => s.sourceSplit !== 'test');
    if (test.length === 0) {
      throw new DataError(
        `${spec.flag}: the source's own test set is empty; the official split needs it. Check that the input folder holds the source's test part.`,
      );
    }
    for (const group of byStratum(rest, rule.stratify).values()) {
      const ordered = seededOrder(group, seed);
      const [a] = ratio91(ordered.length);
      out.train.push(...ordered.slice(0, a));
      out.val.push(...ordered.slice(a));
    }
    out.test.push(...test);
  }
  return { train: seededOrder(out.train, seed), val: seededOrder(out.val, seed), test: seededOrder(out.test, seed) };
}

/** Training groups of n that go to train under by-group-count (the rest go to val). */
export function groupCountTrain(n: number, groups: { train: number; val: number }): number {
  if (n === groups.train + groups.val) return groups.train;
  return Math.trunc((n * groups.train) / (groups.train + groups.val));
}

/** by-group-count (contract.ts): whole groups, a fixed number per split, in the seeded order of group ids. */
export function splitByGroupCount(samples: readonly Sample[], spec: DatasetSpec, seed: number): SplitSamples {
  if (spec.split.rule !== 'by-group-count') throw new Error('splitByGroupCount needs a by-group-count rule');
  const test = samples.filter((s) => s.sourceSplit === 'test');
  const rest = samples.filter((s) => s.sourceSplit !== 'test');
  const groupOf = (s: Sample) => s.groupId ?? s.id;
  const testGroups = new Set(test.map(groupOf));
  const both = [...new Set(rest.map(groupOf))].filter((g) => testGroups.has(g));
  if (both.length > 0) throw new DataError(`${spec.flag}: group ${both[0]} has samples in the source's test set and training set; groups must lie in one.`);
  const groups = [...new Set(rest.map(groupOf))]
    .map((g) => ({ g, k: orderKey(seed, g) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.g < b.g ? -1 : 1))
    .map((x) => x.g);
  const nTrain = groupCountTrain(groups.length, spec.split.groups);
  const inTrain = new Set(groups.slice(0, nTrain));
  return {
    train: seededOrder(rest.filter((s) => inTrain.has(groupOf(s))), seed),
    val: seededOrder(rest.filter((s) => !inTrain.has(groupOf(s))), seed),
    test: seededOrder(test, seed),
  };
}
