import { createImageProcessor } from './dist/src/image/processor.js';
import { orderedMap } from './dist/src/pipeline/ordered.js';
import { ham10000 } from './dist/converters/ham10000/index.js';
import { readdirSync } from 'node:fs';
const dir = 'bench/out/image/ham10000-fake-2000/';
const files = ['HAM10000_images_part_1/', 'HAM10000_images_part_2/'].flatMap(p => readdirSync(dir + p).map(f => dir + p + f)).slice(0, 800);
const spec = ham10000.datasets[0];
const sizesList = [[28], [28, 64, 128, 224]];
for (const sizes of sizesList) for (const threads of (process.argv[2] ?? '0,1,2').split(',').map(Number)) for (const conc of [4, 6]) {
  const proc = await createImageProcessor({ converter: ham10000, spec, sizes, workers: 2, resampleThreads: threads });
  const t = performance.now(); let n = 0;
  for await (const r of orderedMap(files, conc, (f) => proc.process({ id: f, files: [f], label: [0] }))) n += r.length;
  console.log('sizes', sizes.join(','), 'threads', threads, 'inflight', conc, (files.length / ((performance.now() - t) / 1000)).toFixed(0), 'img/s');
  await proc.close();
}
