// RFC 3161 §2.3: a TSA certificate has exactly one extended key usage, id-kp-timeStamping, in an
// extension marked critical. Checked on the certificate's own DER (criticality is not in X509Certificate).
import type { CertFacts } from '../signing/cert-check.js';
import * as der from '../signing/der.js';

export const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';
const EXT_KEY_USAGE = '2.5.29.37';

/** Is the extendedKeyUsage extension marked critical? null when the certificate has none. */
function ekuCritical(certDer: Buffer): boolean | null {
  const tbs = der.children(certDer, der.readNode(certDer))[0];
  const extNode = der.children(certDer, tbs).find((n) => n.tag === 0xa3);
  if (!extNode) return null;
  for (const ext of der.children(certDer, der.children(certDer, extNode)[0])) {
    const parts = der.children(certDer, ext);
    if (der.decodeOid(der.content(certDer, parts[0])) !== EXT_KEY_USAGE) continue;
    return parts.length === 3 && parts[1].tag === 0x01 && certDer[parts[1].contentStart] !== 0;
  }
  return null;
}

export function timeStampingUseProblems(certDer: Buffer, leaf: CertFacts): string[] {
  const eku = leaf.extKeyUsage;
  if (!eku) return [`the TSA certificate ${leaf.subject} has no extended key usage (RFC 3161 needs timeStamping, critical)`];
  const problems: string[] = [];
  if (eku.length !== 1 || eku[0] !== TIME_STAMPING_EKU) problems.push(`the TSA certificate ${leaf.subject} is not for time-stamping: its extended key usage is ${eku.join(', ')} (RFC 3161 needs timeStamping only)`);
  else if (ekuCritical(certDer) !== true) problems.push(`the timeStamping extended key usage of ${leaf.subject} is not marked critical (RFC 3161 §2.3)`);
  if (leaf.keyUsage && !leaf.keyUsage.has('digitalSignature') && !leaf.keyUsage.has('nonRepudiation')) problems.push(`the key usage of ${leaf.subject} does not allow signatures`);
  return problems;
}
