// `evaluate` writes nothing outside its outputs and says nothing it should not: onnxruntime's
// telemetry (1DS: ~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db},
// $TMPDIR/.ses, $TMPDIR/mat-debug-<pid>.log) stays off, and the default device choice (`auto`) prints no
// native warning (Dawn's "Couldn't load Vulkan" with its C++ source line, on machines without Vulkan).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ham10000 } from '../converters/ham10000/index.js';
import { cleanupTempDirs, cli, tempDir } from './support/run-cli.js';

let work: string;
let home: string;
let tmp: string;
let cache: string;

/** The CLI with HOME, TMPDIR and XDG_CACHE_HOME pointed at empty folders, in the work folder. */
const privateRun = (args: string[]) => cli(args, { cwd: work, env: { HOME: home, TMPDIR: tmp, XDG_CACHE_HOME: cache } });

/** Every path under a folder, relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** What a warning on stderr looks like: a warning word, or a C/C++ source location. */
const WARNING = /warn|couldn't load|\.(?:cc|cpp|c|h):\d+/i;

beforeAll(async () => {
  work = tempDir('evaluate-private');
  home = tempDir('home');
  tmp = tempDir('tmpdir');
  cache = tempDir('xdg-cache');
  await ham10000.writeFakeDownload(join(work, 'raw'), { count: 60, seed: 0 });
  const r = cli(['convert', '--source', 'ham10000', '--input', join(work, 'raw'), '--out', join(work, 'out')]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(cleanupTempDirs);

describe('evaluate leaves nothing behind and prints no warning', () => {
  it('fitting and evaluating on the default device write only the model and the results', () => {
    const before = tree(work);
    const fit = privateRun(['evaluate', '--flag', 'dermamnist', '--root', 'out', '--fit-reference', 'ref.onnx', '--save-dir', 'results', '--run', 'a']);
    expect(fit.code, fit.stderr).toBe(0);
    const run = privateRun(['evaluate', '--flag', 'dermamnist', '--root', 'out', '--model', 'ref.onnx', '--save-dir', 'results', '--run', 'b']);
    expect(run.code, run.stderr).toBe(0);
    for (const r of [fit, run]) {
      expect(r.stdout).toMatch(/AUC \d\.\d{4} {2}ACC \d\.\d{4}/);
      expect(r.stderr).not.toMatch(WARNING);
      // Only the CLI's own lines: which devices `auto` skipped and why.
      for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^(device \w+ skipped: |fitted )/);
    }
    expect(tree(home)).toEqual([]);
    expect(tree(tmp)).toEqual([]);
    expect(tree(cache)).toEqual([]);
    const added = tree(work).filter((p) => !before.includes(p));
    expect(added.filter((p) => !p.startsWith('results'))).toEqual(['ref.onnx']);
    expect(added.filter((p) => p.startsWith('results/')).every((p) => /^results\/dermamnist_test_\[AUC\].*@[ab]\.csv$/.test(p))).toBe(true);
  });
});
