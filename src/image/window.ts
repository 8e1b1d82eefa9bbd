// CT intensity windowing: Hounsfield units (int16) to 8-bit gray.
// Formula (float64, as numpy computes it):
//   lo = level - width / 2
//   v  = (hu - lo) / width * 255, clipped to [0, 255], then truncated toward zero (numpy astype(uint8))
// so hu <= lo maps to 0 and hu >= level + width / 2 maps to 255. MedMNIST names only an "abdominal
// window"; MedIMeta uses width 400, level 50, the default here.

export interface HuWindow {
  /** Window width in HU (> 0). */
  width: number;
  /** Window centre (level) in HU. */
  level: number;
}

export const ABDOMINAL_WINDOW: HuWindow = { width: 400, level: 50 };

/** Window int16 (or any integer) HU samples to uint8, as documented above. */
export function windowHu(hu: ArrayLike<number>, window: HuWindow = ABDOMINAL_WINDOW): Uint8Array {
  const { width, level } = window;
  if (!(width > 0) || !Number.isFinite(level)) {
    throw new RangeError(`HU window needs width > 0 and a finite level, got width ${width}, level ${level}`);
  }
  const lo = level - width / 2;
  const out = new Uint8Array(hu.length);
  for (let i = 0; i < hu.length; i++) {
    const v = ((hu[i]! - lo) / width) * 255;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}
