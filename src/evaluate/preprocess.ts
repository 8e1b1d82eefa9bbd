// Model inputs as MedMNIST's reference training prepares them (train.py: ToTensor() then
// Normalize(mean=[.5], std=[.5])): float32 NCHW (NCDHW for volumes), x/255 then (x - 0.5) / 0.5, each step
// in float32 as torch does; gray images repeated to 3 channels when the model wants 3.
import { UsageError } from '../core/errors.js';

/** uint8 value -> normalised float32, computed once. */
export const NORMALISED: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = Math.fround(Math.fround(Math.fround(v / 255) - 0.5) / 0.5);
  return t;
})();

export interface InputLayout {
  /** Channels of the stored images (1 or 3). */
  dataChannels: number;
  /** Channels the model takes (1 or 3). */
  modelChannels: number;
  /** Spatial shape, [H, W] or [D, H, W]. */
  spatial: number[];
  /** Fixed batch size of the model's first dimension, or null when symbolic. */
  fixedBatch: number | null;
}

/**
 * Match the stored image shape ([H, W], [H, W, 3] or [D, H, W]) with the model's input shape
 * ([N, C, H, W] or [N, C, D, H, W]; dimensions may be symbolic). `rgb`: the dataset has 3 channels.
 */
export function planInput(itemShape: number[], rgb: boolean, modelShape: readonly (number | string)[], modelName: string): InputLayout {
  const dataChannels = rgb ? 3 : 1;
  const spatial = rgb ? itemShape.slice(0, -1) : itemShape;
  if (rgb && itemShape[itemShape.length - 1] !== 3) {
    throw new UsageError(`images of shape [${itemShape.join(', ')}] are not RGB (last axis 3) although the dataset has 3 channels`);
  }
  const want = spatial.length === 3 ? '[N, C, D, H, W]' : '[N, C, H, W]';
  if (modelShape.length !== spatial.length + 2) {
    throw new UsageError(`${modelName}: input shape [${modelShape.join(', ')}] does not fit images of shape [${itemShape.join(', ')}]; the verifier feeds ${want}`);
  }
  const c = modelShape[1];
  const modelChannels = typeof c === 'number' ? c : dataChannels;
  if (modelChannels !== 1 && modelChannels !== 3) {
    throw new UsageError(`${modelName}: input has ${String(c)} channels at axis 1; the verifier feeds NCHW with 1 or 3 channels`);
  }
  if (modelChannels === 1 && dataChannels === 3) {
    throw new UsageError(`${modelName}: takes 1 channel but the dataset is RGB; MedMNIST feeds RGB data as 3 channels`);
  }
  for (let i = 0; i < spatial.length; i++) {
    const d = modelShape[i + 2];
    if (typeof d === 'number' && d !== spatial[i]) {
      throw new UsageError(
        `${modelName}: input shape [${modelShape.join(', ')}] wants ${modelShape.slice(2).join('x')} images but the data are ` +
          `${spatial.join('x')}; pass --size ${String(d)} (and build that size)`,
      );
    }
  }
  const b = modelShape[0];
  return { dataChannels, modelChannels, spatial, fixedBatch: typeof b === 'number' && b > 0 ? b : null };
}

/** Fill `out` (count x C x spatial, float32) from count stored images. */
export function toModelInput(pixels: Uint8Array, count: number, layout: InputLayout, out: Float32Array): void {
  const plane = layout.spatial.reduce((a, b) => a * b, 1);
  const mc = layout.modelChannels;
  if (layout.dataChannels === 1) {
    for (let i = 0; i < count; i++) {
      const src = i * plane;
      for (let c = 0; c < mc; c++) {
        const dst = (i * mc + c) * plane;
        for (let p = 0; p < plane; p++) out[dst + p] = NORMALISED[pixels[src + p]!]!;
      }
    }
    return;
  }
  // Channel-last RGB to channel-first.
  for (let i = 0; i < count; i++) {
    const src = i * plane * 3;
    const dst = i * 3 * plane;
    for (let p = 0; p < plane; p++) {
      const s = src + p * 3;
      out[dst + p] = NORMALISED[pixels[s]!]!;
      out[dst + plane + p] = NORMALISED[pixels[s + 1]!]!;
      out[dst + 2 * plane + p] = NORMALISED[pixels[s + 2]!]!;
    }
  }
}
