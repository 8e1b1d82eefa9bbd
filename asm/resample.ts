// Pillow's 8-bit convolution passes (libImaging/Resample.c) on planar uint8 data, with wasm SIMD.
// Integer math is exactly Pillow's: each output is clip8(2^21 + sum(pixel * coeff)) with int32
// coefficients of 22 fractional bits. Integer addition is associative (mod 2^32), so summing the taps
// in SIMD lanes, or as (sum pixel*hi) << 15 + sum pixel*lo with coeff = hi * 2^15 + lo, gives the same
// int32 as Pillow's sequential loop.
// The host (src/image/wasm.ts) owns the memory layout: it passes byte offsets into this module's memory.

const HALF: i32 = 1 << 21;

/** Pillow's clip8: 0 for sums <= 0, 255 for sums >= 2^30, else sum >> 22 (the same as clamping sum >> 22). */
@inline
function clip8(v: i32): i32 {
  const s = v >> 22;
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

// The horizontal pass splits each coefficient as k = hi * 2^shift + lo with lo in [0, 2^shift) and
// the smallest shift that makes every hi fit in i16 (shift = 3 for 600 -> 28 bicubic). The SIMD loop
// sums only pixel * hi (one i32x4.dot_i16x8_s per 8 taps); the missing sum B = sum(pixel * lo) lies in
// [0, bmax] with bmax = 255 * sum(lo) per output. clip8 is monotonic, so when clip8(t) equals
// clip8(t + bmax) that value is exact; otherwise (about 2% of outputs) B is summed exactly as well.

/** Sum of pixel * hi over one output's blocks (16 taps per block, per block 16 hi then 16 lo i16). */
@inline
function dotHi(p: usize, c: usize, nb: i32): v128 {
  let acc = i32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const v = v128.load(p);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(v), v128.load(c)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(v), v128.load(c, 16)));
    p += 16;
    c += 64;
  }
  return acc;
}

/** The exact sum of pixel * lo over one output's blocks. */
function dotLo(p: usize, c: usize, nb: i32): i32 {
  let acc = i32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const v = v128.load(p);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(v), v128.load(c, 32)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(v), v128.load(c, 48)));
    p += 16;
    c += 64;
  }
  return i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
}

@inline
function clamp8(v: v128): v128 {
  return i32x4.min_s(i32x4.max_s(i32x4.shr_s(v, 22), i32x4.splat(0)), i32x4.splat(255));
}

/** One row: outputs in groups of 4 (the host pads the tables to a multiple of 4 with empty outputs). */
function hrow(row: usize, out: usize, outW: i32, bounds: usize, coef: usize, coefStride: i32, shift: i32, bmax: usize): void {
  for (let xx = 0; xx < outW; xx += 4) {
    const bp = bounds + (<usize>xx << 3);
    const c0 = coef + <usize>(xx * coefStride);
    const s0 = dotHi(row + <usize>load<i32>(bp), c0, load<i32>(bp, 4));
    const s1 = dotHi(row + <usize>load<i32>(bp, 8), c0 + <usize>coefStride, load<i32>(bp, 12));
    const s2 = dotHi(row + <usize>load<i32>(bp, 16), c0 + <usize>(2 * coefStride), load<i32>(bp, 20));
    const s3 = dotHi(row + <usize>load<i32>(bp, 24), c0 + <usize>(3 * coefStride), load<i32>(bp, 28));
    // Transposed horizontal sums: lane j = sum of the lanes of s_j.
    const a = i32x4.add(v128.shuffle<i32>(s0, s1, 0, 4, 1, 5), v128.shuffle<i32>(s0, s1, 2, 6, 3, 7));
    const b = i32x4.add(v128.shuffle<i32>(s2, s3, 0, 4, 1, 5), v128.shuffle<i32>(s2, s3, 2, 6, 3, 7));
    const sum = i32x4.add(v128.shuffle<i32>(a, b, 0, 1, 4, 5), v128.shuffle<i32>(a, b, 2, 3, 6, 7));
    const t = i32x4.add(i32x4.splat(HALF), i32x4.shl(sum, shift));
    const q = clamp8(t);
    const qh = clamp8(i32x4.add(t, v128.load(bmax + (<usize>xx << 2))));
    const o = out + <usize>xx;
    const packed = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q, q), i16x8.narrow_i32x4_s(q, q));
    store<u32>(o, i32x4.extract_lane(packed, 0));
    const same = i32x4.eq(q, qh);
    if (!i32x4.all_true(same)) {
      if (i32x4.extract_lane(same, 0) == 0) exactOut(row, o, 0, i32x4.extract_lane(t, 0), bp, c0, coefStride);
      if (i32x4.extract_lane(same, 1) == 0) exactOut(row, o, 1, i32x4.extract_lane(t, 1), bp, c0, coefStride);
      if (i32x4.extract_lane(same, 2) == 0) exactOut(row, o, 2, i32x4.extract_lane(t, 2), bp, c0, coefStride);
      if (i32x4.extract_lane(same, 3) == 0) exactOut(row, o, 3, i32x4.extract_lane(t, 3), bp, c0, coefStride);
    }
  }
}

/** Output j of a group whose bound test was inconclusive: add the exact low-part sum. */
function exactOut(row: usize, o: usize, j: i32, t: i32, bp: usize, c0: usize, coefStride: i32): void {
  const e = bp + (<usize>j << 3);
  const lo = dotLo(row + <usize>load<i32>(e), c0 + <usize>(j * coefStride), load<i32>(e, 4));
  store<u8>(o + <usize>j, clip8(t + lo));
}

/**
 * Horizontal pass of interleaved pixels (ch channels): `rows` rows (srcStride bytes apart) to outW
 * outputs per row, written as ch planes (dstPlane bytes apart, rows dstStride bytes apart).
 * Each row is split into per-channel rows in `scratch` (L1-resident) first, so each kernel reads
 * one channel contiguously.
 * bounds: per output, i32 first input column and i32 number of 16-tap blocks.
 * coef: per output (coefStride bytes apart), per block 64 bytes: 16 x i16 hi then 16 x i16 lo.
 * Taps past the real kernel are zero, so the bytes they read (inside the host's slack) add nothing.
 * bmax: per output, i32 255 * sum(lo).
 */
export function hpass(
  src: usize,
  srcStride: i32,
  width: i32,
  ch: i32,
  rows: i32,
  dst: usize,
  dstStride: i32,
  dstPlane: i32,
  outW: i32,
  bounds: usize,
  coef: usize,
  coefStride: i32,
  shift: i32,
  bmax: usize,
  scratch: usize,
): void {
  const rowCap = <usize>((width + 31) & ~15);
  for (let y = 0; y < rows; y++) {
    const r = src + <usize>(y * srcStride);
    const o = dst + <usize>(y * dstStride);
    if (ch == 1) {
      hrow(r, o, outW, bounds, coef, coefStride, shift, bmax);
    } else {
      deinterleave(r, width, ch, scratch, <i32>rowCap);
      for (let c = 0; c < ch; c++) {
        hrow(scratch + rowCap * <usize>c, o + <usize>(c * dstPlane), outW, bounds, coef, coefStride, shift, bmax);
      }
    }
  }
}

/**
 * Vertical pass: outH output rows of `width` bytes from rows of a plane (srcStride bytes apart).
 * bounds: per output row, i32 first input row (already shifted to this plane) and i32 tap count.
 * coef: per output row, ksize x i32 coefficients. 16 columns per step; the host pads dstStride to a
 * multiple of 16 and leaves slack after src, so whole-vector loads and stores stay inside its buffers.
 */
export function vpass(
  src: usize,
  srcStride: i32,
  width: i32,
  dst: usize,
  dstStride: i32,
  outH: i32,
  bounds: usize,
  coef: usize,
  ksize: i32,
): void {
  const half = i32x4.splat(HALF);
  for (let yy = 0; yy < outH; yy++) {
    const first = load<i32>(bounds + (<usize>yy << 3));
    const n = load<i32>(bounds + (<usize>yy << 3) + 4);
    const kk = coef + <usize>(yy * ksize * 4);
    const base = src + <usize>(first * srcStride);
    const out = dst + <usize>(yy * dstStride);
    for (let x = 0; x < width; x += 16) {
      let s0 = half;
      let s1 = half;
      let s2 = half;
      let s3 = half;
      let p = base + <usize>x;
      for (let y = 0; y < n; y++) {
        const k = i32x4.splat(load<i32>(kk + (<usize>y << 2)));
        const v = v128.load(p);
        const lo = i16x8.extend_low_i8x16_u(v);
        const hi = i16x8.extend_high_i8x16_u(v);
        s0 = i32x4.add(s0, i32x4.mul(i32x4.extend_low_i16x8_u(lo), k));
        s1 = i32x4.add(s1, i32x4.mul(i32x4.extend_high_i16x8_u(lo), k));
        s2 = i32x4.add(s2, i32x4.mul(i32x4.extend_low_i16x8_u(hi), k));
        s3 = i32x4.add(s3, i32x4.mul(i32x4.extend_high_i16x8_u(hi), k));
        p += <usize>srcStride;
      }
      // clip8 per lane: arithmetic shift, then saturating narrows clamp to [0, 255].
      const w0 = i16x8.narrow_i32x4_s(i32x4.shr_s(s0, 22), i32x4.shr_s(s1, 22));
      const w1 = i16x8.narrow_i32x4_s(i32x4.shr_s(s2, 22), i32x4.shr_s(s3, 22));
      v128.store(out + <usize>x, i8x16.narrow_i16x8_u(w0, w1));
    }
  }
}

/** Split n interleaved pixels of ch channels into ch planes, planeStride bytes apart. */
@inline
export function deinterleave(src: usize, n: i32, ch: i32, dst: usize, planeStride: i32): void {
  const d0 = dst;
  const d1 = dst + <usize>planeStride;
  const d2 = d1 + <usize>planeStride;
  const d3 = d2 + <usize>planeStride;
  let i = 0;
  if (ch == 3) {
    // Each plane gathers its bytes from the three vectors with one swizzle each (0x80 lanes give 0).
    const rA = v128(0, 3, 6, 9, 12, 15, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128);
    const rB = v128(-128, -128, -128, -128, -128, -128, 2, 5, 8, 11, 14, -128, -128, -128, -128, -128);
    const rC = v128(-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, 1, 4, 7, 10, 13);
    const gA = v128(1, 4, 7, 10, 13, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128);
    const gB = v128(-128, -128, -128, -128, -128, 0, 3, 6, 9, 12, 15, -128, -128, -128, -128, -128);
    const gC = v128(-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, 2, 5, 8, 11, 14);
    const bA = v128(2, 5, 8, 11, 14, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128);
    const bB = v128(-128, -128, -128, -128, -128, 1, 4, 7, 10, 13, -128, -128, -128, -128, -128, -128);
    const bC = v128(-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, 0, 3, 6, 9, 12, 15);
    for (; i + 16 <= n; i += 16) {
      const p = src + <usize>(i * 3);
      const a = v128.load(p);
      const b = v128.load(p, 16);
      const c = v128.load(p, 32);
      v128.store(d0 + <usize>i, v128.or(v128.or(i8x16.swizzle(a, rA), i8x16.swizzle(b, rB)), i8x16.swizzle(c, rC)));
      v128.store(d1 + <usize>i, v128.or(v128.or(i8x16.swizzle(a, gA), i8x16.swizzle(b, gB)), i8x16.swizzle(c, gC)));
      v128.store(d2 + <usize>i, v128.or(v128.or(i8x16.swizzle(a, bA), i8x16.swizzle(b, bB)), i8x16.swizzle(c, bC)));
    }
  }
  for (; i < n; i++) {
    const p = src + <usize>(i * ch);
    store<u8>(d0 + <usize>i, load<u8>(p));
    if (ch > 1) store<u8>(d1 + <usize>i, load<u8>(p, 1));
    if (ch > 2) store<u8>(d2 + <usize>i, load<u8>(p, 2));
    if (ch > 3) store<u8>(d3 + <usize>i, load<u8>(p, 3));
  }
}

/** Where the host may start its buffers: past this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Join ch planes (planeStride bytes apart, rows rowStride bytes apart) into w x h interleaved pixels. */
export function interleave(src: usize, planeStride: i32, rowStride: i32, w: i32, h: i32, ch: i32, dst: usize): void {
  let d = dst;
  for (let y = 0; y < h; y++) {
    const row = src + <usize>(y * rowStride);
    if (ch == 3) {
      const g = row + <usize>planeStride;
      const b = g + <usize>planeStride;
      for (let x = 0; x < w; x++) {
        store<u8>(d, load<u8>(row + <usize>x));
        store<u8>(d, load<u8>(g + <usize>x), 1);
        store<u8>(d, load<u8>(b + <usize>x), 2);
        d += 3;
      }
    } else {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < ch; c++) store<u8>(d + <usize>c, load<u8>(row + <usize>(c * planeStride + x)));
        d += <usize>ch;
      }
    }
  }
}
