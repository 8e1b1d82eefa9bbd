// The sources' descriptions (SourceInfo and dataset specs) without their scan and fake-download code,
// for commands that only show them: `list` starts in a third less time when it does not load every
// converter's scanner and writer. Same order as CONVERTERS (checked in test/converters-registry.test.ts).
import type { DatasetSpec, SourceInfo } from '../src/core/contract.js';
import * as bbbc051 from './bbbc051/spec.js';
import * as busi from './busi/spec.js';
import * as deepdrid from './deepdrid/spec.js';
import * as ham10000 from './ham10000/spec.js';
import * as kather from './kather/spec.js';
import * as kermanyCxr from './kermany-cxr/spec.js';
import * as kermanyOct from './kermany-oct/spec.js';
import * as lits from './lits/spec.js';
import * as nihCxr14 from './nih-cxr14/spec.js';
import * as pbc from './pbc/spec.js';

export interface SourceSpec {
  readonly source: SourceInfo;
  readonly datasets: readonly DatasetSpec[];
}

export const SOURCE_SPECS: readonly SourceSpec[] = [
  { source: kather.source, datasets: [kather.pathmnist] },
  { source: ham10000.source, datasets: [ham10000.dermamnist] },
  { source: kermanyOct.source, datasets: [kermanyOct.octmnist] },
  { source: kermanyCxr.source, datasets: [kermanyCxr.pneumoniamnist] },
  { source: busi.source, datasets: [busi.breastmnist] },
  { source: pbc.source, datasets: [pbc.bloodmnist] },
  { source: deepdrid.source, datasets: [deepdrid.retinamnist] },
  { source: bbbc051.source, datasets: [bbbc051.tissuemnist] },
  { source: nihCxr14.source, datasets: [nihCxr14.chestmnist] },
  { source: lits.source, datasets: [lits.organamnist, lits.organcmnist, lits.organsmnist, lits.organmnist3d] },
];
