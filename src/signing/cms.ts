// Detached CMS SignedData (RFC 5652), SHA-256, signed attributes contentType, signingTime (unless
// left out), messageDigest and ESS signingCertificateV2. Digests and signatures come from node:crypto
// only. Verification is bundle/cms-verify.ts, the one verifier for every signature.
import { createHash, createPrivateKey, sign } from 'node:crypto';
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
  /** The signingTime attribute; null leaves it out (a deterministic signature claims no time). */
  signingTime?: Date | null;
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
function signedAttributes(digest: Buffer, certDer: Buffer, when: Date | null): Buffer {
  const certHash = createHash('sha256').update(certDer).digest();
  return der.setOf(
    attribute(CMS_OID.contentType, der.oid(CMS_OID.data)),
    ...(when ? [attribute(CMS_OID.signingTime, der.time(when))] : []),
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
  const attrs = signedAttributes(digest, certDer, opts.signingTime === undefined ? new Date() : opts.signingTime);
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

/** id-aa-signatureTimeStampToken: an RFC 3161 token over the signature value (CAdES-T, PAdES B-T). */
export const SIGNATURE_TIME_STAMP_OID = '1.2.840.113549.1.9.16.2.14';

/** The SignerInfo of a CMS this module made (one signer), and the pieces around it. */
function signerInfoOf(cms: Buffer): { sdFields: der.Node[]; signerInfo: der.Node; typeNode: der.Node } {
  const [typeNode, wrapped] = der.children(cms, der.readNode(cms));
  const signedData = der.children(cms, wrapped)[0];
  const sdFields = der.children(cms, signedData);
  const [signerInfo] = der.children(cms, sdFields[sdFields.length - 1]);
  return { sdFields, signerInfo, typeNode };
}

/** The signature value (what a signature-time-stamp token covers). */
export function signatureValueOf(cms: Buffer): Buffer {
  const fields = der.children(cms, signerInfoOf(cms).signerInfo);
  const value = fields.find((n, i) => i > 3 && n.tag === der.TAG.octetString);
  if (!value) throw new Error('CMS: SignerInfo has no signature value');
  return Buffer.from(der.content(cms, value));
}

/** The same CMS with the token added as the SignerInfo's unsigned signature-time-stamp attribute. */
export function withSignatureTimeStamp(cms: Buffer, token: Buffer): Buffer {
  const { sdFields, signerInfo, typeNode } = signerInfoOf(cms);
  const attribute = der.seq(der.oid(SIGNATURE_TIME_STAMP_OID), der.setOf(token));
  // unsignedAttrs [1] IMPLICIT SET OF Attribute, after the signature value.
  const newSignerInfo = der.seq(der.content(cms, signerInfo), der.contextTag(1, attribute));
  const signedData = der.seq(...sdFields.slice(0, -1).map((n) => der.whole(cms, n)), der.setOf(newSignerInfo));
  return der.seq(der.whole(cms, typeNode), der.contextTag(0, signedData));
}
