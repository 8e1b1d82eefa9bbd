// Start-up: `--help` and `list` load no native library, no Arrow/Parquet reader, no schema validator
// and no command module they do not run (which cut their start-up time to about a third). Which modules
// a process loads is exact where its timing is not, so this is what is tested. And src/cli/main.ts's
// list of commands (usage line and description, so that `--help` imports no command) is checked
// against the command modules.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliCommand } from '../src/cli/common.js';
import { COMMANDS, commandName } from '../src/cli/main.js';
import { BIN, ROOT, cleanupTempDirs, tempDir } from './support/run-cli.js';

afterAll(cleanupTempDirs);

const PRELOAD = join(ROOT, 'test', 'support', 'module-log.mjs');

/** Packages only some commands need: each one is loaded where it is used. */
const HEAVY = ['sharp', 'onnxruntime-node', 'apache-arrow', 'hyparquet', 'hyparquet-writer', 'ajv', 'protobufjs'];

/** Run node with the module logger; returns the exit code, stdout and the loaded modules. */
function loaded(args: string[]): { code: number; stdout: string; modules: string[] } {
  const log = join(tempDir('modules'), 'log.txt');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MODULE_LOG: log } });
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // nothing was logged
  }
  return { code: r.status ?? -1, stdout: r.stdout, modules: text.split('\n').filter(Boolean) };
}

function packagesIn(modules: string[]): string[] {
  const found = new Set<string>();
  for (const m of modules) {
    for (const p of HEAVY) if (m === p || m.startsWith(`${p}/`) || m.includes(`/node_modules/${p}/`)) found.add(p);
  }
  return [...found].sort();
}

const cliModules = (modules: string[]): string[] =>
  [...new Set(modules.map((m) => /\/dist\/src\/cli\/([^/]+)\.js$/.exec(m)?.[1]).filter((m): m is string => m !== undefined))].sort();

describe('start-up', () => {
  it('the module log sees CommonJS and ES module packages (the check below can fail)', () => {
    const r = loaded(['--input-type=module', '-e', "import { createRequire } from 'node:module'; createRequire(process.cwd() + '/')('sharp'); await import('apache-arrow');"]);
    expect(r.code).toBe(0);
    expect(packagesIn(r.modules)).toEqual(['apache-arrow', 'sharp']);
  });

  it('--help loads yargs and no command module or heavy package', () => {
    const r = loaded([BIN, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Commands:');
    expect(packagesIn(r.modules)).toEqual([]);
    expect(cliModules(r.modules)).toEqual(['main']);
  });

  it('list loads only list.js of the commands, and no heavy package', () => {
    const r = loaded([BIN, 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dermamnist');
    expect(packagesIn(r.modules)).toEqual([]);
    expect(cliModules(r.modules)).toEqual(['common', 'list', 'main']);
  });

  it('a command named after another command\'s option value still runs (parsed again with its module)', () => {
    const r = spawnSync(process.execPath, [BIN, '--source', 'list', 'convert'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Missing required arguments: input, out');
  });
});

describe("main.ts's command list", () => {
  it('holds each command module\'s own usage line and description', async () => {
    for (const entry of COMMANDS) {
      const c = await entry.load();
      expect({ command: c.command, describe: c.describe }).toEqual({ command: entry.command, describe: entry.describe });
    }
  });

  it('lists every command module in src/cli/', async () => {
    const listed = new Set(COMMANDS.map(commandName));
    const files = readdirSync(join(ROOT, 'src', 'cli')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) {
      const file = join(ROOT, 'src', 'cli', f);
      const m = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const v of Object.values(m)) {
        if (typeof v === 'object' && v !== null && 'run' in v && 'command' in v) {
          expect(listed.has(commandName(v as CliCommand)), `${f}: ${(v as CliCommand).command} is not in COMMANDS`).toBe(true);
        }
      }
    }
  });
});
