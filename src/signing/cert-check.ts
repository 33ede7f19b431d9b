// What makes a certificate fit to sign evidence, checked the same way when signing and when verifying:
// valid at the signing time, key usage that allows signatures, and a chain whose every issuer is a CA
// (basicConstraints CA:TRUE, keyCertSign) — the rules `openssl cms -verify` applies.
import { X509Certificate, createHash } from 'node:crypto';
import * as der from './der.js';

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
};
const KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsage = (typeof KEY_USAGE)[number];

/** Extended key usages that mean "may sign documents": e-mail protection (S/MIME), document signing
 *  (RFC 9336), Adobe authentic documents, Microsoft document signing, and any. */
const SIGNING_EKU = new Set(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36', '1.2.840.113583.1.1.5', '1.3.6.1.4.1.311.10.3.12', '2.5.29.37.0']);

export interface CertFacts {
  cert: X509Certificate;
  subject: string;
  /** SHA-256 of the certificate's DER bytes, lower-case hex (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  selfSigned: boolean;
  /** basicConstraints cA; null when the extension is absent. */
  ca: boolean | null;
  pathLen: number | null;
  /** null when the certificate has no keyUsage extension (any use allowed). */
  keyUsage: Set<KeyUsage> | null;
  extKeyUsage: string[] | null;
}

export function readableName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

export function fingerprintOf(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/** "ab:cd:…" groups for people comparing fingerprints by eye. */
export function colonFingerprint(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function certFacts(cert: X509Certificate): CertFacts {
  const facts: CertFacts = {
    cert,
    subject: readableName(cert.subject),
    fingerprint: fingerprintOf(cert),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    selfSigned: cert.issuer === cert.subject && verifiedBy(cert, cert),
    ca: null,
    pathLen: null,
    keyUsage: null,
    extKeyUsage: null,
  };
  for (const [oid, value] of extensions(cert.raw)) {
    if (oid === OID.basicConstraints) Object.assign(facts, basicConstraints(value));
    if (oid === OID.keyUsage) facts.keyUsage = keyUsage(value);
    if (oid === OID.extKeyUsage) facts.extKeyUsage = der.children(value, der.readNode(value)).map((n) => der.decodeOid(der.content(value, n)));
  }
  return facts;
}

function extensions(certDer: Buffer): [string, Buffer][] {
  const tbs = der.children(certDer, der.readNode(certDer))[0];
  const extNode = der.children(certDer, tbs).find((n) => n.tag === 0xa3);
  if (!extNode) return [];
  const list = der.children(certDer, extNode)[0];
  return der.children(certDer, list).map((ext) => {
    const parts = der.children(certDer, ext);
    const value = der.expectTag(parts[parts.length - 1], der.TAG.octetString, 'extnValue');
    return [der.decodeOid(der.content(certDer, parts[0])), Buffer.from(der.content(certDer, value))];
  });
}

function basicConstraints(value: Buffer): { ca: boolean; pathLen: number | null } {
  let ca = false;
  let pathLen: number | null = null;
  for (const n of der.children(value, der.readNode(value))) {
    if (n.tag === 0x01) ca = value[n.contentStart] !== 0;
    if (n.tag === der.TAG.integer) pathLen = der.content(value, n).reduce((v, b) => v * 256 + b, 0);
  }
  return { ca, pathLen };
}

function keyUsage(value: Buffer): Set<KeyUsage> {
  const bits = der.content(value, der.expectTag(der.readNode(value), der.TAG.bitString, 'keyUsage'));
  const out = new Set<KeyUsage>();
  KEY_USAGE.forEach((name, i) => {
    const byte = bits[1 + Math.floor(i / 8)];
    if (byte !== undefined && byte & (0x80 >> i % 8)) out.add(name);
  });
  return out;
}

/**
 * Named and signed by `issuer`. Not X509Certificate.checkIssued: it also demands keyCertSign, which
 * would hide an end-entity issuer instead of reporting it.
 */
function verifiedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.issuer === issuer.subject && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * The signer's certificate, then each issuer found in the pool (its name and signature checked), up
 * to a self-signed certificate or the last one available. `complete` when it ends self-signed.
 */
export function buildChain(leaf: X509Certificate, pool: X509Certificate[]): { chain: CertFacts[]; complete: boolean } {
  const chain = [certFacts(leaf)];
  for (let depth = 0; depth < 8; depth++) {
    const current = chain[chain.length - 1];
    if (current.selfSigned) return { chain, complete: true };
    const issuer = pool.find((c) => !chain.some((f) => f.cert.raw.equals(c.raw)) && verifiedBy(current.cert, c));
    if (!issuer) return { chain, complete: false };
    chain.push(certFacts(issuer));
  }
  return { chain, complete: false };
}

function when(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** Validity at `at` of every certificate; issuers must be CAs allowed to sign certificates. */
export function chainProblems(chain: CertFacts[], at: Date, atLabel: string): string[] {
  const problems: string[] = [];
  chain.forEach((c, i) => {
    const role = i === 0 ? 'the signer certificate' : `issuer certificate ${c.subject}`;
    if (at < c.notBefore) problems.push(`${role} (${i === 0 ? c.subject : 'in the chain'}) was not yet valid at ${atLabel} ${when(at)} (valid from ${when(c.notBefore)})`);
    if (at > c.notAfter) problems.push(`${role} (${i === 0 ? c.subject : 'in the chain'}) had expired at ${atLabel} ${when(at)} (valid until ${when(c.notAfter)})`);
    if (i === 0) return;
    const issued = chain[i - 1].subject;
    if (c.ca !== true) problems.push(`${c.subject} issued ${issued} but is not a CA (basicConstraints CA:TRUE missing)`);
    else if (c.keyUsage && !c.keyUsage.has('keyCertSign')) problems.push(`${c.subject} issued ${issued} but its key usage lacks keyCertSign`);
    // pathLen counts the intermediate CAs below this one (the signer is not counted).
    if (c.ca === true && c.pathLen !== null && i - 1 > c.pathLen) problems.push(`${c.subject} allows ${c.pathLen} CA(s) below it, the chain has ${i - 1}`);
  });
  return problems;
}

/** Key usage and extended key usage of the signer must allow signing documents. */
export function signingUseProblems(leaf: CertFacts): string[] {
  const problems: string[] = [];
  if (leaf.keyUsage && !leaf.keyUsage.has('digitalSignature') && !leaf.keyUsage.has('nonRepudiation')) {
    const has = [...leaf.keyUsage].join(', ') || 'nothing';
    problems.push(`the key usage of ${leaf.subject} does not allow signatures (digitalSignature or nonRepudiation needed; it has ${has})`);
  }
  if (leaf.extKeyUsage && !leaf.extKeyUsage.some((oid) => SIGNING_EKU.has(oid))) {
    problems.push(`the extended key usage of ${leaf.subject} allows neither document nor e-mail signing (${leaf.extKeyUsage.join(', ')})`);
  }
  return problems;
}
