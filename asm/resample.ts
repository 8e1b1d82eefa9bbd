// Pillow's 8-bit convolution passes (libImaging/Resample.c) with wasm SIMD, compiled by AssemblyScript.
// Integer math is exactly Pillow's: each output is clip8(2^21 + sum(pixel * coeff)) with int32
// coefficients of 22 fractional bits, horizontal pass first, its output clipped to uint8, then the
// vertical pass. Integer addition is associative (mod 2^32), so summing the taps in SIMD lanes, or as
// (sum pixel * hi) << shift + sum pixel * lo with coeff = hi * 2^shift + lo, gives the same int32 as
// Pillow's sequential loop; see "Transposed horizontal pass" below for how the low parts are handled.
// The host (src/image/wasm.ts) owns the memory layout: it passes byte offsets into this module's memory.

const HALF: i32 = 1 << 21;

/** Split n interleaved pixels of ch channels into ch planes, planeStride bytes apart. */
@inline
function deinterleave(src: usize, n: i32, ch: i32, dst: usize, planeStride: i32): void {
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

// ---------------------------------------------------------------------------------------------
// Transposed horizontal pass: 16 rows per SIMD step. The rows of a 16-row strip are first rearranged
// into "pair columns": for input columns (2j, 2j + 1), 64 bytes = rows 0..15, each two i16
// p(r, 2j), p(r, 2j + 1). One i32x4.dot_i16x8_s then gives 4 rows x 2 taps, so every multiply is
// useful work and no per-output horizontal reduction is needed; short kernels (600 -> 224) gain most.
// Coefficients: k = hi * 2^shift + lo with hi = round(k / 2^shift) in i16 (the smallest such shift) and
// lo in [-2^(shift-1), 2^(shift-1)). The main loop sums only pixel * hi (one dot per 4 rows x 2 taps);
// the missing sum B = sum(pixel * lo) lies in [bmin, bmax] = 255 * (sum of negative lo, sum of
// positive lo). clip8 is monotonic, so where (t + bmin) >> 22 equals (t + bmax) >> 22 that is the
// exact result; otherwise (a few % of 16-row groups) B is summed exactly as well.
// Per output, per tap pair, 8 bytes: i16 hi0, hi1, lo0, lo1; the pairs start at column first & ~1,
// with a zero coefficient in front when first is odd.

/** 8 rows x 2 taps of u8, widened to i16 (4 rows per vector). */
@inline
function storePair(dst: usize, v: v128): void {
  v128.store(dst, i16x8.extend_low_i8x16_u(v));
  v128.store(dst, i16x8.extend_high_i8x16_u(v), 16);
}

/** Transpose an 8 x 8 block of u16 (rows r0..r7) and store column j, widened, at dst + j * 64. */
@inline
function transpose8x16(r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128, r6: v128, r7: v128, dst: usize): void {
  const t0 = v128.shuffle<i16>(r0, r1, 0, 8, 1, 9, 2, 10, 3, 11);
  const t1 = v128.shuffle<i16>(r0, r1, 4, 12, 5, 13, 6, 14, 7, 15);
  const t2 = v128.shuffle<i16>(r2, r3, 0, 8, 1, 9, 2, 10, 3, 11);
  const t3 = v128.shuffle<i16>(r2, r3, 4, 12, 5, 13, 6, 14, 7, 15);
  const t4 = v128.shuffle<i16>(r4, r5, 0, 8, 1, 9, 2, 10, 3, 11);
  const t5 = v128.shuffle<i16>(r4, r5, 4, 12, 5, 13, 6, 14, 7, 15);
  const t6 = v128.shuffle<i16>(r6, r7, 0, 8, 1, 9, 2, 10, 3, 11);
  const t7 = v128.shuffle<i16>(r6, r7, 4, 12, 5, 13, 6, 14, 7, 15);
  const u0 = v128.shuffle<i32>(t0, t2, 0, 4, 1, 5);
  const u1 = v128.shuffle<i32>(t0, t2, 2, 6, 3, 7);
  const u2 = v128.shuffle<i32>(t1, t3, 0, 4, 1, 5);
  const u3 = v128.shuffle<i32>(t1, t3, 2, 6, 3, 7);
  const u4 = v128.shuffle<i32>(t4, t6, 0, 4, 1, 5);
  const u5 = v128.shuffle<i32>(t4, t6, 2, 6, 3, 7);
  const u6 = v128.shuffle<i32>(t5, t7, 0, 4, 1, 5);
  const u7 = v128.shuffle<i32>(t5, t7, 2, 6, 3, 7);
  storePair(dst, v128.shuffle<i64>(u0, u4, 0, 2));
  storePair(dst + 64, v128.shuffle<i64>(u0, u4, 1, 3));
  storePair(dst + 128, v128.shuffle<i64>(u1, u5, 0, 2));
  storePair(dst + 192, v128.shuffle<i64>(u1, u5, 1, 3));
  storePair(dst + 256, v128.shuffle<i64>(u2, u6, 0, 2));
  storePair(dst + 320, v128.shuffle<i64>(u2, u6, 1, 3));
  storePair(dst + 384, v128.shuffle<i64>(u3, u7, 0, 2));
  storePair(dst + 448, v128.shuffle<i64>(u3, u7, 1, 3));
}

/** 16 rows (row r at rows + r * stride) to pair columns at dst: 16 input columns per step. */
function pairColumns(rows: usize, stride: usize, width: i32, dst: usize): void {
  for (let x = 0; x < width; x += 16) {
    const p = rows + <usize>x;
    const d = dst + (<usize>x << 5);
    // 16 columns = 8 pairs (a row vector is 8 u16). Each pair takes 64 bytes: rows 0..15, each
    // two i16 (taps 2j, 2j + 1); rows 0..7 fill bytes 0..31, rows 8..15 bytes 32..63.
    for (let half = 0; half < 2; half++) {
      const q = p + <usize>(half * 8) * stride;
      const dh = d + <usize>(half * 32);
      transpose8x16(
        v128.load(q), v128.load(q + stride), v128.load(q + 2 * stride), v128.load(q + 3 * stride),
        v128.load(q + 4 * stride), v128.load(q + 5 * stride), v128.load(q + 6 * stride), v128.load(q + 7 * stride),
        dh,
      );
    }
  }
}

/** One 16-row strip of one channel (its pair columns at `pairs`) to outW outputs per row at out. */
function hstrip(
  pairs: usize,
  out: usize,
  dstStride: i32,
  outW: i32,
  bounds: usize,
  coef: usize,
  coefStride: i32,
  shift: i32,
  bounds2: usize,
): void {
  const half = i32x4.splat(HALF);
  for (let xx = 0; xx < outW; xx++) {
    const bp = bounds + (<usize>xx << 3);
    const p0 = pairs + (<usize>load<i32>(bp) << 6);
    const np = load<i32>(bp, 4);
    const k0 = coef + <usize>(xx * coefStride);
    let p = p0;
    let kp = k0;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    for (let j = 0; j < np; j++) {
      const k = v128.load32_splat(kp);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(p), k));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load(p, 16), k));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(v128.load(p, 32), k));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(v128.load(p, 48), k));
      p += 64;
      kp += 8;
    }
    const t0 = i32x4.add(half, i32x4.shl(a0, shift));
    const t1 = i32x4.add(half, i32x4.shl(a1, shift));
    const t2 = i32x4.add(half, i32x4.shl(a2, shift));
    const t3 = i32x4.add(half, i32x4.shl(a3, shift));
    const bmin = i32x4.splat(load<i32>(bounds2 + (<usize>xx << 3)));
    const bmax = i32x4.splat(load<i32>(bounds2 + (<usize>xx << 3), 4));
    // clip8 = saturating narrows of t >> 22. The bound test compares unclipped shifts: stricter
    // than comparing clipped values (a few more exact sums, never a wrong byte).
    let q0 = i32x4.shr_s(i32x4.add(t0, bmin), 22);
    let q1 = i32x4.shr_s(i32x4.add(t1, bmin), 22);
    let q2 = i32x4.shr_s(i32x4.add(t2, bmin), 22);
    let q3 = i32x4.shr_s(i32x4.add(t3, bmin), 22);
    const e0 = i32x4.eq(q0, i32x4.shr_s(i32x4.add(t0, bmax), 22));
    const e1 = i32x4.eq(q1, i32x4.shr_s(i32x4.add(t1, bmax), 22));
    const e2 = i32x4.eq(q2, i32x4.shr_s(i32x4.add(t2, bmax), 22));
    const e3 = i32x4.eq(q3, i32x4.shr_s(i32x4.add(t3, bmax), 22));
    if (!i32x4.all_true(v128.and(v128.and(e0, e1), v128.and(e2, e3)))) {
      // Inconclusive for some row: add the exact low-part sums for all 16 rows.
      let b0 = i32x4.splat(0);
      let b1 = i32x4.splat(0);
      let b2 = i32x4.splat(0);
      let b3 = i32x4.splat(0);
      p = p0;
      kp = k0;
      for (let j = 0; j < np; j++) {
        const k = v128.load32_splat(kp, 4);
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(v128.load(p), k));
        b1 = i32x4.add(b1, i32x4.dot_i16x8_s(v128.load(p, 16), k));
        b2 = i32x4.add(b2, i32x4.dot_i16x8_s(v128.load(p, 32), k));
        b3 = i32x4.add(b3, i32x4.dot_i16x8_s(v128.load(p, 48), k));
        p += 64;
        kp += 8;
      }
      q0 = i32x4.shr_s(i32x4.add(t0, b0), 22);
      q1 = i32x4.shr_s(i32x4.add(t1, b1), 22);
      q2 = i32x4.shr_s(i32x4.add(t2, b2), 22);
      q3 = i32x4.shr_s(i32x4.add(t3, b3), 22);
    }
    const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
    const o = out + <usize>xx;
    const st = <usize>dstStride;
    v128.store8_lane(o, bytes, 0);
    v128.store8_lane(o + st, bytes, 1);
    v128.store8_lane(o + 2 * st, bytes, 2);
    v128.store8_lane(o + 3 * st, bytes, 3);
    v128.store8_lane(o + 4 * st, bytes, 4);
    v128.store8_lane(o + 5 * st, bytes, 5);
    v128.store8_lane(o + 6 * st, bytes, 6);
    v128.store8_lane(o + 7 * st, bytes, 7);
    v128.store8_lane(o + 8 * st, bytes, 8);
    v128.store8_lane(o + 9 * st, bytes, 9);
    v128.store8_lane(o + 10 * st, bytes, 10);
    v128.store8_lane(o + 11 * st, bytes, 11);
    v128.store8_lane(o + 12 * st, bytes, 12);
    v128.store8_lane(o + 13 * st, bytes, 13);
    v128.store8_lane(o + 14 * st, bytes, 14);
    v128.store8_lane(o + 15 * st, bytes, 15);
  }
}

/**
 * Horizontal pass of interleaved pixels (ch channels) in 16-row strips, written as ch planes
 * (dstPlane bytes apart, rows dstStride bytes apart; the host gives the planes whole strips of rows).
 * bounds: per output, i32 first pair and i32 pair count; coef: per output, coefStride bytes;
 * bounds2: per output, i32 bmin and bmax of the low-part sum. scratch: 16 rows x ch planes of rowCap bytes, then the pair
 * columns of one strip (rowCap * 16 bytes).
 */
export function hpassT(
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
  bounds2: usize,
  scratch: usize,
): void {
  const rowCap = <usize>((width + 31) & ~15);
  const planes = scratch;
  const pairs = scratch + rowCap * 16 * <usize>ch;  // rowCap / 2 pairs x 64 bytes
  for (let y0 = 0; y0 < rows; y0 += 16) {
    stripPlanes(src, srcStride, width, ch, rows, y0, planes, rowCap);
    for (let c = 0; c < ch; c++) {
      pairColumns(planes + rowCap * 16 * <usize>c, rowCap, width, pairs);
      hstrip(pairs, dst + <usize>(c * dstPlane + y0 * dstStride), dstStride, outW, bounds, coef, coefStride, shift, bounds2);
    }
  }
}


/** Rows y0..y0+15 split into ch planes of 16 rows (rowCap bytes apart); rows past the end repeat the
 * last row (their outputs land in the destination's padding rows). */
function stripPlanes(src: usize, srcStride: i32, width: i32, ch: i32, rows: i32, y0: i32, planes: usize, rowCap: usize): void {
  for (let r = 0; r < 16; r++) {
    const y = y0 + r < rows ? y0 + r : rows - 1;
    if (ch == 1) memory.copy(planes + rowCap * <usize>r, src + <usize>(y * srcStride), <usize>width);
    else deinterleave(src + <usize>(y * srcStride), width, ch, planes + rowCap * <usize>r, <i32>(rowCap * 16));
  }
}

/**
 * Pair columns of every 16-row strip of an image, for several output sizes to share: strip s,
 * channel c at dst + (s * ch + c) * rowCap * 32 (rowCap = (width + 31) & ~15).
 * scratch: 16 rows x ch planes of rowCap bytes.
 */
export function pairStrips(src: usize, srcStride: i32, width: i32, ch: i32, rows: i32, dst: usize, scratch: usize): void {
  const rowCap = <usize>((width + 31) & ~15);
  const stripBytes = rowCap * 32;
  let at = dst;
  for (let y0 = 0; y0 < rows; y0 += 16) {
    stripPlanes(src, srcStride, width, ch, rows, y0, scratch, rowCap);
    for (let c = 0; c < ch; c++) {
      pairColumns(scratch + rowCap * 16 * <usize>c, rowCap, width, at);
      at += stripBytes;
    }
  }
}

/** hpassT on strips prepared by pairStrips: strips first..first+count-1, outputs from the first. */
export function hpassStrips(
  strips: usize,
  width: i32,
  ch: i32,
  first: i32,
  count: i32,
  dst: usize,
  dstStride: i32,
  dstPlane: i32,
  outW: i32,
  bounds: usize,
  coef: usize,
  coefStride: i32,
  shift: i32,
  bounds2: usize,
): void {
  const stripBytes = <usize>((width + 31) & ~15) * 32;
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < ch; c++) {
      const pairs = strips + <usize>((first + s) * ch + c) * stripBytes;
      hstrip(pairs, dst + <usize>(c * dstPlane + s * 16 * dstStride), dstStride, outW, bounds, coef, coefStride, shift, bounds2);
    }
  }
}

/**
 * Vertical pass with the same tables as the horizontal one (tap pairs = row pairs from row first & ~1,
 * hi-only dots, exact bound test): outH output rows of `width` bytes, 16 columns per step, each pair of
 * source rows interleaved byte by byte so one dot covers 4 columns x 2 rows. Rows are counted from
 * rowBase (even); the host keeps a spare row after src for a pair's unused second row.
 */
export function vpassPairs(
  src: usize,
  srcStride: i32,
  rowBase: i32,
  width: i32,
  dst: usize,
  dstStride: i32,
  outH: i32,
  bounds: usize,
  coef: usize,
  coefStride: i32,
  shift: i32,
  bounds2: usize,
): void {
  const half = i32x4.splat(HALF);
  const st = <usize>srcStride;
  for (let yy = 0; yy < outH; yy++) {
    const bp = bounds + (<usize>yy << 3);
    const base = src + <usize>((load<i32>(bp) * 2 - rowBase) * srcStride);
    const np = load<i32>(bp, 4);
    const k0 = coef + <usize>(yy * coefStride);
    const bmin = i32x4.splat(load<i32>(bounds2 + (<usize>yy << 3)));
    const bmax = i32x4.splat(load<i32>(bounds2 + (<usize>yy << 3), 4));
    const out = dst + <usize>(yy * dstStride);
    for (let x = 0; x < width; x += 16) {
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      let a2 = i32x4.splat(0);
      let a3 = i32x4.splat(0);
      let p = base + <usize>x;
      let kp = k0;
      for (let j = 0; j < np; j++) {
        const k = v128.load32_splat(kp);
        const va = v128.load(p);
        const vb = v128.load(p + st);
        const lo = i8x16.shuffle(va, vb, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const hi = i8x16.shuffle(va, vb, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lo), k));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lo), k));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(hi), k));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(hi), k));
        p += st * 2;
        kp += 8;
      }
      const t0 = i32x4.add(half, i32x4.shl(a0, shift));
      const t1 = i32x4.add(half, i32x4.shl(a1, shift));
      const t2 = i32x4.add(half, i32x4.shl(a2, shift));
      const t3 = i32x4.add(half, i32x4.shl(a3, shift));
      let q0 = i32x4.shr_s(i32x4.add(t0, bmin), 22);
      let q1 = i32x4.shr_s(i32x4.add(t1, bmin), 22);
      let q2 = i32x4.shr_s(i32x4.add(t2, bmin), 22);
      let q3 = i32x4.shr_s(i32x4.add(t3, bmin), 22);
      const e0 = i32x4.eq(q0, i32x4.shr_s(i32x4.add(t0, bmax), 22));
      const e1 = i32x4.eq(q1, i32x4.shr_s(i32x4.add(t1, bmax), 22));
      const e2 = i32x4.eq(q2, i32x4.shr_s(i32x4.add(t2, bmax), 22));
      const e3 = i32x4.eq(q3, i32x4.shr_s(i32x4.add(t3, bmax), 22));
      if (!i32x4.all_true(v128.and(v128.and(e0, e1), v128.and(e2, e3)))) {
        let b0 = i32x4.splat(0);
        let b1 = i32x4.splat(0);
        let b2 = i32x4.splat(0);
        let b3 = i32x4.splat(0);
        p = base + <usize>x;
        kp = k0;
        for (let j = 0; j < np; j++) {
          const k = v128.load32_splat(kp, 4);
          const va = v128.load(p);
          const vb = v128.load(p + st);
          const lo = i8x16.shuffle(va, vb, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
          const hi = i8x16.shuffle(va, vb, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
          b0 = i32x4.add(b0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lo), k));
          b1 = i32x4.add(b1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lo), k));
          b2 = i32x4.add(b2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(hi), k));
          b3 = i32x4.add(b3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(hi), k));
          p += st * 2;
          kp += 8;
        }
        q0 = i32x4.shr_s(i32x4.add(t0, b0), 22);
        q1 = i32x4.shr_s(i32x4.add(t1, b1), 22);
        q2 = i32x4.shr_s(i32x4.add(t2, b2), 22);
        q3 = i32x4.shr_s(i32x4.add(t3, b3), 22);
      }
      v128.store(out + <usize>x, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
    }
  }
}
