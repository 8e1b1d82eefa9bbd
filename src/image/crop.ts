// Crops as Pillow's img.crop((l, t, l + w, t + h)) with the centre offsets of design §6.
import type { CropSpec } from '../core/contract.js';
import type { RasterImage } from './raster.js';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function cropBox(img: RasterImage, box: Box): RasterImage {
  const { left, top, width, height } = box;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > img.width || top + height > img.height) {
    throw new RangeError(
      `crop box ${width}x${height}+${left}+${top} does not fit inside a ${img.width}x${img.height} image`,
    );
  }
  const ch = img.channels;
  const out = new Uint8Array(width * height * ch);
  const rowBytes = width * ch;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * ch;
    out.set(img.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { data: out, width, height, channels: ch };
}

/** The box a CropSpec selects in a w x h image, or null for no crop. */
export function cropBoxFor(spec: CropSpec, w: number, h: number): Box | null {
  switch (spec.kind) {
    case 'none':
      return null;
    case 'center-square': {
      const s = Math.min(w, h);
      return { left: Math.floor((w - s) / 2), top: Math.floor((h - s) / 2), width: s, height: s };
    }
    case 'center':
      return {
        left: Math.floor((w - spec.width) / 2),
        top: Math.floor((h - spec.height) / 2),
        width: spec.width,
        height: spec.height,
      };
  }
}

export function applyCrop(img: RasterImage, spec: CropSpec): RasterImage {
  const box = cropBoxFor(spec, img.width, img.height);
  if (!box || (box.width === img.width && box.height === img.height)) return img;
  return cropBox(img, box);
}
