// Output format registry: a new format is one file under src/formats/ plus one line here.
import { UsageError } from '../pipeline/errors.js';
import { npzFormat } from './npz.js';
import type { OutputFormat } from './sink.js';

export const FORMATS: readonly OutputFormat[] = [npzFormat];

export function getFormat(name: string): OutputFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) throw new UsageError(`unknown --format ${JSON.stringify(name)}: choose from ${FORMATS.map((x) => x.name).join(', ')}`);
  return f;
}
