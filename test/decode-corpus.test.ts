// The JPEG decode corpus (test/decode-corpus/make_corpus.py, written with Debian's Pillow and cjpeg)
// against live Pillow: every file decodes byte-identical to Image.open(f).convert(mode), or both
// refuse. Then 5,000 bad inputs through the WebAssembly decoder in this process, and the corpus again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../converters/_kit/synth.js';
import { DataError } from '../src/core/errors.js';
import { decodeImage, decodeImageShared, decodeImageSharp } from '../src/image/decode.js';
import { decodeJpegShared, jpegWasmChannels, jpegWasmStats } from '../src/image/jpeg-wasm.js';
import type { RasterImage } from '../src/image/raster.js';
import { pythonFileOk, ROOT } from './support/run-cli.js';

const DIR = join(import.meta.dirname, 'decode-corpus', 'files');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.jpg')).sort();

type Reference = { mode: 'L' | 'RGB'; width: number; height: number; sha256: string } | { error: string };
const reference = new Map<string, Reference>();

const sha = (img: RasterImage): string => createHash('sha256').update(img.data).digest('hex');

beforeAll(() => {
  const paths = FILES.map((f) => join(DIR, f));
  const refs = JSON.parse(pythonFileOk(join(import.meta.dirname, 'decode-corpus', 'pillow_decode.py'), paths)) as Reference[];
  FILES.forEach((f, i) => reference.set(f, refs[i]!));
});

/** Decode with `decode`, and check the result against Pillow's: same pixels, or both refuse. */
async function checkAgainstPillow(file: string, decode: (b: Uint8Array, name: string) => Promise<RasterImage>): Promise<void> {
  const ref = reference.get(file)!;
  const path = join(DIR, file);
  const got = await decode(readFileSync(path), path).catch((e: unknown) => e);
  if ('error' in ref) {
    expect(got, `Pillow refuses ${file} (${ref.error})`).toBeInstanceOf(DataError);
    expect((got as Error).message).toContain(path);
    return;
  }
  if (got instanceof Error) throw got;
  const img = got as RasterImage;
  expect([img.channels, img.width, img.height]).toEqual([ref.mode === 'L' ? 1 : 3, ref.width, ref.height]);
  expect(sha(img), file).toBe(ref.sha256);
}

describe('JPEG corpus against live Pillow', () => {
  it('has the cases it is meant to have', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40);
    const routed = FILES.filter((f) => jpegWasmChannels(readFileSync(join(DIR, f))) !== null);
    // 4:4:0, 4:1:1, restart markers and Adobe RGB come from cjpeg; all of them take the wasm route.
    for (const f of ['rgb-440-q90.jpg', 'rgb-411-q90.jpg', 'rgb-420-restart1.jpg', 'rgb-adobe-rgb.jpg', 'gray-q75.jpg']) {
      expect(routed).toContain(f);
    }
    // CMYK, arithmetic coding, 12-bit and lossless headers go to sharp.
    for (const f of ['cmyk-adobe.jpg', 'rgb-arithmetic.jpg', 'gray-arithmetic.jpg', 'fake-12bit.jpg', 'fake-lossless-sof3.jpg']) {
      expect(routed).not.toContain(f);
    }
    expect(routed.length).toBeGreaterThanOrEqual(35);
  });

  it.each(FILES)('decodeImage: %s', (f) => checkAgainstPillow(f, decodeImage));

  it('decodeImageShared and sharp alone give the same as decodeImage', async () => {
    for (const f of FILES) {
      await checkAgainstPillow(f, async (b, name) => {
        const img = await decodeImageShared(b, name);
        return { ...img, data: img.data.slice() };
      });
      await checkAgainstPillow(f, decodeImageSharp);
    }
  });

  it('truncated files are declined by the wasm decoder, and refused', async () => {
    for (const f of FILES.filter((n) => n.startsWith('cut-'))) {
      const bytes = readFileSync(join(DIR, f));
      expect(jpegWasmChannels(bytes), f).not.toBeNull();
      expect(decodeJpegShared(bytes), f).toBeNull();
      await expect(decodeImage(bytes, f)).rejects.toBeInstanceOf(DataError);
    }
  });
});

describe('WebAssembly decoder after 5,000 bad inputs in one process', () => {
  /** Offset just past the SOS header, where entropy-coded data starts. */
  function scanStart(b: Uint8Array): number {
    let p = 2;
    while (!(b[p] === 0xff && b[p + 1] === 0xda)) p += 2 + ((b[p + 2]! << 8) | b[p + 3]!);
    return p + 2 + ((b[p + 2]! << 8) | b[p + 3]!);
  }

  it('declines every one, re-creating the instance, and is exact afterwards', async () => {
    const sources = ['rgb-420-q90.jpg', 'gray-q90-progressive.jpg', 'rgb-444-restart5b-progressive.jpg', 'rgb-422-q90.jpg'].map((f) =>
      readFileSync(join(DIR, f)),
    );
    const r = rng(12);
    const started = jpegWasmStats();
    const t0 = performance.now();
    let declined = 0;
    for (let i = 0; i < 5000; i++) {
      const src = sources[i % sources.length]!;
      const start = scanStart(src);
      let bad: Uint8Array;
      if (i % 3 === 0) {
        // Truncated inside the entropy-coded data (a libjpeg warning).
        bad = src.subarray(0, start + Math.floor(r() * (src.length - 2 - start)));
      } else if (i % 3 === 1) {
        // Valid headers, then garbage (no 0xff, so no marker ends it early) and no EOI (warnings, some errors).
        bad = new Uint8Array(start + 64 + Math.floor(r() * 2000));
        bad.set(src.subarray(0, start));
        for (let k = start; k < bad.length; k++) bad[k] = Math.floor(r() * 255);
      } else {
        // A libjpeg error: a Huffman table with too many codes, or a scan naming an undefined table.
        bad = Uint8Array.from(src);
        const marker = r() < 0.5 ? 0xc4 : 0xda;
        const at = bad.findIndex((v, k) => v === 0xff && bad[k + 1] === marker);
        bad[at + (marker === 0xc4 ? 5 + Math.floor(r() * 16) : 6)] = marker === 0xc4 ? 255 : 0x33;
      }
      if (decodeJpegShared(bad) === null) declined++;
      // Let vitest's worker answer its RPC now and then (the loop is otherwise synchronous).
      if (i % 250 === 249) await new Promise((done) => setImmediate(done));
    }
    const ms = performance.now() - t0;
    expect(declined).toBe(5000);
    // Each failure renewed the handle (a warning) or the whole instance (an error); both kinds occurred.
    const now = jpegWasmStats();
    const [instances, resets] = [now.instances - started.instances, now.handleResets - started.handleResets];
    console.log(`5,000 bad inputs in ${ms.toFixed(0)} ms: ${instances} new instances, ${resets} renewed handles`);
    expect(instances).toBeGreaterThan(1000);
    expect(resets).toBeGreaterThan(1000);
    expect(instances + resets).toBeGreaterThanOrEqual(5000);
    expect(ms).toBeLessThan(60_000);
    for (const f of FILES) await checkAgainstPillow(f, decodeImage);
  });
});

describe('WebAssembly decoder in worker threads', () => {
  it('decodes the corpus exactly in two threads at once, one instance each (compiled dist/)', async () => {
    const decodeJs = pathToFileURL(join(ROOT, 'dist', 'src', 'image', 'decode.js')).href;
    const wasmJs = pathToFileURL(join(ROOT, 'dist', 'src', 'image', 'jpeg-wasm.js')).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const { createHash } = require('node:crypto');
      (async () => {
        const { decodeImageShared } = await import(workerData.decodeJs);
        const { jpegWasmStats } = await import(workerData.wasmJs);
        const out = {};
        for (const f of workerData.files) {
          try {
            const img = await decodeImageShared(readFileSync(f), f);
            out[f] = createHash('sha256').update(img.data).digest('hex');
          } catch (e) {
            out[f] = 'refused';
          }
        }
        parentPort.postMessage({ out, stats: jpegWasmStats() });
      })();`;
    const files = FILES.map((f) => join(DIR, f));
    const run = () =>
      new Promise<{ out: Record<string, string>; stats: { instances: number } }>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { decodeJs, wasmJs, files } });
        w.once('message', (m) => {
          resolve(m as { out: Record<string, string>; stats: { instances: number } });
          void w.terminate();
        });
        w.once('error', reject);
      });
    const results = await Promise.all([run(), run()]);
    for (const { out, stats } of results) {
      // One instance for the thread, plus at most one after each truncated file (an error, not a warning).
      expect(stats.instances).toBeGreaterThanOrEqual(1);
      expect(stats.instances).toBeLessThanOrEqual(1 + FILES.filter((f) => f.startsWith('cut-')).length);
      for (const f of FILES) {
        const ref = reference.get(f)!;
        expect(out[join(DIR, f)], f).toBe('error' in ref ? 'refused' : ref.sha256);
      }
    }
  });
});
