// report.html and report.pdf must be one report: the same id in both (the html's first line, the
// PDF signature's /Reason), the PDF printed from exactly this html (its SHA-256 is in the /Reason),
// and the custody log's last "report published" event naming both hashes under that id. An html
// from one run beside a PDF from another (a kill or a full disk mid-report) fails all three.
import type { CustodyEvent } from '../model.js';
import { PATHS } from '../evidence/folder.js';
import { sha256Hex } from '../evidence/files.js';
import { htmlReportId, pdfReportClaims } from '../report/report-id.js';

export const REPORT_PUBLISHED = 'report published';

export interface ReportPairResult {
  reportId: string | null;
  problems: { member: string; reason: string; line?: number }[];
}

interface Published {
  reportId?: unknown;
  html?: { sha256?: unknown };
  pdf?: { sha256?: unknown };
}

/** Null html/pdf: the file is absent. Both absent: no report yet, nothing to pair. */
export function checkReportPair(html: Buffer | null, pdf: Buffer | null, custody: CustodyEvent[]): ReportPairResult {
  const problems: ReportPairResult['problems'] = [];
  if (!html && !pdf) return { reportId: null, problems };
  if (!html || !pdf) {
    problems.push({ member: html ? PATHS.reportPdf : PATHS.reportHtml, reason: `missing beside ${html ? PATHS.reportHtml : PATHS.reportPdf}` });
    return { reportId: null, problems };
  }
  const htmlSha = sha256Hex(html);
  const pdfSha = sha256Hex(pdf);
  const id = htmlReportId(html);
  if (!id) problems.push({ member: PATHS.reportHtml, reason: 'carries no report id (its first line is not the netcustody report-id comment)' });
  const claims = pdfReportClaims(pdf);
  if (claims.length === 0) problems.push({ member: PATHS.reportPdf, reason: 'its signature names no report id and report.html hash' });
  else if (claims.length > 1) problems.push({ member: PATHS.reportPdf, reason: `${claims.length} signatures name a report (${claims.map((c) => c.reportId).join(', ')}): expected one` });
  else {
    const [claim] = claims;
    if (id && claim.reportId !== id) problems.push({ member: PATHS.reportPdf, reason: `is report ${claim.reportId}, report.html is report ${id}: the two files come from different runs` });
    if (claim.htmlSha256 !== htmlSha) {
      problems.push({ member: PATHS.reportHtml, reason: `SHA-256 ${htmlSha}, but report.pdf was printed from a report.html with SHA-256 ${claim.htmlSha256}` });
    }
  }
  const at = lastIndexWhere(custody, (e) => e?.action === REPORT_PUBLISHED);
  if (at < 0) {
    problems.push({ member: PATHS.custody, reason: `no "${REPORT_PUBLISHED}" event records this report${id ? ` (${id})` : ''}` });
    return { reportId: id, problems };
  }
  const event = custody[at];
  const d = (event.details ?? {}) as Published;
  const line = typeof event.seq === 'number' ? event.seq : at + 1;
  if (id && d.reportId !== id) problems.push({ member: PATHS.custody, line, reason: `the last report published is ${String(d.reportId)}, the folder holds report ${id}` });
  if (d.html?.sha256 !== htmlSha) problems.push({ member: PATHS.reportHtml, reason: `SHA-256 ${htmlSha} differs from the custody log (line ${line}: ${String(d.html?.sha256)})` });
  if (d.pdf?.sha256 !== pdfSha) problems.push({ member: PATHS.reportPdf, reason: `SHA-256 ${pdfSha} differs from the custody log (line ${line}: ${String(d.pdf?.sha256)})` });
  return { reportId: id, problems };
}

function lastIndexWhere<T>(list: T[], test: (v: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
  return -1;
}
