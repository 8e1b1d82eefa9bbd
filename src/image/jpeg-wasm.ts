// libjpeg-turbo in WebAssembly (the TurboJPEG decoder of @cwasm/jpeg-turbo, called through its raw
// exports), for the JPEGs nearly every source is made of: 8-bit Huffman baseline / extended /
// progressive (SOF0/1/2), 1 or 3 components. Its default settings are Pillow's (accurate integer IDCT,
// fancy upsampling, libjpeg's own colour conversion), so its pixels equal Pillow's; measured ~1.7x
// cheaper per image than sharp. Anything else, and any error or libjpeg warning (a truncated file is
// one), returns null: the caller falls back to sharp, which decodes or refuses exactly as before.
//
// One instance per thread (module state is per isolate). The input and output buffers live in the
// instance's memory and are reused, so a decode allocates nothing on the JS heap.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RasterImage } from './raster.js';
import { sniffJpegFrame } from './sniff.js';

// The WebAssembly global, typed here because the project's lib settings leave it out.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, (...args: number[]) => number>>) => { exports: unknown };
  /** What a trap (out-of-bounds access, unreachable) throws. */
  RuntimeError: new () => Error;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface TurboExports {
  memory: { readonly buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  tjInitDecompress(): number;
  tjDecompressHeader3(handle: number, src: number, size: number, w: number, h: number, subsamp: number, cs: number): number;
  tjDecompress2(handle: number, src: number, size: number, dst: number, w: number, pitch: number, h: number, pf: number, flags: number): number;
  tjDestroy(handle: number): number;
}

const TJPF_RGB = 0;
const TJPF_GRAY = 6;
/** SOF0 baseline, SOF1 extended sequential, SOF2 progressive; all Huffman-coded. */
const ROUTED = new Set([0xc0, 0xc1, 0xc2]);
/**
 * Larger images go to sharp (which refuses over 2^30 pixels): a progressive 4:4:4 image needs ~9 bytes
 * per pixel in wasm memory, which never shrinks, so this keeps an instance under ~600 MB.
 */
const MAX_PIXELS = 1 << 26;
/** Past this, the instance is dropped before the next decode so a one-off huge image does not pin its memory. */
const RECYCLE_BYTES = 256 << 20;

/** libjpeg's error_exit longjmps; this build has no setjmp, so the jump unwinds as this exception. */
class LibjpegAbort extends Error {}

let compiled: object | null = null;

function compile(): object {
  if (!compiled) {
    const path = createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm');
    compiled = new WA.Module(readFileSync(path));
  }
  return compiled;
}

const ENOSYS = 52;

class TurboDecoder {
  private readonly x: TurboExports;
  private handle: number;
  private readonly meta: number;
  private inPtr = 0;
  private inCap = 0;
  private outPtr = 0;
  private outCap = 0;

  constructor() {
    let memory: TurboExports['memory'] | null = null;
    const instance = new WA.Instance(compile(), {
      env: {
        setjmp: () => 0,
        longjmp: () => {
          throw new LibjpegAbort('libjpeg error');
        },
      },
      // An empty environment for libc's start-up; TurboJPEG formats its messages in memory, so
      // nothing else here is expected to be called.
      wasi_snapshot_preview1: {
        environ_sizes_get: (count: number, size: number) => {
          if (!memory) return ENOSYS;
          new DataView(memory.buffer).setUint32(count, 0, true);
          new DataView(memory.buffer).setUint32(size, 0, true);
          return 0;
        },
        environ_get: () => 0,
        fd_close: () => ENOSYS,
        fd_seek: () => ENOSYS,
        fd_write: () => ENOSYS,
        proc_exit: () => {
          throw new LibjpegAbort('proc_exit');
        },
      },
    });
    this.x = instance.exports as unknown as TurboExports;
    memory = this.x.memory;
    this.handle = this.x.tjInitDecompress();
    this.meta = this.x.malloc(16);
    if (this.handle === 0 || this.meta === 0) throw new Error('cannot start the WebAssembly JPEG decoder');
  }

  /** A fresh TurboJPEG handle (libjpeg state) in the same instance; false if it cannot be had. */
  resetHandle(): boolean {
    this.x.tjDestroy(this.handle);
    this.handle = this.x.tjInitDecompress();
    return this.handle !== 0;
  }

  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** Grow-only scratch: [ptr, cap] for at least `size` bytes, or null when wasm memory is exhausted. */
  private reserve(ptr: number, cap: number, size: number): [number, number] | null {
    if (size <= cap) return [ptr, cap];
    if (ptr) this.x.free(ptr);
    const next = Math.max(size, Math.ceil(cap * 1.25));
    const p = this.x.malloc(next);
    return p ? [p, next] : null;
  }

  /** Pixels in this instance's memory (valid until its next decode), or null for any failure. */
  decode(bytes: Uint8Array, channels: 1 | 3): RasterImage | null {
    const x = this.x;
    const input = this.reserve(this.inPtr, this.inCap, bytes.length);
    if (!input) return null;
    [this.inPtr, this.inCap] = input;
    new Uint8Array(x.memory.buffer, this.inPtr, bytes.length).set(bytes);
    const m = this.meta;
    if (x.tjDecompressHeader3(this.handle, this.inPtr, bytes.length, m, m + 4, m + 8, m + 12) !== 0) return null;
    const [width, height] = new Int32Array(x.memory.buffer, m, 2) as unknown as [number, number];
    if (width <= 0 || height <= 0 || width * height > MAX_PIXELS) return null;
    const size = width * height * channels;
    const output = this.reserve(this.outPtr, this.outCap, size);
    if (!output) return null;
    [this.outPtr, this.outCap] = output;
    // flags 0: accurate integer IDCT and fancy upsampling, libjpeg's defaults and Pillow's. A warning
    // (corrupt or truncated data) returns -1, as an error does.
    const pf = channels === 1 ? TJPF_GRAY : TJPF_RGB;
    if (x.tjDecompress2(this.handle, this.inPtr, bytes.length, this.outPtr, width, 0, height, pf, 0) !== 0) return null;
    return { data: new Uint8Array(x.memory.buffer, this.outPtr, size), width, height, channels };
  }
}

let decoder: TurboDecoder | null = null;
const stats = { instances: 0, handleResets: 0 };

/** The channel count the wasm route gives this file (1 gray, 3 RGB), or null when it goes to sharp. */
export function jpegWasmChannels(bytes: Uint8Array): 1 | 3 | null {
  const f = sniffJpegFrame(bytes);
  if (!f || !ROUTED.has(f.marker) || f.precision !== 8 || f.width === 0 || f.height === 0) return null;
  if (f.width * f.height > MAX_PIXELS) return null;
  return f.components === 1 ? 1 : f.components === 3 ? 3 : null;
}

/**
 * Decode an 8-bit 1- or 3-component Huffman JPEG into this thread's reused output buffer. The raster
 * points into the decoder's memory: it stays valid only until the next call on this thread (which
 * overwrites it and may move the memory), so copy it or consume it first. Null when the file is not
 * for this route, or libjpeg reported any error or warning. After a warning TurboJPEG has unwound
 * cleanly and only its handle is renewed; an error unwinds as a JS exception (this build has no
 * setjmp) that leaves the wasm stack and heap undefined, so the whole instance is re-created.
 */
export function decodeJpegShared(bytes: Uint8Array): RasterImage | null {
  const channels = jpegWasmChannels(bytes);
  if (channels === null) return null;
  if (decoder && decoder.memoryBytes > RECYCLE_BYTES) decoder = null;
  try {
    decoder ??= (stats.instances++, new TurboDecoder());
    const result = decoder.decode(bytes, channels);
    if (!result) {
      stats.handleResets++;
      if (!decoder.resetHandle()) decoder = null;
    }
    return result;
  } catch (err) {
    if (!(err instanceof LibjpegAbort || err instanceof WA.RuntimeError || err instanceof RangeError)) throw err;
    decoder = null;
    return null;
  }
}

/** Instances created and TurboJPEG handles renewed on this thread so far (for tests). */
export function jpegWasmStats(): Readonly<typeof stats> {
  return { ...stats };
}
