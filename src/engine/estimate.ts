// How many shards a plan should be cut into for a target shard duration. The cost of a shard is
// modelled as its raw bytes times a per-byte cost (shards balance on raw bytes, src/engine/shards.ts),
// and the per-byte cost is measured: `plan` runs the real item loop (read, hash, decode, every recipe
// at every size) on a few items spread over the plan, on one core, and times it. Decoding dominates and
// is roughly proportional to compressed bytes within one source, which is why one number per plan is
// enough; across sources it differs several-fold, which is why it is measured rather than a constant.
import type { Converter } from '../core/contract.js';
import { processItems } from './items.js';
import type { BuildPlan } from './plan.js';

export interface CostEstimate {
  /** Seconds per raw byte on one core, as measured (0 when nothing could be measured). */
  secondsPerByte: number;
  itemsMeasured: number;
  bytesMeasured: number;
  /** Raw bytes of the whole plan. */
  totalBytes: number;
  /** Estimated single-core seconds of all `process` work. */
  coreSeconds: number;
}

/**
 * Time the item loop on up to `sampleItems` items evenly spread over the plan, one worker, stopping
 * after `maxSeconds`. The first item is a warm-up (module and WebAssembly start-up) and is not counted.
 */
export async function measureCost(plan: BuildPlan, converter: Converter, opts: { sampleItems?: number; maxSeconds?: number } = {}): Promise<CostEstimate> {
  const n = plan.items.length;
  const want = Math.min(n, Math.max(2, opts.sampleItems ?? 16));
  const maxSeconds = opts.maxSeconds ?? 3;
  const picks = [...new Set(Array.from({ length: want }, (_, k) => Math.floor(((k + 0.5) * n) / want)))];
  const totalBytes = plan.items.reduce((a, it) => a + it.bytes, 0);
  let items = 0;
  let bytes = 0;
  let seconds = 0;
  let t = performance.now();
  let first = true;
  const started = performance.now();
  for await (const r of processItems(plan, converter, picks, 1)) {
    const now = performance.now();
    if (first) first = false;
    else {
      items++;
      bytes += plan.items[r.item]!.bytes;
      seconds += (now - t) / 1000;
    }
    t = now;
    if ((now - started) / 1000 > maxSeconds && items > 0) break;
  }
  const secondsPerByte = bytes > 0 ? seconds / bytes : 0;
  return { secondsPerByte, itemsMeasured: items, bytesMeasured: bytes, totalBytes, coreSeconds: secondsPerByte * totalBytes };
}

/**
 * Shards for a target shard duration, assuming each shard gets `cpusPerShard` cores that it uses at
 * `efficiency` (an assumption: workers in flight scale well but not perfectly; not measured on a quiet
 * machine, see the note in README). At least 1, at most
 * one per item.
 */
export function suggestShardCount(est: CostEstimate, items: number, targetSeconds: number, cpusPerShard: number, efficiency = 0.8): number {
  const perShard = targetSeconds * Math.max(1, cpusPerShard) * efficiency;
  const n = Math.ceil(est.coreSeconds / perShard);
  return Math.max(1, Math.min(Math.max(1, items), Number.isFinite(n) ? n : 1));
}
