import type { Converter } from '../../src/core/contract.js';
import { writePbcFake } from './fake.js';
import { loadPbc, scanPbc } from './scan.js';
import { bloodmnist, source } from './spec.js';

export const pbc: Converter = {
  source,
  datasets: [bloodmnist],
  scan: scanPbc,
  writeFakeDownload: writePbcFake,
  load: loadPbc,
};
