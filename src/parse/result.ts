import type { ParseResult, UnparsedLine } from '../model.js';

/** An empty result; parsers fill it and account for every line with the helpers below. */
export function emptyResult(format: string, artifact: string, encoding: string): ParseResult {
  return {
    format,
    artifact,
    encoding,
    connections: [],
    routes: [],
    unixSockets: [],
    otherSockets: [],
    interfaces: [],
    processes: [],
    unparsed: [],
    lines: { total: 0, records: 0, headers: 0, blank: 0, unparsed: 0 },
    warnings: [],
  };
}

const MAX_QUOTED = 400;

/** Record an unreadable line; the text is kept (cut for very long lines) for the report. */
export function addUnparsed(result: ParseResult, line: number, text: string, reason: string): void {
  const kept = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… [${text.length} chars]` : text;
  const entry: UnparsedLine = { line, text: kept, reason };
  result.unparsed.push(entry);
  result.lines.unparsed++;
}

/** Sanity check used by tests: every line is a record, header, blank or unparsed line. */
export function accountedLines(result: ParseResult): number {
  const l = result.lines;
  return l.records + l.headers + l.blank + l.unparsed;
}

/** One warning naming the file and the first unparsed line, so the examiner sees it without the list. */
export function warnUnparsed(result: ParseResult): void {
  if (result.unparsed.length === 0) return;
  const first = result.unparsed[0];
  result.warnings.push(`${result.artifact}: ${result.unparsed.length} line(s) not understood, first at line ${first.line} (${first.reason})`);
}
