// The demo keeps its fake downloads and prints what a newcomer can run next; every printed command
// works as printed (run here from the demo's own working folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, cliAsync, tempDir } from './support/run-cli.js';

afterAll(cleanupTempDirs);

describe('demo keeps its downloads', () => {
  it('prints convert, verify, diff and build commands that run on them', async () => {
    const cwd = tempDir('demo-next');
    const env = { MEDMNIST_BUILD_DEBUG: '' };
    const r = await cliAsync(['demo', '--source', 'ham10000'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'medmnist-demo', 'dermamnist.npz'))).toBe(true);
    expect(existsSync(join(cwd, 'medmnist-demo-downloads', 'ham10000', 'HAM10000_metadata.csv'))).toBe(true);
    const commands = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('  medmnist-build '))
      .map((l) => l.trim().split(/\s+/).slice(1));
    expect(commands.map((c) => c[0])).toEqual(['convert', 'verify', 'diff', 'build']);
    for (const args of commands) {
      const x = await cliAsync(args, { cwd, env });
      // diff exits 1 because my-build has more sizes and formats than the demo; anything else is 0.
      expect(x.code, `${args.join(' ')}\n${x.stdout}${x.stderr}`).toBe(args[0] === 'diff' ? 1 : 0);
      if (args[0] === 'diff') expect(x.stdout).toMatch(/size 64: appeared/);
    }
    // A second demo replaces its own fake downloads; a folder it did not write is refused.
    const again = await cliAsync(['demo', '--source', 'ham10000'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    const refused = await cliAsync(['demo', '--source', 'ham10000', '--downloads', 'my-build'], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--downloads .*my-build holds files the demo did not write/);
  }, 300_000);
});
