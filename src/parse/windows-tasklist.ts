// Windows `tasklist /v /fo csv` and `tasklist /fo csv` (with or without /nh), any display language:
// columns are read by position, which tasklist keeps the same in every language.
import type { ParseResult, ProcessFacts } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';
import { foldKeyword, isDigits } from './windows-text.js';

const FORMAT = 'windows-tasklist';
/** Columns of `/fo csv` (Image Name, PID, Session Name, Session#, Mem Usage) and of `/v /fo csv`. */
const SHORT_COLUMNS = 5;
const VERBOSE_COLUMNS = 9;
const USER_COLUMN = 6;
/** Words tasklist prints for "no value" in the user column. */
const NO_USER = new Set(['N/A', 'NV', 'N/V', 'S.O.', 'N/D', 'K.A.', 'NICHT ZUTREFFEND']);

/**
 * `"a","b","c"` into its fields. tasklist quotes every field and does not escape quotes inside a
 * window title, so fields are split on `","` and any surplus is joined back into the last column
 * (the title); fields are kept exactly as printed.
 */
export function splitQuotedCsv(line: string, columns: number): string[] | null {
  const text = line.trim();
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return null;
  const fields = text.slice(1, -1).split('","');
  if (fields.length < columns) return null;
  if (fields.length > columns) fields.splice(columns - 1, fields.length - columns + 1, fields.slice(columns - 1).join('","'));
  return fields;
}

function columnCount(line: string): number {
  const text = line.trim();
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return 0;
  return text.slice(1, -1).split('","').length;
}

/** Header line: second field is "PID" in every language. */
function isHeader(fields: string[]): boolean {
  return foldKeyword(fields[1]) === 'PID' && !isDigits(fields[1]);
}

function toProcess(fields: string[]): ProcessFacts | null {
  if (!isDigits(fields[1])) return null;
  const user = fields.length >= VERBOSE_COLUMNS ? fields[USER_COLUMN] : null;
  return {
    pid: Number(fields[1]),
    comm: fields[0],
    exe: null,
    exeDeleted: false,
    cmdline: null,
    ppid: null,
    uid: null,
    user: user === null || user === '' || NO_USER.has(foldKeyword(user)) ? null : user,
    startTime: null,
    socketInodes: [],
    errors: [],
  };
}

export function parseWindowsTasklist(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  // The first CSV line decides the layout: 9 columns with /v, 5 without.
  let columns = 0;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') {
      result.lines.blank++;
      return;
    }
    if (columns === 0) {
      const count = columnCount(line);
      if (count >= VERBOSE_COLUMNS) columns = VERBOSE_COLUMNS;
      else if (count === SHORT_COLUMNS) columns = SHORT_COLUMNS;
    }
    const fields = columns > 0 ? splitQuotedCsv(line, columns) : null;
    if (!fields) {
      addUnparsed(result, lineNo, line, columns > 0 ? `not a ${columns}-column tasklist CSV row` : 'not a tasklist CSV line');
      return;
    }
    if (isHeader(fields)) {
      result.lines.headers++;
      return;
    }
    const process = toProcess(fields);
    if (!process) {
      addUnparsed(result, lineNo, line, 'PID column is not a number');
      return;
    }
    process.source = { artifact: input.artifact, line: lineNo };
    result.processes.push(process);
    result.lines.records++;
  });
  return result;
}

/** A quoted CSV header whose second column is PID, or rows shaped "image","number",... */
export function detectWindowsTasklist(head: string[]): number {
  let header = false;
  let rows = 0;
  for (const line of head) {
    const count = columnCount(line);
    if (count !== SHORT_COLUMNS && count < VERBOSE_COLUMNS) continue;
    const fields = splitQuotedCsv(line, count);
    if (!fields) continue;
    if (isHeader(fields)) header = true;
    else if (isDigits(fields[1]) && /K$/i.test(fields[4].trim())) rows++;
  }
  if (header) return rows > 0 ? 0.95 : 0.7;
  return rows >= 2 ? 0.6 : 0;
}

export const windowsTasklistParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Windows tasklist CSV (/fo csv, /v /fo csv): processes with PID, image name and user',
    commands: ['tasklist /v /fo csv', 'tasklist /fo csv'],
    os: ['windows'],
  },
  detect: detectWindowsTasklist,
  parse: parseWindowsTasklist,
};
