// Independent check of the PDF signatures (used by `netcustody verify`): every signature is found
// (pdf-signatures.ts) and checked (byte ranges hashed with node:crypto, CMS messageDigest and
// signature). netcustody signs once: its signature is the first, and it must cover the whole file.
// An update appended after it (an overlay, a second signature) is described and fails.
// Each signature goes to the one CMS verifier (bundle/cms-verify.ts); trust is decided by the caller.
import { verifyDetachedCms, type CertSummary } from '../bundle/cms-verify.js';
import { readTlv } from '../bundle/der-read.js';
import { describeAppended, findSignatures, type AppendedUpdate } from './pdf-signatures.js';

export interface OneSignature {
  byteRange: number[];
  /** Bytes of the file after the end of the signed ranges. */
  uncoveredBytes: number;
  digestMatches: boolean;
  signatureValid: boolean;
  signer: string | null;
  signerCert: CertSummary | null;
  /** Why this signature does not verify, or null. */
  problem: string | null;
  /** The signature value and the RFC 3161 tokens over it (unsigned signature-time-stamp attributes). */
  signatureValue?: Buffer | null;
  timeStampTokens?: Buffer[];
}

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A, CAdES-T / PAdES B-T). */
export const SIGNATURE_TIME_STAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

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
  /** netcustody's (the first) signature. */
  byteRange?: number[];
  /** Every signature in file order; the first is netcustody's. */
  signatures?: OneSignature[];
  /** What follows netcustody's signed ranges, when anything does. */
  appended?: AppendedUpdate;
}

const NOT_SIGNED: PdfSignatureCheck = { ok: false, signed: false, coversWholeFile: false, digestMatches: false, signatureValid: false, signer: null, signerCert: null, chain: [], reason: 'no signature found' };

/** Never throws: malformed or hostile input gives ok=false with a reason. */
export function verifyPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const found = findSignatures(pdf);
  if (found.signatures.length === 0) return found.malformed.length > 0 ? { ...NOT_SIGNED, signed: true, reason: 'malformed /ByteRange' } : { ...NOT_SIGNED };
  const checked = found.signatures.map((s) => ({ at: s.at, ...checkOne(pdf, s.byteRange) }));
  // netcustody's signature is the first whose ranges describe this file. "/ByteRange" text that is
  // not one and lies inside the bytes it signs was there when it signed (say, in a string): ignored.
  const first = checked.find((c) => c.describesFile) ?? checked[0];
  const signedEnd = first.describesFile ? first.sig.byteRange[2] + first.sig.byteRange[3] : 0;
  const later = (at: number | null): boolean => at === null || at >= signedEnd;
  const others = checked.filter((c) => c !== first && (c.describesFile || later(c.at)));
  const malformed = found.malformed.filter(later);
  const all = [first, ...others].map((c) => c.sig);
  const br = first.sig.byteRange;
  const result: PdfSignatureCheck = {
    ok: false,
    signed: true,
    coversWholeFile: first.sig.uncoveredBytes === 0,
    digestMatches: first.sig.digestMatches,
    signatureValid: first.sig.signatureValid,
    signer: first.sig.signer,
    signerCert: first.sig.signerCert,
    chain: first.chain,
    reason: first.sig.problem,
    signingTime: first.signingTime,
    byteRange: br,
    signatures: all,
  };
  if (result.reason === null && !result.coversWholeFile) {
    result.appended = describeAppended(pdf, br[2] + br[3]);
    result.reason = appendedReason(result.appended, others.map((o) => o.sig), malformed.length);
  } else if (result.reason === null && (others.length > 0 || malformed.length > 0)) {
    result.reason = `the PDF holds ${others.length + malformed.length} signature entries besides netcustody's (it signs once)`;
  }
  result.ok = result.reason === null;
  return result;
}

function appendedReason(a: AppendedUpdate, extra: OneSignature[], malformed: number): string {
  const parts = [`${a.bytes} bytes were appended after the signature`];
  if (a.objects.length > 0) parts.push(`objects ${a.objects.join(', ')}`);
  if (a.pages.length > 0) parts.push(`touching page${a.pages.length > 1 ? 's' : ''} ${a.pages.join(', ')}`);
  for (const s of extra) {
    const state = s.problem ? `does not verify: ${s.problem}` : s.uncoveredBytes === 0 ? 'valid, covers the whole file' : `valid over its ranges, ${s.uncoveredBytes} bytes after them`;
    parts.push(`another signature by ${s.signer ?? 'an unknown signer'} (${state})`);
  }
  if (malformed > 0) parts.push(`${malformed} malformed /ByteRange entr${malformed > 1 ? 'ies' : 'y'}`);
  return parts.join('; ');
}

interface Checked {
  sig: OneSignature;
  /** The ranges start at 0 and leave out exactly a hex string: a signature of this file's bytes. */
  describesFile: boolean;
  signingTime: string | null;
  chain: CertSummary[];
}

function checkOne(pdf: Buffer, br: number[]): Checked {
  const sig: OneSignature = { byteRange: br, uncoveredBytes: 0, digestMatches: false, signatureValid: false, signer: null, signerCert: null, problem: null };
  const [start, len1, start2, len2] = br;
  const bad = (problem: string): Checked => ({ sig: { ...sig, problem }, describesFile: false, signingTime: null, chain: [] });
  if (start !== 0 || start2 <= len1 || start2 + len2 > pdf.length) return bad('/ByteRange does not describe this file');
  sig.uncoveredBytes = pdf.length - start2 - len2;
  // The gap must be exactly the hex string of /Contents, nothing else left unsigned.
  const gap = pdf.toString('latin1', len1, start2);
  if (!/^<[0-9A-Fa-f]*>$/.test(gap)) return bad('the unsigned gap is not the /Contents hex string');
  // /Contents is the DER signature followed by the zero padding of its placeholder.
  const contents = Buffer.from(gap.slice(1, -1), 'hex');
  let derLength = contents.length;
  try {
    derLength = readTlv(contents, 0).end;
  } catch {
    // Not DER: the CMS verifier names the problem.
  }
  if (contents.subarray(derLength).some((b) => b !== 0)) return { ...bad('/Contents holds bytes after the signature that are not zero padding'), describesFile: true };
  const cms = verifyDetachedCms({
    signature: contents.subarray(0, derLength),
    content: [pdf.subarray(0, len1), pdf.subarray(start2, start2 + len2)],
    label: 'the PDF signature',
  });
  sig.signer = cms.signer?.subject ?? null;
  sig.signerCert = cms.signer;
  sig.digestMatches = cms.digestMatches;
  sig.signatureValid = cms.signatureValid;
  sig.signatureValue = cms.signatureValue;
  sig.timeStampTokens = cms.unsignedAttrs.filter((a) => a.type === SIGNATURE_TIME_STAMP_TOKEN).flatMap((a) => a.values);
  if (!cms.ok) sig.problem = cms.problems.join('; ');
  return { sig, describesFile: true, signingTime: cms.signingTime, chain: cms.chain };
}
