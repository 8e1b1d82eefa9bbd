// Reads just enough of a JPEG or PNG header to choose the decode path without a separate sharp
// metadata() round trip per image, and to choose the JPEGs the WebAssembly decoder takes (jpeg-wasm.ts).
// Anything unusual returns null and takes the metadata path.

export type SniffedLayout = 'gray' | 'colour';

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** 8-bit gray or 8-bit colour (RGB / RGBA) JPEG or PNG; null for anything else. */
export function sniffLayout(b: Uint8Array): SniffedLayout | null {
  if (b.length > 26 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    // PNG: IHDR is the first chunk; bit depth at 24, colour type at 25.
    if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52 || b[24] !== 8) return null;
    const type = b[25];
    if (type === 0 || type === 4) return 'gray';
    if (type === 2 || type === 6) return 'colour';
    return null; // palette: let sharp's metadata say what it expands to
  }
  const frame = sniffJpegFrame(b);
  if (!frame || frame.precision !== 8) return null;
  return frame.components === 1 ? 'gray' : frame.components === 3 ? 'colour' : null;
}

/** A JPEG's first frame header (SOFn): which coding process, sample precision, size, components. */
export interface JpegFrame {
  /** The SOF marker's second byte: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless, 0xc9+ arithmetic... */
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: number;
}

/** The first SOF header of a JPEG, found by walking the marker segments; null if not a JPEG or none is found first. */
export function sniffJpegFrame(b: Uint8Array): JpegFrame | null {
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) {
    let p = 2;
    while (p + 9 < b.length) {
      if (b[p] !== 0xff) return null;
      const m = b[p + 1]!;
      if (m === 0xff) {
        p++;
        continue;
      }
      if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
        p += 2;
        continue;
      }
      if (SOF.has(m)) {
        return {
          marker: m,
          precision: b[p + 4]!,
          height: (b[p + 5]! << 8) | b[p + 6]!,
          width: (b[p + 7]! << 8) | b[p + 8]!,
          components: b[p + 9]!,
        };
      }
      if (m === 0xda || m === 0xd9) return null;
      p += 2 + ((b[p + 2]! << 8) | b[p + 3]!);
    }
  }
  return null;
}
