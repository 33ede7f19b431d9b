// Independent check of the PDF signature (used by `netcustody verify`): byte ranges hashed with
// node:crypto, CMS messageDigest and signature checked, whole-file coverage and optional trust anchor.
import { createHash } from 'node:crypto';
import { verifyDetachedCms } from '../signing/index.js';

export interface PdfSignatureCheck {
  ok: boolean;
  signed: boolean;
  /** The signed byte ranges reach the end of the file: nothing was appended after signing. */
  coversWholeFile: boolean;
  digestMatches: boolean;
  signatureValid: boolean;
  signer: string | null;
  reason: string | null;
  /** When trustCertPem was given: the signer is that certificate or issued by it. */
  trusted?: boolean;
  signingTime?: string | null;
  byteRange?: number[];
}

const NOT_SIGNED: PdfSignatureCheck = { ok: false, signed: false, coversWholeFile: false, digestMatches: false, signatureValid: false, signer: null, reason: 'no signature found' };

/** Never throws: malformed or hostile input gives ok=false with a reason. Checks the last signature. */
export function verifyPdfSignature(pdf: Buffer, trustCertPem?: string): PdfSignatureCheck {
  const at = pdf.lastIndexOf('/ByteRange');
  if (at < 0) return { ...NOT_SIGNED };
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1', at, at + 80));
  if (!m) return { ...NOT_SIGNED, signed: true, reason: 'malformed /ByteRange' };
  const br = m.slice(1).map(Number);
  const [start, len1, start2, len2] = br;
  const fail = (reason: string, extra: Partial<PdfSignatureCheck> = {}): PdfSignatureCheck => ({ ...NOT_SIGNED, signed: true, byteRange: br, reason, ...extra });
  if (start !== 0 || start2 <= len1 || start2 + len2 > pdf.length) return fail('/ByteRange does not describe this file');
  // The gap must be exactly the hex string of /Contents, nothing else left unsigned.
  const gap = pdf.toString('latin1', len1, start2);
  if (!/^<[0-9A-Fa-f]*>$/.test(gap)) return fail('the unsigned gap is not the /Contents hex string');
  const coversWholeFile = start2 + len2 === pdf.length;
  const digest = createHash('sha256').update(pdf.subarray(0, len1)).update(pdf.subarray(start2, start2 + len2)).digest();
  const cms = verifyDetachedCms(Buffer.from(gap.slice(1, -1), 'hex'), { sha256: digest }, trustCertPem);
  const signer = cms.signer;
  const result: PdfSignatureCheck = {
    ok: false,
    signed: true,
    coversWholeFile,
    digestMatches: cms.digestMatches,
    signatureValid: cms.signatureValid,
    signer,
    reason: null,
    signingTime: cms.signingTime,
    byteRange: br,
    ...(trustCertPem ? { trusted: cms.trusted === true } : {}),
  };
  if (cms.error) result.reason = `signature unreadable: ${cms.error}`;
  else if (!cms.digestMatches) result.reason = 'the signed bytes were changed (digest mismatch)';
  else if (!cms.signatureValid) result.reason = 'the signature does not verify with the signer certificate';
  else if (!coversWholeFile) result.reason = `${pdf.length - start2 - len2} bytes were appended after the signature`;
  else if (trustCertPem && !cms.trusted) result.reason = 'the signer is not the trusted certificate';
  result.ok = result.reason === null;
  return result;
}
