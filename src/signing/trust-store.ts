// The verifier's pinned certificates: one PEM file per certificate, named by its SHA-256 fingerprint,
// in <netcustody home>/trust/. A signer is trusted when its certificate, or a CA on its chain, is pinned.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceError } from '../evidence/folder.js';
import { mkdirPrivate, writeFileDurableSync } from '../evidence/files.js';
import { certFacts, colonFingerprint, fingerprintOf, readableName } from './cert-check.js';
import { defaultConfigDir } from './config-dir.js';
import { pemBlocks } from './x509.js';

export interface TrustAnchor {
  fingerprint: string;
  subject: string;
  notAfter: string;
  pem: string;
  /** "pinned" (trust store) or "--trust FILE". */
  source: string;
}

export interface TrustVerdict {
  trusted: boolean;
  /** "pinned", "issued by pinned CA …", "--trust FILE", or why not. */
  how: string;
}

export function trustDir(configDir = defaultConfigDir()): string {
  return join(configDir, 'trust');
}

function anchorOf(cert: X509Certificate, source: string): TrustAnchor {
  return { fingerprint: fingerprintOf(cert), subject: readableName(cert.subject), notAfter: new Date(cert.validTo).toISOString(), pem: cert.toString(), source };
}

/** Every certificate of a PEM text; a file without one is an error naming the file. */
export function certificatesIn(text: string, file: string): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const der of pemBlocks(text)) {
    try {
      certs.push(new X509Certificate(der));
    } catch {
      throw new EvidenceError(`${file}: holds a CERTIFICATE block that is not a valid certificate`);
    }
  }
  if (certs.length === 0) throw new EvidenceError(`${file}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
  return certs;
}

/** Pin every certificate of a PEM file (again adding one already pinned changes nothing). */
export function addTrusted(file: string, configDir = defaultConfigDir()): TrustAnchor[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EvidenceError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const dir = trustDir(configDir);
  mkdirPrivate(configDir);
  mkdirPrivate(dir);
  return certificatesIn(text, file).map((cert) => {
    const anchor = anchorOf(cert, 'pinned');
    const path = join(dir, `${anchor.fingerprint}.pem`);
    if (!existsSync(path)) writeFileDurableSync(path, anchor.pem);
    return anchor;
  });
}

export function listTrusted(configDir = defaultConfigDir()): TrustAnchor[] {
  const dir = trustDir(configDir);
  if (!existsSync(dir)) return [];
  const out: TrustAnchor[] = [];
  for (const name of readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.pem$/.test(n)).sort()) {
    const path = join(dir, name);
    const [cert] = certificatesIn(readFileSync(path, 'utf8'), path);
    // A file whose content is not the certificate its name promises is not trusted.
    if (fingerprintOf(cert) !== name.slice(0, 64)) throw new EvidenceError(`${path}: the certificate in it does not have the fingerprint of its name`, 'remove the file and pin the certificate again');
    out.push(anchorOf(cert, 'pinned'));
  }
  return out;
}

/** "AB:CD:…", "abcd…" or "sha256:abcd…" to 64 lower-case hex digits, or null. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.trim().replace(/^sha-?256[:=]?/i, '').replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

export function removeTrusted(fingerprint: string, configDir = defaultConfigDir()): TrustAnchor {
  const fp = normaliseFingerprint(fingerprint);
  if (!fp) throw new EvidenceError(`"${fingerprint}" is not a SHA-256 fingerprint (64 hex digits, colons allowed)`, 'netcustody trust list shows the pinned fingerprints', 2);
  const anchor = listTrusted(configDir).find((a) => a.fingerprint === fp);
  if (!anchor) throw new EvidenceError(`no pinned certificate has the fingerprint ${colonFingerprint(fp)}`, 'netcustody trust list shows the pinned fingerprints');
  rmSync(join(trustDir(configDir), `${fp}.pem`));
  return anchor;
}

/** Anchors from a --trust file (every certificate in it). */
export function anchorsFromFile(text: string, file?: string): TrustAnchor[] {
  return certificatesIn(text, file ?? '--trust').map((c) => anchorOf(c, file ? `--trust ${file}` : '--trust'));
}

/**
 * Is a chain (signer first, as verified) trusted? When a certificate on it is an anchor, or the last
 * one was issued by an anchor that is a CA. Validity and CA flags of the chain itself are the CMS
 * verifier's problems, not decided here.
 */
export function evaluateTrust(chain: { fingerprint: string; pem: string; subject: string; selfSigned: boolean }[], anchors: TrustAnchor[]): TrustVerdict {
  if (chain.length === 0) return { trusted: false, how: 'NOT TRUSTED: no verifiable signer' };
  for (let i = 0; i < chain.length; i++) {
    const anchor = anchors.find((a) => a.fingerprint === chain[i].fingerprint);
    if (!anchor) continue;
    const via = anchor.source === 'pinned' ? 'pinned' : anchor.source;
    return { trusted: true, how: i === 0 ? `trusted (${via})` : `trusted (issued by ${anchor.subject}, ${via})` };
  }
  const top = new X509Certificate(chain[chain.length - 1].pem);
  for (const anchor of anchors) {
    const ca = certFacts(new X509Certificate(anchor.pem));
    try {
      if (top.issuer === ca.cert.subject && top.verify(ca.cert.publicKey) && ca.ca === true && (!ca.keyUsage || ca.keyUsage.has('keyCertSign'))) {
        return { trusted: true, how: `trusted (issued by ${anchor.subject}, ${anchor.source === 'pinned' ? 'pinned' : anchor.source})` };
      }
    } catch {
      // An anchor with an unusable key trusts nothing.
    }
  }
  const signer = chain[0];
  if (signer.selfSigned) {
    return { trusted: false, how: `NOT TRUSTED: self-signed, compare the fingerprint ${colonFingerprint(signer.fingerprint)} with the one the examiner declares, then pin it (netcustody trust add CERT)` };
  }
  return { trusted: false, how: `NOT TRUSTED: issued by ${readableName(top.issuer)}, which is not pinned (netcustody trust add CA-CERT)` };
}
