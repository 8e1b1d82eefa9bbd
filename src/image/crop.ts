// Pillow's img.crop((l, t, l + w, t + h)) of a raster (the centre offsets: ops/centre-crops.ts).
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
