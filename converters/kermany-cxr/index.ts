import type { Converter } from '../../src/core/contract.js';
import { writeKermanyCxrFake } from './fake.js';
import { scanKermanyCxr } from './scan.js';
import { pneumoniamnist, source } from './spec.js';

export const kermanyCxr: Converter = {
  source,
  datasets: [pneumoniamnist],
  scan: scanKermanyCxr,
  writeFakeDownload: writeKermanyCxrFake,
};
