// JPEG decoding off the main thread for decodeImage's callers there (the engine's default path). The
// WebAssembly decoder is synchronous: run on the main thread it would serialize decoding with the
// engine's resizing and writing, where sharp decoded on libuv's threads (measured: DermaMNIST-28 wall
// time 5.2 s -> 7.8 s on 2 cores). Threads start on first use, are unref'd so they never keep the
// process alive, and each holds its own wasm instance; pixels come back as a transferred buffer.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../version.js';
import type { RasterImage } from './raster.js';

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
}

/** The decoded raster (its buffer transferred), or declined: the caller falls back to sharp. */
export type DecodeReply = { id: number; image: RasterImage | null };

/** The compiled worker (the pool runs dist/ code, also when the caller runs from sources). */
export const DECODE_WORKER_PATH = join(PACKAGE_ROOT, 'dist', 'src', 'image', 'decode-worker.js');

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: RasterImage | null) => void; reject: (e: Error) => void }>;
}

class DecodePool {
  private readonly slots: Slot[] = [];
  private nextId = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: new Worker(DECODE_WORKER_PATH), pending: new Map() };
      slot.worker.unref();
      slot.worker.on('message', (r: DecodeReply) => {
        const p = slot.pending.get(r.id);
        if (!p) return;
        slot.pending.delete(r.id);
        if (slot.pending.size === 0) slot.worker.unref();
        p.resolve(r.image && { ...r.image, data: new Uint8Array(r.image.data.buffer, r.image.data.byteOffset, r.image.data.byteLength) });
      });
      const fail = (err: Error): void => {
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
      };
      slot.worker.on('error', fail);
      slot.worker.on('exit', () => fail(new Error('a JPEG decoding thread exited')));
      this.slots.push(slot);
    }
  }

  get usable(): boolean {
    return this.slots.length > 0;
  }

  decode(bytes: Uint8Array): Promise<RasterImage | null> {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // ref'd while work is pending, so an awaiting caller's process stays alive.
      slot.worker.ref();
      const req: DecodeRequest = { id, bytes };
      slot.worker.postMessage(req);
    });
  }
}

let pool: DecodePool | null | undefined;

/**
 * The process-wide pool (min(cores, 4) threads, as many as libuv gives sharp), or null when the
 * compiled worker is missing or the threads died: the caller then decodes in its own thread.
 */
export function decodePool(): DecodePool | null {
  if (pool === undefined) pool = existsSync(DECODE_WORKER_PATH) ? new DecodePool(Math.min(availableParallelism(), 4)) : null;
  if (pool && !pool.usable) pool = null;
  return pool;
}
