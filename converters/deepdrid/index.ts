import type { Converter } from '../../src/core/contract.js';
import { writeDeepdridFake } from './fake.js';
import { scanDeepdrid } from './scan.js';
import { retinamnist, source } from './spec.js';

export const deepdrid: Converter = {
  source,
  datasets: [retinamnist],
  scan: scanDeepdrid,
  writeFakeDownload: writeDeepdridFake,
};
