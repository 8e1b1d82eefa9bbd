// The TypeScript twin of gen() in make_golden.py: the same bytes for the same arguments (each golden
// case records the input's SHA-256, so any drift between the two generators fails the tests).
export type Pattern = 'noise' | 'edges' | 'mixed';

export function gen(w: number, h: number, ch: number, pattern: Pattern, seed: number): Uint8Array {
  const out = new Uint8Array(w * h * ch);
  let s = seed >>> 0;
  let i = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        const noise = s >>> 24;
        const stripe = (x * 3 + y * 5 + c * 7) % 17 < 8 ? 255 : 0;
        let v = pattern === 'noise' ? noise : pattern === 'edges' ? stripe : x * 2 < w ? noise : stripe;
        if ((ch === 2 || ch === 4) && c === ch - 1) v = noise < 40 ? 0 : noise > 200 ? 255 : noise;
        out[i++] = v;
      }
    }
  }
  return out;
}
