// The examiner's voice on the command line: who they are (--examiner, --organisation, --role, the
// NETCUSTODY_* variables or --case-file) and what they state (--scope, --notes, --conclusions,
// --declaration). `run` asks for a name on a terminal and refuses to sign a report as "root".
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadCaseFile, type CaseFile } from '../evidence/case-file.js';
import { EvidenceError } from '../evidence/folder.js';
import { statementFromFile, statementFromTextOrFile, type StatementsInput, type StatementText } from '../evidence/statements.js';
import { EXIT } from './common.js';

export interface ExaminerOptions {
  examiner?: string;
  organisation?: string;
  role?: string;
  caseFile?: string;
  case?: string;
}

export interface StatementOptions {
  scope?: string;
  notes?: string;
  conclusions?: string;
  declaration?: string;
}

export interface ExaminerChoice {
  /** null when nothing names the examiner (no option, case file or environment variable). */
  name: string | null;
  organisation: string | null;
  role: string | null;
  caseId: string | null;
  scope: StatementText | null;
}

export function examinerOptions(cmd: Command): Command {
  return cmd
    .option('--examiner <name>', 'examiner named on the report and in the custody log (default: $NETCUSTODY_EXAMINER)')
    .option('--organisation <name>', "examiner's organisation (default: $NETCUSTODY_ORGANISATION)")
    .option('--role <text>', "examiner's role or qualification, e.g. \"Digital forensic examiner, GCFA\" (default: $NETCUSTODY_ROLE)")
    .option('--case-file <file>', 'JSON file with "examiner", "organisation", "role", "case" and "scope" for this case');
}

export function statementOptions(cmd: Command): Command {
  return cmd
    .option('--scope <text|file>', 'instructions received and questions asked (text, or a file holding it)')
    .option('--notes <file>', "the examiner's own observations (text file), printed as theirs")
    .option('--conclusions <file>', "the examiner's own conclusions (text file), printed apart from the automated findings")
    .option('--declaration <file>', "the examiner's declaration text, replacing the default one (the certificate fingerprint is always added)");
}

/** A name, organisation or role: one line of visible text. */
function checkField(value: string | null, what: string): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (v === '') throw new EvidenceError(`${what} is empty`, undefined, EXIT.usage);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) throw new EvidenceError(`${what} contains a control character or line break`, undefined, EXIT.usage);
  if (v.length > 200) throw new EvidenceError(`${what} is longer than 200 characters`, undefined, EXIT.usage);
  return v;
}

/** Options first, then the case file, then the environment. */
export function resolveExaminer(opts: ExaminerOptions, env: NodeJS.ProcessEnv = process.env): ExaminerChoice {
  const file: CaseFile | null = opts.caseFile ? loadCaseFile(opts.caseFile) : null;
  const pick = (option: string | undefined, fromFile: string | null | undefined, variable: string) => option ?? fromFile ?? (env[variable] || null);
  return {
    name: checkField(pick(opts.examiner, file?.examiner, 'NETCUSTODY_EXAMINER'), 'the examiner name'),
    organisation: checkField(pick(opts.organisation, file?.organisation, 'NETCUSTODY_ORGANISATION'), 'the organisation'),
    role: checkField(pick(opts.role, file?.role, 'NETCUSTODY_ROLE'), 'the role'),
    caseId: opts.case ?? file?.caseId ?? null,
    scope: file?.scope ? { bytes: Buffer.from(file.scope, 'utf8'), source: `case file ${file.path}` } : null,
  };
}

/** The texts given with --scope/--notes/--conclusions/--declaration (the case file's scope as fallback). */
export function statementTexts(opts: StatementOptions, choice: ExaminerChoice): StatementsInput {
  return {
    scope: opts.scope !== undefined ? statementFromTextOrFile(opts.scope, '--scope') : choice.scope,
    notes: opts.notes !== undefined ? statementFromFile(opts.notes, '--notes') : null,
    conclusions: opts.conclusions !== undefined ? statementFromFile(opts.conclusions, '--conclusions') : null,
    declaration: opts.declaration !== undefined ? statementFromFile(opts.declaration, '--declaration') : null,
  };
}

export interface Terminal {
  interactive: boolean;
  ask(question: string): Promise<string>;
}

export const processTerminal: Terminal = {
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

/**
 * `run` signs a report in the examiner's name: without one, ask on a terminal; without a terminal,
 * refuse rather than sign as "root" or whatever the Unix account is called.
 */
export async function requireExaminerName(choice: ExaminerChoice, terminal: Terminal = processTerminal): Promise<string> {
  if (choice.name) return choice.name;
  if (!terminal.interactive) {
    throw new EvidenceError(
      'no examiner named: the report would be signed in the name of the Unix account; give --examiner NAME',
      'or set NETCUSTODY_EXAMINER, or pass --case-file FILE with an "examiner" field',
      EXIT.usage,
    );
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = (await terminal.ask('Examiner name (as it will appear on the signed report): ')).trim();
    if (answer !== '') return checkField(answer, 'the examiner name')!;
  }
  throw new EvidenceError('no examiner name given', 'give --examiner NAME', EXIT.usage);
}
