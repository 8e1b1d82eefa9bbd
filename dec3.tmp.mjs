import sharp from 'sharp';
import { readdirSync, readFileSync } from 'node:fs';
const dir = 'bench/out/image/ham10000-fake-2000/HAM10000_images_part_1/';
const files = readdirSync(dir).slice(0, 200).map(f => dir + f);
const bufs = files.map(f => readFileSync(f));
let callT = 0, cbT = 0;
for (let r = 0; r < 2; r++) { callT = 0; cbT = 0;
const t0 = performance.now();
for (let k = 0; k < bufs.length; k++) {
  const a = performance.now();
  const p = sharp(bufs[k], {ignoreIcc: true, failOn: 'warning'}).raw().toBuffer({resolveWithObject: true});
  callT += performance.now() - a;
  const { data } = await p;
  const b = performance.now();
  const u = new Uint8Array(data.buffer, data.byteOffset, data.length); u[0] = 1;
  cbT += performance.now() - b;
}
console.log('per image ms: total', ((performance.now() - t0) / bufs.length).toFixed(3), 'sync call', (callT / bufs.length).toFixed(3));
}
