// The converter registry: one line per source (design §2).
import type { Converter, ConverterRegistry } from '../src/core/contract.js';
import { UsageError } from '../src/core/errors.js';
import { busi } from './busi/index.js';
import { ham10000 } from './ham10000/index.js';
import { kather } from './kather/index.js';
import { kermanyCxr } from './kermany-cxr/index.js';
import { kermanyOct } from './kermany-oct/index.js';
import { lits } from './lits/index.js';
import { nihCxr14 } from './nih-cxr14/index.js';
import { pbc } from './pbc/index.js';
import { bbbc051 } from './bbbc051/index.js';
import { deepdrid } from './deepdrid/index.js';

export const CONVERTERS: readonly Converter[] = [kather, ham10000, kermanyOct, kermanyCxr, busi, pbc, deepdrid, bbbc051, nihCxr14, lits];

export function getConverter(id: string): Converter {
  const c = CONVERTERS.find((x) => x.source.id === id);
  if (!c) throw new UsageError(`unknown --source ${JSON.stringify(id)}: choose from ${CONVERTERS.map((x) => x.source.id).join(', ')}`);
  return c;
}

/** The registry the CLI hands to the engine, verify and demo (they never import this folder). */
export const REGISTRY: ConverterRegistry = { all: CONVERTERS, get: getConverter };
