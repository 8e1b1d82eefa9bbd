// Animated GIFs of 3D samples, as `python -m medmnist save` writes them (medmnist/utils.py
// save_frames_as_gif: one frame per slice along the first axis, Image.save(save_all=True,
// duration=200, loop=0)). Ours: GIF89a, a global 256-entry gray palette (index v = gray v), the
// NETSCAPE2.0 loop extension (loop 0), and per frame a graphic control extension (delay 20 cs, no
// transparency, disposal unspecified) and a full-size image coded with GIF's LZW (minimum code size 8).
// Every slice is its own frame (Pillow merges identical consecutive frames when it saves; we do not, so
// the frame count is always S). Pillow reads each frame back, after convert('L'), as the slice's values.
import { DataError } from '../core/errors.js';

const DELAY_CS = 20;

function lzw(indices: Uint8Array, out: number[]): void {
  const minCodeSize = 8;
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let next = eoi + 1;
  let size = minCodeSize + 1;
  let cur = 0;
  let shift = 0;
  const bytes: number[] = [];
  const emit = (code: number) => {
    cur |= code << shift;
    shift += size;
    while (shift >= 8) {
      bytes.push(cur & 0xff);
      cur >>>= 8;
      shift -= 8;
    }
  };
  emit(clear);
  let table = new Map<number, number>();
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    const code = table.get(key);
    if (code !== undefined) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (next === 4096) {
      emit(clear);
      next = eoi + 1;
      size = minCodeSize + 1;
      table = new Map();
    } else {
      if (next >= 1 << size) size++;
      table.set(key, next++);
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (shift > 0) bytes.push(cur & 0xff);
  out.push(minCodeSize);
  for (let i = 0; i < bytes.length; i += 255) {
    const n = Math.min(255, bytes.length - i);
    out.push(n);
    for (let j = 0; j < n; j++) out.push(bytes[i + j]!);
  }
  out.push(0);
}

/** A gray volume [frames, height, width] (uint8, C order) as an animated GIF, one frame per slice. */
export function encodeGif(volume: Uint8Array, frames: number, height: number, width: number): Uint8Array {
  if (volume.length !== frames * height * width) throw new RangeError(`gif: ${volume.length} bytes for ${frames}x${height}x${width}`);
  const out: number[] = [];
  const u16 = (v: number) => out.push(v & 0xff, v >> 8);
  for (const c of 'GIF89a') out.push(c.charCodeAt(0));
  u16(width);
  u16(height);
  out.push(0xf7, 0, 0); // global colour table of 256, 8-bit resolution; background 0; aspect 0
  for (let i = 0; i < 256; i++) out.push(i, i, i);
  out.push(0x21, 0xff, 11, ...[...'NETSCAPE2.0'].map((c) => c.charCodeAt(0)), 3, 1, 0, 0, 0);
  const plane = height * width;
  for (let f = 0; f < frames; f++) {
    out.push(0x21, 0xf9, 4, 0);
    u16(DELAY_CS);
    out.push(0, 0);
    out.push(0x2c);
    u16(0);
    u16(0);
    u16(width);
    u16(height);
    out.push(0);
    lzw(volume.subarray(f * plane, (f + 1) * plane), out);
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

/** Decode the GIFs encodeGif writes (global palette, full frames): the frames' palette values. */
export function decodeGif(bytes: Uint8Array, what: string): { frames: number; width: number; height: number; data: Uint8Array } {
  const fail = (why: string): never => {
    throw new DataError(`${what}: ${why} (not an animated GIF written by medmnist-build?)`);
  };
  if (String.fromCharCode(...bytes.subarray(0, 6)) !== 'GIF89a' && String.fromCharCode(...bytes.subarray(0, 6)) !== 'GIF87a') fail('no GIF signature');
  const width = bytes[6]! | (bytes[7]! << 8);
  const height = bytes[8]! | (bytes[9]! << 8);
  const packed = bytes[10]!;
  let p = 13;
  let palette: Uint8Array | null = null;
  if (packed & 0x80) {
    const n = 2 << (packed & 7);
    palette = bytes.subarray(p, p + 3 * n);
    p += 3 * n;
  }
  const planes: Uint8Array[] = [];
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    for (let n = bytes[p++]!; n > 0; n = bytes[p++]!) {
      if (p + n > bytes.length) fail('truncated data');
      for (let j = 0; j < n; j++) parts.push(bytes[p + j]!);
      p += n;
    }
    return Uint8Array.from(parts);
  };
  for (;;) {
    if (p >= bytes.length) fail('no trailer');
    const b = bytes[p++]!;
    if (b === 0x3b) break;
    if (b === 0x21) {
      p++;
      subBlocks();
      continue;
    }
    if (b !== 0x2c) fail(`unexpected block 0x${b.toString(16)}`);
    const fw = bytes[p + 4]! | (bytes[p + 5]! << 8);
    const fh = bytes[p + 6]! | (bytes[p + 7]! << 8);
    const fpacked = bytes[p + 8]!;
    p += 9;
    if (fw !== width || fh !== height || (fpacked & 0xc0) !== 0) fail('a frame that is not full-size and non-interlaced');
    let pal = palette;
    if (fpacked & 0x80) {
      const n = 2 << (fpacked & 7);
      pal = bytes.subarray(p, p + 3 * n);
      p += 3 * n;
    }
    const min = bytes[p++]!;
    const idx = unlzw(subBlocks(), min, width * height, fail);
    const plane = new Uint8Array(width * height);
    for (let i = 0; i < plane.length; i++) plane[i] = pal ? pal[3 * idx[i]!]! : idx[i]!;
    planes.push(plane);
  }
  const data = new Uint8Array(planes.length * width * height);
  planes.forEach((pl, i) => data.set(pl, i * width * height));
  return { frames: planes.length, width, height, data };
}

function unlzw(data: Uint8Array, min: number, n: number, fail: (why: string) => never): Uint8Array {
  const out = new Uint8Array(n);
  const clear = 1 << min;
  const eoi = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const len = new Int32Array(4096);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    len[i] = 1;
    prefix[i] = -1;
  }
  let size = min + 1;
  let next = eoi + 1;
  let prev = -1;
  let o = 0;
  let bits = 0;
  let acc = 0;
  let p = 0;
  const write = (code: number) => {
    const l = len[code]!;
    if (o + l > n) fail('more pixels than the frame holds');
    let c = code;
    for (let i = l - 1; i >= 0; i--) {
      out[o + i] = suffix[c]!;
      c = prefix[c]!;
    }
    o += l;
  };
  const first = (code: number) => {
    let c = code;
    while (prefix[c]! >= 0) c = prefix[c]!;
    return suffix[c]!;
  };
  for (;;) {
    while (bits < size && p < data.length) {
      acc |= data[p++]! << bits;
      bits += 8;
    }
    if (bits < size) break;
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      size = min + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) break;
    if (prev < 0) {
      write(code);
      prev = code;
      continue;
    }
    if (code < next) {
      write(code);
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = first(code);
        len[next] = len[prev]! + 1;
        next++;
      }
    } else if (code === next) {
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = first(prev);
        len[next] = len[prev]! + 1;
        next++;
      }
      write(code);
    } else fail('bad LZW code');
    if (next === 1 << size && size < 12) size++;
    prev = code;
  }
  if (o !== n) fail(`${o} pixels in a ${n}-pixel frame`);
  return out;
}
