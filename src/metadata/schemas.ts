// JSON Schema validation with ajv (draft 2020-12) against the files in schemas/. ajv is loaded with the
// first validation, not by every command that imports this module.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from '../version.js';

const cache = new Map<string, ValidateFunction>();
let ajv: Ajv2020 | undefined;

/** Every schema is registered by its $id, so one schema can $ref another (recipe.schema.json). */
function loadAll(): Ajv2020 {
  if (ajv) return ajv;
  const ajvModule = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const a = new ajvModule.Ajv2020({ allErrors: true, strict: true });
  for (const f of readdirSync(join(PACKAGE_ROOT, 'schemas')).filter((n) => n.endsWith('.schema.json')).sort()) {
    a.addSchema(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', f), 'utf8')) as object, f);
  }
  ajv = a;
  return a;
}

export function schemaValidator(file: string): ValidateFunction {
  let v = cache.get(file);
  if (!v) {
    v = loadAll().getSchema(file);
    if (!v) throw new Error(`schemas/${file} does not exist`);
    cache.set(file, v);
  }
  return v;
}

/** Throw an error naming `what` and every schema violation. */
export function assertValid(file: string, data: unknown, what: string): void {
  const v = schemaValidator(file);
  if (!v(data)) {
    const errs = (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new Error(`${what} does not match schemas/${file}: ${errs}`);
  }
}
