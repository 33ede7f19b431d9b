// Check 3: the PDF signatures of the report: netcustody's covers the whole file (nothing appended
// after it), its digest matches, and there is no other signature.
// The check itself is the report module's independent verifier; this names its result.
import { PATHS } from '../evidence/folder.js';
import { verifyPdfSignature } from '../report/pdf-verify.js';
import type { VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export function checkPdfSignature(view: EvidenceView, trustCertPem?: string): VerifyCheck {
  if (!view.has(PATHS.reportPdf)) {
    return check('pdf-signature', [{ member: PATHS.reportPdf, reason: 'missing' }], 'report/report.pdf is missing');
  }
  const pdf = verifyPdfSignature(view.read(PATHS.reportPdf), trustCertPem);
  if (!pdf.ok) {
    const count = pdf.signatures?.length ?? 0;
    const facts = `signed: ${pdf.signed}, signatures: ${count}, covers whole file: ${pdf.coversWholeFile}, digest matches: ${pdf.digestMatches}, signature valid: ${pdf.signatureValid}`;
    return check('pdf-signature', [{ member: PATHS.reportPdf, reason: pdf.reason ?? 'signature not valid' }], facts);
  }
  const trust = trustCertPem ? '; the signer chains to the --trust certificate' : '';
  return check('pdf-signature', [], `signed by ${pdf.signer ?? 'unknown'}, one signature, its byte ranges cover the whole file, digest matches${trust}`);
}
