// Preload for `node --import`: appends every module the process loads, ES modules (their URL) and
// CommonJS (the require request), one per line, to the file named by $MODULE_LOG.
// test/startup.test.ts uses it to see which packages a command loads.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.MODULE_LOG;
if (out) {
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(out)}, url + '\\n');
  return next(url, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    appendFileSync(out, `${request}\n`);
    return load.call(this, request, ...rest);
  };
}
