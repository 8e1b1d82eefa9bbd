// A small reader for multi-page gray TIFF stacks (TissueMNIST's 32x32x7 nuclei), giving what Pillow gives
// for `[np.asarray(im.convert('L')) for each frame]` (Image.open -> seek(i) -> convert('L')):
// - every IFD is one frame, as Pillow's n_frames counts them; all frames must have the same size;
// - 8-bit BlackIsZero is mode L (values as stored); 8-bit WhiteIsZero is Pillow's "L;I" (255 - v);
// - 16-bit unsigned BlackIsZero is mode I;16 (little-endian file) or I;16B (big-endian, as ImageJ writes);
//   Pillow's convert('L') of those clips at 255 (Convert.c I16_L / I16B_L: any value > 255 becomes 255),
//   so 16-bit stacks become min(v, 255). (Max-projection and that clip commute.)
// - compression: none, PackBits (32773) and Deflate (8, 32946), without predictor; strips, not tiles.
// Anything else is refused with a message naming the file and the field, never guessed.
// sharp is not used here: for 236k files of 7 KB the per-file overhead decides the speed, and libvips
// reads one page per call.
import { inflateSync } from 'node:zlib';
import { DataError } from '../core/errors.js';

export interface TiffStack {
  /** Frames (pages), height, width. */
  depth: number;
  height: number;
  width: number;
  /** Bits per sample in the file (8 or 16); `data` is always 8-bit after Pillow's convert('L'). */
  bits: 8 | 16;
  /** depth * height * width uint8 values, C order. */
  data: Uint8Array;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 6: 1, 7: 1, 8: 2, 9: 4, 11: 4, 12: 8, 16: 8 };
const MAX_PAGES = 4096;

interface Page {
  width: number;
  height: number;
  bits: number;
  compression: number;
  photometric: number;
  samplesPerPixel: number;
  sampleFormat: number;
  predictor: number;
  rowsPerStrip: number;
  stripOffsets: number[];
  stripByteCounts: number[] | null;
  tiled: boolean;
}

/** Parse `bytes` (the file `name`, for messages) as a gray TIFF stack; see the file comment. */
export function readTiffStack(bytes: Uint8Array, name: string): TiffStack {
  const fail = (why: string): never => {
    throw new DataError(`${name}: ${why}. Re-extract or replace this file, then run again.`);
  };
  if (bytes.length < 8) fail(`not a TIFF file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0]!, bytes[1]!);
  if (order !== 'II' && order !== 'MM') fail('not a TIFF file (no II/MM byte-order mark)');
  const le = order === 'II';
  const magic = view.getUint16(2, le);
  if (magic === 43) fail('BigTIFF is not supported by the stack reader');
  if (magic !== 42) fail(`not a TIFF file (magic number ${magic}, expected 42)`);
  const u16 = (o: number) => view.getUint16(o, le);
  const u32 = (o: number) => view.getUint32(o, le);

  const pages: Page[] = [];
  const seen = new Set<number>();
  let ifd = u32(4);
  while (ifd !== 0) {
    if (seen.has(ifd)) fail(`IFD chain loops back to offset ${ifd}`);
    seen.add(ifd);
    if (pages.length >= MAX_PAGES) fail(`more than ${MAX_PAGES} pages`);
    if (ifd + 2 > bytes.length) fail(`page ${pages.length + 1}: IFD offset ${ifd} lies beyond the end of the file (truncated?)`);
    const n = u16(ifd);
    if (ifd + 2 + n * 12 + 4 > bytes.length) fail(`page ${pages.length + 1}: IFD at ${ifd} is truncated`);
    const values = (entry: number): number[] => {
      const type = u16(entry + 2);
      const count = u32(entry + 4);
      const size = TYPE_SIZE[type];
      if (!size) fail(`page ${pages.length + 1}: tag ${u16(entry)} has unknown field type ${type}`);
      const total = size! * count;
      const at = total <= 4 ? entry + 8 : u32(entry + 8);
      if (at + total > bytes.length) fail(`page ${pages.length + 1}: tag ${u16(entry)} values lie beyond the end of the file`);
      const out = new Array<number>(count);
      for (let i = 0; i < count; i++) {
        const o = at + i * size!;
        out[i] = size === 1 ? bytes[o]! : size === 2 ? u16(o) : size === 4 ? u32(o) : Number(view.getBigUint64(o, le));
      }
      return out;
    };
    const p: Page = {
      width: 0, height: 0, bits: 1, compression: 1, photometric: -1, samplesPerPixel: 1, sampleFormat: 1,
      predictor: 1, rowsPerStrip: 0, stripOffsets: [], stripByteCounts: null, tiled: false,
    };
    for (let k = 0; k < n; k++) {
      const e = ifd + 2 + k * 12;
      const tag = u16(e);
      switch (tag) {
        case 256: p.width = values(e)[0]!; break;
        case 257: p.height = values(e)[0]!; break;
        case 258: {
          const b = values(e);
          if (b.some((x) => x !== b[0])) fail(`page ${pages.length + 1}: mixed BitsPerSample ${b.join(',')}`);
          p.bits = b[0]!;
          break;
        }
        case 259: p.compression = values(e)[0]!; break;
        case 262: p.photometric = values(e)[0]!; break;
        case 273: p.stripOffsets = values(e); break;
        case 277: p.samplesPerPixel = values(e)[0]!; break;
        case 278: p.rowsPerStrip = values(e)[0]!; break;
        case 279: p.stripByteCounts = values(e); break;
        case 317: p.predictor = values(e)[0]!; break;
        case 322: case 323: case 324: case 325: p.tiled = true; break;
        case 339: p.sampleFormat = values(e)[0]!; break;
        default: break;
      }
    }
    pages.push(p);
    ifd = u32(ifd + 2 + n * 12);
  }
  if (pages.length === 0) fail('no pages');

  const first = pages[0]!;
  const { width, height } = first;
  if (width < 1 || height < 1) fail(`page 1 has no size (ImageWidth ${width}, ImageLength ${height})`);
  const bits = first.bits;
  const data = new Uint8Array(pages.length * width * height);
  pages.forEach((p, z) => {
    const where = `page ${z + 1} of ${pages.length}`;
    if (p.width !== width || p.height !== height) fail(`${where} is ${p.width}x${p.height}, page 1 is ${width}x${height}; a stack's pages must have one size`);
    if (p.bits !== bits) fail(`${where} has ${p.bits} bits per sample, page 1 has ${bits}`);
    if (p.samplesPerPixel !== 1) fail(`${where} has ${p.samplesPerPixel} samples per pixel; a nucleus stack is gray (1)`);
    if (p.bits !== 8 && p.bits !== 16) fail(`${where} has ${p.bits} bits per sample; the stack reader takes 8- and 16-bit gray`);
    if (p.sampleFormat !== 1) fail(`${where} has SampleFormat ${p.sampleFormat}; the stack reader takes unsigned integers (1)`);
    const photometric = p.photometric < 0 ? 1 : p.photometric;
    if (photometric !== 0 && photometric !== 1) fail(`${where} has PhotometricInterpretation ${photometric}; a gray stack is 0 or 1`);
    if (photometric === 0 && p.bits === 16) fail(`${where} is 16-bit WhiteIsZero, which the stack reader does not take`);
    if (p.tiled) fail(`${where} is tiled; the stack reader takes strips`);
    if (p.predictor !== 1) fail(`${where} uses Predictor ${p.predictor}; the stack reader takes none (1)`);
    if (![1, 8, 32773, 32946].includes(p.compression)) {
      fail(`${where} uses Compression ${p.compression}; the stack reader takes none (1), Deflate (8, 32946) and PackBits (32773)`);
    }
    const bpp = p.bits / 8;
    const rowBytes = width * bpp;
    const pageBytes = rowBytes * height;
    const rows = p.rowsPerStrip > 0 ? Math.min(p.rowsPerStrip, height) : height;
    const strips = Math.ceil(height / rows);
    if (p.stripOffsets.length !== strips) fail(`${where}: ${p.stripOffsets.length} strip offsets for ${strips} strips`);
    const counts = p.stripByteCounts ?? (p.compression === 1 ? p.stripOffsets.map((_, s) => Math.min(rows, height - s * rows) * rowBytes) : null);
    if (!counts || counts.length !== strips) fail(`${where}: StripByteCounts missing or of the wrong length`);
    const raw = scratch(pageBytes);
    let filled = 0;
    for (let s = 0; s < strips; s++) {
      const off = p.stripOffsets[s]!;
      const len = counts![s]!;
      if (off + len > bytes.length) fail(`${where}: strip ${s + 1} lies beyond the end of the file (truncated?)`);
      const want = Math.min(rows, height - s * rows) * rowBytes;
      const src = bytes.subarray(off, off + len);
      let strip: Uint8Array;
      if (p.compression === 1) strip = src;
      else if (p.compression === 32773) strip = unpackBits(src, want);
      else {
        try {
          strip = inflateSync(src);
        } catch (err) {
          return fail(`${where}: strip ${s + 1} does not inflate (${(err as Error).message})`);
        }
      }
      if (strip.length < want) fail(`${where}: strip ${s + 1} holds ${strip.length} bytes, ${want} expected (truncated?)`);
      raw.set(strip.subarray(0, want), filled);
      filled += want;
    }
    const out = data.subarray(z * width * height, (z + 1) * width * height);
    if (p.bits === 8) {
      if (photometric === 1) out.set(raw);
      else for (let i = 0; i < out.length; i++) out[i] = 255 - raw[i]!;
    } else if (le) {
      for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = raw[j + 1]! !== 0 ? 255 : raw[j]!;
    } else {
      for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = raw[j]! !== 0 ? 255 : raw[j + 1]!;
    }
  });
  return { depth: pages.length, height, width, bits: bits as 8 | 16, data };
}

/**
 * One page's raw bytes, in a buffer reused from page to page and stack to stack (never returned): a
 * fresh one per page was 7-14 KB outside the JS heap per TissueMNIST stack, which V8 reclaims late.
 */
let pageBuffer = new Uint8Array(0);
function scratch(bytes: number): Uint8Array {
  if (pageBuffer.length < bytes) pageBuffer = new Uint8Array(Math.max(bytes, 2 * pageBuffer.length));
  return pageBuffer.subarray(0, bytes);
}

/** PackBits (TIFF compression 32773): up to `want` bytes. */
function unpackBits(src: Uint8Array, want: number): Uint8Array {
  const out = new Uint8Array(want);
  let i = 0;
  let o = 0;
  while (i < src.length && o < want) {
    const n = (src[i++]! << 24) >> 24;
    if (n >= 0) {
      const k = Math.min(n + 1, want - o, src.length - i);
      out.set(src.subarray(i, i + k), o);
      i += n + 1;
      o += k;
    } else if (n !== -128) {
      const k = Math.min(1 - n, want - o);
      out.fill(src[i++]!, o, o + k);
      o += k;
    }
  }
  return out.subarray(0, o);
}
