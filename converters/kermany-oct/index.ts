import type { Converter } from '../../src/core/contract.js';
import { writeKermanyOctFake } from './fake.js';
import { scanKermanyOct } from './scan.js';
import { octmnist, source } from './spec.js';

export const kermanyOct: Converter = {
  source,
  datasets: [octmnist],
  scan: scanKermanyOct,
  writeFakeDownload: writeKermanyOctFake,
};
