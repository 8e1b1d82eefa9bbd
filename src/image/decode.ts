// Decoding to what Pillow's Image.open gives, as 8-bit interleaved pixels: full resolution,
// no resize, no rotation, embedded ICC profiles ignored (Pillow never applies them), gray kept 1-channel.
// 8-bit gray / YCbCr / RGB Huffman JPEGs go to libjpeg-turbo in WebAssembly (jpeg-wasm.ts); everything
// else, and any JPEG it declines or fails on, to sharp, which also words every refusal. Uncompressed
// 8-bit RGB / gray TIFFs are copied out of their strips (tiff-raw.ts).
// Gray + alpha decodes to gray: the alpha is dropped here, as Pillow's convert('L') / convert('RGB')
// drop it (RGBA keeps its alpha for callers that resize RGBA).
// Modes Pillow opens that an 8-bit raster cannot hold are reduced as Image.convert would reduce them:
// - 16-bit gray PNG (Pillow mode I): values clipped at 255, as convert('L') / convert('RGB') do.
// - 16-bit RGB / RGBA / gray+alpha PNG (Pillow reads the high byte of each sample): v >> 8.
// - CMYK JPEG (Pillow mode CMYK, Adobe inversion undone): Pillow's cmyk2rgb, giving RGB.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { DataError } from '../core/errors.js';
import { maxImagePixels } from '../core/limits.js';
import type { RasterImage } from './raster.js';
import { decodeFastShared } from './fast-decode.js';
import { sniffLayout } from './sniff.js';

function raster(data: Uint8Array, width: number, height: number, channels: number): RasterImage {
  if (channels < 1 || channels > 4) throw new Error(`unsupported channel count ${channels}`);
  return { data, width, height, channels: channels as RasterImage['channels'] };
}

/** Convert.c cmyk2rgb: nk = 255 - K; each colour = clip8(nk - MULDIV255(C, nk)). */
export function cmykToRgb(cmyk: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    const nk = 255 - cmyk[j + 3]!;
    for (let b = 0; b < 3; b++) {
      const t = cmyk[j + b]! * nk + 128;
      const v = nk - (((t >> 8) + t) >> 8);
      out[i * 3 + b] = v < 0 ? 0 : v;
    }
  }
  return out;
}

/** 16-bit samples to 8 bits the way Pillow gets there: gray clips (mode I), colour keeps the high byte. */
export function narrow16(samples: Uint16Array, channels: number): Uint8Array {
  const out = new Uint8Array(samples.length);
  if (channels === 1) {
    for (let i = 0; i < samples.length; i++) out[i] = Math.min(samples[i]!, 255);
  } else {
    for (let i = 0; i < samples.length; i++) out[i] = samples[i]! >> 8;
  }
  return out;
}

async function rawDecode(pipeline: sharp.Sharp): Promise<RasterImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return raster(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels);
}

/**
 * Decode an image held in memory to 8-bit interleaved pixels, as Pillow's Image.open sees them (see
 * above). `name` (the file's path) only names the file in a refusal. The raster is the caller's own.
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<RasterImage> {
  const fast = decodeFastShared(bytes);
  if (fast) return { ...fast, data: fast.data.slice() };
  return decodeImageSharp(bytes, name);
}

/**
 * decodeImage without the copy: a fast-route raster is returned in this thread's reused buffer,
 * valid only until the next decode on this thread. For a caller that consumes (resizes) each raster
 * before decoding the next.
 */
export async function decodeImageShared(bytes: Uint8Array, name: string): Promise<RasterImage> {
  return decodeFastShared(bytes) ?? decodeImageSharp(bytes, name);
}

/** decodeImage through sharp alone: the fallback of every fast route (and the old route, for benches and tests). */
export async function decodeImageSharp(bytes: Uint8Array, name: string): Promise<RasterImage> {
  try {
    return await sharpDecode(bytes);
  } catch (err) {
    throw refusal(err, name);
  }
}

/** Read and decode one file; a missing or unreadable file is refused like an undecodable one. */
export async function decodeFile(file: string): Promise<RasterImage> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw refusal(err, file);
  }
  return decodeImage(bytes, file);
}

function refusal(err: unknown, name: string): DataError {
  if (err instanceof DataError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new DataError(`cannot decode image ${name}: ${why.trim()}. Re-download or remove this file, then run again.`);
}

async function sharpDecode(bytes: Uint8Array): Promise<RasterImage> {
  // failOn 'warning' turns libjpeg's "premature end of data" into an error, as Pillow refuses
  // truncated files unless LOAD_TRUNCATED_IMAGES is set.
  // sequentialRead: the whole image is read top to bottom once (measured ~5% less CPU per JPEG).
  const img = sharp(bytes, { failOn: 'warning', limitInputPixels: maxImagePixels(), ignoreIcc: true, sequentialRead: true });
  // 8-bit gray / colour JPEG and PNG (nearly every MedMNIST source) skip the metadata round trip.
  const layout = sniffLayout(bytes);
  if (layout) return await rawDecode(layout === 'gray' ? img.toColourspace('b-w') : img);
  const meta = await img.metadata();
  const chans = meta.channels ?? 3;
  if (meta.space === 'cmyk') {
    const { data, info } = await img.pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`CMYK image decoded to ${info.channels} channels`);
    return raster(cmykToRgb(data, info.width * info.height), info.width, info.height, 3);
  }
  if (meta.depth === 'ushort') {
    const space = chans <= 2 ? 'grey16' : 'rgb16';
    const { data, info } = await img.toColourspace(space).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    // Native-endian samples; copy first if the buffer is not 2-byte aligned.
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    const samples = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
    return raster(narrow16(samples, info.channels), info.width, info.height, info.channels);
  }
  return await rawDecode(chans === 1 || chans === 2 ? img.toColourspace('b-w') : img);
}
