import type { Converter } from '../../src/core/contract.js';
import { writeLitsFake } from './fake.js';
import { loadLits, scanLits } from './scan.js';
import { organamnist, organcmnist, organmnist3d, organsmnist, source } from './spec.js';

export const lits: Converter = {
  source,
  datasets: [organamnist, organcmnist, organsmnist, organmnist3d],
  scan: scanLits,
  load: loadLits,
  writeFakeDownload: writeLitsFake,
};
