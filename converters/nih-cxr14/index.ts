import type { Converter } from '../../src/core/contract.js';
import { writeNihCxr14Fake } from './fake.js';
import { scanNihCxr14 } from './scan.js';
import { chestmnist, source } from './spec.js';

export const nihCxr14: Converter = {
  source,
  datasets: [chestmnist],
  scan: scanNihCxr14,
  writeFakeDownload: writeNihCxr14Fake,
};
