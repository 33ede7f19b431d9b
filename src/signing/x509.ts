// X.509 pieces the signer needs: the examiner's self-signed certificate (built field by field, signed
// with node:crypto) and the issuer/serial of any certificate for the CMS SignerInfo.
import { X509Certificate, createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';

export const OID = {
  commonName: '2.5.4.3',
  organisation: '2.5.4.10',
  organisationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  /** id-kp-documentSigning (RFC 9336). */
  documentSigning: '1.3.6.1.5.5.7.3.36',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export interface SelfSignedRequest {
  commonName: string;
  organisation?: string | null;
  organisationalUnit?: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

/** AlgorithmIdentifier for a signature made with sha256 by this key type. */
export function signatureAlgorithm(key: KeyObject, inCms = false): Buffer {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return der.seq(der.oid(inCms ? OID.rsaEncryption : OID.sha256WithRsa), der.nullValue());
  if (type === 'ec') return der.seq(der.oid(OID.ecdsaWithSha256));
  throw new Error(`unsupported signing key type: ${type ?? 'unknown'} (use RSA or ECDSA)`);
}

function name(req: SelfSignedRequest): Buffer {
  const rdn = (oid: string, value: string): Buffer => der.setOf(der.seq(der.oid(oid), der.utf8String(value)));
  const parts = [rdn(OID.commonName, req.commonName)];
  if (req.organisation) parts.push(rdn(OID.organisation, req.organisation));
  if (req.organisationalUnit) parts.push(rdn(OID.organisationalUnit, req.organisationalUnit));
  return der.seq(...parts);
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/**
 * A self-signed end-entity certificate for document signing: keyUsage digitalSignature +
 * nonRepudiation, extKeyUsage emailProtection (so `openssl cms -verify` accepts its default
 * S/MIME purpose) and documentSigning, CA:FALSE.
 */
export function createSelfSignedCertificate(req: SelfSignedRequest): string {
  const spki = req.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const subject = name(req);
  const sigAlg = signatureAlgorithm(req.privateKey);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const extensions = der.seq(
    extension(OID.basicConstraints, true, der.seq()),
    // BIT STRING with 6 unused bits: digitalSignature (0) and nonRepudiation (1).
    extension(OID.keyUsage, true, der.tlv(der.TAG.bitString, Buffer.from([6, 0xc0]))),
    extension(OID.extKeyUsage, false, der.seq(der.oid(OID.emailProtection), der.oid(OID.documentSigning))),
    extension(OID.subjectKeyId, false, der.octetString(keyId)),
    extension(OID.authorityKeyId, false, der.seq(der.contextTag(0, keyId, false))),
  );
  const tbs = der.seq(
    der.contextTag(0, der.integer(2)),
    der.integer(serial),
    sigAlg,
    subject,
    der.seq(der.time(req.notBefore), der.time(req.notAfter)),
    subject,
    spki,
    der.contextTag(3, extensions),
  );
  const signature = sign('sha256', tbs, req.privateKey);
  const cert = der.seq(tbs, sigAlg, der.bitString(signature));
  return toPem(cert, 'CERTIFICATE');
}

export function toPem(bytes: Buffer, label: string): string {
  const b64 = bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Every PEM block of one label in a text, as DER. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** The DER issuer Name and serial INTEGER, copied byte for byte from the certificate. */
export function issuerAndSerial(certDer: Buffer): Buffer {
  const cert = der.readNode(certDer);
  const tbs = der.children(certDer, cert)[0];
  const fields = der.children(certDer, tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  const serial = der.expectTag(fields[offset], der.TAG.integer, 'serialNumber');
  const issuer = der.expectTag(fields[offset + 2], der.TAG.sequence, 'issuer');
  return der.seq(der.whole(certDer, issuer), der.whole(certDer, serial));
}

/** "CN=Jane Doe, O=Lab" from node's multi-line subject form. */
export function readableSubject(cert: X509Certificate): string {
  return cert.subject.split('\n').filter(Boolean).join(', ');
}

export function commonName(cert: X509Certificate): string | null {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : null;
}

/** Issued by itself and signed by its own key. */
export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.issuer === cert.subject && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}
