// CLI entry (design §4): parse flags with yargs, dispatch to one file per command, map errors to exit
// codes (0 ok, 1 data/verification error, 2 usage error).
//
// Start-up time: a command's module, and the engine, format, image and onnxruntime code behind it, is
// imported only when that command is named. `--help` needs no command module (each one's usage line and
// description are listed below; test/startup.test.ts checks they are the modules' own), `list` only
// list.ts. A new command is one line here.
import yargs from 'yargs';
import { exitCodeOf } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import type { CliCommand } from './common.js';

export interface CommandEntry {
  /** The module's `command` (yargs usage: name and positionals). */
  command: string;
  /** The module's `describe`. */
  describe: string;
  load: () => Promise<CliCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { command: 'convert', describe: 'Build the MedMNIST dataset(s) of one raw source', load: async () => (await import('./convert.js')).convertCommand },
  {
    command: 'build',
    describe: 'Regenerate every dataset whose raw download is found, into one folder with one lock',
    load: async () => (await import('./build.js')).buildCommand,
  },
  {
    command: 'list [source]',
    describe: 'List the MedMNIST datasets and the sources that build them (layout, downloads, licence); `list SOURCE` for one in full',
    load: async () => (await import('./list.js')).listCommand,
  },
  { command: 'demo', describe: 'Write fake downloads of every source, convert them and print a summary', load: async () => (await import('./demo.js')).demoCommand },
  {
    command: 'inspect <file>',
    describe: 'Shapes, dtypes, counts and label histogram of an output; a summary of any other file it writes (samples.csv, metadata, lock, plan, shard, cards)',
    load: async () => (await import('./inspect.js')).inspectCommand,
  },
  { command: 'verify <dir>', describe: 'Check every output in DIR against the lock (exit 1 on any difference)', load: async () => (await import('./verify.js')).verifyCommand },
  {
    command: 'diff <a> <b>',
    describe: 'Compare two builds (output folders or lock files) sample by sample; exit 1 if they differ',
    load: async () => (await import('./diff.js')).diffCommand,
  },
  { command: 'evaluate', describe: 'Run an ONNX classifier over a built dataset and compute MedMNIST AUC/ACC', load: async () => (await import('./evaluate.js')).evaluateCommand },
  { command: 'plan', describe: 'Stage 1 of a sharded build: scan and split a source into a plan file', load: async () => (await import('./plan.js')).planCommand },
  { command: 'process', describe: 'Stage 2 of a sharded build: process shard i of n of a plan', load: async () => (await import('./process.js')).processCommand },
  { command: 'pack', describe: 'Stage 3 of a sharded build: write the outputs and lock from all shards', load: async () => (await import('./pack.js')).packCommand },
  {
    command: 'fetch',
    describe: "Download a source's published files (resume, checksums, safe extraction), or print the steps for those a person must get",
    load: async () => (await import('./fetch.js')).fetchCommand,
  },
];

export const commandName = (c: { command: string }): string => c.command.split(' ')[0]!;

export async function main(argv: string[]): Promise<number> {
  // The first argument that names a command is, nearly always, the command yargs will pick; parse()
  // checks and, in the rare case it picks another (`--source list convert`), parses again with that one.
  const first = argv.find((a) => COMMANDS.some((c) => commandName(c) === a));
  const named = COMMANDS.find((c) => commandName(c) === first);
  return parse(argv, named ? { entry: named, command: await named.load() } : null);
}

async function parse(argv: string[], loaded: { entry: CommandEntry; command: CliCommand } | null): Promise<number> {
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
  // after parsing and every check have passed. Commands other than the loaded one are registered by
  // name and description only (for the help and "did you mean"); yargs picking one of those means the
  // guess in main() was wrong.
  let chosen: { entry: CommandEntry; args: Record<string, unknown> } | null = null;
  for (const entry of COMMANDS) {
    const full = loaded?.entry === entry ? loaded.command : null;
    y.command(full?.command ?? entry.command, full?.describe ?? entry.describe, full?.builder ?? ((b) => b), (args) => {
      chosen = { entry, args: args as Record<string, unknown> };
    });
  }
  try {
    await y.parseAsync();
    const picked = chosen as { entry: CommandEntry; args: Record<string, unknown> } | null;
    if (picked !== null && picked.entry !== loaded?.entry) return parse(argv, { entry: picked.entry, command: await picked.entry.load() });
    if (usage === null && picked !== null && loaded !== null) {
      loaded.command.validate?.(picked.args);
      code = await loaded.command.run(picked.args);
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
