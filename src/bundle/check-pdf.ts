// Check 3: the PDF signatures of the report: netcustody's covers the whole file (nothing appended
// after it), its digest matches, its certificate was valid at the signing time, and there is no
// other signature. The check itself is the report module's verifier; this names its result.
import { PATHS } from '../evidence/folder.js';
import { verifyPdfSignature, type PdfSignatureCheck } from '../report/pdf-verify.js';
import type { VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export function checkPdfSignature(view: EvidenceView): { check: VerifyCheck; pdf: PdfSignatureCheck | null } {
  if (!view.has(PATHS.reportPdf)) {
    return { check: check('pdf-signature', [{ member: PATHS.reportPdf, reason: 'missing' }], 'report/report.pdf is missing'), pdf: null };
  }
  const pdf = verifyPdfSignature(view.read(PATHS.reportPdf));
  if (!pdf.ok) {
    const count = pdf.signatures?.length ?? 0;
    const facts = `signed: ${pdf.signed}, signatures: ${count}, covers whole file: ${pdf.coversWholeFile}, digest matches: ${pdf.digestMatches}, signature valid: ${pdf.signatureValid}`;
    return { check: check('pdf-signature', [{ member: PATHS.reportPdf, reason: pdf.reason ?? 'signature not valid' }], facts), pdf };
  }
  const when = pdf.signingTime ? `, signingTime ${pdf.signingTime}` : '';
  return { check: check('pdf-signature', [], `signed by ${pdf.signer ?? 'unknown'}${when}, one signature, its byte ranges cover the whole file, digest matches`), pdf };
}
