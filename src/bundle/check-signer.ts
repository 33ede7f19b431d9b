// Check 6: one signer. manifest.sig, the PDF signature and examiner-cert.pem must name the same
// certificate (so the same key): a bundle re-sealed by someone else, or a PDF signed by another key,
// fails. Whether that signer is trusted (pinned, --trust) is always reported; it fails the check only
// when the verifier asked for trust (--trust, --require-trust).
import { X509Certificate } from 'node:crypto';
import { PATHS } from '../evidence/folder.js';
import { colonFingerprint, fingerprintOf, readableName } from '../signing/cert-check.js';
import { evaluateTrust, type TrustAnchor } from '../signing/trust-store.js';
import type { CertSummary } from './cms-verify.js';
import { pemCertificates } from './cms-verify.js';
import type { CheckFailure, SignerReport, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export interface SignerInputs {
  manifestChain: CertSummary[] | null;
  pdfChain: CertSummary[] | null;
  anchors: TrustAnchor[];
  /** A failure when the signer is not trusted (--require-trust, or --trust given). */
  requireTrust: boolean;
}

interface Named {
  where: string;
  subject: string;
  fingerprint: string;
}

export function checkSigner(view: EvidenceView, input: SignerInputs): { check: VerifyCheck; signer: SignerReport | null } {
  const named: Named[] = [];
  if (input.manifestChain?.[0]) named.push({ where: PATHS.manifestSig, ...input.manifestChain[0] });
  if (input.pdfChain?.[0]) named.push({ where: PATHS.reportPdf, ...input.pdfChain[0] });
  const certFile = view.has(PATHS.certificate) ? pemCertificates(view.read(PATHS.certificate).toString('utf8'))[0] : undefined;
  if (certFile) {
    const cert = new X509Certificate(certFile);
    named.push({ where: PATHS.certificate, subject: readableName(cert.subject), fingerprint: fingerprintOf(cert) });
  }
  const chain = input.manifestChain?.length ? input.manifestChain : (input.pdfChain ?? []);
  if (named.length === 0 || chain.length === 0) {
    return { check: check('signer', [{ reason: 'no verifiable signer in manifest.sig or report/report.pdf' }], 'no signer to compare'), signer: null };
  }
  const failures: CheckFailure[] = [];
  // The odd one out is named: the certificate most of them name (the PDF's on a tie) is the reference.
  const count = (fp: string): number => named.filter((n) => n.fingerprint === fp).length;
  const first = [...named].sort((a, b) => count(b.fingerprint) - count(a.fingerprint) || Number(b.where === PATHS.reportPdf) - Number(a.where === PATHS.reportPdf))[0];
  for (const other of named) {
    if (other.fingerprint === first.fingerprint) continue;
    const sameName = other.subject === first.subject ? ' (same name, another certificate and key)' : '';
    failures.push({
      member: other.where,
      reason: `names ${other.subject} (SHA-256 ${colonFingerprint(other.fingerprint)}) but ${first.where} names ${first.subject} (SHA-256 ${colonFingerprint(first.fingerprint)})${sameName}`,
    });
  }
  const verdict = evaluateTrust(chain, input.anchors);
  const signer: SignerReport = { subject: chain[0].subject, fingerprint: chain[0].fingerprint, selfSigned: chain[0].selfSigned, trusted: verdict.trusted, how: verdict.how };
  if (!verdict.trusted && input.requireTrust) failures.push({ reason: `the signer is not trusted: ${verdict.how}` });
  const agreement = failures.some((f) => f.member) ? 'the signatures do NOT name one signer' : `${named.map((n) => n.where).join(', ')} name the same certificate`;
  return { check: check('signer', failures, `${signer.subject}, SHA-256 ${colonFingerprint(signer.fingerprint)}: ${verdict.how}; ${agreement}`), signer };
}
