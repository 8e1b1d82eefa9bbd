// Reads just enough of a JPEG or PNG header to choose the decode path without a separate sharp
// metadata() round trip per image. Anything unusual returns null and takes the metadata path.

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
        if (b[p + 4] !== 8) return null;
        const comps = b[p + 9];
        return comps === 1 ? 'gray' : comps === 3 ? 'colour' : null;
      }
      if (m === 0xda || m === 0xd9) return null;
      p += 2 + ((b[p + 2]! << 8) | b[p + 3]!);
    }
  }
  return null;
}
