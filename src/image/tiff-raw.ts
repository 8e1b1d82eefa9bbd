// Uncompressed 8-bit chunky RGB or gray TIFF (Kather's NCT-CRC-HE tiles): the pixels are the strip
// bytes as stored, so copying them out is exact by construction, and measured ~10x cheaper than a
// sharp decode of a 224x224 tile. Only the plainest layout is taken: first IFD, strips, no
// compression, no predictor, 8 bits per sample, BlackIsZero gray or RGB without extra samples, every
// strip inside the file. Anything else returns null and goes to sharp, as before.

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  fillOrder: 266,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfig: 284,
  predictor: 317,
  tileWidth: 322,
  extraSamples: 338,
  sampleFormat: 339,
} as const;

const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 6: 1, 7: 1, 8: 2, 9: 4, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8 };

export interface RawTiff {
  width: number;
  height: number;
  channels: 1 | 3;
  /** [offset, length] of each strip, in order; their concatenation is the raster. */
  strips: [number, number][];
}

/** The layout of a plain uncompressed TIFF, or null when it is anything else. */
export function sniffRawTiff(b: Uint8Array): RawTiff | null {
  if (b.length < 8) return null;
  const le = b[0] === 0x49 && b[1] === 0x49;
  if (!le && !(b[0] === 0x4d && b[1] === 0x4d)) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (p: number): number => view.getUint16(p, le);
  const u32 = (p: number): number => view.getUint32(p, le);
  if (u16(2) !== 42) return null; // BigTIFF (43) and others: sharp
  const ifd = u32(4);
  if (ifd + 2 > b.length) return null;
  const n = u16(ifd);
  if (ifd + 2 + n * 12 + 4 > b.length) return null;
  const tags = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const type = u16(e + 2);
    const count = u32(e + 4);
    const size = TYPE_BYTES[type];
    if (size === undefined || (type !== 3 && type !== 4)) continue; // only SHORT / LONG values are read
    const bytes = size * count;
    const at = bytes <= 4 ? e + 8 : u32(e + 8);
    if (at + bytes > b.length || count > 1 << 20) return null;
    const values: number[] = new Array<number>(count);
    for (let k = 0; k < count; k++) values[k] = type === 3 ? u16(at + 2 * k) : u32(at + 4 * k);
    tags.set(u16(e), values);
  }
  const one = (tag: number, dflt?: number): number | undefined => {
    const v = tags.get(tag);
    if (!v) return dflt;
    return v.length === 1 ? v[0] : undefined;
  };
  const width = one(TAG.width);
  const height = one(TAG.height);
  const spp = one(TAG.samplesPerPixel, 1);
  const photometric = one(TAG.photometric);
  if (!width || !height || (spp !== 1 && spp !== 3)) return null;
  if ((spp === 1 && photometric !== 1) || (spp === 3 && photometric !== 2)) return null;
  const bits = tags.get(TAG.bitsPerSample) ?? [1];
  if (bits.length !== spp || bits.some((v) => v !== 8)) return null;
  if (one(TAG.compression, 1) !== 1 || one(TAG.fillOrder, 1) !== 1 || one(TAG.predictor, 1) !== 1) return null;
  if (spp > 1 && one(TAG.planarConfig, 1) !== 1) return null;
  if (tags.has(TAG.tileWidth) || tags.has(TAG.extraSamples)) return null;
  const format = tags.get(TAG.sampleFormat);
  if (format && format.some((v) => v !== 1)) return null;
  const offsets = tags.get(TAG.stripOffsets);
  const counts = tags.get(TAG.stripByteCounts);
  const rowsPerStrip = Math.min(one(TAG.rowsPerStrip, height) ?? 0, height);
  if (!offsets || !counts || offsets.length !== counts.length || rowsPerStrip <= 0) return null;
  if (offsets.length !== Math.ceil(height / rowsPerStrip)) return null;
  const row = width * spp;
  const strips: [number, number][] = [];
  for (let s = 0; s < offsets.length; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    const len = rows * row;
    // A strip shorter than its rows, or running past the end of the file: sharp decides.
    if (counts[s]! < len || offsets[s]! + len > b.length) return null;
    strips.push([offsets[s]!, len]);
  }
  return { width, height, channels: spp, strips };
}

/** The raster of a plain uncompressed TIFF (an owned copy), or null to leave it to sharp. */
export function decodeRawTiff(b: Uint8Array): { data: Uint8Array; width: number; height: number; channels: 1 | 3 } | null {
  const t = sniffRawTiff(b);
  if (!t) return null;
  const data = new Uint8Array(t.width * t.height * t.channels);
  let at = 0;
  for (const [offset, len] of t.strips) {
    data.set(b.subarray(offset, offset + len), at);
    at += len;
  }
  return { data, width: t.width, height: t.height, channels: t.channels };
}
