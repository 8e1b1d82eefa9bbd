// CLI entry (design §4): parse flags with yargs, dispatch to one file per command, map errors to exit
// codes (0 ok, 1 data/verification error, 2 usage error).
import yargs from 'yargs';
import { exitCodeOf } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import type { CliCommand } from './common.js';
import { buildCommand } from './build.js';
import { convertCommand } from './convert.js';
import { demoCommand } from './demo.js';
import { diffCommand } from './diff.js';
import { evaluateCommand } from './evaluate.js';
import { fetchCommand } from './fetch.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { packCommand } from './pack.js';
import { planCommand } from './plan.js';
import { processCommand } from './process.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: readonly CliCommand[] = [
  convertCommand,
  buildCommand,
  listCommand,
  demoCommand,
  inspectCommand,
  verifyCommand,
  diffCommand,
  evaluateCommand,
  planCommand,
  processCommand,
  packCommand,
  fetchCommand,
];

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  let usage: string | null = null;
  const y = yargs(argv)
    .scriptName('medmnist-build')
    .usage('$0 <command> [options]\n\nRegenerate MedMNIST datasets from their raw public sources.')
    .version(TOOL_VERSION)
    .help()
    .strict()
    .recommendCommands()
    .demandCommand(1, 'Name a command; try `medmnist-build demo` first.')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      usage = msg;
    })
    .exitProcess(false);
  // yargs runs a command's handler before .strict() has checked the options (an unknown `--sizes 64`
  // was reported only after a whole build). So the handler only records the command; it runs below,
  // after parsing and every check have passed.
  let chosen: { c: CliCommand; args: Record<string, unknown> } | null = null;
  for (const c of COMMANDS) {
    y.command(c.command, c.describe, c.builder, (args) => {
      chosen = { c, args: args as Record<string, unknown> };
    });
  }
  try {
    await y.parseAsync();
    if (usage === null && chosen !== null) {
      const { c, args } = chosen as { c: CliCommand; args: Record<string, unknown> };
      c.validate?.(args);
      code = await c.run(args);
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`medmnist-build: ${msg}\n`);
    if (process.env['MEDMNIST_BUILD_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
  if (usage !== null) {
    process.stderr.write(`medmnist-build: ${usage}\nRun \`medmnist-build --help\` for usage.\n`);
    return 2;
  }
  return code;
}
