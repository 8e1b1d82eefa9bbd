import { decodeFile } from './dist/src/image/decode.js';
import sharp from 'sharp';
import { readdirSync, readFileSync } from 'node:fs';
const dir = 'bench/out/image/ham10000-fake-2000/HAM10000_images_part_1/';
const files = readdirSync(dir).slice(0, 400).map(f => dir + f);
console.log('sharp concurrency', sharp.concurrency());
async function run(label, fn, conc) {
  const t = performance.now(); let i = 0;
  await Promise.all(Array.from({length: conc}, async () => { while (i < files.length) { const f = files[i++]; await fn(f); } }));
  console.log(label, conc, (files.length / ((performance.now() - t) / 1000)).toFixed(0), 'img/s');
}
for (const c of [1, 2, 4]) await run('decodeFile', decodeFile, c);
for (const c of [2, 4]) await run('raw only', (f) => sharp(f).raw().toBuffer(), c);
for (const c of [2, 4]) await run('buffer raw', (f) => sharp(readFileSync(f)).raw().toBuffer(), c);
sharp.concurrency(1);
for (const c of [2, 4]) await run('raw conc1', (f) => sharp(f).raw().toBuffer(), c);
