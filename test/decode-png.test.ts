// The plain-PNG route (src/image/png-fast.ts) against live Pillow on a corpus written at test time by
// test/decode-corpus/make_png_corpus.py: every unfilter type in gray / RGB / gray+alpha / RGBA, odd
// sizes, several IDATs, stored (level 0) zlib, Pillow-saved files. Every file the route takes decodes
// to Pillow's pixels (gray+alpha: Pillow's convert('L')); the layouts it must leave to sharp are
// declined; broken files are refused through decodeImage, as Pillow refuses them.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { decodeImage, decodeImageSharp } from '../src/image/decode.js';
import { decodePngShared } from '../src/image/png-fast.js';
import { pythonFileOk, pythonOk } from './support/run-cli.js';

let dir = '';
let files: string[] = [];
type Ref = { mode: string; width: number; height: number; sha256: string } | { error: string };
const refs = new Map<string, Ref>();

const REFERENCE = `
import hashlib, json, sys
from PIL import Image
out = []
for f in sys.argv[1:]:
    try:
        with Image.open(f) as im:
            px = im.convert("L") if im.mode == "LA" else im.convert(im.mode)
            out.append({"mode": px.mode, "width": px.width, "height": px.height,
                        "sha256": hashlib.sha256(px.tobytes()).hexdigest()})
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(out))
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'png-corpus-'));
  files = pythonFileOk(join(import.meta.dirname, 'decode-corpus', 'make_png_corpus.py'), [dir]).trim().split('\n');
  const got = JSON.parse(pythonOk(REFERENCE, files.map((f) => join(dir, f)))) as Ref[];
  files.forEach((f, i) => refs.set(f, got[i]!));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const CHANNELS: Record<string, number> = { L: 1, RGB: 3, RGBA: 4 };

describe('plain PNG route against live Pillow', () => {
  it('takes every plain file and gives Pillow its pixels', () => {
    const taken = files.filter((f) => !f.startsWith('decline-') && !f.startsWith('broken-'));
    expect(taken.length).toBeGreaterThanOrEqual(34);
    for (const f of taken) {
      const ref = refs.get(f)!;
      if ('error' in ref) throw new Error(`Pillow refuses ${f}: ${ref.error}`);
      const img = decodePngShared(readFileSync(join(dir, f)));
      expect(img, f).not.toBeNull();
      expect([img!.width, img!.height, img!.channels], f).toEqual([ref.width, ref.height, CHANNELS[ref.mode]]);
      expect(sha(img!.data), f).toBe(ref.sha256);
    }
  });

  it('leaves palette, tRNS, 16-bit, interlaced and split-IDAT files to sharp, and broken ones too', () => {
    for (const f of files.filter((n) => n.startsWith('decline-') || n.startsWith('broken-'))) {
      expect(decodePngShared(readFileSync(join(dir, f))), f).toBeNull();
    }
  });

  it('decodeImage gives the same as the sharp route for every file both decode', async () => {
    for (const f of files.filter((n) => !n.startsWith('broken-'))) {
      const bytes = readFileSync(join(dir, f));
      const a = await decodeImage(bytes, f).catch((e: unknown) => e);
      const b = await decodeImageSharp(bytes, f).catch((e: unknown) => e);
      if (a instanceof Error || b instanceof Error) {
        // Both routes refuse together (a file only sharp decides).
        expect(a instanceof Error && b instanceof Error, `${f}: ${String(a)} / ${String(b)}`).toBe(true);
        continue;
      }
      const [x, y] = [a as Awaited<ReturnType<typeof decodeImage>>, b as Awaited<ReturnType<typeof decodeImage>>];
      expect([x.width, x.height, x.channels, sha(x.data)], f).toEqual([y.width, y.height, y.channels, sha(y.data)]);
    }
  });

  it('refuses the broken files, as Pillow does', async () => {
    for (const f of files.filter((n) => n.startsWith('broken-'))) {
      expect('error' in refs.get(f)!, `Pillow refuses ${f}`).toBe(true);
      const err = await decodeImage(readFileSync(join(dir, f)), join(dir, f)).catch((e: unknown) => e);
      expect(err, f).toBeInstanceOf(DataError);
      expect((err as Error).message).toContain(f);
    }
  });

  it('keeps decoding exactly after 2,000 broken files in one thread', () => {
    const good = readFileSync(join(dir, 'pillow-rgb.png'));
    const want = (refs.get('pillow-rgb.png') as { sha256: string }).sha256;
    for (let i = 0; i < 2000; i++) {
      const bad = Buffer.from(good.subarray(0, 60 + ((i * 37) % (good.length - 60))));
      if (i % 2) bad[bad.length - 1] ^= 0xff;
      decodePngShared(bad);
    }
    expect(sha(decodePngShared(good)!.data)).toBe(want);
  });
});
