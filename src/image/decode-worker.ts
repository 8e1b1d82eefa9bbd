// A thread of decode-pool.ts: decodes JPEGs with this thread's WebAssembly instance and hands the
// pixels back as a transferred copy (the decoder's own buffer is reused by the next job).
import { parentPort } from 'node:worker_threads';
import type { DecodeReply, DecodeRequest } from './decode-pool.js';
import { decodeJpegShared } from './jpeg-wasm.js';

const port = parentPort;
if (!port) throw new Error('decode-worker.js runs only as a worker thread');

port.on('message', (req: DecodeRequest) => {
  const shared = decodeJpegShared(req.bytes);
  if (!shared) {
    port.postMessage({ id: req.id, image: null } satisfies DecodeReply);
    return;
  }
  const image = { ...shared, data: shared.data.slice() };
  port.postMessage({ id: req.id, image } satisfies DecodeReply, [image.data.buffer]);
});
