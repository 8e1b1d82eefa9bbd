// A pool of worker threads that run the pixel recipe (src/image/ops/, every size), so
// that resampling overlaps sharp's decoding (libuv threads) and the engine's writing (main thread).
// Jobs go to the thread with the fewest in flight; results are matched by job id.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Region } from '../core/contract.js';
import type { NdArray } from '../core/ndarray.js';
import type { Recipe } from '../core/recipe.js';
import { PACKAGE_ROOT } from '../version.js';

export interface RecipeJob {
  id: number;
  loaded: NdArray;
  recipe: Recipe;
  regions: readonly (Region | undefined)[];
  sizes: readonly number[];
}

export type RecipeReply = { id: number; pixels: Uint8Array[][] } | { id: number; error: string; errorName: string };

/** The compiled worker (the pool runs dist/ code, also when the caller runs from sources). */
export const WORKER_PATH = join(PACKAGE_ROOT, 'dist', 'src', 'image', 'resample-worker.js');

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (p: Uint8Array[][]) => void; reject: (e: Error) => void }>;
}

export class ResamplePool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(threads: number) {
    if (!existsSync(WORKER_PATH)) {
      throw new Error(`the resampling worker ${WORKER_PATH} is missing: run \`npm run build\``);
    }
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: new Worker(WORKER_PATH), pending: new Map() };
      slot.worker.on('message', (r: RecipeReply) => {
        const p = slot.pending.get(r.id);
        if (!p) return;
        slot.pending.delete(r.id);
        if ('error' in r) p.reject(Object.assign(new Error(r.error), { name: r.errorName }));
        else p.resolve(r.pixels.map((per) => per.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))));
      });
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a resampling thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const s of this.slots) {
      for (const p of s.pending.values()) p.reject(err);
      s.pending.clear();
    }
  }

  /** The recipe for every region of a loaded item at every size of `sizes`, on the least busy thread. */
  run(loaded: NdArray, recipe: Recipe, regions: readonly (Region | undefined)[], sizes: readonly number[]): Promise<Uint8Array[][]> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const job: RecipeJob = { id, loaded, recipe, regions, sizes };
      slot.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
