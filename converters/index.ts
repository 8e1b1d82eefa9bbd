// The converter registry: one line per source (design §2).
import type { Converter } from '../src/pipeline/contract.js';
import { UsageError } from '../src/pipeline/errors.js';
import { ham10000 } from './ham10000/index.js';

export const CONVERTERS: readonly Converter[] = [ham10000];

export function getConverter(id: string): Converter {
  const c = CONVERTERS.find((x) => x.source.id === id);
  if (!c) throw new UsageError(`unknown --source ${JSON.stringify(id)}: choose from ${CONVERTERS.map((x) => x.source.id).join(', ')}`);
  return c;
}
