// A decoded image: interleaved 8-bit channels, row-major (Pillow's mode L = 1, LA = 2, RGB = 3, RGBA = 4).
export interface RasterImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export function makeRaster(width: number, height: number, channels: RasterImage['channels']): RasterImage {
  return { data: new Uint8Array(width * height * channels), width, height, channels };
}
