// `verify DIR`: check an output folder against its lock (src/lock/verify.ts), or with --official the
// downloaded official MedMNIST NPZ files against their published MD5s. Exit 1 on any difference.
import { resolve } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { nothingPresentMessage, verifyOfficial } from '../lock/official.js';
import { formatVerifyReport, verifyOutputs } from '../lock/verify.js';
import { UsageError } from '../core/errors.js';
import type { OnProgress } from '../core/progress.js';
import { type CliCommand, printJson, QUIET_OPTION, repeatedValues } from './common.js';
import { reporterFor } from './progress.js';

/** `--inputs DIR` (any source) or `--inputs SOURCE=DIR`, repeated or comma separated. */
export function parseInputs(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of repeatedValues(v)) {
    const m = /^([a-z0-9_-]+)=(.+)$/i.exec(item);
    const [key, dir] = m ? [m[1]!, m[2]!] : ['*', item];
    if (out[key]) throw new UsageError(`--inputs names ${key === '*' ? 'a raw folder' : `source ${key}`} twice`);
    out[key] = resolve(dir);
  }
  if (Object.keys(out).length === 0) throw new UsageError('--inputs needs a folder: --inputs RAWDIR or --inputs SOURCE=RAWDIR');
  return out;
}

export const verifyCommand: CliCommand = {
  command: 'verify <dir>',
  describe: 'Check every output in DIR against the lock (exit 1 on any difference)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'output folder (with --official: folder of official .npz downloads)' })
      .option('lock', { type: 'string', describe: 'lock file (default: DIR/datasets.lock.json; --official: the repository lock)' })
      .option('content', { type: 'boolean', default: false, describe: 'also decode every format and check the content hash' })
      .option('semantic', { type: 'boolean', default: false, describe: 're-fit the reference model and compare its metrics with the lock' })
      .option('inputs', { type: 'string', array: true, describe: 'raw download to re-hash: RAWDIR or SOURCE=RAWDIR' })
      .option('official', { type: 'boolean', default: false, describe: 'check official MedMNIST .npz downloads against their published MD5s' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
      .option('quiet', QUIET_OPTION),
  run: async (a) => {
    const progress = reporterFor('verify', a);
    try {
      return await runVerify(a, progress.onProgress);
    } finally {
      progress.finish();
    }
  },
};

async function runVerify(a: Record<string, unknown>, onProgress: OnProgress | undefined): Promise<number> {
  const dir = String(a['dir']);
  const lock = a['lock'] === undefined ? undefined : resolve(String(a['lock']));
  if (a['official']) {
    if (a['content'] || a['inputs'] || a['semantic']) throw new UsageError('--official checks downloaded official files only; drop --content / --inputs / --semantic');
    const r = await verifyOfficial(dir, lock, onProgress);
    const bad = r.checks.filter((c) => c.status === 'mismatch');
    const present = r.checks.filter((c) => c.status !== 'absent');
    // Nothing checked is not a pass: an empty or wrong folder must fail a CI step.
    const ok = bad.length === 0 && present.length > 0;
    if (a['json']) printJson({ ok, ...r });
    else {
      for (const c of r.checks) {
        if (c.status === 'ok') process.stdout.write(`ok            ${c.name}\n`);
        else if (c.status === 'mismatch') process.stdout.write(`MISMATCH      ${c.name}  (md5 ${c.md5}, published ${c.expected})\n`);
      }
      const absent = r.checks.length - present.length;
      process.stdout.write(`${present.length} of ${r.checks.length} official files present in ${r.dir} (${absent} not present); ${bad.length} mismatch${bad.length === 1 ? '' : 'es'} against ${r.release}\n`);
    }
    if (present.length === 0) process.stderr.write(`medmnist-build: ${await nothingPresentMessage(r)}\n`);
    return ok ? 0 : 1;
  }
  const r = await verifyOutputs(dir, { registry: REGISTRY, lock, content: Boolean(a['content']), semantic: Boolean(a['semantic']), inputs: parseInputs(a['inputs']), onProgress });
  const ok = r.changes.length === 0;
  if (a['json']) printJson({ ok, ...r });
  else {
    process.stdout.write(formatVerifyReport(r));
    const what = [`${r.checkedOutputs} outputs`];
    if (r.checkedContent) what.push(`${r.checkedContent} decoded contents`);
    if (r.checkedInputs) what.push(`${r.checkedInputs} raw inputs`);
    if (r.checkedSemantic) what.push(`${r.checkedSemantic} reference-model fingerprints`);
    process.stderr.write(
      ok ? `verify: ${what.join(', ')} match ${r.lock}\n` : `verify: ${r.changes.length} difference${r.changes.length === 1 ? '' : 's'} from ${r.lock}\n`,
    );
  }
  return ok ? 0 : 1;
}
