// The examiner's own statements kept in the evidence folder: who they are (name, organisation, role),
// the instructions they were given (scope), their observations (notes), their conclusions and, when
// they replace the default, their declaration. Each version is a new file statements/NN-<kind>.<ext>
// that is never rewritten, hashed and logged in custody: a revised conclusion leaves the earlier one
// in the folder, sealed like every other file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition } from '../model.js';
import { appendCustody, readCustody } from './custody.js';
import { mkdirPrivate, sha256Hex, writeNewFileSync } from './files.js';
import { EvidenceError, PATHS } from './folder.js';

export type TextKind = 'scope' | 'notes' | 'conclusions' | 'declaration';
export type StatementKind = 'examiner' | TextKind;
export const TEXT_KINDS: readonly TextKind[] = ['scope', 'notes', 'conclusions', 'declaration'];

export interface ExaminerIdentity {
  name: string;
  organisation: string | null;
  role: string | null;
}

/** A text as the examiner gave it: the exact bytes and where they came from. */
export interface StatementText {
  bytes: Buffer;
  /** "file /cases/scope.txt", "--scope option", "case file /cases/case.json". */
  source: string;
}

export type StatementsInput = Partial<Record<TextKind, StatementText | null>>;

export interface RecordedStatement {
  kind: StatementKind;
  /** Path inside the evidence folder, e.g. statements/02-conclusions.txt */
  path: string;
  sha256: string;
  number: number;
  /** Who recorded it (custody details): a text is printed only in its author's reports. */
  examiner: string | null;
}

export interface FolderStatements {
  /** The latest identity statement, else the one collect/import recorded in acquisition.json. */
  examiner: ExaminerIdentity;
  texts: Partial<Record<TextKind, RecordedStatement & { text: string }>>;
  /** Every statement file in the folder, oldest first (earlier versions stay). */
  history: RecordedStatement[];
}

/** A statement text larger than this is refused: it belongs in an attachment, not in the report. */
export const MAX_STATEMENT_BYTES = 256 * 1024;
const NAME = /^(\d{2,})-(examiner|scope|notes|conclusions|declaration)\.(txt|json)$/;

/** UTF-8 text of a statement (a BOM is dropped); anything else is refused with the file named. */
export function decodeStatement(bytes: Buffer, label: string): string {
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new EvidenceError(`${label}: the text is empty`, undefined, 2);
  if (bytes.length > MAX_STATEMENT_BYTES) throw new EvidenceError(`${label}: ${bytes.length} bytes, more than the ${MAX_STATEMENT_BYTES} a statement may hold`, undefined, 2);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new EvidenceError(`${label}: not UTF-8 text`, 'save the file as UTF-8', 2);
  }
}

/** A statement read from a file the examiner names (checked now, so a typo stops before any work). */
export function statementFromFile(path: string, option: string): StatementText {
  if (!existsSync(path) || !statSync(path).isFile()) throw new EvidenceError(`${option} ${path}: no such file`, undefined, 2);
  const bytes = readFileSync(path);
  decodeStatement(bytes, `${option} ${path}`);
  return { bytes, source: `file ${path}` };
}

/**
 * `--scope TEXT|FILE`: an existing file is read; a value that looks like a file name (no spaces, a
 * slash or a .txt/.md ending) but does not exist is an error rather than a one-word scope.
 */
export function statementFromTextOrFile(value: string, option: string): StatementText {
  if (existsSync(value) && statSync(value).isFile()) return statementFromFile(value, option);
  if (!/\s/.test(value) && (/[/\\]/.test(value) || /\.(txt|md|text)$/i.test(value))) throw new EvidenceError(`${option} ${value}: no such file`, 'give the text itself in quotes, or an existing file', 2);
  const bytes = Buffer.from(value, 'utf8');
  decodeStatement(bytes, option);
  return { bytes, source: `${option} option` };
}

/**
 * The statement files of the folder. Each must be logged in custody with its current hash: a file
 * placed or edited by hand is refused, never printed as the examiner's words.
 */
export function listStatements(dir: string): RecordedStatement[] {
  const folder = join(dir, PATHS.statements);
  if (!existsSync(folder)) return [];
  const logged = new Map(readCustody(dir).filter((e) => e.action === 'statement recorded' && e.object).map((e) => [e.object!, e]));
  const out: RecordedStatement[] = [];
  for (const name of readdirSync(folder)) {
    const path = `${PATHS.statements}/${name}`;
    const m = NAME.exec(name);
    if (!m) throw new EvidenceError(`${join(dir, path)}: not a statement file netcustody writes`, 'statements/ holds only NN-<kind>.txt|json files recorded by report or run');
    const sha256 = sha256Hex(readFileSync(join(dir, path)));
    if (!logged.has(path)) throw new EvidenceError(`${join(dir, path)}: not recorded in the custody log; refusing to print it as the examiner's statement`);
    const event = logged.get(path)!;
    if (event.sha256 !== sha256) throw new EvidenceError(`${join(dir, path)}: changed since it was recorded (SHA-256 ${sha256}, logged ${event.sha256})`);
    const author = event.details?.examiner;
    out.push({ kind: m[2] as StatementKind, path, number: Number(m[1]), sha256, examiner: typeof author === 'string' ? author : null });
  }
  return out.sort((a, b) => a.number - b.number);
}

function latest(list: RecordedStatement[], kind: StatementKind, examiner?: string): RecordedStatement | null {
  return list.filter((s) => s.kind === kind && (examiner === undefined || s.examiner === examiner)).pop() ?? null;
}

export function identityOfAcquisition(a: Acquisition): ExaminerIdentity {
  return { name: a.examiner, organisation: a.organisation ?? null, role: a.examinerRole ?? null };
}

/** Who the folder says the examiner is: the latest identity statement, else acquisition.json. */
export function recordedExaminer(dir: string, acquisition: Acquisition, list = listStatements(dir)): ExaminerIdentity {
  const s = latest(list, 'examiner');
  if (!s) return identityOfAcquisition(acquisition);
  const path = join(dir, s.path);
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ExaminerIdentity>;
    if (typeof v.name !== 'string' || v.name === '') throw new Error('no examiner name');
    return { name: v.name, organisation: typeof v.organisation === 'string' ? v.organisation : null, role: typeof v.role === 'string' ? v.role : null };
  } catch (err) {
    throw new EvidenceError(`${path}: cannot read the examiner statement: ${(err as Error).message}`);
  }
}

/**
 * The identity a stage works under: options override the folder's record. A different name is a
 * different person, so the folder's organisation and role are not carried over to them.
 */
export function mergeIdentity(folder: ExaminerIdentity, given: { name?: string | null; organisation?: string | null; role?: string | null }): ExaminerIdentity {
  const samePerson = !given.name || given.name === folder.name;
  return {
    name: given.name || folder.name,
    organisation: given.organisation ?? (samePerson ? folder.organisation : null),
    role: given.role ?? (samePerson ? folder.role : null),
  };
}

const sameIdentity = (a: ExaminerIdentity, b: ExaminerIdentity) => a.name === b.name && a.organisation === b.organisation && a.role === b.role;

/**
 * Record what is new: an identity different from the folder's, and each text that differs from the
 * latest of its kind. Returns the files written (each logged in custody with its hash).
 */
export function recordStatements(dir: string, acquisition: Acquisition, identity: ExaminerIdentity, texts: StatementsInput, actor: string): RecordedStatement[] {
  let list = listStatements(dir);
  const written: RecordedStatement[] = [];
  const write = (kind: StatementKind, ext: string, bytes: Buffer, details: Record<string, unknown>) => {
    const number = (list.at(-1)?.number ?? 0) + 1;
    const path = `${PATHS.statements}/${String(number).padStart(2, '0')}-${kind}.${ext}`;
    mkdirPrivate(join(dir, PATHS.statements));
    writeNewFileSync(join(dir, path), bytes);
    const rec: RecordedStatement = { kind, path, number, sha256: sha256Hex(bytes), examiner: identity.name };
    appendCustody(dir, { actor, action: 'statement recorded', object: path, sha256: rec.sha256, details: { kind, bytes: bytes.length, examiner: identity.name, ...details } });
    list = [...list, rec];
    written.push(rec);
  };
  if (!sameIdentity(identity, recordedExaminer(dir, acquisition, list))) {
    write('examiner', 'json', Buffer.from(`${JSON.stringify(identity, null, 2)}\n`, 'utf8'), { organisation: identity.organisation, role: identity.role });
  }
  for (const kind of TEXT_KINDS) {
    const t = texts[kind];
    if (!t) continue;
    decodeStatement(t.bytes, t.source);
    if (latest(list, kind, identity.name)?.sha256 === sha256Hex(t.bytes)) continue;
    write(kind, 'txt', t.bytes, { source: t.source });
  }
  return written;
}

/**
 * Everything the report shows of the examiner's statements: the latest text of each kind that the
 * reporting examiner recorded (another examiner's conclusions are never printed under their name).
 */
export function readStatements(dir: string, acquisition: Acquisition): FolderStatements {
  const history = listStatements(dir);
  const examiner = recordedExaminer(dir, acquisition, history);
  const texts: FolderStatements['texts'] = {};
  for (const kind of TEXT_KINDS) {
    const s = latest(history, kind, examiner.name);
    if (s) texts[kind] = { ...s, text: decodeStatement(readFileSync(join(dir, s.path)), join(dir, s.path)) };
  }
  return { examiner, texts, history };
}
