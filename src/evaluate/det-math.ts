// exp() from + - * / only: IEEE 754 makes these bit-exact everywhere, while Math.exp may differ between
// JavaScript engines. The reference model's fit uses it so that its weights (and ONNX bytes) are the same
// on every machine.

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const view = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k in [-1022, 1023], built from its bits. */
function pow2(k: number): number {
  view.setUint32(0, (k + 1023) << 20);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/** e^x to about 1 ulp; 0 below -700 and capped at e^700 (the fit never needs more). */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -700) return 0;
  if (x > 700) x = 700;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  // Taylor series of e^r for |r| <= 0.35: terms beyond r^16/16! are below 1e-20.
  let s = 1;
  for (let n = 16; n >= 1; n--) s = 1 + (r * s) / n;
  return s * pow2(k);
}
