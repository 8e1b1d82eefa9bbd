// Python's number formatting where the official Evaluator's outputs depend on it: repr() of a float
// (what numpy's str and so pandas' to_csv write for float64) and f"{v:.3f}" (the result file name).

/**
 * repr(float) in Python 3: the shortest digits that round-trip (same digits as JavaScript's), written
 * positionally when 1e-4 <= |x| < 1e16 (always with a fractional part, "1.0"), otherwise in scientific
 * notation with an exponent of at least two digits ("1e-05", "1.5e+16").
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/**
 * f"{x:.3f}" for x in [0, 1]: correctly rounded, ties to even. JavaScript's toFixed also rounds the exact
 * binary value but breaks exact ties upwards; in [0, 1] an exact tie at the third decimal is an odd multiple
 * of 1/16 (0.0625, 0.5625...), where x * 1000 is exact.
 */
export function pythonFixed3(x: number): string {
  if (!(x >= 0 && x <= 1)) throw new Error(`pythonFixed3: ${x} is outside [0, 1]`);
  const sixteenths = x * 16;
  if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
    const lower = Math.floor(x * 1000);
    const n = lower % 2 === 0 ? lower : lower + 1;
    return `${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}`;
  }
  return x.toFixed(3);
}
