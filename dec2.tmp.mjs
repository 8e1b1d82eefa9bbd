import sharp from 'sharp';
import { readdirSync, readFileSync } from 'node:fs';
const dir = 'bench/out/image/ham10000-fake-2000/HAM10000_images_part_1/';
const files = readdirSync(dir).slice(0, 300).map(f => dir + f);
const bufs = files.map(f => readFileSync(f));
console.log('concurrency', sharp.concurrency(), 'simd', sharp.simd(), sharp.versions);
async function run(label, fn, conc) {
  for (let i = 0; i < 20; i++) await fn(i);
  const t = performance.now(); let i = 0;
  await Promise.all(Array.from({length: conc}, async () => { while (i < files.length) { const k = i++; await fn(k); } }));
  console.log(label.padEnd(30), conc, (files.length / ((performance.now() - t) / 1000)).toFixed(0), 'img/s');
}
await run('buf raw', (k) => sharp(bufs[k]).raw().toBuffer(), 1);
await run('buf raw ignoreIcc', (k) => sharp(bufs[k], {ignoreIcc: true}).raw().toBuffer(), 1);
await run('buf raw seq', (k) => sharp(bufs[k], {sequentialRead: true}).raw().toBuffer(), 1);
await run('buf raw failOn', (k) => sharp(bufs[k], {failOn: 'warning'}).raw().toBuffer(), 1);
sharp.cache(false);
await run('buf raw nocache', (k) => sharp(bufs[k]).raw().toBuffer(), 1);
await run('buf raw nocache', (k) => sharp(bufs[k]).raw().toBuffer(), 2);
await run('buf raw nocache', (k) => sharp(bufs[k]).raw().toBuffer(), 4);
