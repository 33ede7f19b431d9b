#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { EXIT } from './common.js';

// Each command loads its pipeline stage only when it runs (dynamic import in its action): `collect`
// does not wait for the PDF, signing and zip libraries before it starts capturing, and --help is quick.
// The command modules themselves load the same way: `netcustody analyze DIR` imports cli/analyze.js
// only, not the 20 modules of the other commands' options; --version loads none, help or an unknown
// name all of them (the list and the suggestions).
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand(),
  collect: async () => (await import('./collect.js')).collectCommand(),
  import: async () => (await import('./import.js')).importCommand(),
  analyze: async () => (await import('./analyze.js')).analyzeCommand(),
  report: async () => (await import('./report.js')).reportCommand(),
  bundle: async () => (await import('./bundle.js')).bundleCommand(),
  verify: async () => (await import('./verify.js')).verifyCommand(),
  trust: async () => (await import('./trust.js')).trustCommand(),
  timestamp: async () => (await import('./timestamp.js')).timestampCommand(),
  demo: async () => (await import('./demo.js')).demoCommand(),
  kit: async () => (await import('./kit.js')).kitCommand(),
  case: async () => (await import('./case.js')).caseCommand(),
};

const VERSION_FLAGS = new Set(['--version', '-V']);

/** The program with every command, or only `only` when it names one (the command being run). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('netcustody')
    .description('Capture a host\'s network state as forensic evidence: hashed raw output, chain of custody, analysis, signed PDF report, verifiable bundle.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Pipeline: collect | import → analyze → report → bundle → verify   (run = all of it on this host)

Examples:
  sudo netcustody run --case 2026-041 --examiner "J. Doe"
  netcustody import netstat.txt --command "netstat -anob" --os windows
  netcustody verify output/2026-041/2026-041_WS-042_20261128T101500Z.zip

Exit codes: 0 success, 1 error, 2 usage, 3 verification failed, 130 interrupted.`,
    );
  program.exitOverride();
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : VERSION_FLAGS.has(only ?? '') ? [] : Object.keys(COMMANDS);
  const commands = await Promise.all(names.map((name) => COMMANDS[name]()));
  for (const cmd of commands) program.addCommand(cmd.exitOverride().showHelpAfterError('(run with --help for usage)'));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // argv[2] is the command name when one is given (the program has no options of its own but --version/--help).
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw err;
  }
}

// `netcustody --help | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

await main(process.argv);
