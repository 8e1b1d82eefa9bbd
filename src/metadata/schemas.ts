// JSON Schema validation with ajv (draft 2020-12) against the files in schemas/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from '../version.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
const cache = new Map<string, ValidateFunction>();
let loaded = false;

/** Every schema is registered by its $id, so one schema can $ref another (recipe.schema.json). */
function loadAll(): void {
  if (loaded) return;
  loaded = true;
  for (const f of readdirSync(join(PACKAGE_ROOT, 'schemas')).filter((n) => n.endsWith('.schema.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', f), 'utf8')) as object, f);
  }
}

export function schemaValidator(file: string): ValidateFunction {
  let v = cache.get(file);
  if (!v) {
    loadAll();
    v = ajv.getSchema(file);
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
