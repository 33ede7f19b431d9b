// The one check of a detached CMS signature, for manifest.sig over SHA256SUMS and for the PDF's
// signatures over their byte ranges: parsed here with a strict DER reader, hashed and verified with
// node:crypto (never with the code that signed), certificates checked as `openssl cms -verify` does.
import { X509Certificate, constants, createHash, createVerify } from 'node:crypto';
import { buildChain, chainProblems, readableName, signingUseProblems, type CertFacts } from '../signing/cert-check.js';
import { timeStampingUseProblems } from '../timestamp/eku.js';
import { bytesOf, childrenOf, contentOf, expect, oidOf, readTlv, timeOf, type Tlv } from './der-read.js';

const OIDS = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
};
const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const RSA = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13']);
const ECDSA = new Set(['1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);

/** A certificate as verify reports it. */
export interface CertSummary {
  subject: string;
  /** SHA-256 of the certificate DER, lower-case hex. */
  fingerprint: string;
  selfSigned: boolean;
  notBefore: string;
  notAfter: string;
  pem: string;
}

export interface CmsVerification {
  ok: boolean;
  /** Every reason the signature is not accepted (empty when ok). */
  problems: string[];
  /** The certificate whose key made the signature. */
  signer: CertSummary | null;
  /** The signer, then each issuer found in the signature and the extra certificates. */
  chain: CertSummary[];
  /** The chain ends in a self-signed certificate (the signer itself, or a root). */
  chainComplete: boolean;
  /** The signingTime attribute (ISO-8601), null when the signature has none. */
  signingTime: string | null;
  /** When the certificates were checked for validity, and where that time comes from. */
  validAt: { time: string; source: string } | null;
  digestMatches: boolean;
  signatureValid: boolean;
  /** The signer's signature value (what a signature-time-stamp token covers). */
  signatureValue: Buffer | null;
  /** Unsigned attributes of the SignerInfo: type OID and the DER of each value. */
  unsignedAttrs: { type: string; values: Buffer[] }[];
  /** Signed attributes as the DER SET the signature covers (null without signed attributes). */
  signedAttrs: Buffer | null;
  /** The encapsulated content (a time-stamp token's TSTInfo), null for a detached signature. */
  eContent: Buffer | null;
  /** DER of the signer's certificate. */
  signerDer: Buffer | null;
}

interface SignerInfo {
  sid: Buffer;
  sidIsIssuerSerial: boolean;
  digest: string;
  signedAttrs: Buffer | null;
  signatureAlg: string;
  signature: Buffer;
  unsignedAttrs: { type: string; values: Buffer[] }[];
}

export interface CmsInputs {
  /** DER CMS SignedData (detached). */
  signature: Buffer;
  /** The signed bytes, whole or in pieces (the two byte ranges of a PDF). */
  content?: Buffer | Buffer[];
  /** Certificates besides those inside the signature (examiner-cert.pem): the signer and its chain. */
  extraCertsPem?: string;
  /** The time to check validity at when the signature has no signingTime attribute (default: now). */
  timeIfUnsigned?: { time: Date; source: string };
  /** How messages name the signature, e.g. "manifest.sig". */
  label?: string;
  /**
   * A time-stamp token: the content is encapsulated (TSTInfo, not detached), the certificate must be
   * a TSA's (timeStamping EKU) instead of a document signer's, and is checked at the token's genTime.
   */
  timeStampToken?: boolean;
}

/**
 * The one CMS verifier of netcustody (manifest.sig and PDF signatures). Never throws: a malformed
 * signature or certificate is one more problem in the result. Trust is not decided here: the caller
 * compares the chain with its anchors (see trust-store.ts).
 */
export function verifyDetachedCms(input: CmsInputs): CmsVerification {
  const result: CmsVerification = { ok: false, problems: [], signer: null, chain: [], chainComplete: false, signingTime: null, validAt: null, digestMatches: false, signatureValid: false, signatureValue: null, unsignedAttrs: [], signedAttrs: null, eContent: null, signerDer: null };
  const label = input.label ?? 'the signature';
  try {
    checkSignature(input, label, result);
  } catch (err) {
    result.problems.push(`cannot check ${label}: ${(err as Error).message}`);
  }
  result.ok = result.problems.length === 0;
  return result;
}

function checkSignature(input: CmsInputs, label: string, result: CmsVerification): void {
  let parsed: ReturnType<typeof parseSignedData>;
  try {
    parsed = parseSignedData(input.signature);
  } catch (err) {
    result.problems.push(`${label} is not a DER CMS SignedData: ${(err as Error).message}`);
    return;
  }
  const { signer } = parsed;
  result.signatureValue = signer.signature;
  result.unsignedAttrs = signer.unsignedAttrs;
  result.eContent = parsed.eContent;
  if (signer.signedAttrs) result.signedAttrs = Buffer.concat([Buffer.from([0x31]), signer.signedAttrs.subarray(1)]);
  const token = input.timeStampToken === true;
  if (!token && !parsed.detached) result.problems.push(`${label} embeds its content (a detached signature is expected)`);
  if (token && parsed.eContent === null) result.problems.push(`${label} carries no TSTInfo`);
  const wantType = token ? OIDS.tstInfo : OIDS.data;
  if (parsed.eContentType !== wantType) result.problems.push(`content type is ${parsed.eContentType}, expected ${token ? 'id-ct-TSTInfo' : 'id-data'}`);

  const content = token ? (parsed.eContent ?? Buffer.alloc(0)) : (input.content ?? Buffer.alloc(0));
  const pieces = Array.isArray(content) ? content : [content];
  const candidates = [...parsed.certs, ...pemCertificates(input.extraCertsPem ?? '')];
  const signedPieces = signer.signedAttrs ? [Buffer.concat([Buffer.from([0x31]), signer.signedAttrs.subarray(1)])] : pieces;
  const matching = candidates.filter((der) => !signer.sidIsIssuerSerial || issuerAndSerial(der).equals(signer.sid));
  // A subjectKeyIdentifier sid is resolved by the key that verifies; issuer+serial names one certificate.
  const signerDer = matching.find((der) => signatureMatches(signer, signedPieces, new X509Certificate(der))) ?? matching[0];
  if (!signerDer) {
    result.problems.push(`no certificate in ${label}${input.extraCertsPem !== undefined ? ' or examiner-cert.pem' : ''} matches the signer`);
    return;
  }
  const cert = new X509Certificate(signerDer);
  result.signerDer = signerDer;
  const subject = readableName(cert.subject);

  const hash = createHash(signer.digest);
  for (const p of pieces) hash.update(p);
  const digestOfContent = hash.digest();
  if (signer.signedAttrs) {
    try {
      const attrs = readAttributes(signer.signedAttrs);
      result.signingTime = attrs.signingTime;
      if (!attrs.messageDigest) result.problems.push('signed attributes lack messageDigest');
      else if (!attrs.messageDigest.equals(digestOfContent)) result.problems.push(`messageDigest does not match the signed content (it was changed after signing)`);
      else result.digestMatches = true;
      if (attrs.contentType !== parsed.eContentType) result.problems.push('contentType attribute does not match the content type');
    } catch (err) {
      result.problems.push(`bad signed attributes: ${(err as Error).message}`);
    }
  }
  result.signatureValid = signatureMatches(signer, signedPieces, cert);
  if (!signer.signedAttrs) result.digestMatches = result.signatureValid;
  if (!result.signatureValid) result.problems.push(`the signature does not verify with the key of ${subject}`);

  const { chain, complete } = buildChain(cert, candidates.map((d) => new X509Certificate(d)));
  result.chain = chain.map(summary);
  result.signer = result.chain[0];
  result.chainComplete = complete;
  const at = input.timeIfUnsigned && token
    ? input.timeIfUnsigned
    : result.signingTime
    ? { time: new Date(result.signingTime), source: 'the signing time' }
    : (input.timeIfUnsigned ?? { time: new Date(), source: 'the time of checking (no signing time)' });
  result.validAt = { time: at.time.toISOString(), source: at.source };
  result.problems.push(...chainProblems(chain, at.time, at.source), ...(token ? timeStampingUseProblems(signerDer, chain[0]) : signingUseProblems(chain[0])));
}

function summary(f: CertFacts): CertSummary {
  return { subject: f.subject, fingerprint: f.fingerprint, selfSigned: f.selfSigned, notBefore: f.notBefore.toISOString(), notAfter: f.notAfter.toISOString(), pem: f.cert.toString() };
}

function parseSignedData(der: Buffer): { signer: SignerInfo; certs: Buffer[]; eContentType: string; detached: boolean; eContent: Buffer | null } {
  const top = expect(readTlv(der, 0), 0x30, 'ContentInfo');
  if (top.end !== der.length) throw new Error('trailing bytes after ContentInfo');
  const [typeNode, wrapped] = childrenOf(der, top);
  if (oidOf(der, typeNode) !== OIDS.signedData) throw new Error('not signedData');
  const signedData = expect(childrenOf(der, expect(wrapped, 0xa0, '[0] content'))[0], 0x30, 'SignedData');
  const fields = childrenOf(der, signedData);
  const encap = childrenOf(der, expect(fields[2], 0x30, 'EncapsulatedContentInfo'));
  const certs: Buffer[] = [];
  let i = 3;
  if (fields[i]?.tag === 0xa0) certs.push(...childrenOf(der, fields[i++]).filter((c) => c.tag === 0x30).map((c) => bytesOf(der, c)));
  if (fields[i]?.tag === 0xa1) i++;
  const signerInfos = childrenOf(der, expect(fields[i], 0x31, 'SignerInfos'));
  if (signerInfos.length !== 1) throw new Error(`expected exactly one SignerInfo, found ${signerInfos.length}`);
  // eContent [0] EXPLICIT OCTET STRING (a time-stamp token's TSTInfo).
  const eContent = encap[1] ? contentOf(der, expect(childrenOf(der, expect(encap[1], 0xa0, '[0] eContent'))[0], 0x04, 'eContent')) : null;
  return { signer: parseSignerInfo(der, signerInfos[0]), certs: certs.filter(isCertificate), eContentType: oidOf(der, encap[0]), detached: encap.length === 1, eContent };
}

function parseSignerInfo(der: Buffer, node: Tlv): SignerInfo {
  const f = childrenOf(der, expect(node, 0x30, 'SignerInfo'));
  const sid = f[1];
  const digestOid = oidOf(der, childrenOf(der, expect(f[2], 0x30, 'digestAlgorithm'))[0]);
  const digest = DIGESTS[digestOid];
  if (!digest) throw new Error(`unsupported digest algorithm ${digestOid}`);
  let i = 3;
  const signedAttrs = f[i]?.tag === 0xa0 ? bytesOf(der, f[i++]) : null;
  const signatureAlg = oidOf(der, childrenOf(der, expect(f[i++], 0x30, 'signatureAlgorithm'))[0]);
  const signature = contentOf(der, expect(f[i++], 0x04, 'signature'));
  const unsignedAttrs = f[i]?.tag === 0xa1 ? childrenOf(der, f[i]).map((a) => {
    const [typeNode, values] = childrenOf(der, expect(a, 0x30, 'unsigned Attribute'));
    return { type: oidOf(der, typeNode), values: childrenOf(der, expect(values, 0x31, 'attribute values')).map((v) => bytesOf(der, v)) };
  }) : [];
  return { sid: bytesOf(der, sid), sidIsIssuerSerial: sid.tag === 0x30, digest, signedAttrs, signatureAlg, signature, unsignedAttrs };
}

function readAttributes(attrs: Buffer): { contentType: string | null; messageDigest: Buffer | null; signingTime: string | null } {
  const out = { contentType: null as string | null, messageDigest: null as Buffer | null, signingTime: null as string | null };
  for (const attr of childrenOf(attrs, readTlv(attrs, 0))) {
    const [typeNode, values] = childrenOf(attrs, expect(attr, 0x30, 'Attribute'));
    const value = childrenOf(attrs, expect(values, 0x31, 'attribute values'));
    if (value.length !== 1) throw new Error('attribute with more than one value');
    const type = oidOf(attrs, typeNode);
    if (type === OIDS.contentType) out.contentType = oidOf(attrs, value[0]);
    if (type === OIDS.messageDigest) out.messageDigest = contentOf(attrs, expect(value[0], 0x04, 'messageDigest'));
    if (type === OIDS.signingTime) out.signingTime = timeOf(attrs, value[0]);
  }
  return out;
}

function issuerAndSerial(certDer: Buffer): Buffer {
  const tbs = childrenOf(certDer, readTlv(certDer, 0))[0];
  const fields = childrenOf(certDer, tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  const serial = bytesOf(certDer, expect(fields[offset], 0x02, 'serialNumber'));
  const issuer = bytesOf(certDer, expect(fields[offset + 2], 0x30, 'issuer'));
  const body = Buffer.concat([issuer, serial]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function signatureMatches(signer: SignerInfo, pieces: Buffer[], cert: X509Certificate): boolean {
  const isRsa = RSA.has(signer.signatureAlg);
  if (!isRsa && !ECDSA.has(signer.signatureAlg)) return false;
  try {
    const v = createVerify(signer.digest);
    for (const p of pieces) v.update(p);
    return isRsa
      ? v.verify({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, signer.signature)
      : v.verify({ key: cert.publicKey, dsaEncoding: 'der' }, signer.signature);
  } catch {
    return false;
  }
}

function isCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/** Every CERTIFICATE block of a PEM text, as DER (unparseable blocks are skipped). */
export function pemCertificates(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
    // A block that is not a certificate is skipped: the caller reports an empty list.
    if (isCertificate(der)) out.push(der);
  }
  return out;
}
