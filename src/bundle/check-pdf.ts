// Check 3: the PDF signature of the report (signed ranges cover the whole file, digest matches,
// certificate valid at the signing time). The check itself is the report module's verifier.
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
    const facts = `signed: ${pdf.signed}, covers whole file: ${pdf.coversWholeFile}, digest matches: ${pdf.digestMatches}, signature valid: ${pdf.signatureValid}`;
    return { check: check('pdf-signature', [{ member: PATHS.reportPdf, reason: pdf.reason ?? 'signature not valid' }], facts), pdf };
  }
  const when = pdf.signingTime ? `, signingTime ${pdf.signingTime}` : '';
  return { check: check('pdf-signature', [], `signed by ${pdf.signer ?? 'unknown'}${when}, byte ranges cover the whole file, digest matches`), pdf };
}
