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
    unparsedNotListed: 0,
    unparsedReasons: {},
    lines: { total: 0, records: 0, headers: 0, blank: 0, unparsed: 0 },
    warnings: [],
  };
}

/** Characters of an unparsed line quoted in the report; the raw file keeps the whole line. */
export const MAX_QUOTED = 400;
/**
 * Unparsed lines listed one by one per artifact; beyond them only counts are kept (per reason), so
 * 50 MB of garbage makes a report and a memory footprint of a few hundred lines, not of the file.
 */
export const MAX_LISTED_UNPARSED = 200;

/** Record an unreadable line: always counted (per reason); listed with an excerpt while under the cap. */
export function addUnparsed(result: ParseResult, line: number, text: string, reason: string): void {
  result.lines.unparsed++;
  result.unparsedReasons[reason] = (result.unparsedReasons[reason] ?? 0) + 1;
  if (result.unparsed.length >= MAX_LISTED_UNPARSED) {
    result.unparsedNotListed++;
    return;
  }
  // Copied out of the whole text (not a slice of it), so the decoded file is not kept alive by it.
  const kept = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… [${text.length} chars]` : text;
  const entry: UnparsedLine = { line, text: copyString(kept), reason };
  result.unparsed.push(entry);
}

function copyString(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
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
  result.warnings.push(`${result.artifact}: ${result.lines.unparsed} line(s) not understood, first at line ${first.line} (${first.reason})${notListedText(result)}`);
}

/** "; only the first 200 are listed" when the cap was reached, else nothing. */
export function notListedText(result: Pick<ParseResult, 'unparsed' | 'unparsedNotListed'>): string {
  return result.unparsedNotListed > 0 ? `; only the first ${result.unparsed.length} are listed, ${result.unparsedNotListed} more are counted by reason` : '';
}
