// What `bundle` refuses to seal, before anything is hashed or signed: temporary files of an
// interrupted run, raw files the acquisition and custody log do not record, and a report whose html
// and PDF are not one report. Each is named; the examiner decides what to do with them.
import { basename, join } from 'node:path';
import type { Acquisition } from '../model.js';
import { readCustody } from '../evidence/custody.js';
import { EvidenceError, PATHS } from '../evidence/folder.js';
import { TEMP_NAME, readFileNoFollow } from '../evidence/files.js';
import { unrecordedRawFiles } from '../evidence/recorded.js';
import { checkReportPair } from './report-pair.js';

export function assertSealable(dir: string, files: string[], acquisition: Acquisition): void {
  const temps = files.filter((f) => TEMP_NAME.test(basename(f)));
  if (temps.length > 0) {
    throw new EvidenceError(
      `cannot bundle ${dir}: temporary file(s) of an interrupted run: ${list(temps)}`,
      'they are never evidence: re-run the command that was interrupted (analyze or report), or remove them, then bundle again',
    );
  }
  const custody = readCustody(dir);
  const raw = unrecordedRawFiles(files, acquisition, custody);
  if (raw.length > 0) {
    throw new EvidenceError(
      `cannot bundle ${dir}: ${list(raw.map((p) => `${p.path} (${p.reason})`))}`,
      'raw/ holds only what collect or import captured and logged: move anything else out of the evidence folder',
    );
  }
  const read = (rel: string): Buffer | null => (files.includes(rel) ? readFileNoFollow(join(dir, rel)) : null);
  const pair = checkReportPair(read(PATHS.reportHtml), read(PATHS.reportPdf), custody);
  if (pair.problems.length > 0) {
    throw new EvidenceError(
      `cannot bundle ${dir}: the report is not one published pair: ${list(pair.problems.map((p) => `${p.member}: ${p.reason}`))}`,
      `run \`netcustody report ${dir}\` again to publish a consistent report`,
    );
  }
}

function list(items: string[]): string {
  return items.length > 10 ? `${items.slice(0, 10).join('; ')}; and ${items.length - 10} more` : items.join('; ');
}
