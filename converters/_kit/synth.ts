// Synthetic images for fake downloads: seeded, deterministic, with smooth shading, a blob with hard
// edges and noise, so that resampling exercises clipping and JPEG has real content to code.
export type Rng = () => number;

/** mulberry32: a small seeded PRNG with the same sequence on every platform. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SynthOptions {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Background and blob colours (0..255 per channel; gray uses the first). */
  background: [number, number, number];
  blob: [number, number, number];
  noise: number;
  seed: number;
}

export function synthImage(o: SynthOptions): Uint8Array {
  const r = rng(o.seed);
  const { width: w, height: h, channels: ch } = o;
  const out = new Uint8Array(w * h * ch);
  const cx = w * (0.3 + 0.4 * r());
  const cy = h * (0.3 + 0.4 * r());
  const rx = w * (0.12 + 0.2 * r());
  const ry = h * (0.12 + 0.2 * r());
  const angle = r() * Math.PI;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const gx = (r() - 0.5) * 60;
  const gy = (r() - 0.5) * 60;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * cos + dy * sin) / rx;
      const v = (-dx * sin + dy * cos) / ry;
      const d = u * u + v * v;
      const inBlob = d < 1;
      const shade = (gx * x) / w + (gy * y) / h;
      for (let c = 0; c < ch; c++) {
        const base = inBlob ? o.blob[c]! * (0.75 + 0.25 * d) : o.background[c]! + shade;
        const val = base + (r() - 0.5) * 2 * o.noise;
        out[(y * w + x) * ch + c] = val < 0 ? 0 : val > 255 ? 255 : Math.round(val);
      }
    }
  }
  return out;
}

/** Split `count` items over classes in proportion to `weights`, at least `min` each. */
export function apportion(count: number, weights: readonly number[], min = 1): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Math.max(min, Math.floor((count * w) / total)));
  let diff = count - out.reduce((a, b) => a + b, 0);
  // Hand the remainder to (or take it from) the largest classes, in a fixed order.
  const order = weights.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; diff !== 0 && k < 10 * weights.length; k++) {
    const i = order[k % order.length]![1];
    if (diff > 0) (out[i]!++, diff--);
    else if (out[i]! > min) (out[i]!--, diff++);
  }
  return out;
}
