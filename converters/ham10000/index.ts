import type { Converter } from '../../src/core/contract.js';
import { writeHam10000Fake } from './fake.js';
import { scanHam10000 } from './scan.js';
import { dermamnist, source } from './spec.js';

export const ham10000: Converter = {
  source,
  datasets: [dermamnist],
  scan: scanHam10000,
  writeFakeDownload: writeHam10000Fake,
};
