// Publishing a report's html and signed PDF as a pair into an evidence (or case) folder.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceError, PATHS } from '../evidence/folder.js';
import { mkdirPrivate, renameDurable, writeTempSync } from '../evidence/files.js';

/** What every "report published" custody event says: both files' hashes under one report id, who printed and who signed. */
export interface PublishedReport {
  reportId: string;
  html: string;
  htmlSha256: string;
  pdf: Buffer;
  pdfSha256: string;
  pages: number;
  browser: string;
  blockedRequests: number;
  signer: { subject: string; selfSigned: boolean };
  certificateSha256: string;
  signingTime: Date;
}

export function publishedDetails(r: PublishedReport, pdfExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reportId: r.reportId,
    html: { path: PATHS.reportHtml, sha256: r.htmlSha256, bytes: Buffer.byteLength(r.html, 'utf8') },
    pdf: { path: PATHS.reportPdf, sha256: r.pdfSha256, bytes: r.pdf.length, pages: r.pages, ...pdfExtra },
    browser: r.browser,
    blockedRequests: r.blockedRequests,
    signer: r.signer.subject,
    selfSigned: r.signer.selfSigned,
    certificateSha256: r.certificateSha256,
    signingTime: r.signingTime.toISOString(),
  };
}

/**
 * Both files are written in full to temporary names first (a full disk or a kill leaves the old
 * pair untouched), then renamed one after the other. A crash between the two renames leaves a new
 * html beside an old PDF: their report ids differ and bundle/verify refuse the pair.
 */
export function publishPair(dir: string, html: string, pdf: Buffer): { htmlPath: string; pdfPath: string } {
  mkdirPrivate(join(dir, PATHS.report));
  const htmlPath = join(dir, PATHS.reportHtml);
  const pdfPath = join(dir, PATHS.reportPdf);
  const htmlTmp = writeTempOrExplain(htmlPath, html);
  let pdfTmp: string;
  try {
    pdfTmp = writeTempOrExplain(pdfPath, pdf);
  } catch (err) {
    rmSync(htmlTmp, { force: true });
    throw err;
  }
  renameDurable(htmlTmp, htmlPath);
  renameDurable(pdfTmp, pdfPath);
  return { htmlPath, pdfPath };
}

function writeTempOrExplain(path: string, data: string | Buffer): string {
  try {
    return writeTempSync(path, (write) => write(data));
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`cannot write ${path}: ${(err as Error).message}; the previous report is unchanged`, 'free some space (or fix the folder) and run report again');
  }
}
