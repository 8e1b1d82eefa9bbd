// Most sources are "one image file = one sample": each file is an item of its own, named by the
// sample's id, and the default load() decodes it.
import type { Sample, ScanResult } from '../../src/core/contract.js';

/** A sample of a one-file-per-sample source, with the file its pixels come from. */
export interface ImageSample extends Omit<Sample, 'item'> {
  file: string;
}

/** The scan result of a one-image-per-sample dataset `flag`; `metadataFiles` are the tables scan read. */
export function oneImagePerSample(flag: string, samples: readonly ImageSample[], metadataFiles: readonly string[] = []): ScanResult {
  return {
    items: samples.map((s) => ({ id: s.id, files: [s.file] })),
    samples: { [flag]: samples.map(({ file: _file, ...s }) => ({ ...s, item: s.id })) },
    metadataFiles: [...metadataFiles],
  };
}
