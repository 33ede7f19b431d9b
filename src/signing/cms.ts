// Detached CMS SignedData (RFC 5652), SHA-256, signed attributes contentType, signingTime,
// messageDigest and ESS signingCertificateV2. Digests and signatures come from node:crypto only.
import { X509Certificate, createHash, createPrivateKey, sign, verify } from 'node:crypto';
import * as der from './der.js';
import type { SigningIdentity } from './types.js';
import { issuerAndSerial, pemBlocks, signatureAlgorithm } from './x509.js';

export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export type SignableContent = Buffer | { sha256: Buffer };

export interface CmsOptions {
  signingTime?: Date;
}

/** SHA-256 of the content, or the digest the caller already computed (e.g. PDF byte ranges). */
export function contentDigest(content: SignableContent): Buffer {
  if (Buffer.isBuffer(content)) return createHash('sha256').update(content).digest();
  if (content.sha256.length !== 32) throw new Error('a SHA-256 digest is 32 bytes');
  return content.sha256;
}

function attribute(oid: string, value: Buffer): Buffer {
  return der.seq(der.oid(oid), der.setOf(value));
}

/** The signed attributes as a DER SET (what the signature covers); stored as [0] IMPLICIT. */
function signedAttributes(digest: Buffer, certDer: Buffer, when: Date): Buffer {
  const certHash = createHash('sha256').update(certDer).digest();
  return der.setOf(
    attribute(CMS_OID.contentType, der.oid(CMS_OID.data)),
    attribute(CMS_OID.signingTime, der.time(when)),
    attribute(CMS_OID.messageDigest, der.octetString(digest)),
    // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash } } (hash algorithm defaults to SHA-256).
    attribute(CMS_OID.signingCertificateV2, der.seq(der.seq(der.seq(der.octetString(certHash))))),
  );
}

/**
 * Sign detached content. Verify with:
 *   openssl cms -verify -binary -inform DER -in SIG -content FILE -CAfile examiner-cert.pem -purpose any
 * (`-purpose any` is only needed for certificates without the emailProtection extended key usage;
 * the self-signed examiner certificate has it.)
 */
export function signDetachedCms(content: SignableContent, id: SigningIdentity, opts: CmsOptions = {}): Buffer {
  const digest = contentDigest(content);
  const key = createPrivateKey(id.keyPem);
  const [certDer] = pemBlocks(id.certPem);
  if (!certDer) throw new Error('signing identity has no certificate');
  const chainDer = id.chainPem.flatMap((pem) => pemBlocks(pem));
  const attrs = signedAttributes(digest, certDer, opts.signingTime ?? new Date());
  const signature = sign('sha256', attrs, key);
  const sha256Alg = der.seq(der.oid(CMS_OID.sha256));
  const signerInfo = der.seq(
    der.integer(1),
    issuerAndSerial(certDer),
    sha256Alg,
    // Same content as the SET, re-tagged [0] IMPLICIT (RFC 5652 §5.4).
    Buffer.concat([Buffer.from([0xa0]), attrs.subarray(1)]),
    signatureAlgorithm(key, true),
    der.octetString(signature),
  );
  const signedData = der.seq(
    der.integer(1),
    der.setOf(sha256Alg),
    der.seq(der.oid(CMS_OID.data)),
    der.contextTag(0, Buffer.concat([certDer, ...chainDer])),
    der.setOf(signerInfo),
  );
  return der.seq(der.oid(CMS_OID.signedData), der.contextTag(0, signedData));
}

export interface CmsCheck {
  /** Signature over the signed attributes verifies with the signer certificate's key. */
  signatureValid: boolean;
  /** messageDigest attribute equals the SHA-256 of the content. */
  digestMatches: boolean;
  signerCertPem: string | null;
  signer: string | null;
  signingTime: string | null;
  /** When a trust certificate was given: the signer is that certificate or is signed by it. */
  trusted: boolean | null;
  error: string | null;
}

/** Check a detached CMS signature without throwing (malformed input gives error and false flags). */
export function verifyDetachedCms(signatureDer: Buffer, content: SignableContent, trustCertPem?: string): CmsCheck {
  const result: CmsCheck = { signatureValid: false, digestMatches: false, signerCertPem: null, signer: null, signingTime: null, trusted: null, error: null };
  try {
    const parsed = parseSignedData(signatureDer);
    const cert = parsed.certificates.find((c) => c.raw.equals(parsed.signerCert)) ?? null;
    if (!cert) throw new Error('signer certificate is not included');
    result.signerCertPem = cert.toString();
    result.signer = cert.subject.split('\n').filter(Boolean).join(', ');
    result.signingTime = parsed.signingTime;
    result.digestMatches = parsed.messageDigest !== null && parsed.messageDigest.equals(contentDigest(content));
    const attrs = Buffer.concat([Buffer.from([der.TAG.set]), parsed.signedAttrs.subarray(1)]);
    result.signatureValid = verifySignature(attrs, parsed.signature, cert);
    if (trustCertPem) result.trusted = isTrusted(cert, trustCertPem);
  } catch (err) {
    result.error = (err as Error).message;
  }
  return result;
}

function verifySignature(data: Buffer, signature: Buffer, cert: X509Certificate): boolean {
  try {
    return verify('sha256', data, cert.publicKey, signature);
  } catch {
    return false;
  }
}

/** UTCTime "YYMMDDhhmmssZ" or GeneralizedTime "YYYYMMDDhhmmssZ" as ISO-8601. */
function asnTimeToIso(text: string): string {
  const full = text.length === 13 ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(full);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : text;
}

function isTrusted(cert: X509Certificate, trustCertPem: string): boolean {
  return pemBlocks(trustCertPem).some((trustDer) => {
    const anchor = new X509Certificate(trustDer);
    if (anchor.raw.equals(cert.raw)) return true;
    try {
      return cert.checkIssued(anchor) && cert.verify(anchor.publicKey);
    } catch {
      return false;
    }
  });
}

interface ParsedSignedData {
  certificates: X509Certificate[];
  signerCert: Buffer;
  signedAttrs: Buffer;
  signature: Buffer;
  messageDigest: Buffer | null;
  signingTime: string | null;
}

/** Walk ContentInfo → SignedData → first SignerInfo; the signer is found by issuer and serial. */
function parseSignedData(buf: Buffer): ParsedSignedData {
  const top = der.readNode(buf);
  const [typeNode, wrapped] = der.children(buf, top);
  if (der.decodeOid(der.content(buf, der.expectTag(typeNode, der.TAG.oid, 'contentType'))) !== CMS_OID.signedData) {
    throw new Error('not a CMS SignedData');
  }
  const signedData = der.children(buf, der.expectTag(wrapped, 0xa0, '[0] content'))[0];
  const fields = der.children(buf, der.expectTag(signedData, der.TAG.sequence, 'SignedData'));
  const certsNode = fields.find((f) => f.tag === 0xa0);
  const certificates = certsNode ? der.children(buf, certsNode).map((c) => new X509Certificate(der.whole(buf, c))) : [];
  const signerInfos = der.expectTag(fields[fields.length - 1], der.TAG.set, 'signerInfos');
  const signerInfo = der.children(buf, signerInfos)[0];
  const si = der.children(buf, der.expectTag(signerInfo, der.TAG.sequence, 'SignerInfo'));
  const sid = der.whole(buf, der.expectTag(si[1], der.TAG.sequence, 'issuerAndSerialNumber'));
  const signerCert = certificates.find((c) => issuerAndSerial(c.raw).equals(sid))?.raw;
  if (!signerCert) throw new Error('signer certificate is not included');
  const attrsNode = der.expectTag(si[3], 0xa0, 'signed attributes');
  const signature = der.content(buf, der.expectTag(si[5], der.TAG.octetString, 'signature'));
  let messageDigest: Buffer | null = null;
  let signingTime: string | null = null;
  for (const attr of der.children(buf, attrsNode)) {
    const [oidNode, values] = der.children(buf, attr);
    const oid = der.decodeOid(der.content(buf, oidNode));
    const value = der.children(buf, values)[0];
    if (oid === CMS_OID.messageDigest) messageDigest = Buffer.from(der.content(buf, value));
    if (oid === CMS_OID.signingTime) signingTime = asnTimeToIso(der.content(buf, value).toString('latin1'));
  }
  return { certificates, signerCert, signedAttrs: der.whole(buf, attrsNode), signature, messageDigest, signingTime };
}
