#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { EXIT } from './common.js';
import { collectCommand } from './collect.js';
import { importCommand } from './import.js';
import { analyzeCommand } from './analyze.js';
import { reportCommand } from './report.js';
import { bundleCommand } from './bundle.js';
import { verifyCommand } from './verify.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { trustCommand } from './trust.js';
import { kitCommand } from './kit.js';
import { timestampCommand } from './timestamp.js';
import { caseCommand } from './case.js';

// Each command loads its pipeline stage only when it runs (dynamic import in its action): `collect`
// does not wait for the PDF, signing and zip libraries before it starts capturing, and --help is quick.
export function buildProgram(): Command {
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
  for (const cmd of [runCommand(), collectCommand(), importCommand(), analyzeCommand(), reportCommand(), bundleCommand(), verifyCommand(), trustCommand(), timestampCommand(), demoCommand(), kitCommand(), caseCommand()]) program.addCommand(cmd.exitOverride().showHelpAfterError('(run with --help for usage)'));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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
