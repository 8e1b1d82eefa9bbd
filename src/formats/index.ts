// Output format registry: a new format is one file under src/formats/ plus one line here.
import { UsageError } from '../core/errors.js';
import { arrowFormat } from './arrow.js';
import { npzFormat } from './npz.js';
import { parquetFormat } from './parquet.js';
import { pngFormat } from './png-folder.js';
import type { OutputFormat } from './sink.js';

export const FORMATS: readonly OutputFormat[] = [npzFormat, arrowFormat, parquetFormat, pngFormat];

export function getFormat(name: string): OutputFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) throw new UsageError(`unknown --format ${JSON.stringify(name)}: choose from ${FORMATS.map((x) => x.name).join(', ')}`);
  return f;
}
