import { convert } from './dist/src/pipeline/convert.js';
import { rmSync } from 'node:fs';
const input = 'bench/out/image/ham10000-fake-2000';
for (const sizes of [[28]]) {
  rmSync('/tmp/convout', { recursive: true, force: true });
  const r = await convert({ source: 'ham10000', input, out: '/tmp/convout', sizes, formats: ['npz'], split: 'official', seed: 0 });
  console.log(sizes, r.images, r.seconds.toFixed(2), (r.images / r.seconds).toFixed(0));
}
