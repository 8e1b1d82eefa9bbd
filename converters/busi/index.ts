import type { Converter } from '../../src/core/contract.js';
import { writeBusiFake } from './fake.js';
import { scanBusi } from './scan.js';
import { breastmnist, source } from './spec.js';

export const busi: Converter = {
  source,
  datasets: [breastmnist],
  scan: scanBusi,
  writeFakeDownload: writeBusiFake,
};
