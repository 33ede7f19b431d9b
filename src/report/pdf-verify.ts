// Independent check of the PDF signature (used by `netcustody verify`): the byte ranges go to the one
// CMS verifier (bundle/cms-verify.ts) as they are, plus whole-file coverage. Trust is decided by the caller.
import { verifyDetachedCms, type CertSummary, type CmsVerification } from '../bundle/cms-verify.js';
import { readTlv } from '../bundle/der-read.js';

export interface PdfSignatureCheck {
  ok: boolean;
  signed: boolean;
  /** The signed byte ranges reach the end of the file: nothing was appended after signing. */
  coversWholeFile: boolean;
  digestMatches: boolean;
  signatureValid: boolean;
  /** Readable subject of the signer certificate. */
  signer: string | null;
  /** The signer certificate (fingerprint, PEM) and the chain the CMS verifier built. */
  signerCert: CertSummary | null;
  chain: CertSummary[];
  reason: string | null;
  signingTime?: string | null;
  byteRange?: number[];
}

const NOT_SIGNED: PdfSignatureCheck = { ok: false, signed: false, coversWholeFile: false, digestMatches: false, signatureValid: false, signer: null, signerCert: null, chain: [], reason: 'no signature found' };

/** Never throws: malformed or hostile input gives ok=false with a reason. Checks the last signature. */
export function verifyPdfSignature(pdf: Buffer): PdfSignatureCheck {
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
  // /Contents is the DER signature followed by the zero padding of its placeholder.
  const contents = Buffer.from(gap.slice(1, -1), 'hex');
  let derLength = contents.length;
  try {
    derLength = readTlv(contents, 0).end;
  } catch {
    // Not DER: the CMS verifier names the problem.
  }
  if (contents.subarray(derLength).some((b) => b !== 0)) return fail('/Contents holds bytes after the signature that are not zero padding');
  const cms: CmsVerification = verifyDetachedCms({
    signature: contents.subarray(0, derLength),
    content: [pdf.subarray(0, len1), pdf.subarray(start2, start2 + len2)],
    label: 'the PDF signature',
  });
  const result: PdfSignatureCheck = {
    ok: false,
    signed: true,
    coversWholeFile,
    digestMatches: cms.digestMatches,
    signatureValid: cms.signatureValid,
    signer: cms.signer?.subject ?? null,
    signerCert: cms.signer,
    chain: cms.chain,
    reason: null,
    signingTime: cms.signingTime,
    byteRange: br,
  };
  if (!cms.ok) result.reason = cms.problems.join('; ');
  else if (!coversWholeFile) result.reason = `${pdf.length - start2 - len2} bytes were appended after the signature`;
  result.ok = result.reason === null;
  return result;
}
