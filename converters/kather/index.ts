import type { Converter } from '../../src/core/contract.js';
import { writeKatherFake } from './fake.js';
import { scanKather } from './scan.js';
import { pathmnist, source } from './spec.js';

export const kather: Converter = {
  source,
  datasets: [pathmnist],
  scan: scanKather,
  writeFakeDownload: writeKatherFake,
};
