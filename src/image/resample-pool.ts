// A pool of worker threads that run the pixel stage off the main thread, so that it overlaps the
// engine's reading, hashing and writing (main thread) on every core. Two kinds of job:
// - 'cut': the recipe (src/image/ops/, every size) on an item already loaded on the main thread;
// - 'decode': an image file's bytes, decoded in the thread by a fast route (fast-decode.ts) into the
//   thread's reused buffer and cut at once, so no full-size pixels cross threads and nothing
//   full-size is allocated per image. A file no fast route takes is declined (null) and the caller
//   loads it with sharp, then sends a 'cut' job.
// Jobs go to the thread with the fewest in flight; results are matched by job id.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Region } from '../core/contract.js';
import type { NdArray } from '../core/ndarray.js';
import type { Recipe } from '../core/recipe.js';
import { PACKAGE_ROOT } from '../version.js';

/** One dataset's recipe and the regions of the item it cuts (one region per sample). */
export interface CutSpec {
  recipe: Recipe;
  regions: readonly (Region | undefined)[];
}

export type PoolJob =
  | { kind: 'cut'; id: number; loaded: NdArray; cuts: readonly CutSpec[]; sizes: readonly number[] }
  | { kind: 'decode'; id: number; bytes: Uint8Array; cuts: readonly CutSpec[]; sizes: readonly number[] };

/** A job before the pool numbers it (Omit applied to each member of the union). */
type JobBody = PoolJob extends infer J ? (J extends PoolJob ? Omit<J, 'id'> : never) : never;

/**
 * Per CutSpec, per region, one array per size; or, for a 'decode' job no fast route took, the file's
 * bytes handed back (they were transferred to the thread, not copied).
 */
export type PoolReply =
  | { id: number; pixels: Uint8Array[][][] }
  | { id: number; declined: Uint8Array }
  | { id: number; error: string; errorName: string };

/** What a job gives its caller: the pixels, or the declined file's bytes. */
export type JobResult = { pixels: Uint8Array[][][] } | { declined: Uint8Array };

/** `[b.buffer]` when `b` spans its whole ArrayBuffer (so moving it moves nothing else), else none. */
export function transferable(b: Uint8Array): ArrayBuffer[] {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer ? [b.buffer] : [];
}

/** The compiled worker (the pool runs dist/ code, also when the caller runs from sources). */
export const WORKER_PATH = join(PACKAGE_ROOT, 'dist', 'src', 'image', 'resample-worker.js');

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>;
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
      slot.worker.on('message', (r: PoolReply) => {
        const p = slot.pending.get(r.id);
        if (!p) return;
        slot.pending.delete(r.id);
        if ('error' in r) p.reject(Object.assign(new Error(r.error), { name: r.errorName }));
        else if ('declined' in r) p.resolve({ declined: new Uint8Array(r.declined.buffer, r.declined.byteOffset, r.declined.byteLength) });
        else p.resolve({ pixels: r.pixels.map((per) => per.map((sizes) => sizes.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)))) });
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

  private post(job: JobBody, transfer: ArrayBuffer[] = []): Promise<JobResult> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...job, id } as PoolJob, transfer);
    });
  }

  /** Every CutSpec on a loaded item at every size of `sizes`, on the least busy thread. */
  async cut(loaded: NdArray, cuts: readonly CutSpec[], sizes: readonly number[]): Promise<Uint8Array[][][]> {
    const r = await this.post({ kind: 'cut', loaded, cuts, sizes });
    if (!('pixels' in r)) throw new Error('resample pool: a cut job came back declined');
    return r.pixels;
  }

  /**
   * Decode an image file in a thread and cut it. The file's buffer is transferred when it is wholly
   * its own (no copy; `bytes` is then detached here): a declined file comes back with its bytes.
   */
  decodeAndCut(bytes: Uint8Array, cuts: readonly CutSpec[], sizes: readonly number[]): Promise<JobResult> {
    return this.post({ kind: 'decode', bytes, cuts, sizes }, transferable(bytes));
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
