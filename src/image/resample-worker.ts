// A resampling thread of the pool in resample-pool.ts: applies the pixel recipe to loaded items.
// Each thread has its own wasm instance; the work is a pure function of the message, so which thread
// runs a job never changes its bytes.
import { parentPort } from 'node:worker_threads';
import { cutItem } from './recipe.js';
import type { RecipeJob, RecipeReply } from './resample-pool.js';

const port = parentPort;
if (!port) throw new Error('resample-worker.js runs only as a worker thread');

port.on('message', (job: RecipeJob) => {
  let reply: RecipeReply;
  try {
    const pixels = cutItem(job.loaded, job.recipe, job.regions, job.sizes);
    reply = { id: job.id, pixels };
    port.postMessage(reply, [...new Set(pixels.flat().map((p) => p.buffer as ArrayBuffer))]);
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err), errorName: err instanceof Error ? err.name : 'Error' };
    port.postMessage(reply);
  }
});
