// decodeFile's fast path (header sniffing) and its errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cmykToRgb, decodeFile, narrow16 } from '../src/image/decode.js';
import { sniffLayout } from '../src/image/sniff.js';
import { DataError } from '../src/core/errors.js';

const FILES = join(import.meta.dirname, 'golden', 'files');
const tmp = mkdtempSync(join(tmpdir(), 'image-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sniffLayout', () => {
  it.each([
    ['gray.jpg', 'gray'],
    ['rgb.jpg', 'colour'],
    ['icc-srgb.jpg', 'colour'],
    ['gray.png', 'gray'],
    ['la.png', 'gray'],
    ['rgb.png', 'colour'],
    ['rgba.png', 'colour'],
    ['cmyk.jpg', null],
    ['gray16.png', null],
    ['rgb16.png', null],
    ['palette.png', null],
  ])('%s -> %s', (name, want) => {
    expect(sniffLayout(readFileSync(join(FILES, name)))).toBe(want);
  });

  it('gives up on anything else', () => {
    expect(sniffLayout(new Uint8Array(0))).toBeNull();
    expect(sniffLayout(Buffer.from('GIF89a....................'))).toBeNull();
    // A JPEG cut before its frame header.
    expect(sniffLayout(readFileSync(join(FILES, 'rgb.jpg')).subarray(0, 30))).toBeNull();
  });
});

describe('decodeFile', () => {
  it('keeps gray as one channel and colour as three (gray + alpha loses its alpha)', async () => {
    expect((await decodeFile(join(FILES, 'gray.jpg'))).channels).toBe(1);
    expect((await decodeFile(join(FILES, 'la.png'))).channels).toBe(1);
    expect((await decodeFile(join(FILES, 'rgb.jpg'))).channels).toBe(3);
    expect((await decodeFile(join(FILES, 'rgba.png'))).channels).toBe(4);
    expect((await decodeFile(join(FILES, 'cmyk.jpg'))).channels).toBe(3);
  });

  it('throws a DataError naming a truncated, missing or non-image file', async () => {
    const cut = join(tmp, 'cut.jpg');
    writeFileSync(cut, readFileSync(join(FILES, 'rgb.jpg')).subarray(0, 1500));
    const text = join(tmp, 'notes.jpg');
    writeFileSync(text, 'not an image');
    for (const f of [cut, text, join(tmp, 'missing.png')]) {
      const err = await decodeFile(f).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect((err as Error).message).toContain(f);
    }
  });
});

describe('sample reductions', () => {
  it('cmykToRgb follows Pillow cmyk2rgb', () => {
    // nk = 255 - K; out = nk - MULDIV255(C, nk)
    expect([...cmykToRgb(Uint8Array.from([0, 255, 128, 0, 10, 20, 30, 255, 255, 0, 0, 100]), 3)]).toEqual([
      255, 0, 127, 0, 0, 0, 0, 155, 155,
    ]);
  });

  it('narrow16 clips gray and keeps the high byte of colour', () => {
    expect([...narrow16(Uint16Array.from([0, 255, 256, 65535]), 1)]).toEqual([0, 255, 255, 255]);
    expect([...narrow16(Uint16Array.from([0, 255, 256, 65535]), 3)]).toEqual([0, 0, 1, 255]);
  });
});
