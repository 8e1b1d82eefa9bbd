// sharp (libvips, a native library of ~0.1 s to load) on first call. The converters' fake-download
// writers encode images with it, but their modules are imported by every command, `list` and `--help`
// included, which never encode anything.
import { createRequire } from 'node:module';
import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

/** sharp(input, options), loading the package on the first call. */
export function sharp(input?: Sharp.SharpInput | Sharp.SharpInput[], options?: Sharp.SharpOptions): Sharp.Sharp {
  loaded ??= createRequire(import.meta.url)('sharp') as typeof Sharp;
  return loaded(input, options);
}
