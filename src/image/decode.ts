// Decoding with sharp: full resolution, no resize, no colour management, channels as Pillow opens them.
import sharp from 'sharp';
import { DataError } from '../pipeline/errors.js';
import type { RasterImage } from './raster.js';

/** Decode an image file to 8-bit interleaved pixels, keeping gray as 1 channel. */
export async function decodeFile(file: string): Promise<RasterImage> {
  try {
    // failOn 'warning' turns libjpeg's "premature end of data" into an error, as Pillow refuses
    // truncated files unless LOAD_TRUNCATED_IMAGES is set.
    const img = sharp(file, { failOn: 'warning', limitInputPixels: 1 << 30 });
    const meta = await img.metadata();
    const chans = meta.channels ?? 3;
    let pipeline = img;
    if (chans === 1 || chans === 2) pipeline = pipeline.toColourspace('b-w');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels < 1 || info.channels > 4) throw new Error(`unsupported channel count ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels: info.channels as RasterImage['channels'],
    };
  } catch (err) {
    if (err instanceof DataError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new DataError(`cannot decode image ${file}: ${why.trim()}. Re-download or remove this file, then run again.`);
  }
}
