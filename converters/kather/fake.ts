// A fake Kather download in the real layout: NCT-CRC-HE-100K/<CLASS>/<CLASS>-XXXXXXXX.tif and
// CRC-VAL-HE-7K/<CLASS>/<CLASS>-TCGA-XXXXXXXX.tif, 224x224 RGB TIFF tiles (uncompressed, some LZW),
// with the 100K set's class mix and a .DS_Store as macOS leaves behind.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src/image/lazy-sharp.js';
import type { FakeDownloadOptions } from '../../src/core/contract.js';
import { apportion, rng, synthImage } from '../_kit/synth.js';
import { KATHER_CLASSES, KATHER_TRAIN_COUNTS, TEST_ARCHIVE, TRAIN_ARCHIVE } from './spec.js';

const TILE = 224;
// H&E-like colours per class: background and a blob.
const COLOURS: [number, number, number][] = [
  [245, 240, 245], [235, 232, 236], [200, 120, 170], [80, 50, 140], [190, 170, 210],
  [215, 120, 160], [170, 90, 160], [225, 150, 185], [140, 60, 140],
];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export async function writeKatherFake(dir: string, o: FakeDownloadOptions): Promise<void> {
  const r = rng(o.seed ^ 0x6b61);
  const nTest = Math.max(KATHER_CLASSES.length, Math.round(o.count / 4));
  const parts: [string, number[], string][] = [
    [TRAIN_ARCHIVE, apportion(Math.max(o.count - nTest, 2 * KATHER_CLASSES.length), KATHER_TRAIN_COUNTS, 2), ''],
    [TEST_ARCHIVE, apportion(nTest, KATHER_TRAIN_COUNTS, 1), 'TCGA-'],
  ];
  let n = 0;
  const jobs: Promise<unknown>[] = [];
  for (const [archive, perClass, infix] of parts) {
    for (let c = 0; c < KATHER_CLASSES.length; c++) {
      const cls = KATHER_CLASSES[c]!;
      const folder = join(dir, archive, cls);
      await mkdir(folder, { recursive: true });
      for (let k = 0; k < perClass[c]!; k++) {
        const code = Array.from({ length: 8 }, () => LETTERS[Math.floor(r() * 26)]).join('');
        const pixels = synthImage({
          width: TILE,
          height: TILE,
          channels: 3,
          background: COLOURS[(c + 1) % COLOURS.length]!,
          blob: COLOURS[c]!,
          noise: 20,
          seed: (o.seed * 7919 + n) >>> 0,
        });
        const compression = n++ % 5 === 4 ? 'lzw' : 'none';
        jobs.push(
          sharp(Buffer.from(pixels.buffer), { raw: { width: TILE, height: TILE, channels: 3 } })
            .tiff({ compression })
            .toFile(join(folder, `${cls}-${infix}${code}.tif`)),
        );
        if (jobs.length >= 8) await Promise.all(jobs.splice(0));
      }
    }
  }
  await Promise.all(jobs);
  await writeFile(join(dir, TRAIN_ARCHIVE, '.DS_Store'), 'Bud1');
}
