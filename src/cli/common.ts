import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { jsonSafe, visibleHost } from '../markers.js';

export const EXIT = { ok: 0, error: 1, usage: 2, verifyFailed: 3, interrupted: 130 } as const;

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

/** Progress and messages go to stderr so that --json leaves stdout to one JSON object. */
export function makeLog(opts: OutputOptions): (line: string) => void {
  return (line) => {
    if (!opts.quiet) process.stderr.write(`${terminalSafe(line)}\n`);
  };
}

/** One JSON object on stdout; bidi and control characters in strings as \uXXXX escapes (jq decodes them). */
export function printJson(value: unknown): void {
  process.stdout.write(`${jsonSafe(value, 2)}\n`);
}

/**
 * Host strings and paths must not drive the examiner's terminal: ANSI escapes, newlines, carriage
 * returns, tabs, control, bidi and zero-width characters are shown as \uXXXX markers (the report's
 * format) instead of being interpreted. Apply it to each value, or to a whole line, never to text
 * that holds line breaks of its own.
 */
export function terminalSafe(text: string): string {
  return visibleHost(text);
}

export function defaultCaseId(): string {
  return process.env.NETCUSTODY_CASE || `CASE-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
}

export function defaultExaminer(): string {
  if (process.env.NETCUSTODY_EXAMINER) return process.env.NETCUSTODY_EXAMINER;
  try {
    return os.userInfo().username;
  } catch {
    return 'examiner';
  }
}

/** Options every command shares (contract in ARCHITECTURE.md). */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON object on stdout and nothing else (progress goes to stderr)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('-v, --verbose', 'more detail on stderr')
    .option('--debug', 'show stack traces of unexpected errors');
}

export function caseOptions(cmd: Command): Command {
  return cmd
    .option('--case <id>', 'case identifier (default: the case file\'s "case", $NETCUSTODY_CASE or CASE-<date>)')
    .option('--out <dir>', 'output root for evidence folders and bundles', 'output');
}

export function intOption(flags: string, description: string, defaultValue: number): Option {
  return new Option(flags, description).default(defaultValue).argParser((v) => {
    const n = Number(v);
    // Thrown inside commander's parsing: InvalidArgumentError becomes one usage line (exit 2), not a stack trace.
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expects a positive number');
    return n;
  });
}

/** Run a command action: errors become one clear line (plus a hint), never a stack trace unless --debug. */
export async function runAction(opts: OutputOptions, action: () => Promise<number | void>): Promise<void> {
  try {
    const code = await action();
    process.exitCode = code ?? EXIT.ok;
  } catch (err) {
    process.exitCode = reportError(err, opts);
  }
}

export function reportError(err: unknown, opts: OutputOptions): number {
  if (err instanceof EvidenceError) {
    process.stderr.write(`netcustody: error: ${terminalSafe(err.message)}\n`);
    if (err.hint) process.stderr.write(`hint: ${terminalSafe(err.hint)}\n`);
    if (opts.debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`netcustody: error: ${terminalSafe(e?.message ?? String(err))}\n`);
  if (opts.debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('hint: run again with --debug for details\n');
  return EXIT.error;
}
