import type { Converter } from '../../src/core/contract.js';
import { writeBbbc051Fake } from './fake.js';
import { loadBbbc051, scanBbbc051 } from './scan.js';
import { source, tissuemnist } from './spec.js';

export const bbbc051: Converter = {
  source,
  datasets: [tissuemnist],
  scan: scanBbbc051,
  writeFakeDownload: writeBbbc051Fake,
  load: loadBbbc051,
};
