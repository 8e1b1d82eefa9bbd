// A thread of the pool in resample-pool.ts: cuts loaded items, or decodes an image file by a fast
// route and cuts it in place. Each thread has its own wasm instances and reused buffers; the work is
// a pure function of the message, so which thread runs a job never changes its bytes.
import { parentPort } from 'node:worker_threads';
import { decodeFastShared } from './fast-decode.js';
import { rasterToArray } from './raster.js';
import { cutItem } from './recipe.js';
import { transferable, type PoolJob, type PoolReply } from './resample-pool.js';

const port = parentPort;
if (!port) throw new Error('resample-worker.js runs only as a worker thread');

port.on('message', (job: PoolJob) => {
  try {
    let loaded = job.kind === 'cut' ? job.loaded : null;
    let shared: ArrayBufferLike | null = null;
    if (job.kind === 'decode') {
      const raster = decodeFastShared(job.bytes);
      if (!raster) {
        port.postMessage({ id: job.id, declined: job.bytes } satisfies PoolReply, transferable(job.bytes));
        return;
      }
      loaded = rasterToArray(raster);
      shared = raster.data.buffer;
    }
    const pixels = job.cuts.map((c) => cutItem(loaded!, c.recipe, c.regions, job.sizes));
    // An output that still points into the decoder's reused buffer (an op that passed its input
    // through) is copied: that buffer stays here for the next image.
    const owned = pixels.map((per) => per.map((sizes) => sizes.map((p) => (p.buffer === shared ? p.slice() : p))));
    const transfer = new Set(owned.flat(2).map((p) => p.buffer as ArrayBuffer));
    port.postMessage({ id: job.id, pixels: owned } satisfies PoolReply, [...transfer]);
  } catch (err) {
    port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err), errorName: err instanceof Error ? err.name : 'Error' } satisfies PoolReply);
  }
});
