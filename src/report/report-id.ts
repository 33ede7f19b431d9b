// One report id binds report.html and report.pdf: the html starts with a comment naming the id, and
// the PDF, printed from exactly that html, carries the id and the html's SHA-256 in the /Reason of
// its signature (inside the signed bytes). A new html beside an old PDF cannot pass for a pair.
import { parseValue, type PdfString } from './pdf-objects.js';

/** Ids netcustody writes and accepts: NCR-20240501T100000Z-1A2B3C, or a caller's plain id. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:+]*(?:-[A-Za-z0-9._:+]+)*$/;
const HTML_MARK = /^<!-- netcustody report-id=(\S{1,128}) -->\n/;
const REASON = /^Forensic report (\S{1,128}), .*; report\.html SHA-256 ([0-9a-f]{64})$/s;

export function assertReportId(id: string): void {
  if (id.length > 128 || !ID.test(id)) throw new Error(`report id ${JSON.stringify(id)}: letters, digits and . _ : + - only (single dashes)`);
}

/** A comment before the doctype: not rendered, and browsers keep standards mode. */
export function markHtml(html: string, reportId: string): string {
  assertReportId(reportId);
  return `<!-- netcustody report-id=${reportId} -->\n${html}`;
}

/** The report id an html file starts with, or null. */
export function htmlReportId(html: Buffer): string | null {
  const m = HTML_MARK.exec(html.toString('latin1', 0, 200));
  return m && ID.test(m[1]) ? m[1] : null;
}

/** The signature's /Reason: who reads it in a PDF viewer sees the report id and the html it was printed from. */
export function pdfReason(reportId: string, caseId: string, evidenceId: string, htmlSha256: string): string {
  return `Forensic report ${reportId}, case ${caseId}, evidence ${evidenceId}; report.html SHA-256 ${htmlSha256}`;
}

export interface PdfReportClaim {
  reportId: string;
  htmlSha256: string;
}

/** Every /Reason in the PDF that names a report id and an html hash (netcustody's signature has one). */
export function pdfReportClaims(pdf: Buffer): PdfReportClaim[] {
  const claims: PdfReportClaim[] = [];
  for (let at = pdf.indexOf('/Reason'); at >= 0; at = pdf.indexOf('/Reason', at + 7)) {
    let text: string;
    try {
      const v = parseValue(pdf, at + 7).value;
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v.kind !== 'string') continue;
      text = decodeTextString(v);
    } catch {
      continue;
    }
    const m = REASON.exec(text);
    if (m && ID.test(m[1])) claims.push({ reportId: m[1], htmlSha256: m[2] });
  }
  return claims;
}

/** PDF text string: UTF-16BE after a BOM, else (for the ASCII netcustody writes) byte per character. */
function decodeTextString(s: PdfString): string {
  const b = s.bytes;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const le = Buffer.from(b.subarray(2));
    if (le.length % 2) return '';
    le.swap16();
    return le.toString('utf16le');
  }
  return b.toString('latin1');
}
